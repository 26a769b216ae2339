"""Image input/output: read any image the user has, fix orientation and mode, pick the working size."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InvalidInputError

ImageLike = str | Path | Image.Image | np.ndarray


def open_image(source: ImageLike, argument: str = "image") -> Image.Image:
    """A PIL image from a path, PIL image or array; raises InvalidInputError naming `argument` otherwise."""
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, np.ndarray):
        return _from_array(source, argument)
    if isinstance(source, (str, Path)):
        try:
            path = Path(source).expanduser()
            exists = path.exists()
        except (OSError, ValueError, RuntimeError) as exc:  # too long, NUL byte, ~unknown-user
            raise InvalidInputError(f"{argument}: {str(source)[:80]!r} is not a usable file path "
                                    f"({getattr(exc, 'strerror', None) or exc}).") from None
        if not exists:
            raise InvalidInputError(f"{argument}: file {str(path)!r} does not exist; give the path of an image file.")
        if not path.is_file():
            raise InvalidInputError(f"{argument}: {str(path)!r} is not a file; give the path of an image file.")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img = Image.open(path)
                img.load()
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InvalidInputError(
                f"{argument}: {str(path)!r} is not a readable image ({type(exc).__name__}); give a PNG, JPEG or "
                "WebP file of at most ~90 megapixels.") from exc
        except OSError as exc:
            raise InvalidInputError(f"{argument}: {str(path)!r} could not be read ({exc}); is it a complete "
                                    "image file?") from exc
        return img
    raise InvalidInputError(f"{argument}: expected a file path, PIL.Image or numpy array, got {type(source).__name__}.")


def _from_array(array: np.ndarray, argument: str) -> Image.Image:
    if array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (1, 3, 4)):
        a = array[..., 0] if array.ndim == 3 and array.shape[2] == 1 else array
        if a.dtype == bool:
            a = a.astype(np.uint8) * 255
        elif a.dtype != np.uint8:
            a = np.clip(a * 255.0 if a.max() <= 1.0 else a, 0, 255).astype(np.uint8)
        return Image.fromarray(a)
    raise InvalidInputError(f"{argument}: array of shape {array.shape} is not an image; expected (H, W), "
                            "(H, W, 3) or (H, W, 4).")


def to_rgb(img: Image.Image) -> Image.Image:
    """Apply the EXIF orientation and convert any mode to RGB (transparency composited on white)."""
    img = ImageOps.exif_transpose(img)
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(img, dtype=np.float64)
        a = (a / max(1.0, a.max()) * 255).astype(np.uint8)
        return Image.fromarray(a).convert("RGB")
    return img.convert("RGB")


def working_size(width: int, height: int, max_side: int, multiple: int = 8) -> tuple[int, int]:
    """(w, h) keeping the aspect ratio, sides multiples of `multiple`, longest side <= max_side (never upscaled)."""
    scale = min(1.0, max_side / max(width, height))

    def side(x: int) -> int:
        return max(multiple, int(round(x * scale / multiple)) * multiple)

    w, h = side(width), side(height)
    limit = max_side - max_side % multiple
    return min(w, limit), min(h, limit)


def to_tensor(img: Image.Image) -> torch.Tensor:
    """RGB PIL -> (3, H, W) float32 in [0, 1]."""
    return torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1).contiguous()


def to_pil(tensor: torch.Tensor) -> Image.Image:
    """(3, H, W) in [0, 1] (or uint8) -> RGB PIL."""
    t = tensor.detach().cpu()
    if t.dtype != torch.uint8:
        t = (t.clamp(0, 1) * 255).round().to(torch.uint8)
    return Image.fromarray(t.permute(1, 2, 0).numpy())


PREVIEW_MAX_BYTES = 1_000_000


def preview_jpeg(image: Image.Image, max_side: int = 1024, max_bytes: int = PREVIEW_MAX_BYTES) -> bytes:
    """A JPEG of the image, longest side <= max_side, under max_bytes (quality, then size, reduced as needed)."""
    img = image.convert("RGB")
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side), Image.LANCZOS)
    while True:
        for quality in (88, 75, 60, 45):
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=quality, optimize=True)
            if buf.tell() < max_bytes:
                return buf.getvalue()
        img = img.resize((max(1, img.width * 3 // 4), max(1, img.height * 3 // 4)), Image.LANCZOS)
