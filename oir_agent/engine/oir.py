"""The OIR engine run: invert once, search each pair's step, reassemble, denoise (paper Sec. 3)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from ..config import OIRConfig
from . import reassembly
from .inversion import invert
from .runtime import Runtime
from .schedule import DDIMSchedule
from .search import PairInput, PairSearch, SearchSettings, search_steps

SOURCE_ROW, TARGET_ROW = 0, 1  # rows of the prompt table; guided prompts follow


@dataclass
class EnginePair:
    guided_prompt: str
    clip_text: str
    mask: torch.Tensor  # (H, W) bool, working size


@dataclass
class EngineOutput:
    image: torch.Tensor  # (3, H, W) in [0, 1], working size
    searches: list[PairSearch]
    trajectory: torch.Tensor = field(repr=False)  # (N+1, 4, h, w) inversion of the input
    latent_masks: torch.Tensor = field(repr=False)  # (K, h, w) disjoint reassembly masks
    reassembled: torch.Tensor = field(repr=False)  # (4, h, w) the pasted latent at level r
    timings_s: dict[str, float] = field(default_factory=dict)


@torch.no_grad()
def run_oir(runtime: Runtime, image: torch.Tensor, source_prompt: str, target_prompt: str,
            pairs: list[EnginePair], config: OIRConfig) -> EngineOutput:
    """image (3, H, W) in [0, 1] with H, W multiples of 8 -> the edited image and per-pair search results."""
    timings: dict[str, float] = {}
    n, r, re = config.num_inference_steps, config.resolved_reassembly_step, config.resolved_reinversion_steps
    schedule = DDIMSchedule.from_config(runtime.c.scheduler_config, n)
    image = image.to(runtime.device, torch.float32)

    # 1. Prompt table: source, target, then one guided prompt per pair.
    embeddings = runtime.encode_prompts([source_prompt, target_prompt] + [p.guided_prompt for p in pairs])
    guided_rows = [2 + k for k in range(len(pairs))]

    # 2. One DDIM inversion under the source prompt, keeping z_0..z_N.
    t0 = time.perf_counter()
    latent0 = runtime.encode_images(image[None])[0]
    trajectory = invert(runtime, schedule, embeddings, latent0, SOURCE_ROW)
    timings["inversion"] = time.perf_counter() - t0

    # 3. Search every pair's optimal inversion step, all candidates batched together.
    t0 = time.perf_counter()
    settings = SearchSettings(
        guidance_scale=config.guidance_scale, reassembly_step=r, max_batch=config.max_batch,
        decode_batch=config.decode_batch, clip_batch=config.clip_batch, clip_region=config.clip_region,
        clip_crop_margin=config.clip_crop_margin, clip_patch_coverage=config.clip_patch_coverage)
    inputs = [PairInput(guided_row=row, clip_text=p.clip_text, mask=p.mask.to(runtime.device))
              for row, p in zip(guided_rows, pairs)]
    searches = search_steps(runtime, schedule, embeddings, trajectory, SOURCE_ROW, inputs, image, settings)
    timings["search"] = time.perf_counter() - t0

    # 4. Reassemble at level r, re-invert re steps, denoise with the target prompt.
    t0 = time.perf_counter()
    h, w = trajectory.shape[-2:]
    masks = reassembly.latent_masks(torch.stack([p.mask for p in inputs]), h, w, config.mask_dilation,
                                    config.latent_mask_threshold)
    at_r = reassembly.latents_at_reassembly(runtime, schedule, embeddings, searches, guided_rows, r,
                                            config.max_batch)
    pasted = reassembly.paste(trajectory[r], at_r, masks)
    keep = (masks.any(0, keepdim=True), trajectory) if config.strict_background else None
    final = reassembly.reinvert_and_denoise(runtime, schedule, embeddings, pasted, r, re, SOURCE_ROW, TARGET_ROW,
                                            config.guidance_scale, keep, config.max_batch)
    edited = runtime.decode_latents(final[None], 1)[0]
    timings["reassembly"] = time.perf_counter() - t0
    return EngineOutput(image=edited, searches=searches, trajectory=trajectory, latent_masks=masks,
                        reassembled=pasted, timings_s=timings)
