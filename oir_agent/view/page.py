"""The view's HTML: one built file (`edit.html`, rebuilt from src/ with `npm ci && npm run build` there), served as
the MCP App resource as it is, and, for `oir-agent view`, with the edit embedded (and a bridge address)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

VIEW_URI = "ui://oir-agent/edit"
CSP_NONE = "connect-src 'none'"


@cache
def view_html() -> str:
    """The MCP App page: it gets its edit from the host (tool results) and calls tools through it."""
    return resources.files(__package__).joinpath("edit.html").read_text(encoding="utf-8")


def standalone_html(payload: dict, bridge: str | None = None) -> str:
    """The same page with `payload` embedded; with `bridge` (a same-origin path), slider moves POST tool calls there
    (the page may then connect to its own origin, nowhere else)."""
    html = view_html()
    data = json.dumps(payload).replace("</", "<\\/")  # JSON inside <script> must not close it
    head = f'<script id="oir-view-data" type="application/json">{data}</script>'
    if bridge is not None:
        if not bridge.startswith("/") or bridge.startswith("//"):
            raise ValueError(f"the bridge must be a same-origin path such as '/call', not {bridge!r}")
        head += f'\n<meta name="oir-bridge" content="{bridge}">'
        html = html.replace(CSP_NONE, "connect-src 'self'", 1)
    return html.replace("</head>", head + "\n</head>", 1)
