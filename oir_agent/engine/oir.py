"""The OIR engine run: invert once, search each pair's step, reassemble, denoise (paper Sec. 3).

The stages are separate functions so that the editor, the benchmarks and the tests run the same code:
`invert_image` (prompt table + one inversion), `search_pairs`, `reassemble` (any choice of steps, any
re-inversion depth), and `fixed_depth_edits` (the plain invert-k-then-denoise baseline at several depths, counted
the same way).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import torch

from ..config import OIRConfig
from . import compose, metric, reassembly, verify
from .inversion import invert
from .runtime import Runtime
from .sampler import Job, run_jobs
from .schedule import DDIMSchedule
from .search import PairInput, PairSearch, SearchSettings, clip_texts, clip_view, search_steps

SOURCE_ROW, TARGET_ROW = 0, 1  # rows of the prompt table; guided prompts follow


@dataclass
class EnginePair:
    guided_prompt: str
    clip_text: str
    mask: torch.Tensor  # (H, W) bool, working size
    fixed_step: int | None = None  # caller override: skip the search for this pair
    clip_source_text: str | None = None  # the source side of clip_text (source phrase or source prompt)


@dataclass
class Inverted:
    """One image inverted under its source prompt, with the prompt table every later stage indexes."""

    image: torch.Tensor  # (3, H, W) in [0, 1], working size, on the device
    schedule: DDIMSchedule
    embeddings: torch.Tensor  # (2 + K, 77, D): source, target, guided prompts
    trajectory: torch.Tensor  # (N+1, 4, h, w): z_0..z_N

    @property
    def guided_rows(self) -> list[int]:
        return list(range(2, self.embeddings.shape[0]))


@dataclass
class EngineOutput:
    image: torch.Tensor  # (3, H, W) in [0, 1], working size
    searches: list[PairSearch]
    inverted: Inverted = field(repr=False)  # the prompt table and inversion trajectory; what a later refine reuses
    reassembled: torch.Tensor = field(repr=False)  # (4, h, w) the pasted latent at level r
    timings_s: dict[str, float] = field(default_factory=dict)


def invert_image(runtime: Runtime, image: torch.Tensor, source_prompt: str, target_prompt: str,
                 guided_prompts: list[str], num_inference_steps: int) -> Inverted:
    """Encode the prompt table and DDIM-invert `image` (3, H, W) under the source prompt, keeping every level."""
    schedule = DDIMSchedule.from_config(runtime.c.scheduler_config, num_inference_steps)
    image = image.to(runtime.device, torch.float32)
    embeddings = runtime.encode_prompts([source_prompt, target_prompt] + list(guided_prompts))
    latent0 = runtime.encode_images(image[None])[0]
    trajectory = invert(runtime, schedule, embeddings, latent0, SOURCE_ROW)
    return Inverted(image=image, schedule=schedule, embeddings=embeddings, trajectory=trajectory)


def search_settings(config: OIRConfig, thumbnail_side: int = 128) -> SearchSettings:
    return SearchSettings(
        guidance_scale=config.guidance_scale, reassembly_step=config.resolved_reassembly_step,
        max_batch=config.max_batch, decode_batch=config.decode_batch, clip_batch=config.clip_batch,
        clip_region=config.clip_region, clip_crop_margin=config.clip_crop_margin,
        clip_patch_coverage=config.clip_patch_coverage, thumbnail_side=thumbnail_side,
        metric=config.search_metric, strategy=config.search, budget=config.search_budget, clip_mask=config.clip_mask,
        min_step=config.min_search_step, refinement=config.search_refinement)


def search_pairs(runtime: Runtime, inv: Inverted, pairs: list[EnginePair], config: OIRConfig,
                 thumbnail_side: int = 128) -> list[PairSearch]:
    """Step 4: every pair's search (or its override), all candidates in shared batched calls."""
    return search_steps(runtime, inv.schedule, inv.embeddings, inv.trajectory, SOURCE_ROW,
                        pair_inputs(runtime, inv, pairs), inv.image, search_settings(config, thumbnail_side))


def pair_inputs(runtime: Runtime, inv: Inverted, pairs: list[EnginePair]) -> list[PairInput]:
    return [PairInput(guided_row=row, clip_text=p.clip_text, mask=p.mask.to(runtime.device), fixed_step=p.fixed_step,
                      clip_source_text=p.clip_source_text) for row, p in zip(inv.guided_rows, pairs)]


@dataclass
class Reassembly:
    """One way to finish an edit from a search: which masks, searches, steps and settings."""

    masks: list[torch.Tensor]  # (H, W) bool per pair, working size
    searches: list[PairSearch]
    config: OIRConfig
    steps: list[int] | None = None  # None: each pair's optimal step
    reinversion_steps: int | None = None  # None: the config's


def reassemble(runtime: Runtime, inv: Inverted, masks: list[torch.Tensor], searches: list[PairSearch],
               config: OIRConfig, steps: list[int] | None = None,
               reinversion_steps: int | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Step 5: paste each pair at level r (its optimal step, or `steps`), re-invert, denoise with the target.

    Returns (image (3, H, W) in [0, 1], latent masks (K, h, w), the pasted latent (4, h, w)).
    """
    (image, latent_masks, pasted), = reassemble_many(
        runtime, inv, [Reassembly(masks, searches, config, steps, reinversion_steps)])
    return image, latent_masks, pasted


def reassemble_many(runtime: Runtime, inv: Inverted,
                    items: list[Reassembly]) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Several reassemblies of one inversion (e.g. other step choices) with shared UNet calls for the
    re-inversion and the final denoise; each costs what it would alone. All items must share r and guidance."""
    r = items[0].config.resolved_reassembly_step
    guidance = items[0].config.guidance_scale
    if any(it.config.resolved_reassembly_step != r or it.config.guidance_scale != guidance for it in items):
        raise ValueError("reassemble_many: every item needs the same reassembly_step and guidance_scale")
    h, w = inv.trajectory.shape[-2:]
    pasted, masks_out, keeps, depths, regions = [], [], [], [], []
    for it in items:
        cfg = it.config
        latent_masks = reassembly.latent_masks(torch.stack([m.to(runtime.device) for m in it.masks]), h, w,
                                               cfg.mask_dilation, cfg.latent_mask_threshold)
        at_r = reassembly.latents_at_reassembly(runtime, inv.schedule, inv.embeddings, it.searches, inv.guided_rows,
                                                r, cfg.max_batch, inv.trajectory, cfg.shallow_rule, it.steps)
        pasted.append(reassembly.paste(inv.trajectory[r], at_r, latent_masks))
        masks_out.append(latent_masks)
        keeps.append((latent_masks.any(0, keepdim=True), inv.trajectory) if cfg.strict_background else None)
        steps = it.steps if it.steps is not None else [s.optimal_step for s in it.searches]
        depths.append(cfg.reinversion_steps_for(steps) if it.reinversion_steps is None else it.reinversion_steps)
        regions.append(tuple((row, m[None]) for row, m, own in zip(inv.guided_rows, latent_masks,
                                                                   own_prompts(cfg, it.masks, steps, r)) if own))
    finals = reassembly.reinvert_and_denoise_many(runtime, inv.schedule, inv.embeddings, pasted, r, depths,
                                                  SOURCE_ROW, TARGET_ROW, guidance, keeps, items[0].config.max_batch,
                                                  regions)
    images = runtime.decode_latents(torch.stack(finals), len(finals))
    images = [kept(inv.image, img, it) for img, it in zip(images, items)]
    return [(img, m, z) for img, m, z in zip(images, masks_out, pasted)]


RETRY_NOTE = ("pair {pair}: the finished image lost its edit at step {old} (its masked CLIP view kept less than "
              "half of the candidate's move toward the target); re-assembled with step {new}, which kept more "
              "pairs' edits")


def verified(runtime: Runtime, inv: Inverted, pairs: list[EnginePair], item: Reassembly, image: torch.Tensor,
             pasted: torch.Tensor) -> tuple[torch.Tensor, list[PairSearch], torch.Tensor]:
    """config.verify_edits: score the finished `image` per pair; where the reassembly lost a pair's edit, move that
    pair to a deeper candidate and reassemble once more, kept only if fewer pairs lost their edit (engine/verify.py).
    Returns (image, searches with the steps used, pasted latent)."""
    settings = search_settings(item.config)
    inputs = pair_inputs(runtime, inv, pairs)
    image_size, patch_size = metric.clip_geometry(runtime.c.clip)
    views = [clip_view(p, settings, image_size, patch_size) for p in inputs]  # as the search saw each pair
    texts = clip_texts(runtime, inputs)

    def margins(images: torch.Tensor) -> torch.Tensor:
        return verify.final_margins(runtime, images.to(inv.image.device), views, texts, settings.clip_batch)

    steps = item.steps if item.steps is not None else [s.optimal_step for s in item.searches]
    margins_now = margins(torch.stack([inv.image, image.to(inv.image.device)]))  # the input, the finished image
    original = margins_now[0].tolist()
    lost = verify.lost_edits(item.searches, steps, margins_now[1].tolist(), original)
    new = verify.deeper_steps(item.searches, steps, lost) if any(lost) else None
    if new is None:
        return image, item.searches, pasted
    (retry, _, retry_pasted), = reassemble_many(runtime, inv, [replace(item, steps=new)])
    again = margins(retry[None])[0].tolist()
    still = verify.lost_edits(item.searches, new, again, original)
    if sum(still) < sum(lost):
        return retry, verify.with_steps(item.searches, new, RETRY_NOTE), retry_pasted
    return image, item.searches, pasted


def own_prompts(config: OIRConfig, masks: list[torch.Tensor], steps: list[int], r: int) -> list[bool]:
    """Which pairs' regions the final denoise draws with their own guided prompt: none ("target"), every object's
    ("per-pair"), or only those of pairs whose chosen step is at or below r ("per-pair-shallow": their edit is made
    by the final denoise itself, from z_r, so it is made from their own prompt; a deeper pair's pasted latent already
    carries its edit)."""
    if config.final_prompts == "target":
        return [False] * len(masks)
    own = own_prompt_regions(masks)
    if config.final_prompts == "per-pair-shallow":
        own = [o and i <= r for o, i in zip(own, steps)]
    return own


def own_prompt_regions(masks: list[torch.Tensor]) -> list[bool]:
    """final_prompts="per-pair": which pairs' regions follow their own guided prompt. An object's do; a setting's
    (a mask over half the frame: a background, a global pair) is the context every object sits in, so it stays
    with the target prompt (its guided prompt would name the other objects as they were)."""
    return [bool(m.any()) and float(m.float().mean()) <= compose.SETTING_FRACTION for m in masks]


def kept(original: torch.Tensor, edited: torch.Tensor, item: Reassembly) -> torch.Tensor:
    """The decoded edit with the original pixels outside the pairs' regions (config.keep_outside)."""
    if not item.config.keep_outside:
        return edited
    masks = torch.stack([m.to(edited.device) for m in item.masks])
    return compose.keep_unedited(original, edited, masks, item.config)


def fixed_depth_edits(runtime: Runtime, inv: Inverted, depths: list[int], guidance_scale: float,
                      max_batch: int | None = None) -> torch.Tensor:
    """The plain baseline at several depths from one shared inversion, in shared UNet calls: from z_k denoise k
    steps with the target prompt (CFG, negative = source prompt). -> (len(depths), 3, H, W).

    Depth k alone would cost k (its part of the inversion) + 2k; the denoising here costs exactly sum 2k, counted.
    """
    jobs = [Job(latent=inv.trajectory[k], start=k, end=0, cond=TARGET_ROW, uncond=SOURCE_ROW,
                guidance_scale=guidance_scale) for k in depths]
    latents = torch.stack([o.latent for o in run_jobs(runtime, inv.schedule, inv.embeddings, jobs, max_batch,
                                                      stage="denoise")])
    return runtime.decode_latents(latents, max(1, len(depths)))


@torch.no_grad()
def run_oir(runtime: Runtime, image: torch.Tensor, source_prompt: str, target_prompt: str,
            pairs: list[EnginePair], config: OIRConfig) -> EngineOutput:
    """image (3, H, W) in [0, 1] with H, W multiples of 8 -> the edited image and per-pair search results."""
    timings: dict[str, float] = {}

    # 1-3. Prompt table (source, target, one guided prompt per pair) and one DDIM inversion, z_0..z_N.
    t0 = time.perf_counter()
    inv = invert_image(runtime, image, source_prompt, target_prompt, [p.guided_prompt for p in pairs],
                       config.num_inference_steps)
    timings["inversion"] = time.perf_counter() - t0

    # 4. Search every pair's optimal inversion step, all candidates batched together.
    t0 = time.perf_counter()
    searches = search_pairs(runtime, inv, pairs, config)
    timings["search"] = time.perf_counter() - t0

    # 5. Reassemble at level r, re-invert re steps, denoise with the target prompt (then, optionally, check it).
    t0 = time.perf_counter()
    item = Reassembly([p.mask for p in pairs], searches, config)
    (edited, _, pasted), = reassemble_many(runtime, inv, [item])
    if config.verify_edits:
        edited, searches, pasted = verified(runtime, inv, pairs, item, edited, pasted)
    timings["reassembly"] = time.perf_counter() - t0
    return EngineOutput(image=edited, searches=searches, inverted=inv, reassembled=pasted, timings_s=timings)
