"""Ray Serve backend (needs the ray extra): a local Ray instance, 2 replicas of the tiny model behind the MCP HTTP
front, 4 concurrent edits all answered with their files; refine_edit explains why it is not served there."""

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


async def _edit(url: str, seed: int, steps: int):
    async with Client(url, read_timeout_seconds=600) as c:
        return await c.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": TGT,
                                                "steps": steps, "seed": seed, "return_image": "link"})


@pytest.fixture(scope="module")
def ray_server(tmp_path_factory):
    from oir_agent.server.launch import launched

    out = tmp_path_factory.mktemp("ray-out")
    log = out.parent / "ray-server.log"
    with launched(["--model", "tiny", "--backend", "ray", "--replicas", "2", "--queue-size", "8", "--allowed-dir",
                   str(ROOT / "examples"), "--output-dir", str(out)], log, timeout=400,
                  env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"}) as (_, port):
        yield f"http://127.0.0.1:{port}/mcp", out, log


async def test_two_replicas_answer_four_concurrent_edits(ray_server):
    url, out, _ = ray_server
    results = []

    async def one(seed):
        results.append(await _edit(url, seed, steps=6))

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


async def test_a_replica_killed_mid_edit_loses_no_request(ray_server):
    """SIGKILL one replica while both are editing: both calls still end with a result (the killed replica's edit is
    resent to the live one, as the server's log says); the server goes on serving."""
    import signal

    import psutil

    url, out, log = ray_server
    results = []

    async def one(seed):
        results.append(await _edit(url, seed, steps=80))  # long enough to be in flight at the kill

    def replicas():
        return [p for p in psutil.process_iter(["cmdline"])
                if "ServeReplica:oir-agent:EditorReplica" in " ".join(p.info["cmdline"] or [])]

    def busy(p) -> float:  # CPU seconds the replica has spent
        t = p.cpu_times()
        return t.user + t.system

    victims = replicas()
    assert len(victims) == 2
    idle = {p.pid: busy(p) for p in victims}
    async with anyio.create_task_group() as tg:
        for seed in range(2):
            tg.start_soon(one, 10 + seed)
        deadline = time.time() + 120  # both replicas inside an edit: each has worked >= 1 CPU second since
        while time.time() < deadline and not all(busy(p) - idle[p.pid] >= 1.0 for p in victims):
            await anyio.sleep(0.2)
        victims[0].send_signal(signal.SIGKILL)
    assert len(results) == 2
    for r in results:  # the killed replica's edit was resent to the live one
        assert not r.is_error, r.content[0].text
    assert "Ray Serve replica failed during edit" in log.read_text(errors="replace")  # the resend path ran
    r = await _edit(url, 99, steps=6)  # still serving
    assert not r.is_error, r.content[0].text
