"""Keep what was not asked to change: the original pixels outside the edited regions (docs/DECISIONS.md,
"Keeping the unedited pixels").

The reassembly regenerates the whole latent (re-inversion + the final denoise), so pixels far from every edited
object drift too (VAE round trip, the target prompt redrawing other objects). After the final decode the edited
image is blended with the original by a weight that is 1 on each pair's region grown by a margin, falls linearly
to 0 over a feather ring, and is 0 beyond. The region is the mask itself by default, or its bounding box
(`keep_region="box"`, an option; docs/DECISIONS.md has its measurement). A mask larger than half the frame is a
setting (a background), not an object whose outline moves: it is used as it is, with no margin and no feather, so
the objects it surrounds stay exact.

The margin ring is where an edit *may* reach (a circle replacing a square, a longer tail), not where it did. With
`ring="changed"` (the default) a ring pixel takes the edit only as far as the edit visibly changed it: the weight
there is multiplied by a ramp of the largest channel change |edited - original|, 0 below CHANGE_LOW of the pixel
range and 1 above CHANGE_HIGH, smoothed over the feather width so the ring does not speckle: regeneration drift
goes back to the original, a new outline stays (the dev study's figures are in docs/DECISIONS.md). The region
itself always takes the edit.
"""

from __future__ import annotations

import math

import torch

from .geometry import bounding_box, box_mean, dilate

SETTING_FRACTION = 0.5  # a mask covering more than this fraction of the frame is a setting: no margin, no feather
CHANGE_LOW, CHANGE_HIGH = 0.10, 0.25  # ring="changed": a ring pixel's weight ramps from 0 to 1 over this change
RINGS = ("changed", "all")


def margin_pixels(height: int, width: int, fraction: float) -> tuple[int, int]:
    """(margin, feather) in pixels for an image of this size: margin = ceil(fraction * shorter side), feather =
    ceil(margin / 2)."""
    margin = math.ceil(fraction * min(height, width)) if fraction > 0 else 0
    return margin, math.ceil(margin / 2)


def edit_weight(masks: torch.Tensor, margin: int, feather: int, region: str = "mask") -> torch.Tensor:
    """(K, H, W) bool masks -> (H, W) float32 weight of the edited image: 1 within `margin` pixels of each pair's
    region (the mask itself, or with region="box" its bounding box), 1 - i / (feather + 1) at margin + i
    (i = 1..feather), 0 beyond; a setting-sized mask counts as it is."""
    height, width = masks.shape[-2:]
    weight = torch.zeros(height, width, dtype=torch.float32, device=masks.device)
    for mask, setting in regions(masks, region):
        if setting:
            weight = torch.maximum(weight, mask.float())
            continue
        w = dilate(mask, margin).float()
        for i in range(1, feather + 1):
            ring = dilate(mask, margin + i).float()
            w = torch.maximum(w, ring * (1.0 - i / (feather + 1)))
        weight = torch.maximum(weight, w)
    return weight


def regions(masks: torch.Tensor, region: str = "mask") -> list[tuple[torch.Tensor, bool]]:
    """(region, is_setting) of each non-empty (H, W) mask: the mask itself or its bounding box; a setting-sized
    mask stays as it is."""
    if region not in ("box", "mask"):
        raise ValueError(f"region must be 'box' or 'mask', not {region!r}")
    out = []
    for mask in masks.bool():
        if not mask.any():
            continue
        if mask.float().mean() > SETTING_FRACTION:
            out.append((mask, True))
            continue
        if region == "box":
            x0, y0, x1, y1 = bounding_box(mask)
            mask = torch.zeros_like(mask)
            mask[y0:y1, x0:x1] = True
        out.append((mask, False))
    return out


def changed(original: torch.Tensor, edited: torch.Tensor, smooth: int = 0) -> torch.Tensor:
    """(H, W) in [0, 1]: how visibly `edited` changed each pixel of `original` ((3, H, W) in [0, 1]): the largest
    channel change ramped from 0 at CHANGE_LOW to 1 at CHANGE_HIGH, then averaged over a (2 smooth + 1)^2 box."""
    delta = (edited - original.to(edited.device, edited.dtype)).abs().amax(0)
    ramp = ((delta - CHANGE_LOW) / (CHANGE_HIGH - CHANGE_LOW)).clamp(0, 1)
    return box_mean(torch.nan_to_num(ramp, nan=1.0), smooth)  # a NaN pixel counts as changed


def final_weight(original: torch.Tensor, edited: torch.Tensor, masks: torch.Tensor, fraction: float,
                 region: str = "mask", ring: str = "changed") -> torch.Tensor:
    """The (H, W) weight keep_outside applies to `original`, `edited` (3, H, W): the regions take the edit; the
    margin ring takes it as far as the edit changed the pixel (ring="changed") or wholly (ring="all"); beyond the
    ring the original stays. The masks (K, h, w) may be at a smaller working size: the geometry is drawn there and
    resized, the change is measured at (H, W)."""
    if ring not in RINGS:
        raise ValueError(f"ring must be one of {RINGS}, not {ring!r}")
    height, width = edited.shape[-2:]
    margin, feather = margin_pixels(*masks.shape[-2:], fraction)
    weight = resize_weight(edit_weight(masks, margin, feather, region), height, width)
    if ring == "all" or margin == 0:
        return weight
    core = resize_weight(edit_weight(masks, 0, 0, region), height, width) >= 1.0
    scale = max(height / masks.shape[-2], width / masks.shape[-1])
    gate = changed(original, edited, smooth=round(feather * scale)).to(weight.device)
    return torch.where(core.to(weight.device), weight, weight * gate)


def resize_weight(weight: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """A weight at another size (bilinear): the working-size weight applied to the full-size input."""
    if tuple(weight.shape[-2:]) == (height, width):
        return weight
    out = torch.nn.functional.interpolate(weight[None, None], size=(height, width), mode="bilinear",
                                          align_corners=False)[0, 0]
    return out.clamp(0, 1)


def keep_unedited(original: torch.Tensor, edited: torch.Tensor, masks: torch.Tensor, config) -> torch.Tensor:
    """`edited` with `original`'s pixels outside the pairs' regions, by the config's keep_margin / keep_region /
    keep_ring (an OIRConfig): the one blend the engine, the editor's full-size paste-back and the benchmarks use."""
    weight = final_weight(original, edited, masks, config.keep_margin, config.keep_region, config.keep_ring)
    return keep_outside(original, edited, weight)


def keep_outside(original: torch.Tensor, edited: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """original, edited (3, H, W) in [0, 1]; weight (H, W) -> edited where weight is 1, original where it is 0.
    Where the weight is 0 the result equals `original` exactly."""
    w = weight.to(edited.device, edited.dtype)[None]
    return torch.where(w > 0, edited * w + original.to(edited.device, edited.dtype) * (1 - w),
                       original.to(edited.device, edited.dtype))
