"""What every tool call of one server shares: settings, the editor (built once, lazily), the device gate, the input
policy and the output store. The server's lifespan yields it; a tool reaches it with `server_state(ctx)`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .calls import DeviceGate, EditorHolder
from .inputs import InputPolicy
from .outputs import OutputStore
from .settings import ServerSettings

logger = logging.getLogger(__name__)


@dataclass
class ServerState:
    settings: ServerSettings
    holder: EditorHolder
    gate: DeviceGate
    policy: InputPolicy
    store: OutputStore

    @classmethod
    def create(cls, editor_factory: Callable[[], Any], settings: ServerSettings | None = None) -> ServerState:
        """`editor_factory()` returns an OIREditor (called once, on first use or at --preload)."""
        settings = settings or ServerSettings()
        store = OutputStore(settings.output_dir)
        if store.removed_stale:
            logger.info("removed %d stale temporary file(s) from %s", store.removed_stale, store.root)
        policy = InputPolicy(allowed_dirs=settings.allowed_dirs, output_dir=settings.output_dir,
                             max_file_bytes=settings.max_file_bytes, max_pixels=settings.max_pixels)
        return cls(settings, EditorHolder(editor_factory), DeviceGate(settings.queue_size, settings.max_concurrent),
                   policy, store)


def server_state(ctx) -> ServerState:
    """The state of the server that is handling this call (the lifespan context)."""
    return ctx.request_context.lifespan_context
