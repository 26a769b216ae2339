"""Reassembly (paper Sec. 3.2): bring each pair to level r, paste into the background, re-invert, denoise.

At level r the background is z_r (the inverted original) and each pair's latent is pasted inside its
latent-resolution mask (overlaps: the smaller mask wins). The reassembled latent is re-inverted `re`
steps under the source prompt without CFG, then denoised r + re steps with the target prompt
(CFG, negative = source prompt); with final_prompts="per-pair", inside each pair's latent region with that pair's
guided prompt instead (its concept only), so another pair's concept in the target prompt cannot enter it.
"""

from __future__ import annotations

import torch

from . import geometry
from .runtime import Runtime
from .sampler import Job, run_jobs
from .schedule import DDIMSchedule
from .search import PairSearch


def latents_at_reassembly(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor,
                          searches: list[PairSearch], guided_rows: list[int], r: int, max_batch: int | None,
                          trajectory: torch.Tensor | None, shallow_rule: str,
                          steps: list[int] | None = None) -> torch.Tensor:
    """(K, 4, h, w): each pair's latent at level r, for its optimal step (or `steps[k]` when given).

    i_k > r: the latent candidate i_k already passed through at level r (free, identical to re-running).
    i_k <= r (the authors' release crashes here), by `shallow_rule` (docs/DECISIONS.md, "Shallow pairs"):
    "source-latent" pastes z_r, the source inversion at r, leaving the pair's edit to the final denoise
    (free); "invert-candidate" DDIM-inverts the finished candidate under its guided prompt, no CFG, from
    level 0 up to level r (r sample evaluations).
    """
    chosen = steps if steps is not None else [s.optimal_step for s in searches]
    out: list[torch.Tensor | None] = [None] * len(searches)
    jobs, owners = [], []
    for k, (s, row, step) in enumerate(zip(searches, guided_rows, chosen)):
        if step > r:
            out[k] = s.at_reassembly[step]
        elif shallow_rule == "source-latent":
            if trajectory is None:
                raise ValueError("shallow_rule='source-latent' needs the inversion trajectory")
            out[k] = trajectory[r]
        else:
            jobs.append(Job(latent=s.final_latents[step], start=0, end=r, cond=row))
            owners.append(k)
    for k, result in zip(owners, run_jobs(runtime, schedule, embeddings, jobs, max_batch, stage="reassembly")):
        out[k] = result.latent
    return torch.stack([x.to(runtime.device) for x in out])


def latent_masks(masks: torch.Tensor, height: int, width: int, dilation: int, threshold: float) -> torch.Tensor:
    """(K, H, W) image masks -> (K, h, w) disjoint latent masks (dilate, area-pool, threshold, smaller wins)."""
    pooled = torch.stack([geometry.to_latent(geometry.dilate(m, dilation), height, width, threshold) for m in masks])
    return geometry.resolve_overlaps(pooled)


def paste(background: torch.Tensor, pair_latents: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """background (4, h, w), pair_latents (K, 4, h, w), disjoint masks (K, h, w) -> reassembled (4, h, w).

    Outside every mask the result is exactly `background`.
    """
    out = background.clone()
    for latent, mask in zip(pair_latents, masks):
        out = torch.where(mask.to(out.device), latent.to(out.device), out)
    return out


def reinvert_and_denoise_many(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor,
                              reassembled: list[torch.Tensor], r: int, re: list[int], source_row: int,
                              target_row: int, guidance_scale: float,
                              keep_outside: list[tuple[torch.Tensor, torch.Tensor] | None],
                              max_batch: int | None,
                              regions: list[tuple[tuple[int, torch.Tensor], ...]] | None = None) -> list[torch.Tensor]:
    """Several reassembled latents (each with its own re-inversion depth) through re-inversion and the final
    denoise in shared UNet calls; each costs exactly what it would alone. Returns level-0 latents. `regions`:
    per latent, (guided prompt row, latent mask) whose prompt the final denoise follows inside the mask."""
    regions = regions or [()] * len(reassembled)
    up = run_jobs(runtime, schedule, embeddings,
                  [Job(latent=z, start=r, end=r + d, cond=source_row, keep_outside=k)
                   for z, d, k in zip(reassembled, re, keep_outside)], max_batch, stage="reinversion")
    down = run_jobs(runtime, schedule, embeddings,
                    [Job(latent=u.latent, start=r + d, end=0, cond=target_row, uncond=source_row,
                         guidance_scale=guidance_scale, keep_outside=k, regions=g)
                     for u, d, k, g in zip(up, re, keep_outside, regions)], max_batch, stage="denoise")
    return [o.latent for o in down]
