"""Reassembly: paste keeps the background exact, i_k <= r, overlaps, free descent, strict background."""

import dataclasses

import pytest
import torch
from conftest import SOURCE, scene, scene_masks

from oir_agent import OIRConfig
from oir_agent import images as imgio
from oir_agent.engine import reassembly
from oir_agent.engine.oir import EnginePair, run_oir
from oir_agent.engine.runtime import Runtime
from oir_agent.engine.sampler import Job, run_jobs
from oir_agent.engine.schedule import DDIMSchedule
from oir_agent.engine.search import PairSearch


def test_paste_keeps_background_exactly_outside_masks():
    torch.manual_seed(0)
    bg, pairs = torch.randn(4, 8, 12), torch.randn(2, 4, 8, 12)
    masks = torch.zeros(2, 8, 12, dtype=torch.bool)
    masks[0, 1:4, 1:5] = True
    masks[1, 4:7, 6:11] = True
    out = reassembly.paste(bg, pairs, masks)
    outside = ~masks.any(0)
    assert torch.equal(out[:, outside], bg[:, outside])
    assert torch.equal(out[:, masks[0]], pairs[0][:, masks[0]])
    assert torch.equal(out[:, masks[1]], pairs[1][:, masks[1]])


def test_latent_masks_overlap_smaller_wins():
    big = torch.zeros(64, 96, dtype=torch.bool)
    big[0:48, 0:64] = True
    small = torch.zeros(64, 96, dtype=torch.bool)
    small[16:32, 16:40] = True  # a hat on a tiger
    lm = reassembly.latent_masks(torch.stack([big, small]), 8, 12, dilation=0, threshold=0.5)
    assert not (lm[0] & lm[1]).any()
    assert lm[1].sum() == 2 * 3 and lm[1][2:4, 2:5].all()
    assert lm[0].sum() == 6 * 8 - 6


@pytest.fixture(scope="module")
def rt_sched(components):
    return Runtime(components), DDIMSchedule.from_config(components.scheduler_config, 10)


def test_descent_to_r_equals_recorded_level(components, rt_sched):
    """The free per-pair descent: candidate i's latent at level r equals a separate z_i -> r run."""
    rt, sched = rt_sched
    emb = rt.encode_prompts(["a red circle", "a green circle"])
    torch.manual_seed(3)
    z = torch.randn(4, 8, 12)
    full = run_jobs(rt, sched, emb, [Job(latent=z, start=7, end=0, cond=1, uncond=0, guidance_scale=7.5,
                                         record=frozenset({2}))])[0]
    part = run_jobs(rt, sched, emb, [Job(latent=z, start=7, end=2, cond=1, uncond=0, guidance_scale=7.5)])[0]
    assert (full.recorded[2] - part.latent).abs().max() <= 1e-5


def test_latents_at_reassembly_inverts_when_step_not_above_r(components, rt_sched):
    rt, sched = rt_sched
    emb = rt.encode_prompts(["src", "tgt", "guided a", "guided b"])
    torch.manual_seed(4)
    r = 4
    fin_a, at_r_b = torch.randn(4, 8, 12), torch.randn(4, 8, 12)
    empty = torch.zeros(1)
    a = PairSearch(steps=[3], s_edit=empty, s_background=empty, score=empty, optimal_step=3,
                   final_latents={3: fin_a}, at_reassembly={})
    b = PairSearch(steps=[8], s_edit=empty, s_background=empty, score=empty, optimal_step=8,
                   final_latents={8: torch.randn(4, 8, 12)}, at_reassembly={8: at_r_b})
    got = reassembly.latents_at_reassembly(rt, sched, emb, [a, b], [2, 3], r, None, None, "invert-candidate")
    ref_a = run_jobs(rt, sched, emb, [Job(latent=fin_a, start=0, end=r, cond=2)])[0].latent
    assert torch.equal(got[1], at_r_b)
    assert (got[0] - ref_a).abs().max() <= 1e-6


def test_keep_outside_resets_background_to_trajectory(components, rt_sched):
    rt, sched = rt_sched
    emb = rt.encode_prompts(["src", "tgt"])
    torch.manual_seed(5)
    traj = torch.randn(11, 4, 8, 12)
    mask = torch.zeros(1, 8, 12, dtype=torch.bool)
    mask[:, 2:6, 3:9] = True
    out = run_jobs(rt, sched, emb, [Job(latent=traj[6], start=6, end=0, cond=1, uncond=0, guidance_scale=7.5,
                                        keep_outside=(mask, traj))])[0].latent
    assert torch.equal(out[:, ~mask[0]], traj[0][:, ~mask[0]])
    assert not torch.equal(out[:, mask[0]], traj[0][:, mask[0]])


def _constant_noise_components(components):
    """A copy whose UNet predicts input-independent noise: DDIM then inverts exactly, so any level
    bookkeeping error in invert -> search -> paste -> re-invert -> denoise shows up."""
    from oir_agent.presets.tiny import tiny_unet

    unet = tiny_unet(0)
    with torch.no_grad():
        unet.conv_out.weight.zero_()
        unet.conv_out.bias.normal_()
    return dataclasses.replace(components, unet=unet)


def test_target_equal_source_reconstructs_the_input(components):
    c = _constant_noise_components(components)
    rt = Runtime(c)
    img = imgio.to_tensor(scene())
    disc, square = scene_masks()
    pairs = [EnginePair(SOURCE, "red circle", torch.from_numpy(disc)),
             EnginePair(SOURCE, "blue square", torch.from_numpy(square))]
    out = run_oir(rt, img, SOURCE, SOURCE, pairs, OIRConfig(num_inference_steps=10, keep_outside=False))
    vae_only = rt.decode_latents(rt.encode_images(img[None]), 1)[0]
    assert (out.image - vae_only).abs().max() <= 1e-4
    # the pasted latent is at level r: inside the masks the candidates' latents at r, outside z_r; with an exactly
    # invertible model and target == source both are z_r (pasting another level's latent would differ)
    r = OIRConfig(num_inference_steps=10).resolved_reassembly_step
    assert (out.reassembled - out.inverted.trajectory[r]).abs().max() <= 1e-5
    assert (out.reassembled - out.inverted.trajectory[r + 1]).abs().max() > 1e-3


def test_only_object_regions_follow_their_own_prompt():
    """final_prompts="per-pair": an object's region follows its guided prompt; a setting (over half the frame: a
    background or global pair) and an empty mask do not (a setting's guided prompt names the old objects)."""
    import torch

    from oir_agent.engine.oir import own_prompt_regions

    small = torch.zeros(8, 8, dtype=torch.bool)
    small[2:4, 2:4] = True
    background = ~small
    assert own_prompt_regions([small, background, torch.zeros(8, 8, dtype=torch.bool)]) == [True, False, False]
