"""The server's tools, one module each. Each module defines the tool function (its docstring is the description
clients see; its state comes from the server's lifespan context) and its ANNOTATIONS."""

from __future__ import annotations

from ..strict import StrictTool
from . import edit_image, extract_edit_pairs, find_objects, refine_edit, view_candidates

MODULES = (edit_image, extract_edit_pairs, find_objects, refine_edit, view_candidates)


def all_tools(structured: bool = True) -> list[StrictTool]:
    """Every tool, strict about its arguments; `structured=False` sends diagnostics as text only. Each module's
    UI (when it has one) is its `_meta.ui`: which view shows its result and who may call it (MCP Apps)."""
    return [StrictTool.build(getattr(m, m.__name__.rsplit(".", 1)[1]), annotations=m.ANNOTATIONS,
                             structured_output=structured, meta={"ui": m.UI} if getattr(m, "UI", None) else None)
            for m in MODULES]
