"""Mask providers on the tiny models: Grounded-SAM plumbing, attention masks, caller masks, failures."""

import numpy as np
import pytest
import torch
from conftest import SOURCE, scene, scene_masks
from PIL import Image

from oir_agent import MaskError, OIRConfig
from oir_agent.engine.runtime import Runtime
from oir_agent.masks.cleanup import components, fill_holes, keep_large_components
from oir_agent.masks.given import load_given_mask
from oir_agent.masks.grounded_sam import GroundedSAM, box_iou, detector_text, is_plural, nms
from oir_agent.masks.noise_difference import NoiseDifferenceMasks

TARGET = SOURCE.replace("red circle", "green triangle")


@pytest.fixture(scope="module")
def gsam(editor):
    return GroundedSAM(editor.grounding())


def test_detector_text_and_plural():
    assert detector_text("  Red Car ") == "red car."
    assert detector_text("cats.") == "cats."
    assert is_plural("chopsticks") and is_plural("two cats") and is_plural("dumplings")
    assert not is_plural("glass") and not is_plural("red circle") and not is_plural("bus")


def test_box_iou_and_nms_exact():
    boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30], [0, 0, 10, 5]], dtype=torch.float)
    iou = box_iou(boxes[:1], boxes)[0]
    assert torch.allclose(iou, torch.tensor([1.0, 81 / 100, 0.0, 0.5]))
    keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7, 0.6]), iou=0.7)
    assert keep.tolist() == [0, 2, 3]


def test_grounded_sam_boxes_and_masks_have_image_size(gsam):
    img = scene()
    det = gsam.detect(img, "red circle", 0.3, 0.25)
    assert det.boxes.shape[0] >= 1 and det.boxes.shape[1] == 4 and (det.scores >= 0.3).all()  # non-empty
    assert (det.boxes[:, 0] >= 0).all() and (det.boxes[:, 2] <= 96).all() and (det.boxes[:, 3] <= 64).all()
    result, best = gsam.mask(img, "red circle", 0.3, 0.25)
    assert result.mask.shape == (64, 96) and result.mask.dtype == bool and result.provider == "grounded-sam"
    assert result.mask.any() and result.box is not None  # SAM's mask of the best box, not an empty one
    assert result.score == pytest.approx(float(det.scores.max()))


def test_thresholds_are_respected(gsam):
    img = scene()
    low = gsam.detect(img, "red circle", 0.05, 0.05)
    high = gsam.detect(img, "red circle", 0.9, 0.05)
    assert low.boxes.shape[0] >= 1 and (low.scores >= 0.05).all()  # non-empty: the check below can fail
    assert (high.scores >= 0.9).all() and high.boxes.shape[0] < low.boxes.shape[0]


def test_plural_takes_union_singular_takes_best(gsam, monkeypatch):
    """With SAM replaced by a stub that paints each box, the expected masks follow from the boxes alone."""
    img = scene()

    def paint(image, boxes):
        out = np.zeros((image.height, image.width), bool)
        for x0, y0, x1, y1 in boxes.round().int().tolist():
            out[y0:y1, x0:x1] = True
        return out

    monkeypatch.setattr(gsam, "segment", paint)
    det = gsam.detect(img, "chopsticks", 0.3, 0.25)
    assert det.boxes.shape[0] >= 2  # random tiny DINO: many boxes pass
    plural, _ = gsam.mask(img, "chopsticks", 0.3, 0.25)
    expected = np.zeros((64, 96), bool)
    for x0, y0, x1, y1 in det.boxes.round().int().tolist():
        expected[y0:y1, x0:x1] = True
    assert np.array_equal(plural.mask, expected)
    assert plural.score == pytest.approx(float(det.scores.max()))
    single_det = gsam.detect(img, "red circle", 0.3, 0.25)
    best = int(single_det.scores.argmax())
    single, _ = gsam.mask(img, "red circle", 0.3, 0.25)
    x0, y0, x1, y1 = single_det.boxes[best].round().int().tolist()
    expected = np.zeros((64, 96), bool)
    expected[y0:y1, x0:x1] = True
    assert np.array_equal(single.mask, expected)  # only the best-scoring box, not the union
    assert single.box == (x0, y0, x1, y1)


@pytest.fixture
def blind(editor, monkeypatch):
    """GroundingDINO that finds nothing: every logit pushed far below any threshold."""
    dino = editor.grounding().dino
    original = dino.forward

    def forward(*args, **kwargs):
        out = original(*args, **kwargs)
        out.logits = out.logits - 50.0
        return out

    monkeypatch.setattr(dino, "forward", forward)
    return dino


def test_object_not_found_is_a_mask_error(editor, blind):
    with pytest.raises(MaskError, match=r"grounded-sam found no region for 'red circle' \('red circle' not found "
                                        r"\(best detection score 0\.00"):
        editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET,
                    config=OIRConfig(num_inference_steps=3, mask_provider="grounded-sam"))


@pytest.mark.parametrize("fallback", ["noise-difference", "attention"])
def test_object_not_found_falls_back_to_noise_difference_when_allowed(editor, blind, fallback):
    r = editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET,
                    config=OIRConfig(num_inference_steps=3, mask_provider="grounded-sam", mask_fallback=fallback))
    assert r.pairs[0].mask.provider == "noise-difference"
    assert any("did not find 'red circle'" in w and "noise-difference" in w for w in r.warnings)


def test_providers_implement_the_protocol(editor, components):
    from oir_agent.masks.base import MaskRequest
    from oir_agent.masks.grounded_sam import GroundedSAM

    request = MaskRequest(phrases=["red circle", "purple star"], seed=0, runtime=Runtime(components))
    for provider in (GroundedSAM(editor.grounding()), NoiseDifferenceMasks(Runtime(components))):
        assert isinstance(provider.name, str)
        results = provider.masks(scene(), request)
        assert len(results) == 2 and all(r.mask.shape == (64, 96) and r.provider == provider.name for r in results)


def test_attention_masks_valid_and_deterministic(components):
    rt = Runtime(components)
    provider = NoiseDifferenceMasks(rt)
    img = scene()
    a = provider.masks_for_prompts(img, [TARGET, SOURCE.replace("blue square", "green circle")], [SOURCE] * 2, seed=3)
    b = provider.masks_for_prompts(img, [TARGET, SOURCE.replace("blue square", "green circle")], [SOURCE] * 2, seed=3)
    assert len(a) == 2
    for x, y in zip(a, b):
        assert x.mask.shape == (64, 96) and x.mask.dtype == bool and x.mask.any()
        assert np.array_equal(x.mask, y.mask) and x.score == y.score
    assert rt.cost.unet_calls == 2  # one batched call per run (2 pairs x 2 prompts x 12 noises)


def test_attention_identical_prompts_give_flat_map(components):
    rt = Runtime(components)
    [m] = NoiseDifferenceMasks(rt).masks_for_prompts(scene(), [SOURCE], [SOURCE], seed=0)
    assert not m.mask.any() and "flat" in m.notes[0]


@pytest.mark.parametrize("name", ["noise-difference", "attention"])
def test_edit_with_noise_difference_masks_records_provider(editor, name):
    r = editor.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET,
                    config=OIRConfig(num_inference_steps=3, mask_provider=name))
    assert r.to_dict()["pairs"][0]["mask"]["provider"] == "noise-difference"
    assert r.to_dict()["config"]["mask_provider"] == "noise-difference"


def test_cleanup_on_hand_made_arrays():
    m = np.zeros((7, 7), bool)
    m[0:3, 0:3] = True  # 9 px
    m[5, 5] = True  # 1 px speck
    m[4:7, 0:2] = True  # 6 px
    labels, n = components(m)
    assert n == 3
    kept = keep_large_components(m, 0.5)
    assert kept[0:3, 0:3].all() and kept[4:7, 0:2].all() and not kept[5, 5]
    ring = np.zeros((5, 5), bool)
    ring[1:4, 1:4] = True
    ring[2, 2] = False
    filled = fill_holes(ring)
    assert filled[2, 2] and filled.sum() == 9
    edge = np.zeros((4, 4), bool)
    edge[0:2, :] = True
    edge[0, 1] = False  # a notch open to the border is not a hole
    assert not fill_holes(edge)[0, 1]


@pytest.mark.parametrize("fmt", ["L", "RGB", "RGBA_alpha", "RGBA_opaque", "bool_array", "float_array"])
def test_caller_mask_formats(fmt, tmp_path):
    disc = scene_masks()[0]
    if fmt == "L":
        src = Image.fromarray(disc.astype(np.uint8) * 255)
    elif fmt == "RGB":
        src = Image.fromarray(np.stack([disc * 200] * 3, -1).astype(np.uint8))
    elif fmt == "RGBA_alpha":  # white everywhere, the alpha channel is the mask
        rgba = np.full((64, 96, 4), 255, np.uint8)
        rgba[..., 3] = disc * 255
        src = Image.fromarray(rgba)
    elif fmt == "RGBA_opaque":
        rgba = np.zeros((64, 96, 4), np.uint8)
        rgba[..., 3] = 255
        rgba[disc, :3] = 255
        src = Image.fromarray(rgba)
    elif fmt == "bool_array":
        src = disc
    else:
        src = disc.astype(np.float32)
    path = tmp_path / "m.png"
    if isinstance(src, Image.Image):
        src.save(path)
        src = str(path)
    r = load_given_mask(src, (96, 64), "red circle")
    assert np.array_equal(r.mask, disc) and r.provider == "given" and r.notes == []


def test_caller_mask_scaled_when_proportional_refused_otherwise_and_empty_error():
    m = np.zeros((64, 64), bool)
    m[10:30, 10:30] = True
    with pytest.raises(MaskError, match="aspect ratio"):
        load_given_mask(m, (96, 64), "cat")
    same_ratio = load_given_mask(np.kron(scene_masks()[0], np.ones((2, 2), bool)), (96, 64), "cat")
    assert same_ratio.notes == [] and np.array_equal(same_ratio.mask, scene_masks()[0])
    with pytest.raises(MaskError, match="mask for 'cat' is empty"):
        load_given_mask(np.zeros((64, 96), bool), (96, 64), "cat")


def test_area_warnings(editor):
    full = np.ones((64, 96), bool)
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=[("red circle", "green triangle")], masks=[full],
                    config=OIRConfig(num_inference_steps=3))
    assert any("covers 100.0% of the image" in w for w in r.warnings)


def test_find_objects_reports_every_phrase(editor):
    results, work = editor.find_objects(scene(), ["red circle", "blue square"], provider="grounded-sam")
    assert work.size == (96, 64) and len(results) == 2
    assert all(r.mask.shape == (64, 96) for r in results)
    for r in results:  # found <=> a non-empty mask with a box; not found <=> a note that says so
        assert (r.mask.any() and r.box is not None) or (not r.mask.any() and r.notes)
