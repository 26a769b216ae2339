"""Bad input raises the right OIRError subclass with a message naming the argument and the remedy."""

import numpy as np
import pytest
from conftest import SOURCE, scene, scene_masks

from oir_agent import (
    AlignmentError,
    ConfigError,
    InvalidInputError,
    MaskError,
    ModelUnavailableError,
    OIRConfig,
    OIREditor,
)

PAIRS = [("red circle", "green triangle")]
CFG = OIRConfig(num_inference_steps=3)


def edit(editor, **kw):
    args = dict(image=scene(), source_prompt=SOURCE, pairs=PAIRS, masks=[scene_masks()[0]], config=CFG)
    args.update(kw)
    return editor.edit(**args)


def test_missing_image_file(editor, tmp_path):
    with pytest.raises(InvalidInputError, match=r"image: file .*nope\.png.* does not exist"):
        edit(editor, image=str(tmp_path / "nope.png"))


def test_non_image_file(editor, tmp_path):
    p = tmp_path / "notes.png"
    p.write_text("this is not a picture")
    with pytest.raises(InvalidInputError, match=r"not a readable image.*PNG, JPEG"):
        edit(editor, image=str(p))


def test_truncated_image_file(editor, tmp_path):
    p = tmp_path / "cut.png"
    scene().save(p)
    p.write_bytes(p.read_bytes()[:200])
    with pytest.raises(InvalidInputError, match="cut.png"):
        edit(editor, image=str(p))


def test_empty_mask(editor):
    with pytest.raises(MaskError, match=r"mask for 'red circle' is empty.*non-zero"):
        edit(editor, masks=[np.zeros((64, 96), bool)])


def test_wrong_number_of_masks(editor):
    with pytest.raises(MaskError, match=r"2 mask\(s\) given for 1 editing pair"):
        edit(editor, masks=list(scene_masks()))


def test_pair_not_in_source_prompt(editor):
    with pytest.raises(AlignmentError, match=r"'purple hexagon' does not occur in the source prompt"):
        edit(editor, pairs=[("purple hexagon", "cat")])


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(num_inference_steps=1), r"num_inference_steps=1 is invalid: expected an integer >= 2"),
    (dict(num_inference_steps=10, reassembly_step=10), r"reassembly_step=10 is invalid: expected .*\[0, 10\)"),
    (dict(num_inference_steps=10, reassembly_step=5, reinversion_steps=6), r"reinversion_steps=6 is invalid"),
    (dict(max_batch=1), r"max_batch=1 is invalid.*CFG"),
    (dict(guidance_scale=0.5), r"guidance_scale"),
    (dict(clip_region="middle"), r"clip_region='middle'.*'crop' or 'full'"),
])
def test_config_errors(kwargs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        OIRConfig(**kwargs)


def test_unknown_config_field():
    with pytest.raises(ConfigError, match="unknown OIRConfig field"):
        OIRConfig().replace(stepz=3)


@pytest.mark.parametrize("device, pattern", [("tpu9", "not a device torch knows"),
                                             ("cuda:7", "CUDA is not available|only")])
def test_unknown_device(device, pattern):
    with pytest.raises(ConfigError, match=pattern):
        OIREditor.from_pretrained("tiny", device=device)


def test_missing_model_dir(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailableError, match="not a diffusers model folder"):
        OIREditor.from_pretrained(str(tmp_path / "empty"), device="cpu")


def test_missing_hub_model_offline():
    with pytest.raises(ModelUnavailableError, match="could not load model 'nobody/no-such-model'.*Download"):
        OIREditor.from_pretrained("nobody/no-such-model", device="cpu")


def test_prompt_too_long(editor):
    many_words = SOURCE + " " + " ".join(["and a very small purple hexagon"] * 20)
    with pytest.raises(AlignmentError, match="words, more than the text encoder's 77-token window"):
        edit(editor, source_prompt=many_words)  # refused before any model work, by word count
    many_tokens = SOURCE + " " + " ".join(["x-y-z-w"] * 20)  # few words, many tokens: the tokenizer's check
    with pytest.raises(AlignmentError, match="tokens long.*Shorten the prompt"):
        edit(editor, source_prompt=many_tokens)


def test_cpu_half_precision_refused():
    with pytest.raises(ConfigError, match="fp32 on CPU"):
        OIREditor.from_pretrained("tiny", device="cpu", dtype="fp16")
