"""Server input handling: every image or mask argument is hostile until checked.

Accepted: a path under an allowed dir, a file:// URI (same rule), a data URL or bare base64, or the
oir://outputs/NAME URI of an earlier result. Refused, each with a message saying what to do: paths outside
the allowed dirs (.., symlinks escaping, absolute paths elsewhere), files over the size limit, images over
the pixel limit (decompression bombs), unsupported or corrupt formats, malformed base64, unknown result URIs.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from PIL import Image, UnidentifiedImageError

from ..errors import InvalidInputError

OUTPUT_URI_PREFIX = "oir://outputs/"
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
FORMATS = {"PNG", "JPEG", "MPO", "WEBP", "BMP", "GIF", "TIFF"}  # MPO: camera JPEGs with a second frame (first used)
_B64 = re.compile(r"^[A-Za-z0-9+/=\s_-]+$")


@dataclass
class InputPolicy:
    allowed_dirs: list[Path]
    output_dir: Path
    max_file_bytes: int = 30 * 1024 * 1024
    max_pixels: int = 40_000_000

    def __post_init__(self) -> None:
        self.allowed_dirs = [Path(d).expanduser().resolve() for d in self.allowed_dirs]
        self.output_dir = Path(self.output_dir).expanduser().resolve()


def load_image_argument(value: str, policy: InputPolicy, argument: str = "image") -> Image.Image:
    """Decode and validate one image/mask argument; returns a fully loaded PIL image."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{argument} is empty: give a file path under an allowed folder, a file:// URI, "
                                "a data:image/...;base64 URL, or an oir://outputs/... URI from an earlier edit.")
    value = value.strip()
    if "\x00" in value:
        raise InvalidInputError(f"{argument} contains a NUL byte; give a file path, a file:// URI, a data: URL or an "
                                "oir://outputs/ URI.")
    if value.startswith(OUTPUT_URI_PREFIX):
        return _open_file(output_path(value, policy), policy, argument)
    if value.startswith("data:"):
        return _open_bytes(_decode_data_url(value, argument, policy), policy, argument)
    if value.startswith("file://"):
        parsed = urlparse(value)
        if parsed.netloc not in ("", "localhost"):
            raise InvalidInputError(f"{argument}: file URI host {parsed.netloc!r} is not local; use file:///path.")
        return _open_file(_allowed_path(unquote(parsed.path), policy, argument), policy, argument)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        raise InvalidInputError(f"{argument}: URI scheme of {value[:40]!r} is not supported; this server reads local "
                                "files, data: URLs and oir://outputs/ results only (no network).")
    if _looks_like_base64(value) and not _exists_as_path(value, policy):
        try:
            return _open_bytes(_decode_base64(value, argument, policy), policy, argument)
        except InvalidInputError:
            if len(value) < 1024:  # as likely a file name as image data: say both
                raise InvalidInputError(f"{argument}: {value[:60]!r} does not exist as a file in the allowed folders "
                                        "and is not base64 image data; give an existing file's path, a data: URL, "
                                        "or an oir://outputs/ URI.") from None
            raise
    return _open_file(_allowed_path(value, policy, argument), policy, argument)


def _exists_as_path(value: str, policy: InputPolicy) -> bool:
    """A value that names an existing file is a path, however much it looks like base64."""
    if len(value) > 4096:
        return False
    try:
        path = Path(value).expanduser()
        if not path.is_absolute() and policy.allowed_dirs:
            path = policy.allowed_dirs[0] / path
        resolved = path.resolve()
        inside = any(resolved.is_relative_to(root) for root in policy.allowed_dirs + [policy.output_dir])
        return inside and resolved.is_file()  # outside the allowed folders, existence is not revealed
    except (OSError, ValueError, RuntimeError):
        return False


def argument_reference(value: str) -> str | None:
    """What to record as an argument's source in diagnostics: its path or URI, or None for inline image data."""
    value = value.strip() if isinstance(value, str) else ""
    if not value or value.startswith("data:") or (_looks_like_base64(value) and not value.startswith("file://")):
        return None
    return value[:1000]


def output_path(uri: str, policy: InputPolicy) -> Path:
    """The file behind oir://outputs/NAME; only plain names inside the output dir exist."""
    name = uri[len(OUTPUT_URI_PREFIX):] if uri.startswith(OUTPUT_URI_PREFIX) else uri
    if not SAFE_NAME.match(name):
        raise InvalidInputError(f"{uri[:80]!r} is not a result URI: names are plain file names like "
                                "oir://outputs/edit-20260101-abcd1234.png.")
    path = policy.output_dir / name
    if not path.is_file():
        raise InvalidInputError(f"{uri[:80]!r} does not exist (unknown or deleted result); use a URI returned by an "
                                "earlier edit_image call.")
    return path


def _allowed_path(raw: str, policy: InputPolicy, argument: str) -> Path:
    try:
        return _checked_path(raw, policy, argument)
    except (OSError, ValueError, RuntimeError) as exc:  # too long, bad encoding, link loop, ~unknown-user
        if isinstance(exc, InvalidInputError):
            raise
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InvalidInputError(f"{argument}: {raw[:60]!r} is not a usable file path ({reason}).") from None


def _checked_path(raw: str, policy: InputPolicy, argument: str) -> Path:
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = policy.allowed_dirs[0] / path if policy.allowed_dirs else path
    resolved = path.resolve()  # follows symlinks: a link escaping the allowed dirs is refused below
    roots = policy.allowed_dirs + [policy.output_dir]
    if not any(resolved == root or resolved.is_relative_to(root) for root in roots):
        # The server's own folders are not named: a client learns only that its path is outside them.
        raise InvalidInputError(
            f"{argument}: {raw!r} is outside the folders this server may read (its --allowed-dir folders and its "
            "results). Give a path relative to the server's image folder, pass the image as a data: URL, or ask "
            "the operator to add the folder with --allowed-dir.")
    if not resolved.exists():
        raise InvalidInputError(f"{argument}: {raw!r} does not exist; give the path of an existing image file.")
    if not resolved.is_file():
        raise InvalidInputError(f"{argument}: {raw!r} is not a file.")
    return resolved


def _open_file(path: Path, policy: InputPolicy, argument: str) -> Image.Image:
    try:
        size = path.stat().st_size
        if size > policy.max_file_bytes:
            raise InvalidInputError(f"{argument}: file is {size / 1e6:.1f} MB, over the "
                                    f"{policy.max_file_bytes / 1e6:.0f} MB limit; downscale or compress it first.")
        data = path.read_bytes()
    except OSError as exc:  # vanished, unreadable (permissions), a device that fails
        raise InvalidInputError(f"{argument}: {path.name!r} could not be read ({exc.strerror or exc}).") from None
    return _open_bytes(data, policy, argument)


def _open_bytes(data: bytes, policy: InputPolicy, argument: str) -> Image.Image:
    if len(data) > policy.max_file_bytes:
        raise InvalidInputError(f"{argument}: image data is {len(data) / 1e6:.1f} MB, over the "
                                f"{policy.max_file_bytes / 1e6:.0f} MB limit; downscale or compress it first.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = img.format
            if fmt not in FORMATS:
                raise InvalidInputError(f"{argument}: format {fmt} is not supported; use PNG, JPEG or WebP.")
            if img.width * img.height > policy.max_pixels:  # checked from the header, before decoding
                raise InvalidInputError(
                    f"{argument}: image is {img.width}x{img.height} = {img.width * img.height / 1e6:.0f} megapixels, "
                    f"over the {policy.max_pixels / 1e6:.0f} MP limit; downscale it first.")
            img.load()
    except InvalidInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInputError(f"{argument}: image has far too many pixels (decompression-bomb guard; the limit is "
                                f"{policy.max_pixels / 1e6:.0f} megapixels); downscale it first.") from exc
    except UnidentifiedImageError as exc:
        raise InvalidInputError(f"{argument}: not a readable image ({type(exc).__name__}); give a PNG, JPEG or "
                                "WebP image.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInputError(f"{argument}: the image data is corrupt or truncated ({str(exc)[:120]}); re-export "
                                "the file and try again.") from exc
    return img


def _decode_data_url(value: str, argument: str, policy: InputPolicy) -> bytes:
    m = re.match(r"^data:(?P<mime>[\w/+.-]*)(?P<params>(;[\w=.-]+)*?)(?P<b64>;base64)?,(?P<data>.*)$", value, re.S)
    if not m or not m.group("b64"):
        raise InvalidInputError(f"{argument}: malformed data URL; expected data:image/png;base64,<base64 data>.")
    if m.group("mime") and not m.group("mime").startswith("image/"):
        raise InvalidInputError(f"{argument}: data URL type {m.group('mime')!r} is not an image.")
    return _decode_base64(m.group("data"), argument, policy)


def _looks_like_base64(value: str) -> bool:
    return len(value) >= 64 and "/" not in value[:1] and "." not in value[-6:] and bool(_B64.match(value[:4096]))


def _decode_base64(data: str, argument: str, policy: InputPolicy) -> bytes:
    if len(data) * 3 // 4 > policy.max_file_bytes:
        raise InvalidInputError(f"{argument}: base64 data is over the {policy.max_file_bytes / 1e6:.0f} MB limit; "
                                "pass a file path instead.")
    compact = re.sub(r"\s+", "", data)
    try:
        if "-" in compact or "_" in compact:
            return base64.urlsafe_b64decode(compact + "=" * (-len(compact) % 4))
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError(f"{argument}: malformed base64 ({exc}); send standard base64 of the image file "
                                "bytes, or a file path.") from exc
