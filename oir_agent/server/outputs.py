"""Server outputs: collision-free names, atomic writes in the output dir, and chat-sized previews."""

from __future__ import annotations

import mimetypes
import time
import uuid
from pathlib import Path

from PIL import Image

from ..files import atomic_write
from ..images import PREVIEW_MAX_BYTES, preview_jpeg  # noqa: F401 (the server's names for them)
from .inputs import OUTPUT_URI_PREFIX, SAFE_NAME

STALE_PART_SECONDS = 60  # a temp file older than this at start belongs to a writer that died (writes take < 1 s)


class OutputStore:
    """Results live in one folder and are addressed as oir://outputs/NAME."""

    def __init__(self, root: Path):
        self.root = Path(root).expanduser().resolve()  # created by the first write, not before
        self.removed_stale = self._remove_stale_parts() if self.root.is_dir() else 0

    def _remove_stale_parts(self) -> int:
        """Temp files a killed server left behind (atomic_write's `.NAME.*.part`); recent ones may belong to
        another live server sharing the folder, so only those older than STALE_PART_SECONDS go."""
        removed, now = 0, time.time()
        for path in self.root.glob(".*.part"):
            try:
                if now - path.stat().st_mtime > STALE_PART_SECONDS:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def delete(self, names) -> None:
        """Remove outputs (a rollback of a cancelled edit's files); unknown names are ignored."""
        for name in names:
            if SAFE_NAME.match(name):
                (self.root / name).unlink(missing_ok=True)

    def new_name(self, prefix: str, suffix: str) -> str:
        return f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:10]}{suffix}"

    def save_image(self, image: Image.Image, prefix: str) -> str:
        name = self.new_name(prefix, ".png")
        atomic_write(self.root / name, lambda f: image.save(f, format="PNG"))
        return name

    def save_text(self, text: str, prefix: str, suffix: str = ".json") -> str:
        name = self.new_name(prefix, suffix)
        atomic_write(self.root / name, lambda f: f.write(text), mode="w")
        return name

    @staticmethod
    def uri(name: str) -> str:
        return OUTPUT_URI_PREFIX + name

    def read(self, name: str) -> tuple[bytes, str] | None:
        """(bytes, mime type) of an output, or None for anything that is not a plain output name."""
        if not SAFE_NAME.match(name) or name.endswith(".part"):
            return None
        path = self.root / name
        if not path.is_file():
            return None
        return path.read_bytes(), mimetypes.guess_type(name)[0] or "application/octet-stream"


