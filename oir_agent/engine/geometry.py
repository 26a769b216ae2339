"""Mask operations used by the engine, in one place: dilation, overlaps, latent pooling, CLIP patch grid.

All functions take and return torch tensors; masks are bool (H, W) unless stated otherwise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bounding_box(mask: torch.Tensor) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) with exclusive ends, or None for an empty mask."""
    ys, xs = torch.nonzero(mask, as_tuple=True)
    if ys.numel() == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def dilate(mask: torch.Tensor, pixels: int) -> torch.Tensor:
    """Grow a mask by `pixels` in every direction (square structuring element)."""
    if pixels <= 0:
        return mask.clone()
    grown = F.max_pool2d(mask[None, None].float(), kernel_size=2 * pixels + 1, stride=1, padding=pixels)
    return grown[0, 0] > 0.5


def box_mean(values: torch.Tensor, radius: int) -> torch.Tensor:
    """(H, W) -> the mean over each pixel's (2 radius + 1)^2 window, clipped at the borders (only pixels inside
    the image count). Summed-area table: the cost does not grow with the radius (a full-size photo's window can
    be hundreds of pixels wide)."""
    if radius <= 0:
        return values
    height, width = values.shape
    device = values.device if values.device.type != "mps" else torch.device("cpu")  # MPS has no float64
    table = F.pad(values.to(device, torch.float64).cumsum(0).cumsum(1), (1, 0, 1, 0))  # (H + 1, W + 1)
    ys, xs = torch.arange(height, device=device), torch.arange(width, device=device)
    y0, y1 = (ys - radius).clamp(min=0), (ys + radius + 1).clamp(max=height)
    x0, x1 = (xs - radius).clamp(min=0), (xs + radius + 1).clamp(max=width)
    total = table[y1][:, x1] - table[y0][:, x1] - table[y1][:, x0] + table[y0][:, x0]
    count = (y1 - y0)[:, None] * (x1 - x0)[None, :]
    return (total / count).to(values.device, values.dtype)


def resolve_overlaps(masks: torch.Tensor) -> torch.Tensor:
    """(K, H, W) -> (K, H, W) disjoint masks: where masks overlap, the smaller mask wins (docs/METHOD.md Sec. 4).

    Ties in area go to the earlier pair. A hat on a tiger stays a hat.
    """
    areas = masks.flatten(1).sum(1)
    order = sorted(range(masks.shape[0]), key=lambda k: (int(areas[k]), k))  # smallest first
    taken = torch.zeros_like(masks[0])
    out = torch.zeros_like(masks)
    for k in order:
        out[k] = masks[k] & ~taken
        taken |= masks[k]
    return out


def pool_to_grid(mask: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Fraction of each cell of a (height, width) grid that the mask covers, by area. -> (height, width) float."""
    return F.adaptive_avg_pool2d(mask[None, None].float(), (height, width))[0, 0]


def threshold_coverage(coverage: torch.Tensor, threshold: float) -> torch.Tensor:
    """Cells covered at least `threshold`; a non-empty mask never vanishes (its best-covered cell stays)."""
    keep = coverage >= threshold
    if not keep.any() and coverage.max() > 0:
        keep = coverage == coverage.max()
    return keep


def to_latent(mask: torch.Tensor, height: int, width: int, threshold: float = 0.5) -> torch.Tensor:
    """Image-resolution mask -> latent-resolution bool mask by area pooling + threshold."""
    return threshold_coverage(pool_to_grid(mask, height, width), threshold)


def clip_square(box: tuple[int, int, int, int] | None, height: int, width: int, region: str,
                margin: float) -> tuple[int, int, int]:
    """The square (x0, y0, side) CLIP looks at; it may extend past the image (padded) but never crops it wrongly.

    region="crop": the mask's box grown by `margin` on each side, made square, shifted to stay inside the
    image where it fits. region="full": the whole frame, padded to a square (never centre-cropped).
    """
    if region == "full" or box is None:
        side = max(height, width)
        return (width - side) // 2, (height - side) // 2, side
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0) * (1 + 2 * margin)
    side = int(round(min(max(side, 8), max(height, width))))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return _place(cx, side, width), _place(cy, side, height), side


def _place(center: float, side: int, extent: int) -> int:
    if side >= extent:
        return (extent - side) // 2  # centred, padded on both sides
    return int(min(max(round(center - side / 2), 0), extent - side))


def crop_square(tensor: torch.Tensor, x0: int, y0: int, side: int) -> torch.Tensor:
    """Crop (..., H, W) to the square [y0, y0+side) x [x0, x0+side), zero-padding what lies outside."""
    h, w = tensor.shape[-2:]
    pad = (max(0, -x0), max(0, x0 + side - w), max(0, -y0), max(0, y0 + side - h))
    if any(pad):
        tensor = F.pad(tensor, pad)
        x0, y0 = x0 + pad[0], y0 + pad[2]
    return tensor[..., y0:y0 + side, x0:x0 + side]


def patch_keep(mask: torch.Tensor, square: tuple[int, int, int], grid: int, coverage: float) -> torch.Tensor:
    """CLIP patches inside the mask, as a flat (grid*grid,) bool in CLIP's row-major patch order."""
    x0, y0, side = square
    cropped = crop_square(mask.float(), x0, y0, side)
    return threshold_coverage(pool_to_grid(cropped > 0.5, grid, grid), coverage).flatten()
