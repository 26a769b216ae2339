"""Optimal inversion step search (paper Sec. 3.1, A.4): all candidates of all pairs in batched UNet calls.

Candidate i of pair k starts at the inverted latent z_i and is denoised i steps to level 0 with CFG
(positive: the pair's guided prompt, negative: the source prompt), then decoded and scored. Every
candidate that passes the reassembly level r keeps its latent there, so the later per-pair descent
z_{i_k} -> level r is free: it is exactly the start of candidate i_k's own trajectory (OIR-NOTES Sec. 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from . import metric
from .runtime import Runtime
from .sampler import Job, run_jobs
from .schedule import DDIMSchedule


@dataclass
class PairInput:
    """What the engine needs of one editing pair."""

    guided_row: int  # row of the guided prompt in the embeddings table
    clip_text: str  # text S_e compares against (target phrase or guided prompt)
    mask: torch.Tensor  # (H, W) bool at working resolution: the edit region


@dataclass
class PairSearch:
    """Search outcome of one pair; tensors aligned with `steps`."""

    steps: list[int]
    s_edit: torch.Tensor
    s_background: torch.Tensor
    score: torch.Tensor
    optimal_step: int
    final_latents: dict[int, torch.Tensor] = field(repr=False)  # step -> candidate latent at level 0
    at_reassembly: dict[int, torch.Tensor] = field(repr=False)  # step -> candidate latent at level r (steps > r)
    thumbnails: list[torch.Tensor] = field(default_factory=list, repr=False)  # (3, h, w) uint8, CPU


@dataclass
class SearchSettings:
    guidance_scale: float
    reassembly_step: int
    max_batch: int | None
    decode_batch: int
    clip_batch: int
    clip_region: str
    clip_crop_margin: float
    clip_patch_coverage: float
    thumbnail_side: int = 128


def search_steps(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor, trajectory: torch.Tensor,
                 source_row: int, pairs: list[PairInput], original: torch.Tensor,
                 settings: SearchSettings) -> list[PairSearch]:
    """Run every candidate of every pair together, score them, pick each pair's optimal step.

    trajectory (N+1, 4, h, w): the inversion z_0..z_N; original (3, H, W) in [0, 1] at working size.
    """
    n = schedule.num_inference_steps
    r = settings.reassembly_step
    steps = list(range(1, n + 1))
    jobs = [Job(latent=trajectory[i], start=i, end=0, cond=p.guided_row, uncond=source_row,
                guidance_scale=settings.guidance_scale, record=frozenset({r}) if i > r else frozenset())
            for p in pairs for i in steps]
    calls_before = runtime.cost.unet_calls
    outputs = run_jobs(runtime, schedule, embeddings, jobs, settings.max_batch, stage="search")
    runtime.cost.search_unet_calls += runtime.cost.unet_calls - calls_before

    image_size, patch_size = metric.clip_geometry(runtime.c.clip)
    texts = runtime.clip_text_features([p.clip_text for p in pairs])  # (K, D)
    results = []
    for k, pair in enumerate(pairs):
        mine = outputs[k * n:(k + 1) * n]
        view = metric.MaskedClipView.for_mask(pair.mask, image_size, patch_size, settings.clip_region,
                                              settings.clip_crop_margin, settings.clip_patch_coverage)
        latents = torch.stack([o.latent for o in mine])
        s_edit, s_bg, thumbs = [], [], []
        for start in range(0, n, settings.decode_batch):
            images = runtime.decode_latents(latents[start:start + settings.decode_batch], settings.decode_batch)
            s_edit.append(metric.edit_scores(runtime, images, view, texts[k], settings.clip_batch))
            s_bg.append(metric.background_scores(images, original.to(images.device), pair.mask.to(images.device)))
            thumbs.extend(_thumbnails(images, settings.thumbnail_side))
            runtime.report("scoring", k * n + min(start + settings.decode_batch, n), len(pairs) * n,
                           f"scored candidates of pair {k + 1}/{len(pairs)}")
        e, b = torch.cat(s_edit).cpu(), torch.cat(s_bg).cpu()
        score = metric.search_metric(e, b)
        best = steps[metric.best_index(score)]
        results.append(PairSearch(
            steps=steps, s_edit=e, s_background=b, score=score, optimal_step=best,
            final_latents={i: o.latent for i, o in zip(steps, mine)},
            at_reassembly={i: o.recorded[r] for i, o in zip(steps, mine) if r in o.recorded},
            thumbnails=thumbs))
    return results


def _thumbnails(images: torch.Tensor, side: int) -> list[torch.Tensor]:
    """Small uint8 copies of decoded candidates for contact sheets."""
    h, w = images.shape[-2:]
    scale = min(1.0, side / max(h, w))
    if scale < 1.0:
        images = F.interpolate(images, size=(max(1, round(h * scale)), max(1, round(w * scale))),
                               mode="bilinear", antialias=True, align_corners=False)
    return list((images.clamp(0, 1) * 255).round().to(torch.uint8).cpu())
