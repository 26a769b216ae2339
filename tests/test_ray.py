"""Ray Serve backend (needs the ray extra): a local Ray instance, 2 replicas of the tiny model behind the MCP HTTP
front, 4 concurrent edits all answered with their files; refine_edit explains why it is not served there."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest

pytest.importorskip("ray.serve")
from mcp import Client

pytestmark = [pytest.mark.ray, pytest.mark.anyio]
ROOT = Path(__file__).resolve().parents[1]
SRC = "a bowl of dumplings on the left and chopsticks on the right"
TGT = "a bowl of fried rice on the left and a knife on the right"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="module")
def ray_server(tmp_path_factory):
    out = tmp_path_factory.mktemp("ray-out")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "oir_agent.cli", "serve", "--transport", "http", "--port",
                             str(port), "--model", "tiny", "--backend", "ray", "--replicas", "2", "--queue-size", "8",
                             "--allowed-dir", str(ROOT / "examples"), "--output-dir", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**__import__("os").environ,
                                                                                    "HF_HUB_OFFLINE": "1"})
    deadline = time.time() + 400
    while time.time() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.5)
    if proc.poll() is not None:
        pytest.fail("the Ray server exited: " + proc.stderr.read().decode()[-2000:])
    yield f"http://127.0.0.1:{port}/mcp", out
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()


async def test_two_replicas_answer_four_concurrent_edits(ray_server):
    url, out = ray_server
    results = []

    async def one(seed):
        async with Client(url, read_timeout_seconds=600) as c:
            results.append(await c.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SRC,
                                                            "target_prompt": TGT, "steps": 6, "seed": seed,
                                                            "return_image": "link"}))

    async with anyio.create_task_group() as tg:
        for seed in range(4):
            tg.start_soon(one, seed)
    assert len(results) == 4
    for r in results:
        assert not r.is_error, r.content[0].text
        d = r.structured_content
        assert (out / d["files"]["output"].rsplit("/", 1)[-1]).is_file() and d["edit_id"] is None
        assert d["cost"]["unet_sample_evals"] > 0
    assert len({r.structured_content["files"]["output"] for r in results}) == 4  # no duplicated result
    async with Client(url) as c:
        r = await c.call_tool("refine_edit", {"edit_id": "abc", "steps": {"dumplings": 3}})
        assert r.is_error and "Ray Serve replicas" in r.content[0].text
