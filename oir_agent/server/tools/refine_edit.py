"""The refine_edit tool: re-pick pairs' steps of a kept edit (only the reassembly runs), through the same device
gate and queue as edit_image. The agent loop: edit_image, look (view_candidates), refine_edit."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

from mcp.server.apps import client_supports_apps
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ToolAnnotations
from pydantic import Field

from ...view.page import VIEW_URI
from ..calls import Progress, edit_reply, event, gated_edit, write_edit
from ..schema import EditToolResult
from ..state import server_state

ANNOTATIONS = ToolAnnotations(title="Refine an edit (re-pick steps)", readOnlyHint=False, destructiveHint=False,
                              idempotentHint=True, openWorldHint=False)
UI = {"resourceUri": VIEW_URI, "visibility": ["model", "app"]}  # the view's sliders call it


def kept_edits_editor(holder, edit_id: str):
    """The editor that keeps the finished edits; a clear error when no edit ran since the server started."""
    from ...errors import InvalidInputError

    if not holder.loaded:
        raise InvalidInputError(f"edit_id {edit_id[:40]!r} is unknown (no edit has run since this server started): "
                                "run edit_image first, then refine its edit_id.")
    return holder.get()


async def refine_edit(
    edit_id: Annotated[str, Field(max_length=64, description="the edit_id of an earlier edit_image (or "
                                                             "refine_edit) result")],
    ctx: Context,
    steps: Annotated[dict[str, int] | None, Field(description="new inversion steps by the pair's id or source phrase, "
                                                              "e.g. {\"dumplings\": 18}; higher = more change, "
                                                              "lower = closer to the input; unlisted pairs keep "
                                                              "their step")] = None,
    search: Annotated[dict[str, list[int]] | None,
                      Field(description="instead of a step, re-search a pair over a step range [lo, hi], e.g. "
                                        "{\"dumplings\": [10, 30]}: the best step there is used (candidates "
                                        "not yet computed are computed, counted)")] = None,
    search_text: Annotated[dict[str, str] | None,
                           Field(description="with `search`: score that pair's region against this text instead "
                                             "of its target phrase, e.g. {\"dumplings\": \"fried rice\"}")] = None,
    return_image: Annotated[Literal["preview", "link", "both"],
                            Field(description="preview JPEG, full-size link, or both (default)")] = "both",
    return_candidates: Annotated[bool, Field(description="also return the contact sheet (every candidate, step "
                                                         "numbers, score curves) as an image")] = False,
) -> Annotated[CallToolResult, EditToolResult]:
    """Re-pick the inversion step of one or more pairs of an earlier edit and rebuild the image, reusing its
    inversion and every candidate already computed: only the reassembly runs (about 3% of an edit's compute;
    a step never evaluated before is computed first). Use it when one object changed too little (raise its
    step) or too much (lower it), or re-search one pair over a range (`search`). The same steps give the same
    image. Returns what edit_image returns."""
    state = server_state(ctx)
    cancel = threading.Event()
    progress = Progress(ctx, cancel)

    def work(_):
        progress.from_thread(event("reassembly", 0, 1, "re-assembling with the new steps"))
        editor = kept_edits_editor(state.holder, edit_id)
        result = editor.refine(edit_id, steps, progress=progress.from_thread, cancel=cancel, search=search,
                               search_text=search_text)
        result, names = write_edit(result, state.store, False, None)
        return result, names, editor.edits.occupancy()

    result, names, memory = await gated_edit(state.gate, progress, cancel, state.store, work, "refine_edit")
    return edit_reply(result, names, state.store, state.settings, return_image, candidates=return_candidates,
                      edit_memory=memory, view=client_supports_apps(ctx))

