"""The search metric (paper Sec. 3.1, Eq. 1-3): masked CLIP score S_e + background preservation S_ne.

S_e: cosine between CLIP text features and CLIP image features computed with a *hard* attention mask that
hides every patch outside the pair's mask (OIR-NOTES Sec. 3). S_ne: -MSE to the original outside the
pair's mask. Each is min-max normalised over the pair's candidates; S = 0.5 (S_e + S_ne); argmax with
ties to the smallest step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from . import geometry
from .runtime import Runtime


@dataclass
class MaskedClipView:
    """How CLIP sees one pair's candidates: the square it crops and the patches it may attend."""

    square: tuple[int, int, int]  # (x0, y0, side) in working-image pixels
    keep: torch.Tensor  # (G*G,) bool
    size: int  # CLIP input side

    @classmethod
    def for_mask(cls, mask: torch.Tensor, image_size: int, patch_size: int, region: str, margin: float,
                 coverage: float) -> MaskedClipView:
        h, w = mask.shape
        square = geometry.clip_square(geometry.bounding_box(mask), h, w, region, margin)
        keep = geometry.patch_keep(mask, square, image_size // patch_size, coverage)
        return cls(square=square, keep=keep, size=image_size)

    def pixels(self, images: torch.Tensor, mean: tuple, std: tuple) -> torch.Tensor:
        """images (B, 3, H, W) in [0, 1] -> CLIP input (B, 3, S, S); padding is the mean colour (0 after norm)."""
        m = torch.tensor(mean, device=images.device).view(1, 3, 1, 1)
        s = torch.tensor(std, device=images.device).view(1, 3, 1, 1)
        square = geometry.crop_square((images - m) / s, *self.square)
        return F.interpolate(square, size=(self.size, self.size), mode="bicubic", antialias=True,
                             align_corners=False)


def masked_image_features(clip, pixels: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """CLIP image embeddings (B, D), unnormalised, where the CLS token attends only to kept patches.

    pixels (B, 3, S, S) CLIP-normalised; keep (B, G*G) bool. Out-of-mask patches are removed as attention
    keys (additive -inf), so they cannot influence the CLS output at all; the CLS key is always kept, so
    no row is all -inf (OIR-NOTES Sec. 3). Composed from CLIPModel's parts; no subclassing.
    """
    vision = clip.vision_model
    tokens = vision.pre_layrnorm(vision.embeddings(pixels))  # (B, 1+G*G, D)
    length = tokens.shape[1]
    keys = torch.cat([torch.ones_like(keep[:, :1]), keep], dim=1).to(tokens.device)  # (B, L)
    bias = torch.zeros(keys.shape, dtype=tokens.dtype, device=tokens.device).masked_fill(~keys, float("-inf"))
    mask = bias[:, None, None, :].expand(-1, 1, length, length)  # (B, 1, L, L), additive
    hidden = vision.encoder(inputs_embeds=tokens, attention_mask=mask).last_hidden_state
    return clip.visual_projection(vision.post_layernorm(hidden[:, 0]))


def clip_geometry(clip) -> tuple[int, int]:
    """(image_size, patch_size) of a transformers CLIPModel."""
    vc = clip.config.vision_config
    return int(vc.image_size), int(vc.patch_size)


def edit_scores(runtime: Runtime, images: torch.Tensor, view: MaskedClipView, text_feature: torch.Tensor,
                batch_size: int) -> torch.Tensor:
    """S_e for each image (B,): cosine of the masked image embedding with the (normalised) text embedding."""
    c = runtime.c
    scores = []
    for start in range(0, images.shape[0], batch_size):
        chunk = images[start:start + batch_size]
        pixels = view.pixels(chunk, c.clip_mean, c.clip_std)
        keep = view.keep.to(pixels.device).expand(chunk.shape[0], -1)
        feats = runtime.clip_image_features(pixels, keep)
        scores.append(feats @ text_feature.to(feats.device))
    return torch.cat(scores)


def background_scores(images: torch.Tensor, original: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """S_ne for each image (B,): -mean squared error to `original` over the pixels outside `mask`.

    images (B, 3, H, W), original (3, H, W), both in [0, 1]; mask (H, W) bool (True = edit region).
    An all-covering mask leaves nothing to preserve: the score is 0 for every image.
    """
    outside = (~mask).to(images.dtype)  # (H, W)
    area = outside.sum() * images.shape[1]
    if area == 0:
        return torch.zeros(images.shape[0], device=images.device)
    sq = ((images - original.unsqueeze(0)) ** 2 * outside).sum(dim=(1, 2, 3))
    return -sq / area


def normalise(values: torch.Tensor) -> torch.Tensor:
    """Min-max to [0, 1]; a constant term contributes 0 (the authors' release divides by zero here)."""
    lo, hi = values.min(), values.max()
    span = hi - lo
    if not torch.isfinite(span) or span <= 1e-12 * max(1.0, float(hi.abs())):
        return torch.zeros_like(values)
    return (values - lo) / span


def search_metric(s_edit: torch.Tensor, s_background: torch.Tensor) -> torch.Tensor:
    """S = 0.5 (norm(S_e) + norm(S_ne)) (paper Eq. 3)."""
    return 0.5 * (normalise(s_edit) + normalise(s_background))


def best_index(score: torch.Tensor) -> int:
    """Index of the highest score; ties go to the smallest step (the first index)."""
    best = score.max()
    return int(torch.nonzero(score == best)[0, 0])
