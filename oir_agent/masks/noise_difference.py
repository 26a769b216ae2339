"""Masks from the diffusion model itself (paper A.7): DiffEdit's noise-prediction difference.

Why DiffEdit rather than cross-attention maps: it needs only UNet calls (counted and batched like every
other), works with any UNet attention processor, and measures exactly what an edit changes: where the
noise prediction under the pair's guided prompt differs from that under the source prompt. For each pair
the clean latent is noised to a few levels with a few seeded noises; |eps(guided) - eps(source)| is
averaged over noises, levels and channels, upsampled to the image, normalised, thresholded, then cleaned
(largest components kept, holes filled).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .. import images as imgio
from .base import MaskRequest, MaskResult
from .cleanup import fill_holes, keep_large_components

NOISE_LEVELS = (0.3, 0.5, 0.7)  # fractions of the training timesteps (DiffEdit uses 0.5)
NOISES_PER_LEVEL = 4
THRESHOLD = 0.5  # on the difference map normalised to its 99th percentile


class NoiseDifferenceMasks:
    """MaskProvider (DiffEdit-style noise difference) using the loaded Stable Diffusion UNet, no extra model.

    Accepted as `mask_provider="noise-difference"` or its older name `"attention"`.
    """

    name = "noise-difference"

    def __init__(self, runtime, max_batch: int | None = None):
        self.runtime = runtime
        self.max_batch = max_batch

    def masks(self, image: Image.Image, request: MaskRequest) -> list[MaskResult]:
        """One mask per phrase: where the guided prompt changes the noise prediction against the source prompt
        (or, with no guided prompts, where the phrase changes it against the empty prompt)."""
        if request.guided_prompts:
            queries, references = list(request.guided_prompts), [request.source_prompt] * len(request.guided_prompts)
        else:
            queries, references = list(request.phrases), [""] * len(request.phrases)
        return self.masks_for_prompts(image, queries, references, seed=request.seed)

    @torch.no_grad()
    def masks_for_prompts(self, image: Image.Image, queries: list[str], references: list[str],
                          seed: int = 0) -> list[MaskResult]:
        """One mask per (query, reference) prompt pair: where the model's noise prediction depends on the change."""
        rt = self.runtime
        from diffusers import DDIMScheduler

        alphas_cumprod = DDIMScheduler.from_config(rt.c.scheduler_config).alphas_cumprod
        z0 = rt.encode_images(imgio.to_tensor(image)[None])[0]  # (4, h, w)
        emb = rt.encode_prompts(list(queries) + list(references))  # rows: queries, then references
        gen = torch.Generator().manual_seed(seed)
        levels = [max(1, min(len(alphas_cumprod) - 1, int(round(f * len(alphas_cumprod))))) for f in NOISE_LEVELS]
        noise = torch.randn((len(levels) * NOISES_PER_LEVEL,) + tuple(z0.shape), generator=gen).to(z0.device)
        alpha = torch.tensor([float(alphas_cumprod[lv]) for lv in levels for _ in range(NOISES_PER_LEVEL)],
                             device=z0.device).view(-1, 1, 1, 1)
        noisy = alpha.sqrt() * z0[None] + (1 - alpha).sqrt() * noise  # (M, 4, h, w)
        t = torch.tensor([lv for lv in levels for _ in range(NOISES_PER_LEVEL)],
                         device=z0.device)
        m = noisy.shape[0]
        k = len(queries)
        # One batch: every pair's query and reference prompt on every noisy latent.
        xs = noisy.repeat(2 * k, 1, 1, 1)
        ts = t.repeat(2 * k)
        rows = torch.arange(2 * k, device=z0.device).repeat_interleave(m)
        eps = self._predict(xs, ts, emb[rows])
        diff = (eps[: k * m] - eps[k * m:]).abs().mean(dim=1).view(k, m, *z0.shape[-2:]).mean(dim=1)  # (k, h, w)
        up = F.interpolate(diff[:, None], size=(image.height, image.width), mode="bilinear", align_corners=False)[:, 0]
        return [self._finish(d.cpu().numpy()) for d in up]

    def _predict(self, xs, ts, emb):
        cap = self.max_batch or xs.shape[0]
        return torch.cat([self.runtime.predict_noise(xs[i:i + cap], ts[i:i + cap], emb[i:i + cap])
                          for i in range(0, xs.shape[0], cap)])

    def _finish(self, diff: np.ndarray) -> MaskResult:
        scale = float(np.percentile(diff, 99)) or float(diff.max()) or 1.0
        norm = np.clip(diff / scale, 0, 1)
        mask = fill_holes(keep_large_components(norm >= THRESHOLD))
        inside = float(norm[mask].mean()) if mask.any() else 0.0
        outside = float(norm[~mask].mean()) if (~mask).any() else 0.0
        return MaskResult(mask=mask, provider=self.name, score=round(max(0.0, inside - outside), 6),
                          notes=[] if mask.any() else ["the noise-difference map was flat; no region stood out."])
