"""`oir-agent view --serve`: the edit view on 127.0.0.1 with a local bridge, so a CLI user moves the same sliders.

The page is the MCP App page with the edit embedded; where a chat host would proxy its `tools/call`, this bridge
takes `POST /call {"name", "arguments"}` and answers with the result an MCP client would get (content,
structuredContent, _meta with the view). Only the view's tools are bridged (refine_edit), and their arguments are
checked as the server checks them; nothing else is served.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .page import standalone_html
from .payload import VIEW_KEY, payload_from_result

MAX_BODY = 64 * 1024


class EditSession:
    """One saved edit and an editor: each refine starts from the latest steps (as a chat's next turn would)."""

    def __init__(self, editor, stored, payload: dict, on_result: Callable | None = None):
        self.editor, self.stored, self.on_result = editor, stored, on_result
        self.payload = payload  # what the page shows now: a reload shows the latest refine
        self.lock = threading.Lock()  # one refine at a time (the device)
        self.refines = 0

    def call(self, name: str, arguments: Any) -> dict:
        from ..errors import OIRError

        try:
            steps = self._checked(name, arguments)
            with self.lock:
                result = self.editor.refine(self.stored, steps)
                result.edit_id = result.edit_id or self.stored.edit_id  # the page refines this edit again
                self.stored = replace(self.stored, steps=[p.optimal_step for p in result.pairs])
                self.refines += 1
                uri = self.on_result(result) if self.on_result else None
        except OIRError as exc:
            return {"isError": True, "content": [{"type": "text", "text": str(exc)}]}
        except Exception as exc:  # the bridge keeps serving; the page shows what went wrong
            return {"isError": True, "content": [{"type": "text", "text": f"internal error: {type(exc).__name__}: "
                                                                          f"{str(exc)[:200]}"}]}
        diagnostics = result.to_dict()
        self.payload = payload_from_result(result, uri, diagnostics)
        return {"content": [{"type": "text", "text": f"refined: steps {self.stored.steps}"}],
                "structuredContent": diagnostics, "_meta": {VIEW_KEY: self.payload}}

    def _checked(self, name: str, arguments: Any) -> dict[str, int]:
        from ..errors import InvalidInputError

        if name != "refine_edit":
            raise InvalidInputError(f"the view may call refine_edit only, not {str(name)[:40]!r}.")
        if not isinstance(arguments, dict):
            raise InvalidInputError("refine_edit arguments must be an object.")
        unknown = set(arguments) - {"edit_id", "steps", "return_image"}
        if unknown:
            raise InvalidInputError(f"unknown refine_edit arguments {sorted(unknown)} (this bridge takes edit_id, "
                                    "steps, return_image).")
        if arguments.get("edit_id") != self.stored.edit_id:
            raise InvalidInputError(f"edit_id {str(arguments.get('edit_id'))[:40]!r} is not the edit served here "
                                    f"({self.stored.edit_id}).")
        steps = arguments.get("steps")
        if not isinstance(steps, dict) or not steps or not all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in steps.items()):
            raise InvalidInputError("steps must be an object of pair -> integer step, e.g. {\"red circle\": 3}.")
        return steps  # the editor checks the pair names and the step range (1..N), as for any refine


def make_server(session: EditSession, port: int = 0) -> ThreadingHTTPServer:
    """The local server (127.0.0.1 only); `server.server_address[1]` is its port."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the CLI prints what matters
            pass

        def _send(self, code: int, body: bytes, kind: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path not in ("/", "/index.html"):
                return self._send(404, b"not found", "text/plain")
            self._send(200, standalone_html(session.payload, bridge="/call").encode(), "text/html; charset=utf-8")

        def do_POST(self):
            if self.path != "/call":
                return self._send(404, b"not found", "text/plain")
            n = int(self.headers.get("Content-Length") or 0)
            if n <= 0 or n > MAX_BODY:
                return self._send(413, b"body missing or too large", "text/plain")
            try:
                body = json.loads(self.rfile.read(n))
                reply = session.call(body.get("name"), body.get("arguments")) if isinstance(body, dict) else None
            except json.JSONDecodeError:
                reply = None
            if reply is None:
                reply = {"isError": True, "content": [{"type": "text", "text": "send {\"name\": ..., \"arguments\": "
                                                                              "{...}} as JSON"}]}
            self._send(200, json.dumps(reply).encode(), "application/json")

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)
