"""Batched DDIM sampler: many jobs, each with its own start/end level and prompts, run together.

A job moves one latent level by level (down = denoise, up = invert) under one prompt, optionally with
classifier-free guidance against a negative prompt. Every UNet call advances a set of jobs by one level,
with per-sample timesteps and per-sample prompt embeddings (docs/METHOD.md Sec. 2). Which jobs share a call
is planned up front by "longest remaining first" (Hu's rule, optimal for chains of unit steps), capped at
`max_batch` samples per call, where a CFG job counts 2 samples (plus one per per-pair region) and is never split
across calls, except a job wider than max_batch: it goes alone and its samples take several UNet calls.
All candidates of all pairs therefore take max(longest job, total samples / max_batch) calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .runtime import Runtime
from .schedule import DDIMSchedule


@dataclass
class Job:
    """One trajectory. Levels: 0 = clean latent, N = fully inverted."""

    latent: torch.Tensor  # (4, h, w) fp32 at level `start`
    start: int
    end: int
    cond: int  # row of the embeddings table: the (positive) prompt
    uncond: int | None = None  # row of the negative prompt; None = no CFG (one sample per step)
    guidance_scale: float = 1.0
    record: frozenset[int] = frozenset()  # levels whose latents are kept in the output
    keep_outside: tuple[torch.Tensor, torch.Tensor] | None = None  # (mask (1,h,w) bool, trajectory (N+1,4,h,w)):
    # after every step, latents outside the mask are reset to the trajectory at the new level
    regions: tuple[tuple[int, torch.Tensor], ...] = ()  # (prompt row, mask (1,h,w) bool): inside each mask the
    # positive prediction is that prompt's (one more sample per region per step); elsewhere `cond`'s

    @property
    def samples_per_step(self) -> int:
        return (1 if self.uncond is None else 2) + len(self.regions)

    @property
    def num_steps(self) -> int:
        return abs(self.end - self.start)


@dataclass
class JobOutput:
    latent: torch.Tensor  # (4, h, w) at level `end`
    recorded: dict[int, torch.Tensor] = field(default_factory=dict)


def plan_calls(jobs: list[Job], max_batch: int | None) -> list[list[int]]:
    """Job indices advanced by each UNet call, longest remaining first, at most max_batch samples a call."""
    remaining = [job.num_steps for job in jobs]
    cost = [job.samples_per_step for job in jobs]
    if max_batch is not None and max_batch < 1:
        raise ValueError(f"max_batch={max_batch}: expected at least 1 sample per UNet call")
    calls: list[list[int]] = []
    while True:
        order = sorted((i for i, r in enumerate(remaining) if r > 0), key=lambda i: (-remaining[i], i))
        if not order:
            return calls
        chosen, used = [], 0
        for i in order:
            if max_batch is None or used + cost[i] <= max_batch or not chosen and cost[i] > max_batch:
                chosen.append(i)  # (a job wider than max_batch goes alone; run_jobs splits its samples)
                used += cost[i]
        for i in chosen:
            remaining[i] -= 1
        calls.append(sorted(chosen))


@torch.no_grad()
def run_jobs(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor, jobs: list[Job],
             max_batch: int | None = None, stage: str = "sampling") -> list[JobOutput]:
    """Run all jobs to their end level; embeddings (P, 77, D) is the prompt table the jobs index."""
    device = runtime.device
    outputs = [JobOutput(latent=job.latent) for job in jobs]
    if not jobs:
        return outputs
    state = torch.stack([job.latent for job in jobs]).to(device, torch.float32)  # (J, 4, h, w)
    levels = [job.start for job in jobs]  # kept on the host: no device sync per job
    embeddings = embeddings.to(device)
    calls = plan_calls(jobs, max_batch)
    for call_no, chosen in enumerate(calls):
        idx = torch.tensor(chosen, dtype=torch.int64, device=device)
        cfg = [k for k, j in enumerate(chosen) if jobs[j].uncond is not None]
        src = [levels[j] for j in chosen]
        dst = [levels[j] + (1 if jobs[j].end > jobs[j].start else -1) for j in chosen]
        level_from = torch.tensor(src, dtype=torch.int64, device=device)
        level_to = torch.tensor(dst, dtype=torch.int64, device=device)
        t = schedule.unet_timestep(level_from, level_to)
        x = state[idx]
        # Samples: every job's positive prompt first, then the negative prompt of the CFG jobs, then the regions'.
        regional = [(k, row, mask) for k, j in enumerate(chosen) for row, mask in jobs[j].regions]
        prompt_rows = [jobs[j].cond for j in chosen] + [jobs[chosen[k]].uncond for k in cfg] + \
            [row for _, row, _ in regional]
        cfg_idx = torch.tensor(cfg, dtype=torch.int64, device=device)
        reg_idx = torch.tensor([k for k, _, _ in regional], dtype=torch.int64, device=device)
        batch_x = torch.cat([x, x[cfg_idx], x[reg_idx]])
        batch_t = torch.cat([t, t[cfg_idx], t[reg_idx]])
        batch_e = embeddings[torch.tensor(prompt_rows, dtype=torch.int64, device=device)]
        if max_batch is None or len(batch_x) <= max_batch:
            out = runtime.predict_noise(batch_x, batch_t, batch_e)
        else:  # one job wider than max_batch (CFG + per-pair regions): its samples in several UNet calls
            out = torch.cat([runtime.predict_noise(batch_x[i:i + max_batch], batch_t[i:i + max_batch],
                                                   batch_e[i:i + max_batch])
                             for i in range(0, len(batch_x), max_batch)])
        noise = out[: len(chosen)].clone()
        for n, (k, _, mask) in enumerate(regional):  # a region's own prompt inside it, before guidance
            noise[k] = torch.where(mask.to(device), out[len(chosen) + len(cfg) + n], noise[k])
        if cfg:
            scale = torch.tensor([jobs[chosen[k]].guidance_scale for k in cfg], device=device).view(-1, 1, 1, 1)
            uncond = out[len(chosen):len(chosen) + len(cfg)]
            noise[cfg_idx] = uncond + scale * (noise[cfg_idx] - uncond)
        new = schedule.step(x, noise, level_from, level_to)
        for k, j in enumerate(chosen):
            keep = jobs[j].keep_outside
            if keep is not None:
                mask, trajectory = keep
                new[k] = torch.where(mask.to(device), new[k], trajectory[dst[k]].to(device))
        state[idx] = new
        for k, j in enumerate(chosen):
            levels[j] = dst[k]
            if dst[k] in jobs[j].record:
                outputs[j].recorded[dst[k]] = new[k].clone()
        runtime.report(stage, call_no + 1, len(calls), f"UNet call {call_no + 1}/{len(calls)} ({len(batch_x)} samples)")
    for j in range(len(jobs)):
        outputs[j].latent = state[j].clone()
    return outputs
