"""The batched sampler and the inversion equal stock diffusers schedulers run one job at a time."""

import math
import random

import pytest
import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler

from oir_agent.engine.inversion import invert
from oir_agent.engine.runtime import Runtime
from oir_agent.engine.sampler import Job, plan_calls, run_jobs
from oir_agent.engine.schedule import DDIMSchedule

N = 12


@pytest.fixture(scope="module")
def setup(components):
    rt = Runtime(components)
    prompts = ["a red circle", "a blue square", "a green triangle on the left", "a photo"]
    emb = rt.encode_prompts(prompts)
    return rt, emb


def _stock_denoise(components, emb, latent, start, end, cond, uncond, scale):
    sched = DDIMScheduler.from_config(components.scheduler_config)
    sched.set_timesteps(N)
    taus = sched.timesteps.flip(0)  # taus[k-1] = tau_k
    x = latent[None].clone()
    for level in range(start, end, -1):
        t = taus[level - 1]
        with torch.no_grad():
            if uncond is None:
                eps = components.unet(x, t, encoder_hidden_states=emb[cond][None]).sample
            else:
                both = components.unet(torch.cat([x, x]), t, encoder_hidden_states=emb[[uncond, cond]]).sample
                eps = both[0:1] + scale * (both[1:2] - both[0:1])
        x = sched.step(eps, t, x).prev_sample
    return x[0]


def test_inversion_matches_ddim_inverse_scheduler(components, setup):
    rt, emb = setup
    torch.manual_seed(1)
    z0 = torch.randn(4, 8, 12)
    schedule = DDIMSchedule.from_config(components.scheduler_config, N)
    ours = invert(rt, schedule, emb, z0, 0)
    inv = DDIMInverseScheduler.from_config(components.scheduler_config)
    inv.set_timesteps(N)
    x = z0[None].clone()
    ref = [x[0].clone()]
    for t in inv.timesteps:
        with torch.no_grad():
            eps = components.unet(x, t, encoder_hidden_states=emb[0:1]).sample
        x = inv.step(eps, t, x).prev_sample
        ref.append(x[0].clone())
    ref = torch.stack(ref)
    assert ours.shape == (N + 1, 4, 8, 12)
    assert (ours - ref).abs().max() <= 1e-5


@pytest.mark.parametrize("max_batch", [2, 5, None])
def test_batched_sampler_matches_stock_scheduler_per_job(components, setup, max_batch):
    rt, emb = setup
    torch.manual_seed(2)
    specs = [(N, 0, 1, 0, 7.5), (5, 0, 2, 0, 7.5), (1, 0, 3, None, 1.0), (9, 3, 0, 3, 3.0), (7, 0, 2, 1, 5.0),
             (12, 6, 1, None, 1.0), (3, 0, 0, 3, 7.5)]
    jobs = [Job(latent=torch.randn(4, 8, 12), start=s, end=e, cond=c, uncond=u, guidance_scale=g,
                record=frozenset({e + 1}) if s > e + 1 else frozenset())
            for s, e, c, u, g in specs]
    outs = run_jobs(rt, DDIMSchedule.from_config(components.scheduler_config, N), emb, jobs, max_batch)
    assert len(outs) == len(jobs)
    for job, out in zip(jobs, outs):
        ref = _stock_denoise(components, emb, job.latent, job.start, job.end, job.cond, job.uncond,
                             job.guidance_scale)
        assert (out.latent - ref).abs().max() <= 1e-4
        for level, latent in out.recorded.items():  # recorded latents are the trajectory's, at that level
            mid = _stock_denoise(components, emb, job.latent, job.start, level, job.cond, job.uncond,
                                 job.guidance_scale)
            assert (latent - mid).abs().max() <= 1e-4


def test_sampler_cost_is_counted_per_call_and_sample(components, setup):
    rt, emb = setup
    schedule = DDIMSchedule.from_config(components.scheduler_config, N)
    jobs = [Job(latent=torch.zeros(4, 8, 12), start=i, end=0, cond=1, uncond=0, guidance_scale=7.5)
            for i in range(1, N + 1)]
    before_calls, before_samples = rt.cost.unet_calls, rt.cost.unet_sample_evals
    run_jobs(rt, schedule, emb, jobs, None)
    assert rt.cost.unet_calls - before_calls == N  # all candidates share N calls
    assert rt.cost.unet_sample_evals - before_samples == N * (N + 1)  # 2 * sum(i)


def _check_plan(jobs, cap):
    calls = plan_calls(jobs, cap)
    steps = [0] * len(jobs)
    for call in calls:
        assert len(set(call)) == len(call)  # a job advances at most once per call
        used = sum(jobs[j].samples_per_step for j in call)
        assert cap is None or used <= cap
        for j in call:
            steps[j] += 1
    assert steps == [j.num_steps for j in jobs]  # nothing dropped, nothing repeated
    return calls


@pytest.mark.parametrize("cap", [2, 3, 5, 8, 17, None])
def test_plan_is_complete_and_optimal(cap):
    jobs = [Job(latent=None, start=i, end=0, cond=0, uncond=1) for i in range(1, 21)]
    calls = _check_plan(jobs, cap)
    total = sum(j.num_steps * 2 for j in jobs)
    per_call = math.inf if cap is None else 2 * (cap // 2)
    assert len(calls) == max(20, math.ceil(total / per_call))  # Hu's rule is optimal for chains


def test_plan_mixed_costs_random():
    rnd = random.Random(0)
    for _ in range(50):
        jobs = [Job(latent=None, start=0, end=rnd.randint(0, 9), cond=0, uncond=rnd.choice([None, 1]))
                for _ in range(rnd.randint(1, 12))]
        _check_plan(jobs, rnd.choice([2, 3, 4, 7, None]))


def test_a_job_wider_than_the_cap_goes_alone_and_a_cap_below_one_is_refused():
    wide = Job(latent=None, start=2, end=0, cond=0, uncond=1)  # 2 samples a step
    narrow = Job(latent=None, start=1, end=0, cond=0)
    assert plan_calls([wide, narrow], 1) == [[0], [0], [1]]  # never together, none skipped, no endless loop
    with pytest.raises(ValueError):
        plan_calls([wide], 0)


def test_a_job_wider_than_the_cap_has_its_samples_split_with_the_same_numbers(components, setup):
    rt, emb = setup
    torch.manual_seed(4)
    z = torch.randn(4, 8, 12)
    mask = torch.zeros(1, 8, 12, dtype=torch.bool)
    mask[:, :4] = True
    schedule = DDIMSchedule.from_config(components.scheduler_config, N)
    job = Job(latent=z, start=4, end=0, cond=0, uncond=3, guidance_scale=7.5, regions=((1, mask), (2, ~mask)))
    whole = run_jobs(rt, schedule, emb, [job])[0].latent
    calls = rt.cost.unet_calls
    split = run_jobs(rt, schedule, emb, [job], max_batch=2)[0].latent  # 4 samples a step in 2 calls
    assert rt.cost.unet_calls - calls == 2 * 4
    assert (split - whole).abs().max() <= 1e-5


def test_out_of_memory_splits_the_batch_with_same_numbers(components, setup, monkeypatch):
    rt, emb = setup
    torch.manual_seed(9)
    x, t, e = torch.randn(6, 4, 8, 12), torch.full((6,), 500), emb[[0, 1, 2, 0, 1, 2]]
    reference = rt.predict_noise(x, t, e)
    real = components.unet.forward

    def small_memory(sample, *a, **k):
        if sample.shape[0] > 2:
            raise torch.OutOfMemoryError("simulated")
        return real(sample, *a, **k)

    monkeypatch.setattr(components.unet, "forward", small_memory)
    fresh = Runtime(components)
    out = fresh.predict_noise(x, t, e)
    assert (out - reference).abs().max() <= 1e-5
    assert fresh.cost.unet_calls == 4 and fresh.cost.unet_sample_evals == 6  # 6 -> 3+3 -> (1+2)+(1+2)
    assert "split the calls" in fresh.notes[0]


def test_regional_prompt_inside_its_mask_matches_an_independent_denoise(components, setup):
    """final_prompts="per-pair": inside a region the positive prediction is the region's prompt, outside the job's
    own; then CFG. Checked against a stock-scheduler loop, alone and batched with a plain job, and counted."""
    rt, emb = setup
    torch.manual_seed(3)
    z = torch.randn(4, 8, 12)
    mask = torch.zeros(1, 8, 12, dtype=torch.bool)
    mask[:, :, :5] = True
    sched = DDIMScheduler.from_config(components.scheduler_config)
    sched.set_timesteps(N)
    taus = sched.timesteps.flip(0)
    x = z[None].clone()
    for level in range(6, 0, -1):
        t = taus[level - 1]
        with torch.no_grad():
            out = components.unet(torch.cat([x, x, x]), t, encoder_hidden_states=emb[[3, 0, 2]]).sample
        positive = torch.where(mask, out[2:3], out[1:2])
        x = sched.step(out[0:1] + 7.5 * (positive - out[0:1]), t, x).prev_sample
    schedule = DDIMSchedule.from_config(components.scheduler_config, N)
    job = Job(latent=z, start=6, end=0, cond=0, uncond=3, guidance_scale=7.5, regions=((2, mask),))
    plain = Job(latent=z, start=6, end=0, cond=0, uncond=3, guidance_scale=7.5)
    before = rt.cost.unet_sample_evals
    alone = run_jobs(rt, schedule, emb, [job])[0].latent
    assert rt.cost.unet_sample_evals - before == 3 * 6  # CFG (2) + one region, per step
    assert (alone - x[0]).abs().max() <= 1e-4
    both = run_jobs(rt, schedule, emb, [plain, job])
    assert (both[1].latent - alone).abs().max() <= 1e-5
    assert (both[0].latent - run_jobs(rt, schedule, emb, [plain])[0].latent).abs().max() <= 1e-5
    assert (both[0].latent - alone)[:, :, :5].abs().max() > 1e-3  # the region's prompt did change its part
