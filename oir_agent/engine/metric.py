"""The search metric (paper Sec. 3.1, Eq. 1-3): masked CLIP score S_e + background preservation S_ne.

S_e: cosine between CLIP text features and CLIP image features computed with a *hard* attention mask that
hides every patch outside the pair's mask (docs/METHOD.md Sec. 3). S_ne: -MSE to the original outside the
pair's mask. Each is min-max normalised over the pair's candidates; S = 0.5 (S_e + S_ne); argmax with
ties to the smallest step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

from ..config import SEARCH_METRICS
from . import geometry

if TYPE_CHECKING:  # the runtime imports this module to compute features: no cycle at run time
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


def box_mask(mask: torch.Tensor) -> torch.Tensor:
    """The mask's bounding box, filled: the region S_e looks at without being told the source object's outline.

    A silhouette mask hides every patch outside the source object, so CLIP sees the *source* shape whatever the
    candidate holds inside it, and a shape edit (square -> circle, cat -> dog) cannot raise S_e
    (docs/DECISIONS.md, "Search metric").
    """
    box = geometry.bounding_box(mask)
    out = torch.zeros_like(mask, dtype=torch.bool)
    if box is not None:
        x0, y0, x1, y1 = box
        out[y0:y1, x0:x1] = True
    return out


def masked_image_features(clip, pixels: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """CLIP image embeddings (B, D), unnormalised, where the CLS token attends only to kept patches.

    pixels (B, 3, S, S) CLIP-normalised; keep (B, G*G) bool. Out-of-mask patches are removed as attention
    keys (additive -inf), so they cannot influence the CLS output at all; the CLS key is always kept, so
    no row is all -inf (docs/METHOD.md Sec. 3). Composed from CLIPModel's parts; no subclassing.
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


def edit_scores(runtime: Runtime, images: torch.Tensor, view: MaskedClipView, text_features: torch.Tensor,
                batch_size: int) -> torch.Tensor:
    """Cosines of each image's masked embedding with (normalised) text embeddings.

    text_features (D,) -> (B,); (T, D) -> (B, T): one image pass serves every text.
    """
    c = runtime.c
    scores = []
    for start in range(0, images.shape[0], batch_size):
        chunk = images[start:start + batch_size]
        pixels = view.pixels(chunk, c.clip_mean, c.clip_std)
        keep = view.keep.to(pixels.device).expand(chunk.shape[0], -1)
        feats = runtime.clip_image_features(pixels, keep)
        text = text_features.to(feats.device)
        scores.append(feats @ (text if text.ndim == 1 else text.T))
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


def inside_change(images: torch.Tensor, original: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B,) mean absolute pixel change inside `mask` (pixels in [0, 1]): how much a candidate edited its region.
    Not part of any search metric; it tells a caller when the chosen edit is practically invisible."""
    inside = mask.to(images.dtype)
    area = inside.sum() * images.shape[1]
    if area == 0:
        return torch.zeros(images.shape[0], device=images.device)
    return ((images - original.unsqueeze(0)).abs() * inside).sum(dim=(1, 2, 3)) / area


WEAK_CHANGE = 0.03  # mean absolute change inside the mask below this (~8/255): the edit is practically invisible


RELATIVE_TOLERANCE = 1e-6  # spans below this (relative) are numerical noise: identical images move ~2e-8 in a CLIP batch


def normalise(values: torch.Tensor) -> torch.Tensor:
    """Min-max to [0, 1] over the finite entries; a constant term contributes 0 (the release divides by zero).

    A span within RELATIVE_TOLERANCE of the values' magnitude counts as constant: the same image scored at
    another position of a CLIP batch differs by ~2e-8, which must not be stretched to the full range.
    Non-finite entries stay non-finite (the caller excludes them).
    """
    finite = torch.isfinite(values)
    if not finite.any():
        return values.clone()
    lo, hi = values[finite].min(), values[finite].max()
    span = hi - lo
    if span <= RELATIVE_TOLERANCE * max(1.0, float(hi.abs()), float(lo.abs())):
        return torch.where(finite, torch.zeros_like(values), values)
    return (values - lo) / span


def paper_metric(s_edit: torch.Tensor, s_background: torch.Tensor) -> torch.Tensor:
    """S = 0.5 (norm(S_e) + norm(S_ne)) (paper Eq. 3); -inf where either term is not finite."""
    score = 0.5 * (normalise(s_edit) + normalise(s_background))
    return torch.where(torch.isfinite(score), score, torch.full_like(score, float("-inf")))


def search_score(name: str, s_edit: torch.Tensor, s_background: torch.Tensor,
                 s_source: torch.Tensor | None = None) -> torch.Tensor:
    """Score of every candidate under the named search metric (higher is better; -inf = excluded).

    s_source: the same masked view's cosine with the *source* phrase; edit-first then measures the edit as
    s_edit - s_source (how much more the region reads as the target than as the source).
    """
    if name == "paper":
        return paper_metric(s_edit, s_background)
    if name == "edit-first":
        return edit_first_metric(s_edit if s_source is None else s_edit - s_source, s_background)
    raise ValueError(f"unknown search metric {name!r}; expected one of {SEARCH_METRICS}")


def best_index(score: torch.Tensor) -> int:
    """Index of the highest score; ties go to the smallest step (the first index). -inf entries never win
    unless every entry is -inf (the caller refuses that case)."""
    best = score.max()
    return int(torch.nonzero(score == best)[0, 0])


EDIT_PLATEAU = 0.05  # edit-first: candidates within this fraction of the edit-score range of the best count as edited


def preservation_db(s_background: torch.Tensor) -> torch.Tensor:
    """S_ne (-MSE outside the mask, pixels in [0, 1]) as PSNR in dB; a perfect copy is capped at 100 dB."""
    mse = (-s_background).clamp_min(1e-10)
    return -10.0 * torch.log10(mse)


def edit_first_metric(s_edit: torch.Tensor, s_background: torch.Tensor,
                      plateau: float = EDIT_PLATEAU) -> torch.Tensor:
    """The default search metric: the best-preserving candidate among those that reach the edit.

    Candidates whose S_e is within `plateau` x (S_e range) of the best S_e form the edit plateau; among them
    the score is the preservation in dB (higher = less change outside the mask), so the winner is the
    candidate that edits as well as any other while keeping the most; outside the plateau the score is below
    every plateau score, ordered by S_e. Unlike the paper's min-max of -MSE, a preservation difference of
    0.1 dB can never outweigh a real difference in the edit (docs/DECISIONS.md, "Search metric").
    Returns -inf where a term is not finite. Ties go to the smallest step (best_index).
    """
    finite = torch.isfinite(s_edit) & torch.isfinite(s_background)
    score = torch.full(s_edit.shape, float("-inf"), dtype=torch.float64)
    if not finite.any():
        return score.to(s_edit.dtype)
    e = normalise(torch.where(finite, s_edit, torch.full_like(s_edit, float("nan"))).double())
    db = preservation_db(s_background.double())
    on_plateau = finite & (e >= 1.0 - plateau)
    # Plateau: 1000 + dB (PSNR is in [-0, 100]); off the plateau: the normalised edit score in [0, 1).
    score = torch.where(on_plateau, 1000.0 + db, torch.where(finite, e, score))
    return score.to(torch.float32)
