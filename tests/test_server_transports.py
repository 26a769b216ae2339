"""The server as real processes: stdio with the SDK client, streamable HTTP with its security rules."""

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import SOURCE, serve_http
from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
TARGET = SOURCE.replace("red circle", "green triangle")
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_stdio_subprocess_with_sdk_client(tmp_path):
    params = StdioServerParameters(command=sys.executable, args=[
        str(ROOT / "server.py"), "--model", "tiny", "--allowed-dir", str(ROOT / "examples"),
        "--output-dir", str(tmp_path)], env={"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    async with Client(params, read_timeout_seconds=300) as c:
        tools = await c.list_tools()
        assert {t.name for t in tools.tools} >= {"edit_image", "extract_edit_pairs"}
        r = await c.call_tool("edit_image", {
            "image": "dumplings.png", "source_prompt": "a bowl of dumplings on the left and chopsticks on the right",
            "instruction": "replace the dumplings with fried rice", "steps": 3,
            "pairs": None})
        assert not r.is_error, r.content[0].text
        out = r.structured_content["output"]
        assert (out["width"], out["height"]) == (192, 128)
        assert (tmp_path / out["uri"].split("/")[-1]).is_file()


async def test_stdio_answers_without_loading_the_model(tmp_path):
    """tools/list and the aligner never load weights: with a model that cannot load they still answer, and an edit
    gets a clear error (not a crash), after which the server still answers."""
    params = StdioServerParameters(command=sys.executable, args=[
        str(ROOT / "server.py"), "--model", str(tmp_path / "no-such-model"), "--allowed-dir", str(ROOT / "examples"),
        "--output-dir", str(tmp_path)], env={"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    async with Client(params, read_timeout_seconds=300) as c:
        assert {t.name for t in (await c.list_tools()).tools} >= {"edit_image", "extract_edit_pairs"}
        pairs = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
        assert not pairs.is_error
        r = await c.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SOURCE,
                                             "target_prompt": TARGET, "steps": 3})
        assert r.is_error and "no-such-model" in r.content[0].text
        assert not (await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})).is_error


@pytest.fixture
def http_server(tmp_path):
    yield from serve_http(tmp_path)


async def test_http_loopback_call_and_rebinding_protection(http_server):
    url = f"http://127.0.0.1:{http_server}/mcp"
    async with Client(url) as c:
        r = await c.call_tool("extract_edit_pairs", {"source_prompt": SOURCE, "target_prompt": TARGET})
        assert not r.is_error and r.structured_content["pairs"][0]["target"] == "green triangle"
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    headers = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient() as h:
        bad_host = await h.post(url, json=body, headers={**headers, "host": "evil.example:80"})
        assert bad_host.status_code == 421
        bad_origin = await h.post(url, json=body, headers={**headers, "origin": "http://evil.example"})
        assert bad_origin.status_code == 403


def test_non_loopback_bind_without_token_refused():
    r = subprocess.run([sys.executable, "-m", "oir_agent.cli", "serve", "--transport", "http", "--host", "0.0.0.0",
                        "--model", "tiny"], capture_output=True, text=True, timeout=60,
                       env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert r.returncode == 2 and "refusing to bind '0.0.0.0'" in r.stderr and "OIR_AGENT_TOKEN" in r.stderr


async def test_bearer_token_middleware():
    from oir_agent.server.transports import BearerAuth

    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guarded = BearerAuth(app, "s3cret")
    transport = httpx.ASGITransport(app=guarded)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as h:
        assert (await h.get("/mcp")).status_code == 401
        assert (await h.get("/mcp", headers={"authorization": "Bearer wrong"})).status_code == 401
        assert (await h.get("/mcp", headers={"authorization": "Bearer s3cret"})).status_code == 200
    assert seen == ["/mcp"]


async def test_max_concurrent_serves_edits_together_with_shared_calls(tmp_path):
    """`serve --max-concurrent 3`: the editor shares model calls, three concurrent MCP edits all finish, and their
    diagnostics say they shared UNet calls; bad values are refused at start."""
    import anyio

    from oir_agent.server.app import server_for
    from oir_agent.server.state import ServerState
    from oir_agent.server.transports import add_serve_arguments, editor_factory, settings_from_args

    parser = __import__("argparse").ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args(["--model", "tiny", "--max-concurrent", "3", "--queue-size", "0", "--allowed-dir",
                              str(ROOT / "examples"), "--output-dir", str(tmp_path)])
    settings = settings_from_args(args)
    assert settings.max_concurrent == 3
    state = ServerState.create(editor_factory(args, settings), settings)
    server = server_for(state)
    assert state.holder.get().batcher is not None
    results = []

    async def one(seed):
        async with Client(server) as c:
            results.append(await c.call_tool("edit_image", {
                "image": "dumplings.png", "steps": 6, "seed": seed,
                "source_prompt": "a bowl of dumplings on the left and chopsticks on the right",
                "target_prompt": "a bowl of fried rice on the left and a knife on the right"}))

    async with anyio.create_task_group() as tg:
        for seed in range(3):
            tg.start_soon(one, seed)
    assert all(not r.is_error for r in results), [r.content[0].text for r in results if r.is_error]
    assert sum(r.structured_content["cost"]["shared_unet_calls"] for r in results) > 0
    for bad in (["--max-concurrent", "0"], ["--max-batch", "0"], ["--replicas", "0"]):
        with pytest.raises(SystemExit):
            settings_from_args(parser.parse_args(["--model", "tiny", *bad]))
