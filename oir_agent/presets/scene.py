"""The synthetic two-object test picture that tests and benchmarks share (no file, any size)."""

from __future__ import annotations

import numpy as np
from PIL import Image


def two_object_masks(width: int = 96, height: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """(disc on the left, square on the right) as (H, W) bool masks."""
    y, x = np.mgrid[0:height, 0:width]
    disc = ((x - width * 0.25) ** 2 + (y - height * 0.5) ** 2) < (height * 0.3) ** 2
    square = (abs(x - width * 0.72) < height * 0.22) & (abs(y - height * 0.5) < height * 0.22)
    return disc, square


def two_object_scene(width: int = 96, height: int = 64, noise_seed: int | None = 0) -> Image.Image:
    """A red disc on the left and a blue square on the right on a gradient; Gaussian noise (sigma 3) when seeded."""
    y, x = np.mgrid[0:height, 0:width]
    img = np.stack([x / width, y / height, 0.5 + 0 * x], axis=2) * 200
    disc, square = two_object_masks(width, height)
    img[disc], img[square] = (220, 40, 40), (40, 40, 220)
    if noise_seed is not None:
        img += np.random.RandomState(noise_seed).randn(*img.shape) * 3
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
