"""The SDXL family (tiny-sdxl preset: SDXL's architecture at toy size): its conditioning equals what diffusers'
StableDiffusionXLPipeline builds, a whole edit runs through the library, the CLI and MCP, the family is read from a
checkpoint's own files, and flow-matching transformers are refused at load time."""

from __future__ import annotations

import json

import pytest
import torch
from conftest import SOURCE, scene, scene_masks

from oir_agent import OIRConfig, OIREditor
from oir_agent.engine.runtime import Runtime
from oir_agent.errors import ModelUnavailableError
from oir_agent.types import Cost

TARGET = SOURCE.replace("red circle", "green triangle")


@pytest.fixture(scope="module")
def xl():
    return OIREditor.from_pretrained("tiny-sdxl", device="cpu")


def test_conditioning_equals_the_sdxl_pipelines(xl):
    from diffusers import DDIMScheduler, StableDiffusionXLPipeline

    c = xl.components
    pipe = StableDiffusionXLPipeline(vae=c.vae, text_encoder=c.text_encoder, text_encoder_2=c.text_encoder_2,
                                     tokenizer=c.tokenizer, tokenizer_2=c.tokenizer_2, unet=c.unet,
                                     scheduler=DDIMScheduler(**c.scheduler_config))
    prompts = [SOURCE, TARGET]
    embeds, _, pooled, _ = pipe.encode_prompt(prompts, device="cpu", num_images_per_prompt=1,
                                              do_classifier_free_guidance=False)
    rt = Runtime(c, Cost())
    ours = rt.encode_prompts(prompts)
    assert torch.equal(ours[:, :-1], embeds.float())  # both encoders' penultimate states, side by side
    assert torch.equal(ours[:, -1, :pooled.shape[-1]], pooled.float()) and not ours[:, -1, pooled.shape[-1]:].any()
    h, w = 64, 96
    ids = pipe._get_add_time_ids((h, w), (0, 0), (h, w), dtype=torch.float32,
                                 text_encoder_projection_dim=c.text_encoder_2.config.projection_dim)
    assert torch.equal(rt.size_ids(torch.zeros(2, 4, h // 8, w // 8)).float(), ids.repeat(2, 1))
    # and the UNet call the engine makes equals the pipeline's own call
    latents, t = torch.randn(2, 4, h // 8, w // 8, generator=torch.Generator().manual_seed(0)), torch.tensor([500, 500])
    theirs = c.unet(latents, t, encoder_hidden_states=embeds, added_cond_kwargs={"text_embeds": pooled,
                                                                                 "time_ids": ids.repeat(2, 1)}).sample
    assert torch.allclose(rt.predict_noise(latents, t, ours), theirs, atol=1e-6)


def test_edit_on_tiny_sdxl_through_the_library(xl):
    r = xl.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET, masks=[scene_masks()[0]],
                config=OIRConfig(num_inference_steps=4))
    d = r.to_dict()
    assert r.image.size == (96, 64) and d["pairs"][0]["optimal_step"] in d["pairs"][0]["search"]["steps"]
    assert d["cost"]["unet_sample_evals"] > 0 and torch.isfinite(torch.tensor(d["pairs"][0]["search"]["s_edit"])).all()
    again = xl.edit(scene(), source_prompt=SOURCE, target_prompt=TARGET, masks=[scene_masks()[0]],
                    config=OIRConfig(num_inference_steps=4))
    assert again.image.tobytes() == r.image.tobytes()  # deterministic


def test_edit_on_tiny_sdxl_through_the_cli(tmp_path):
    from PIL import Image

    from oir_agent.cli.main import main

    scene().save(tmp_path / "s.png")
    Image.fromarray(scene_masks()[0].astype("uint8") * 255).save(tmp_path / "m.png")
    rc = main(["edit", str(tmp_path / "s.png"), "--model", "tiny-sdxl", "-s", SOURCE, "-t", TARGET, "--mask",
               f"red circle={tmp_path / 'm.png'}", "--steps", "3", "-o", str(tmp_path / "o.png"), "--diagnostics",
               str(tmp_path / "d.json"), "--quiet"])
    assert rc == 0 and json.loads((tmp_path / "d.json").read_text())["model"] == "tiny-sdxl"


def test_edit_on_tiny_sdxl_through_mcp(xl, tmp_path):
    import anyio
    from mcp import Client

    from oir_agent.server.app import build_server
    from oir_agent.server.settings import ServerSettings

    scene().save(tmp_path / "s.png")
    server = build_server(lambda: xl, ServerSettings(allowed_dirs=[tmp_path], output_dir=tmp_path / "out"))

    async def go():
        async with Client(server) as c:
            return await c.call_tool("edit_image", {"image": "s.png", "source_prompt": SOURCE, "target_prompt": TARGET,
                                                    "steps": 3, "return_image": "link"})

    r = anyio.run(go)
    assert not r.is_error, r.content[0].text
    assert r.structured_content["model"] == "tiny-sdxl"


def test_family_is_read_from_the_checkpoints_files(tmp_path):
    from oir_agent.models import model_family

    sd, xlf, flux = tmp_path / "sd", tmp_path / "xl", tmp_path / "flux"
    for folder, index, unet in ((sd, "StableDiffusionPipeline", {}),
                                (xlf, "MyRenamedPipeline", {"addition_embed_type": "text_time"}),
                                (flux, "FluxPipeline", None)):
        folder.mkdir()
        (folder / "model_index.json").write_text(json.dumps({"_class_name": index}))
        if unet is not None:
            (folder / "unet").mkdir()
            (folder / "unet" / "config.json").write_text(json.dumps(unet))
    assert model_family(sd) == "sd" and model_family(xlf) == "sdxl"  # the UNet config decides, not the name
    with pytest.raises(ModelUnavailableError, match="flow-matching.*supported: Stable Diffusion 1.x"):
        model_family(flux)
    with pytest.raises(ModelUnavailableError, match="flow-matching"):
        OIREditor.from_pretrained(str(flux), device="cpu")


def test_sdxl_folder_round_trip(xl, tmp_path):
    """A tiny SDXL saved in diffusers layout loads back as SDXL (model_index.json + text_encoder_2/tokenizer_2)."""
    from diffusers import DDIMScheduler, StableDiffusionXLPipeline

    c = xl.components
    StableDiffusionXLPipeline(vae=c.vae, text_encoder=c.text_encoder, text_encoder_2=c.text_encoder_2,
                              tokenizer=c.tokenizer, tokenizer_2=c.tokenizer_2, unet=c.unet,
                              scheduler=DDIMScheduler(**c.scheduler_config)).save_pretrained(tmp_path / "xl")
    c.clip.save_pretrained(tmp_path / "xl" / "metric_clip")
    c.clip_tokenizer.save_pretrained(str(tmp_path / "xl" / "metric_clip"))
    loaded = OIREditor.from_pretrained(str(tmp_path / "xl"), device="cpu")
    assert loaded.components.family == "sdxl"
    a = Runtime(loaded.components, Cost()).encode_prompts([SOURCE])
    b = Runtime(c, Cost()).encode_prompts([SOURCE])
    assert torch.equal(a, b)
