"""The MCP server (mcp 2.x MCPServer): a thin adapter over OIREditor. It knows nothing of tensors.

Tools (one module each under tools/): edit_image (the edit), refine_edit (re-pick pairs' steps of a kept edit),
view_candidates (a pair's candidates), extract_edit_pairs (the aligner alone, instant), find_objects (masks only).
Resources: oir://outputs/{name} (results, sheets, diagnostics) and the MCP App view ui://oir-agent/edit.
What the calls share (settings, the editor, the device gate: `max_concurrent` edits at a time, a bounded waiting
queue) is the ServerState the lifespan yields.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.apps import Apps, ResourceCsp
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError

from ..view.page import VIEW_URI, view_html
from .settings import ServerSettings
from .state import ServerState
from .tools import all_tools

INSTRUCTIONS = """Edit images with Object-aware Inversion and Reassembly (OIR): several objects changed at once,
each at its own best inversion depth, background preserved. Typical flow: call extract_edit_pairs first
(instant) to check that your prompts yield the pairs you mean, then edit_image. Give a source_prompt that
describes the image and a target_prompt that is the SAME sentence with only the objects to change edited
(or an instruction such as "replace the cat with a dog"). Results come back as a preview, a full-size
oir://outputs/ URI (pass it as `image` to keep editing) and diagnostics (pairs, masks, chosen steps, cost)
with an edit_id. If one object changed too little or too much, look at its candidates (view_candidates, or
edit_image with return_candidates=true) and call refine_edit(edit_id, steps={object: step}): it reuses the
edit's search and costs a few percent of an edit."""


def view_app() -> Apps:
    """The MCP Apps extension: the edit view (ui://oir-agent/edit) that edit_image's and refine_edit's `_meta.ui`
    name. Its CSP declares no origin (the page is self-contained and reaches nothing); the only tools it may call
    are those whose visibility includes "app" (refine_edit, view_candidates), which the host enforces."""
    apps = Apps()
    apps.add_html_resource(VIEW_URI, view_html(), name="oir-agent edit view", title="OIR edit",
                           description="before/after, masks, each pair's candidates and a step slider per pair "
                                       "(calls refine_edit)", csp=ResourceCsp(), prefers_border=True)
    return apps


def build_server(editor_factory: Callable[[], Any], settings: ServerSettings | None = None) -> MCPServer:
    """The MCP server; `editor_factory()` returns an OIREditor (called once, lazily)."""
    return server_for(ServerState.create(editor_factory, settings))


def server_for(state: ServerState) -> MCPServer:
    """The MCP server over this state (the caller keeps `state`, e.g. to preload the model)."""
    from .. import __version__

    @asynccontextmanager
    async def lifespan(_server):
        yield state  # shared by every session: one editor, one gate, one store

    server = MCPServer("oir-agent", instructions=INSTRUCTIONS, version=__version__, lifespan=lifespan,
                       tools=all_tools(state.settings.structured), extensions=[view_app()])

    @server.resource("oir://outputs/{name}", mime_type="application/octet-stream")
    def outputs(name: str) -> bytes:
        """A file this server wrote: a full-size result PNG, a contact sheet, or diagnostics JSON."""
        found = state.store.read(name)
        if found is None:
            raise ResourceNotFoundError(f"no output named {name!r}")
        return found[0]

    return server
