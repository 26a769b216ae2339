"""Atomic output files: write to a temp file in the target folder, then rename (no partial files)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image


def _file_mode() -> int:
    """The mode a plain open() would give a new file: 0o666 less the process umask (read once, at import)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()  # mkstemp creates 0600; results get the usual mode instead


def atomic_write(path: str | Path, write: Callable[[Any], None], mode: str = "wb") -> Path:
    """Call write(fileobj) on a temp file next to `path`, then move it into place."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    try:
        with os.fdopen(fd, mode) as f:
            write(f)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(target, exc) from exc
        raise
    return target


def _write_error(target: Path, exc: OSError):
    """A failed write (full disk, no permission, read-only folder) as the project's error: clear, one line."""
    from .errors import ResourceError

    return ResourceError(f"could not write {target.name!r} in {target.parent.name!r}/: {exc.strerror or exc}; free some "
                         "space or choose another output folder (nothing partial was left behind).")


def save_image(image: Image.Image, path: str | Path, format: str | None = None, **params) -> Path:
    fmt = format or Image.registered_extensions().get(Path(path).suffix.lower(), "PNG")
    return atomic_write(path, lambda f: image.save(f, format=fmt, **params))


def save_json(data: Any, path: str | Path) -> Path:
    return atomic_write(path, lambda f: f.write(json.dumps(data, indent=2)), mode="w")
