"""Analytic ShapeWorld evaluator (no learned model): read colour and shape in a region, measure preservation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..masks.cleanup import components
from .world import BACKGROUNDS, COLOURS, SHAPES, SIZE, _coverage

FOREGROUND_DISTANCE = 60.0  # RGB distance from the background that makes a pixel foreground
MIN_PIXELS = 12  # smaller blobs are not objects


@dataclass(frozen=True)
class Reading:
    colour: str
    shape: str
    cx: float
    cy: float
    pixels: int
    colour_distance: float  # RGB distance of the blob's colour to the named palette colour
    shape_iou: float  # IoU of the blob with the best-fitting template


def nearest(rgb: np.ndarray, palette: dict[str, tuple]) -> tuple[str, float]:
    names = list(palette)
    d = np.linalg.norm(np.asarray([palette[n] for n in names], np.float32) - rgb[None], axis=1)
    return names[int(d.argmin())], float(d.min())


def read_background(image: np.ndarray, exclude: np.ndarray | None = None) -> tuple[str, np.ndarray]:
    """Name and RGB (median) of the background: pixels outside `exclude` (default: the image border)."""
    if exclude is None:
        sel = np.zeros(image.shape[:2], bool)
        sel[[0, -1], :] = sel[:, [0, -1]] = True
    else:
        sel = ~exclude
    rgb = np.median(image[sel].reshape(-1, 3).astype(np.float32), axis=0)
    return nearest(rgb, BACKGROUNDS)[0], rgb


def _components(mask: np.ndarray) -> list[np.ndarray]:
    """4-connected components of a small bool mask, largest first."""
    labels, n = components(mask)
    return sorted((labels == k for k in range(1, n + 1)), key=lambda c: -int(c.sum()))


def _template(shape: str, blob: np.ndarray) -> np.ndarray:
    """The shape's mask fitted to the blob's bounding box."""
    ys, xs = np.nonzero(blob)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = x1 - x0, y1 - y0
    r = {"circle": (w + h) / 4, "square": (w + h) / 4 / 0.88, "triangle": h / 2}[shape]
    return _coverage(shape, cx, cy, r) >= 0.5


def read_object(image: np.ndarray, region: np.ndarray, background_rgb: np.ndarray) -> Reading | None:
    """The object inside `region` (bool mask): its colour and shape, or None when there is none."""
    diff = np.linalg.norm(image.astype(np.float32) - background_rgb[None, None], axis=2)
    fg = (diff > FOREGROUND_DISTANCE) & region
    comps = _components(fg)
    if not comps or comps[0].sum() < MIN_PIXELS:
        return None
    blob = comps[0]
    core = blob & _erode(blob)
    pixels = image[core if core.sum() >= 4 else blob].reshape(-1, 3).astype(np.float32)
    colour, dist = nearest(np.median(pixels, axis=0), COLOURS)
    ious = {s: _iou(_template(s, blob), blob) for s in SHAPES}
    shape = max(ious, key=ious.get)
    ys, xs = np.nonzero(blob)
    return Reading(colour=colour, shape=shape, cx=float(xs.mean()), cy=float(ys.mean()), pixels=int(blob.sum()),
                   colour_distance=dist, shape_iou=ious[shape])


def _erode(m: np.ndarray) -> np.ndarray:
    out = m.copy()
    out[1:] &= m[:-1]
    out[:-1] &= m[1:]
    out[:, 1:] &= m[:, :-1]
    out[:, :-1] &= m[:, 1:]
    return out


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 0.0


def side_region(side: str) -> np.ndarray:
    """The half of the image an object on `side` lives in."""
    m = np.zeros((SIZE, SIZE), bool)
    if side == "left":
        m[:, : SIZE // 2] = True
    else:
        m[:, SIZE // 2:] = True
    return m


def read_scene(image: np.ndarray) -> dict:
    """{"background": name, "left": Reading|None, "right": Reading|None} of an image."""
    name, rgb = read_background(image)
    return {"background": name, **{side: read_object(image, side_region(side), rgb) for side in ("left", "right")}}


def psnr(a: np.ndarray, b: np.ndarray, region: np.ndarray | None = None) -> float:
    """PSNR in dB between uint8 images over `region` (all pixels by default)."""
    d = a.astype(np.float64) - b.astype(np.float64)
    if region is not None:
        if not region.any():
            return float("inf")
        d = d[region]
    mse = float((d ** 2).mean())
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
