"""Caller masks: a path, PIL image or array per pair; non-zero = inside; resized to the working size."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ..errors import InvalidInputError, MaskError
from ..images import ImageLike, open_image
from .base import MaskResult

ASPECT_TOLERANCE = 0.01  # a mask whose aspect ratio differs from the image's by more is refused


def load_given_mask(source: ImageLike, size: tuple[int, int], phrase: str) -> MaskResult:
    """The caller's mask for `phrase`, as a bool mask of `size` = (w, h); an empty mask is a MaskError."""
    try:
        img = open_image(source, argument=f"mask for {phrase!r}")
    except InvalidInputError as exc:
        raise MaskError(str(exc)) from exc
    inside = check_not_empty(img, phrase)
    check_shape(img.size, size, phrase)
    return MaskResult(mask=_resize(inside, size), provider="given", score=None)


def check_shape(mask_size: tuple[int, int], image_size: tuple[int, int], phrase: str) -> None:
    """A mask of another size is scaled to the image; one of another aspect ratio cannot line up: refused."""
    (mw, mh), (w, h) = mask_size, image_size
    if abs((mw / mh) / (w / h) - 1) > ASPECT_TOLERANCE:
        raise MaskError(f"mask for {phrase!r} is {mw}x{mh} but the image is {w}x{h}: a mask of another aspect ratio "
                        "cannot line up with the image; make it from the image itself (any size with the same "
                        "proportions is scaled to fit).")


def check_not_empty(img: Image.Image, phrase: str) -> np.ndarray:
    """The mask's inside pixels; an empty mask is a MaskError."""
    inside = _inside(img)
    if not inside.any():
        raise MaskError(f"mask for {phrase!r} is empty (no non-zero pixel); paint the object's region in a "
                        "non-zero colour on a black or transparent background.")
    return inside


def _inside(img: Image.Image) -> np.ndarray:
    """Non-zero pixels; when an alpha channel is used (not all opaque), opaque pixels are inside."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = np.asarray(img.convert("RGBA"))
        alpha = rgba[..., 3] > 0
        if not alpha.all():  # a real alpha channel: it is the mask
            return alpha
        return rgba[..., :3].max(axis=2) > 0
    arr = np.asarray(img.convert("L") if img.mode not in ("L", "1", "I", "F", "I;16") else img)
    return arr > 0


def _resize(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Area resize then >= 0.5; a mask that would vanish keeps every pixel it touches."""
    if mask.shape[::-1] == tuple(size):
        return mask.copy()
    img = Image.fromarray(mask.astype(np.uint8) * 255)
    cover = np.asarray(img.resize(size, Image.BOX), dtype=np.float32) / 255.0
    out = cover >= 0.5
    return out if out.any() else cover > 0
