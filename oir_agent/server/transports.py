"""`oir-agent serve` / `python server.py`: run the MCP server over stdio or local streamable HTTP.

HTTP binds 127.0.0.1 with DNS-rebinding protection on every bind (bad Host -> 421, bad Origin -> 403): loopback
binds (127.0.0.0/8, ::1) accept loopback names only, others only --allowed-host. Binding a non-loopback address
is refused unless OIR_AGENT_TOKEN is set (checked as a bearer token) and --allowed-host is given.
On stdio, stdout is the protocol: everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    from ..config import add_model_arguments
    from .settings import setting_default

    p.add_argument("--transport", choices=["stdio", "http"], default="stdio",
                   help="stdio (default: for desktop MCP clients that launch the server) or http (streamable HTTP)")
    p.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1, loopback only)")
    p.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")
    p.add_argument("--allowed-dir", action="append", default=None,
                   help="folder the server may read images from (repeatable; default: the current folder)")
    p.add_argument("--output-dir", default=None, help="where results go (default ~/.cache/oir-agent/outputs)")
    p.add_argument("--allowed-host", action="append", default=None,
                   help="Host header values accepted over HTTP when binding a non-loopback address (e.g. myhost:8765)")
    add_model_arguments(p)
    p.add_argument("--preload", action="store_true", help="load the model at start instead of on the first edit")
    p.add_argument("--queue-size", type=int, default=setting_default("queue_size"),
                   help="edits that may wait behind the running ones (default %(default)s)")
    p.add_argument("--max-concurrent", type=int, default=setting_default("max_concurrent"),
                   help="edits that run together on the device, their UNet/VAE/CLIP calls batched across requests "
                        "(default %(default)s: one at a time)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="local (default): the model in this process; ray: Ray Serve replicas (pip install -e '.[ray]')")
    p.add_argument("--replicas", type=int, default=2, help="with --backend ray: editor replicas (default 2)")
    p.add_argument("--ray-address", default=None,
                   help="with --backend ray: a running Ray cluster (e.g. ray://head:10001 or auto; default: start a "
                        "local Ray instance)")
    p.add_argument("--max-batch", type=int, default=None,
                   help="with --max-concurrent > 1: most rows (samples) in one shared model call (default: no limit; "
                        "set it on a GPU to bound memory)")
    p.add_argument("--max-steps", type=int, default=setting_default("max_steps"),
                   help="largest `steps` a caller may ask for (default %(default)s)")
    p.add_argument("--edit-memory", type=float, default=setting_default("edit_memory_mb"), metavar="MB",
                   help="memory (MB) for finished edits kept for refine_edit, least recently used dropped first; "
                        "0 keeps none (default %(default)s)")
    p.add_argument("--no-structured", action="store_true",
                   help="return diagnostics as text only (for clients that drop images next to structured output)")


def settings_from_args(args):
    from .settings import ServerSettings

    if args.max_concurrent < 1 or args.queue_size < 0 or (args.max_batch is not None and args.max_batch < 1) \
            or args.replicas < 1:
        raise SystemExit("oir-agent serve: --max-concurrent, --max-batch and --replicas must be >= 1, --queue-size "
                         ">= 0.")
    concurrent = args.max_concurrent
    if args.backend == "ray" and concurrent == 1:
        concurrent = args.replicas  # one edit in flight per replica; Ray Serve routes them
    settings = ServerSettings(queue_size=args.queue_size, max_concurrent=concurrent,
                              structured=not args.no_structured, max_steps=args.max_steps,
                              edit_memory_mb=args.edit_memory)
    if args.allowed_dir:
        settings.allowed_dirs = [Path(d) for d in args.allowed_dir]
    if args.output_dir:
        settings.output_dir = Path(args.output_dir)
    for d in settings.allowed_dirs:
        if not Path(d).expanduser().is_dir():
            raise SystemExit(f"oir-agent serve: --allowed-dir {str(d)!r} is not a folder.")
    return settings


def editor_factory(args, settings):
    def build():
        from ..editor import OIREditor

        if getattr(args, "backend", "local") == "ray":
            import atexit

            from .ray_backend import RayEditor

            editor = RayEditor.start(args.model, args.replicas, address=args.ray_address, device=args.device,
                                     dtype=args.dtype, clip_model=args.clip_model)
            atexit.register(editor.shutdown)
            return editor

        editor = OIREditor.from_pretrained(args.model, device=args.device, dtype=args.dtype,
                                           clip_model=args.clip_model, edit_memory=settings.edit_memory_bytes)
        if args.max_concurrent > 1:
            editor.share_calls(max_rows=args.max_batch)
        return editor

    return build


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_serve(args) -> int:
    from ..config import resolve_model
    from .app import server_for
    from .state import ServerState

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args.model = resolve_model(args.model)
    settings = settings_from_args(args)
    if args.edit_memory < 0:
        print("oir-agent serve: --edit-memory must be >= 0 (MB).", file=sys.stderr)
        return 2
    token = os.environ.get("OIR_AGENT_TOKEN") or None
    if args.transport == "http" and not is_loopback(args.host) and (not token or not args.allowed_host):
        print(f"oir-agent serve: refusing to bind {args.host!r}: a non-loopback address needs an auth token "
              "(set OIR_AGENT_TOKEN) and --allowed-host values; or bind 127.0.0.1.", file=sys.stderr)
        return 2
    if args.max_concurrent > 1 and args.backend == "local":
        from ..models import resolve_device

        if resolve_device(args.device).type == "cpu":  # said at start, not at the first edit
            logger.warning("--max-concurrent %d on the CPU: shared calls save per-call overhead only; a CPU that one "
                           "edit already keeps busy gains no throughput (measured 0.65-1.1x on 2 cores); it pays off "
                           "on a GPU.", args.max_concurrent)
    state = ServerState.create(editor_factory(args, settings), settings)
    server = server_for(state)
    if args.preload or args.backend == "ray":  # Ray starts in the main thread, before the port opens
        state.holder.get()
    print(start_line(args, settings), file=sys.stderr, flush=True)  # stdout is the protocol on stdio
    if args.transport == "stdio":
        try:
            server.run("stdio")
        except KeyboardInterrupt:  # Ctrl-C: one line, like the HTTP server's clean exit
            print("oir-agent serve: stopped (interrupted).", file=sys.stderr, flush=True)
            os._exit(130)  # the SDK's stdin reader thread is blocked in read(): waiting for it would hang
        return 0
    import uvicorn

    app = http_app(server, args.host, args.allowed_host, token, settings.max_file_bytes)
    # On SIGTERM, give in-flight calls 5 s, then cancel them: a running edit stops before its next UNet call and
    # writes nothing, so the process exits promptly instead of waiting out an edit of minutes.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


def start_line(args, settings) -> str:
    """The one line a server prints (to stderr) when it starts: where it listens, which model, which folders."""
    host = f"[{args.host}]" if ":" in args.host else args.host
    where = "on stdio" if args.transport == "stdio" else f"listening on http://{host}:{args.port}/mcp"
    if getattr(args, "backend", "local") == "ray":
        model = f"model {args.model} on {args.replicas} Ray Serve replica(s)"
    else:
        model = f"model {args.model} ({'loaded' if args.preload else 'loads on the first edit'})"
    dirs = ", ".join(str(d) for d in settings.allowed_dirs)
    return f"oir-agent MCP server {where}; {model}; reads images from {dirs}; writes results to {settings.output_dir}"


def http_app(server, host: str, allowed_hosts: list[str] | None, token: str | None,
             max_file_bytes: int | None = None):
    """The streamable-HTTP ASGI app with DNS-rebinding protection on every bind and, when a token is set, bearer
    auth. Any loopback bind (all of 127.0.0.0/8 and ::1) accepts only loopback Host/Origin headers plus the
    operator's --allowed-host values; other binds accept only the --allowed-host values."""
    from mcp.server.transport_security import TransportSecuritySettings

    hosts, origins = [], []
    extra = list(allowed_hosts or [])
    if is_loopback(host):
        bound = f"[{host}]" if ":" in host else host
        for name in dict.fromkeys(["127.0.0.1", "localhost", "[::1]", bound]):
            hosts.append(f"{name}:*")
            origins.append(f"http://{name}:*")
    for h in extra:
        hosts.append(h)
        origins.extend([f"http://{h}", f"https://{h}"])
    security = TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                         allowed_origins=origins)
    app = server.streamable_http_app(host=host if is_loopback(host) else "0.0.0.0", transport_security=security,
                                     max_request_body_size=request_body_limit(max_file_bytes))
    return BearerAuth(app, token) if token else app


def request_body_limit(max_file_bytes: int | None) -> int:
    """An HTTP body big enough for the largest image the server accepts, inline as base64 (4/3 of its bytes) with
    room for the other arguments; the transport's own default is 4 MiB, which refused images above ~3 MB."""
    from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE

    if not max_file_bytes:
        return DEFAULT_MAX_REQUEST_BODY_SIZE
    return max(DEFAULT_MAX_REQUEST_BODY_SIZE, -(-max_file_bytes * 4 // 3) + 1024 * 1024)


class BearerAuth:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`."""

    def __init__(self, app, token: str):
        self.app, self.token = app, token.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"")
            scheme, _, credential = given.partition(b" ")
            if not (scheme.lower() == b"bearer" and hmac.compare_digest(credential.strip(), self.token)):
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"text/plain"), (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": b"missing or wrong bearer token"})
                return
        await self.app(scope, receive, send)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="oir-agent-server", description="oir-agent MCP server")
    add_serve_arguments(parser)
    return run_serve(parser.parse_args(argv))
