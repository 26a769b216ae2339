"""ServerSettings: every limit of the MCP server, with its default, in one place (`serve`'s flags read these)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass
class ServerSettings:
    """How the server runs; defaults are safe for a local desktop client."""

    allowed_dirs: list[Path] = field(default_factory=lambda: [Path.cwd()])
    output_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "oir-agent" / "outputs")
    queue_size: int = 2  # edits allowed to wait behind the running ones; more get "busy, retry later"
    max_concurrent: int = 1  # edits running together on the device, sharing model calls (cross-request batching)
    structured: bool = True  # False: diagnostics as text only (for clients that drop images next to structured data)
    max_steps: int = 100  # the largest `steps` a caller may ask for
    edit_memory_mb: float = 512.0  # finished edits kept for refine_edit (MB, least recently used dropped first)
    max_file_bytes: int = 30 * 1024 * 1024
    max_pixels: int = 40_000_000
    preview_side: int = 1024

    @property
    def edit_memory_bytes(self) -> int:
        return int(self.edit_memory_mb * 2**20)


def setting_default(name: str):
    """A ServerSettings field's default (for `serve`'s flags)."""
    (f,) = [f for f in fields(ServerSettings) if f.name == name]
    return f.default
