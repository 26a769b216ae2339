"""The view_candidates tool: a pair's candidates of a kept edit as images, with their scores (no compute)."""

from __future__ import annotations

import base64
from typing import Annotated

import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, TextContent, ToolAnnotations
from pydantic import Field

from ...errors import OIRError
from ..calls import internal_error, reply
from ..outputs import preview_jpeg
from ..schema import CandidatesResult
from ..state import server_state
from .refine_edit import kept_edits_editor

ANNOTATIONS = ToolAnnotations(title="View candidates", readOnlyHint=True, idempotentHint=True, openWorldHint=False)
UI = {"visibility": ["model", "app"]}  # the view may look at candidates
VIEW_SIDE = 256  # candidates are enlarged (nearest) to at least this side so a vision model can judge them
MAX_VIEW = 8


async def view_candidates(
    edit_id: Annotated[str, Field(max_length=64, description="the edit_id of an earlier edit")],
    pair: Annotated[str, Field(max_length=200, description="the pair's id or source phrase (or its number, "
                                                                "1-based), e.g. 'dumplings'")],
    ctx: Context,
    steps: Annotated[list[int] | None, Field(max_length=MAX_VIEW, description="candidate steps to show (default: "
                                                                               "up to 8 evaluated steps around the "
                                                                               "chosen one)")] = None,
) -> Annotated[CallToolResult, CandidatesResult]:
    """Show a pair's candidate edits (one image per inversion step) with their scores, from an earlier edit,
    without computing anything. Pick the step that looks right and pass it to refine_edit."""
    state = server_state(ctx)
    try:
        return await anyio.to_thread.run_sync(lambda: _view(state.holder, edit_id, pair, steps, state.settings))
    except OIRError as exc:
        raise ToolError(str(exc)) from exc
    except Exception as exc:
        raise internal_error(exc, "view_candidates") from exc


def _view(holder, edit_id: str, pair: str, steps: list[int] | None, settings) -> CallToolResult:
    from ...errors import InvalidInputError
    from ...report import enlarge

    stored = kept_edits_editor(holder, edit_id).edits.get(edit_id)
    from ...pair_ids import key_index

    names = [p.id or p.source for p in stored.edit_pairs]
    k = key_index(pair, stored.edit_pairs, f"pair (edit {edit_id!r})")
    search, chosen = stored.searches[k], stored.steps[k]
    if steps:
        unknown = [i for i in steps if i not in search.steps]
        if unknown:
            raise InvalidInputError(f"steps {unknown} were not evaluated for {names[k]!r} (evaluated: {search.steps}); "
                                    "refine_edit computes any step on demand.")
        shown = list(dict.fromkeys(steps))
    else:  # the evaluated steps nearest the chosen one
        shown = sorted(sorted(search.steps, key=lambda i: (abs(i - chosen), i))[:MAX_VIEW])
    content, rows = [], []
    for i in shown:
        j = search.steps.index(i)
        from ...images import to_pil

        picture = enlarge(to_pil(search.thumbnails[j]), VIEW_SIDE)
        content.append(ImageContent(type="image", data=base64.b64encode(preview_jpeg(picture, 512, 200_000)).decode(),
                                    mimeType="image/jpeg"))
        row = {"step": i, "chosen": i == chosen, "s_edit": _num(search.s_edit[j]),
               "s_source": _num(search.s_source[j]) if search.s_source is not None else None,
               "preserved_psnr_db": _psnr(search.s_background[j]),
               "inside_change": _num(search.inside_change[j]) if search.inside_change is not None else None}
        rows.append(row)
    text = (f"{names[k]!r} -> {stored.edit_pairs[k].target!r}: chosen step {chosen}; images in this order: "
            + "; ".join(f"step {r['step']}{' (chosen)' if r['chosen'] else ''}: edit score "
                        f"{_fmt(r['s_edit'], r['s_source'])}, preserved {r['preserved_psnr_db']} dB, change in mask "
                        f"{r['inside_change']}" for r in rows)
            + ". Higher steps change more. Call refine_edit with the step you prefer.")
    data = {"edit_id": edit_id, "pair": names[k], "chosen_step": chosen, "evaluated_steps": list(search.steps),
            "candidates": rows}
    return reply([TextContent(type="text", text=text)] + content, data, settings)


def _num(x) -> float | None:
    import math

    x = float(x)
    return round(x, 4) if math.isfinite(x) else None


def _psnr(s_background) -> float | None:
    import math

    x = float(s_background)
    return round(10 * math.log10(1 / max(-x, 1e-10)), 1) if math.isfinite(x) else None


def _fmt(e, s) -> str:
    if e is None:
        return "n/a"
    return f"{e:.3f}" if s is None else f"{e - s:+.3f} (target vs source)"
