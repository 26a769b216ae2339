"""Every supported family's schedule equals diffusers' stock DDIM schedulers, one job at a time: SD 1.x (tested in
test_engine_sampler.py), SD 2.x with v-prediction, and SDXL ("leading" spacing, size conditioning)."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler

from oir_agent.engine.inversion import invert
from oir_agent.engine.runtime import Runtime
from oir_agent.engine.sampler import Job, run_jobs
from oir_agent.engine.schedule import DDIMSchedule
from oir_agent.presets.tiny import SD_SCHEDULER_CONFIG, build_tiny, build_tiny_sdxl

N = 10
FAMILIES = {
    "sd2-v": lambda: dataclasses.replace(build_tiny(0), scheduler_config={**SD_SCHEDULER_CONFIG,
                                                                         "prediction_type": "v_prediction"}),
    "sdxl": lambda: build_tiny_sdxl(0),
}


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request):
    components = FAMILIES[request.param]()
    rt = Runtime(components)
    return components, rt, rt.encode_prompts(["a red circle", "a blue square"])


def test_inversion_matches_the_stock_inverse_scheduler(family):
    components, rt, emb = family
    z0 = torch.randn(4, 8, 12, generator=torch.Generator().manual_seed(1))
    ours = invert(rt, DDIMSchedule.from_config(components.scheduler_config, N), emb, z0, 0)
    inv = DDIMInverseScheduler.from_config(components.scheduler_config)
    inv.set_timesteps(N)
    x, ref = z0[None].clone(), [z0.clone()]
    for t in inv.timesteps:
        x = inv.step(rt.predict_noise(x, t[None], emb[0:1]), t, x).prev_sample
        ref.append(x[0].clone())
    assert (ours - torch.stack(ref)).abs().max() <= 1e-5


def test_denoise_matches_the_stock_scheduler_with_cfg(family):
    components, rt, emb = family
    z = torch.randn(4, 8, 12, generator=torch.Generator().manual_seed(2))
    out = run_jobs(rt, DDIMSchedule.from_config(components.scheduler_config, N), emb,
                   [Job(latent=z, start=N, end=0, cond=1, uncond=0, guidance_scale=5.0)])[0].latent
    sched = DDIMScheduler.from_config(components.scheduler_config)
    sched.set_timesteps(N)
    x = z[None].clone()
    for t in sched.timesteps:
        both = rt.predict_noise(torch.cat([x, x]), t.repeat(2), emb[[0, 1]])
        x = sched.step(both[0:1] + 5.0 * (both[1:2] - both[0:1]), t, x).prev_sample
    assert (out - x[0]).abs().max() <= 1e-4


@pytest.mark.parametrize("name, params, family", [("sd2-random", 0.866e9, "sd"), ("sdxl-random", 2.567e9, "sdxl")])
def test_random_presets_have_the_real_architectures(name, params, family):
    """sd2-random / sdxl-random: the published UNet sizes (built on the meta device: no memory, no compute)."""
    from oir_agent.presets.tiny import build_sd2_random, build_sdxl_random

    c = (build_sd2_random if name == "sd2-random" else build_sdxl_random)(0, device="meta")
    assert c.family == family and abs(sum(p.numel() for p in c.unet.parameters()) / params - 1) < 0.002
    if family == "sd":
        assert c.scheduler_config["prediction_type"] == "v_prediction" and c.text_encoder.config.hidden_size == 1024
    else:
        assert c.text_encoder_2.config.projection_dim == 1280 and c.vae.config.force_upcast


def test_the_default_working_size_is_the_models_native_size():
    from oir_agent.presets.tiny import build_sd2_random, build_sdxl_random

    assert build_sdxl_random(0, device="meta").working_side(None) == 1024
    assert build_sd2_random(0, device="meta").working_side(None) == 768
    assert build_tiny(0).working_side(None) == 512  # small test models: at least 512 (never their toy size)
    assert build_tiny_sdxl(0).working_side(700) == 700  # max_side, when given, wins
