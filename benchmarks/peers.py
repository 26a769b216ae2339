"""Diffusers editing peers run on the same model and cases as OIR: DiffEdit and LEDITS++ (benchmark only).

Each adapter builds the stock pipeline from the loaded editor's components (no copy of their code) and counts
UNet sample evaluations with a forward hook, so the benchmark reports peers' cost the same way as OIR's.
What each needed to run on the 32 px `shapes` model is written next to it.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch
from PIL import Image


@contextlib.contextmanager
def count_unet(unet, counter: dict):
    """Count UNet forwards and the samples they carry (batch size) while the block runs."""

    def hook(module, args, kwargs):
        sample = args[0] if args else kwargs["sample"]
        counter["calls"] = counter.get("calls", 0) + 1
        counter["samples"] = counter.get("samples", 0) + int(sample.shape[0])

    handle = unet.register_forward_pre_hook(hook, with_kwargs=True)
    try:
        yield counter
    finally:
        handle.remove()


def _quiet_pipeline(cls, components, **extra):
    from diffusers.utils import logging as dlogging

    verbosity = dlogging.get_verbosity()
    dlogging.set_verbosity_error()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipe = cls(vae=components.vae, text_encoder=components.text_encoder, tokenizer=components.tokenizer,
                       unet=components.unet, safety_checker=None, feature_extractor=None,
                       requires_safety_checker=False, **extra)
    finally:
        dlogging.set_verbosity(verbosity)
    pipe.set_progress_bar_config(disable=True)
    return pipe


class DiffEdit:
    """StableDiffusionDiffEditPipeline: mask from the noise difference of the two prompts (or a given mask),
    DDIM inversion to inpaint_strength, masked denoise with the target prompt. Runs as shipped: the pipeline
    reads the VAE's scale factor (4 for `shapes`) from its config; masks are at latent resolution."""

    def __init__(self, components, steps: int = 50, guidance_scale: float = 7.5, inpaint_strength: float = 0.8):
        from diffusers import DDIMInverseScheduler, DDIMScheduler, StableDiffusionDiffEditPipeline

        sched = dict(components.scheduler_config)
        self.pipe = _quiet_pipeline(StableDiffusionDiffEditPipeline, components,
                                    scheduler=DDIMScheduler.from_config(sched),
                                    inverse_scheduler=DDIMInverseScheduler.from_config(sched))
        self.unet, self.steps, self.cfg, self.strength = components.unet, steps, guidance_scale, inpaint_strength

    def edit(self, image: np.ndarray, source: str, target: str, mask: np.ndarray | None = None,
             seed: int = 0) -> tuple[np.ndarray, int, np.ndarray]:
        """image (H, W, 3) uint8 -> (edited uint8, UNet sample evaluations, latent mask used)."""
        pil = Image.fromarray(image)
        counter: dict = {}
        g = torch.Generator().manual_seed(seed)
        with count_unet(self.unet, counter), torch.no_grad():
            if mask is None:
                latent_mask = self.pipe.generate_mask(image=pil, source_prompt=source, target_prompt=target,
                                                      generator=g, num_inference_steps=self.steps,
                                                      guidance_scale=self.cfg)
            else:
                h, w = image.shape[:2]
                f = self.pipe.vae_scale_factor
                latent_mask = torch.nn.functional.adaptive_avg_pool2d(
                    torch.from_numpy(mask).float()[None, None], (h // f, w // f))[0].numpy() >= 0.5
                latent_mask = latent_mask.astype(np.float32)
            latents = self.pipe.invert(prompt=source, image=pil, num_inference_steps=self.steps,
                                       inpaint_strength=self.strength, guidance_scale=self.cfg).latents
            out = self.pipe(prompt=target, negative_prompt=source, mask_image=latent_mask, image_latents=latents,
                            num_inference_steps=self.steps, inpaint_strength=self.strength,
                            guidance_scale=self.cfg, generator=g, output_type="np").images[0]
        return (np.clip(out, 0, 1) * 255).round().astype(np.uint8), counter.get("samples", 0), np.asarray(latent_mask)


class LEditsPP:
    """LEditsPPPipelineStableDiffusion: edit-friendly DDPM inversion, then semantic guidance with one edit
    concept per pair (the pair's target phrase), implicit masks from its attention and noise estimates.
    Adapters needed: (1) the multistep DPM-Solver++ (SDE) scheduler, the pipeline's own default; with diffusers
    0.42's DDIMScheduler its inversion indexes alphas with a float tensor and fails (IndexError). (2) The
    cross-attention mask is off (use_intersect_mask=False, use_cross_attn_mask=False), leaving the noise-based
    implicit mask: the pipeline reads attention maps at latent/4 resolution (16 px for SD's 64 px latents),
    and `shapes` has cross-attention only at latent/1 and latent/2 (8 and 4 px), so that map is empty."""

    def __init__(self, components, steps: int = 50, edit_guidance_scale: float = 5.0, skip: float = 0.15):
        from diffusers import DPMSolverMultistepScheduler, LEditsPPPipelineStableDiffusion

        scheduler = DPMSolverMultistepScheduler.from_config(dict(components.scheduler_config),
                                                            algorithm_type="sde-dpmsolver++", solver_order=2)
        self.pipe = _quiet_pipeline(LEditsPPPipelineStableDiffusion, components, scheduler=scheduler)
        self.unet, self.steps, self.scale, self.skip = components.unet, steps, edit_guidance_scale, skip

    def edit(self, image: np.ndarray, source: str, concepts: list[str], seed: int = 0) -> tuple[np.ndarray, int]:
        counter: dict = {}
        g = torch.Generator().manual_seed(seed)
        h, w = image.shape[:2]
        with count_unet(self.unet, counter), torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.pipe.invert(image=Image.fromarray(image), source_prompt=source, num_inversion_steps=self.steps,
                             skip=self.skip, generator=g, height=h, width=w)
            out = self.pipe(editing_prompt=concepts, reverse_editing_direction=[False] * len(concepts),
                            edit_guidance_scale=[self.scale] * len(concepts), generator=g,
                            use_intersect_mask=False, use_cross_attn_mask=False, output_type="np").images[0]
        return (np.clip(out, 0, 1) * 255).round().astype(np.uint8), counter.get("samples", 0)
