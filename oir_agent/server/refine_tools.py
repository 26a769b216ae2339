"""The agent loop's tools: refine_edit (re-pick pairs' steps of a kept edit, only the reassembly runs) and
view_candidates (look at a pair's candidates before choosing). Flow for an agent: edit_image, look, refine_edit."""

from __future__ import annotations

import base64
import inspect
import threading
from typing import Annotated, Literal

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ImageContent, TextContent, ToolAnnotations
from pydantic import Field

from ..errors import OIRError
from .calls import Progress, _edit_reply, _event, _write_edit, gated_edit, internal_error
from .outputs import preview_jpeg
from .schema import CandidatesResult, EditToolResult

VIEW_SIDE = 256  # candidates are enlarged (nearest) to at least this side so a vision model can judge them
MAX_VIEW = 8


def add_refine_tools(server: MCPServer, holder, gate, store, settings) -> None:
    annotations = ToolAnnotations(title="Refine an edit (re-pick steps)", readOnlyHint=False, destructiveHint=False,
                                  idempotentHint=True, openWorldHint=False)

    async def refine_edit(
        edit_id: Annotated[str, Field(max_length=64, description="the edit_id of an earlier edit_image (or "
                                                                 "refine_edit) result")],
        ctx: Context,
        steps: Annotated[dict[str, int] | None, Field(description="new inversion steps by the pair's source phrase, "
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
        cancel = threading.Event()
        progress = Progress(ctx, cancel)

        def work(_):
            progress.from_thread(_event("reassembly", 0, 1, "re-assembling with the new steps"))
            editor = _editor(holder, edit_id)
            result = editor.refine(edit_id, steps, progress=progress.from_thread, cancel=cancel, search=search,
                                   search_text=search_text)
            result.edit_memory = editor.edits.occupancy()
            return _write_edit(result, store, False, None)

        result, names = await gated_edit(gate, progress, cancel, store, work, "refine_edit")
        return _edit_reply(result, names, store, settings, return_image, candidates=return_candidates)

    async def view_candidates(
        edit_id: Annotated[str, Field(max_length=64, description="the edit_id of an earlier edit")],
        pair: Annotated[str, Field(max_length=200, description="the pair's source phrase, e.g. 'dumplings'")],
        steps: Annotated[list[int] | None, Field(max_length=MAX_VIEW, description="candidate steps to show (default: "
                                                                                   "up to 8 evaluated steps around the "
                                                                                   "chosen one)")] = None,
    ) -> Annotated[CallToolResult, CandidatesResult]:
        """Show a pair's candidate edits (one image per inversion step) with their scores, from an earlier edit,
        without computing anything. Pick the step that looks right and pass it to refine_edit."""
        try:
            return await anyio.to_thread.run_sync(lambda: _view(holder, edit_id, pair, steps, settings))
        except OIRError as exc:
            raise ToolError(str(exc)) from exc
        except Exception as exc:
            raise internal_error(exc, "view_candidates") from exc

    server.add_tool(refine_edit, description=inspect.cleandoc(refine_edit.__doc__), annotations=annotations,
                    structured_output=settings.structured)
    view_annotations = ToolAnnotations(title="View candidates", readOnlyHint=True, idempotentHint=True,
                                       openWorldHint=False)
    server.add_tool(view_candidates, description=inspect.cleandoc(view_candidates.__doc__),
                    annotations=view_annotations, structured_output=settings.structured)


def _editor(holder, edit_id: str):
    from ..errors import InvalidInputError

    if not holder.loaded:
        raise InvalidInputError(f"edit_id {edit_id[:40]!r} is unknown (no edit has run since this server started): "
                                "run edit_image first, then refine its edit_id.")
    return holder.get()


def _view(holder, edit_id: str, pair: str, steps: list[int] | None, settings) -> CallToolResult:
    from ..errors import InvalidInputError
    from ..report import enlarge
    from .calls import _reply

    stored = _editor(holder, edit_id).edits.get(edit_id)
    names = [p.source for p in stored.edit_pairs]
    key = pair.strip().lower()
    matches = [k for k, p in enumerate(stored.edit_pairs) if key in (p.source.lower(), p.mask_phrase.lower())]
    if not matches:
        raise InvalidInputError(f"pair {pair[:60]!r} is not in edit {edit_id!r}; its pairs are {names}.")
    k = matches[0]
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
        from ..images import to_pil

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
    return _reply([TextContent(type="text", text=text)] + content, data, settings)


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
