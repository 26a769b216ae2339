"""Reliability figures for the MCP server and the CLI on the tiny preset: soak, concurrency, fault injection.

    python benchmarks/reliability.py soak [--edits 200] [--edit-memory MB]   # one HTTP server, random valid and
                                                                     # invalid calls, random cancels: RSS growth,
                                                                     # leaked files, gates
    python benchmarks/reliability.py concurrency [--callers 20]      # simultaneous callers: answered or "busy", 0 lost
    python benchmarks/reliability.py faults                          # OOM in a UNet call, full disk, SIGTERM mid-edit

Each prints its figures and exits non-zero when a promise is broken.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from common import rss_mb  # noqa: E402

EX = ROOT / "examples"
SRC = "a bowl of dumplings on the left and chopsticks on the right"
TGT = "a bowl of fried rice on the left and a knife on the right"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@contextlib.contextmanager
def http_server(out: Path, queue_size: int = 2, model: str = "tiny", extra: list[str] | tuple = (),
                log: Path | None = None):
    """`serve --transport http --preload` (the model, or Ray and its replicas, loads before the port opens)."""
    from oir_agent.server.launch import launched

    log = log or out.parent / f"{out.name}-server.log"
    with launched(["--model", model, "--allowed-dir", str(EX), "--output-dir", str(out), "--queue-size",
                   str(queue_size), "--preload", *extra], log, env=ENV, timeout=300) as (proc, port):
        yield proc, f"http://127.0.0.1:{port}/mcp"


async def settled_rss_mb(pid: int) -> float:
    """RSS between calls without an edit's transient tensors: after a pause (cancelled work finishes), the least
    of five samples."""
    await anyio.sleep(1.0)
    samples = []
    for _ in range(5):
        samples.append(rss_mb(pid))
        await anyio.sleep(0.2)
    return min(samples)


def random_call(rng: random.Random) -> tuple[str, dict, bool]:
    """(tool, arguments, expected to succeed): an edit_image call, valid or not."""
    kind = rng.choice(["edit", "edit", "edit", "edit", "instruction", "bad_file", "same", "bad_steps", "unknown",
                       "nul", "huge"])
    steps = rng.randint(3, 6)
    if kind == "edit":
        return "edit_image", {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": TGT, "steps": steps,
                              "seed": rng.randint(0, 9)}, True
    if kind == "instruction":
        return "edit_image", {"image": "dumplings.png", "source_prompt": SRC, "steps": steps,
                              "instruction": "replace the dumplings with fried rice"}, True
    bad = {"bad_file": {"image": "missing.png", "source_prompt": SRC, "target_prompt": TGT},
           "same": {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": SRC},
           "bad_steps": {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": TGT, "steps": 0},
           "unknown": {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": TGT, "stepz": 3},
           "nul": {"image": "dump\x00lings.png", "source_prompt": SRC, "target_prompt": TGT},
           "huge": {"image": "dumplings.png", "source_prompt": "x" * 100_000, "target_prompt": TGT}}[kind]
    return "edit_image", bad, False


async def soak(edits: int, seed: int, edit_memory: float = 0) -> int:
    from mcp import Client

    rng = random.Random(seed)
    out = Path(tempfile.mkdtemp(prefix="oir-soak-"))
    counts = {"ok": 0, "refused": 0, "cancelled": 0, "unexpected": 0}
    kept: set[str] = set()
    # Kept edits (for refine) grow RSS by design, up to --edit-memory; 0 (the default here) measures leaks alone.
    with http_server(out, extra=["--edit-memory", str(edit_memory)]) as (proc, url):
        warm_rss = None
        async with Client(url, read_timeout_seconds=300) as c:
            t0 = time.time()
            for i in range(edits):
                if i == min(50, edits // 4):  # warmed up: the allocator's pools have grown (RSS flat from ~50 on)
                    warm_rss = await settled_rss_mb(proc.pid)
                if i and i % 100 == 0:
                    print(f"soak: {i} calls, settled server RSS {await settled_rss_mb(proc.pid):.0f} MB", flush=True)
                tool, args, valid = random_call(rng)
                cancel_after = rng.uniform(0.02, 0.4) if valid and rng.random() < 0.25 else None
                if cancel_after is not None:
                    with anyio.move_on_after(cancel_after) as scope:
                        r = await c.call_tool(tool, args)
                    if scope.cancelled_caught:
                        counts["cancelled"] += 1
                        continue
                else:
                    r = await c.call_tool(tool, args)
                if r.is_error:
                    text = r.content[0].text
                    counts["refused" if not valid and "internal error" not in text and "\n" not in text.strip()
                           else "unexpected"] += 1
                else:
                    counts["ok" if valid else "unexpected"] += 1
                    if tool == "edit_image":
                        o = r.structured_content["output"]
                        kept.update(u.split("/")[-1] for u in (o["uri"], o["diagnostics_uri"]))
            end_rss = await settled_rss_mb(proc.pid)
            took = time.time() - t0
            await anyio.sleep(1.0)  # let cancelled work finish its rollback
            t1 = time.time()
            final = await c.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SRC,
                                                     "target_prompt": TGT, "steps": 3})
            gate_ok = not final.is_error and time.time() - t1 < 60
            if not final.is_error:
                o = final.structured_content["output"]
                kept.update(u.split("/")[-1] for u in (o["uri"], o["diagnostics_uri"]))
    on_disk = {p.name for p in out.iterdir()}
    leaked = sorted(on_disk - kept)
    growth = (end_rss - warm_rss) / warm_rss * 100 if warm_rss else float("nan")
    print(f"soak: {edits} calls in {took:.0f} s: {counts['ok']} ok, {counts['refused']} refused cleanly, "
          f"{counts['cancelled']} cancelled, {counts['unexpected']} unexpected")
    print(f"soak: server RSS {warm_rss:.0f} MB after warm-up -> {end_rss:.0f} MB after {edits} "
          f"({growth:+.1f}%); files on disk {len(on_disk)}, leaked {len(leaked)} {leaked[:5]}; "
          f"device gate free afterwards: {gate_ok}")
    return int(counts["unexpected"] > 0 or bool(leaked) or not gate_ok or growth > 5)


async def concurrency(callers: int) -> int:
    from mcp import Client

    out = Path(tempfile.mkdtemp(prefix="oir-conc-"))
    outcomes: dict[str, int] = {"result": 0, "busy": 0, "other error": 0}
    answered = []
    with http_server(out, queue_size=2) as (proc, url):
        async with Client(url, read_timeout_seconds=300) as seed_client:
            first = await seed_client.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SRC,
                                                               "target_prompt": TGT, "steps": 3})
            uri = first.structured_content["output"]["uri"]

        async def caller(i: int):
            async with Client(url, read_timeout_seconds=300) as c:
                kind = i % 5
                if kind in (0, 1):
                    r = await c.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SRC,
                                                         "target_prompt": TGT, "steps": 4})
                elif kind in (2, 3):
                    r = await c.call_tool("extract_edit_pairs", {"source_prompt": SRC, "target_prompt": TGT})
                else:
                    await c.read_resource(uri)
                    answered.append(i)
                    outcomes["result"] += 1
                    return
                answered.append(i)
                if not r.is_error:
                    outcomes["result"] += 1
                elif "busy" in r.content[0].text:
                    outcomes["busy"] += 1
                else:
                    outcomes["other error"] += 1

        t0 = time.time()
        with anyio.fail_after(600):
            async with anyio.create_task_group() as tg:
                for i in range(callers):
                    tg.start_soon(caller, i)
    lost = callers - len(answered)
    print(f"concurrency: {callers} simultaneous callers in {time.time() - t0:.1f} s: {outcomes['result']} results, "
          f"{outcomes['busy']} clean 'busy', {outcomes['other error']} other errors, {lost} lost")
    return int(lost > 0 or outcomes["other error"] > 0)


def faults() -> int:
    import torch

    from oir_agent import OIRConfig, OIREditor
    from oir_agent.errors import ResourceError

    failures = 0
    editor = OIREditor.from_pretrained("tiny")
    unet = editor.components.unet

    class FlakyUNet(torch.nn.Module):
        """Raises out-of-memory on chosen calls (batch > `min_batch`), like a GPU that filled up."""

        def __init__(self, inner, fail_calls, min_batch=1):
            super().__init__()
            self.inner, self.fail_calls, self.min_batch, self.calls = inner, set(fail_calls), min_batch, 0

        def forward(self, x, *a, **k):
            self.calls += 1
            if self.calls in self.fail_calls or (not self.fail_calls and x.shape[0] >= self.min_batch):
                raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
            return self.inner(x, *a, **k)

        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self.inner, name)

    args = dict(source_prompt=SRC, target_prompt=TGT, config=OIRConfig(num_inference_steps=6),
                masks={"dumplings": EX / "masks" / "dumplings.png", "chopsticks": EX / "masks" / "chopsticks.png"})
    reference = editor.edit(EX / "dumplings.png", **args)
    rng = random.Random(0)
    for _ in range(5):
        k = rng.randint(1, reference.cost.unet_calls)
        editor.components.unet = FlakyUNet(unet, {k})
        try:
            r = editor.edit(EX / "dumplings.png", **args)
            import numpy as np

            diff = np.abs(np.asarray(r.image, np.int16) - np.asarray(reference.image, np.int16)).max()
            print(f"faults: OOM at UNet call {k}: edit completed (split batch); max pixel difference to the edit "
                  f"without the fault {diff}/255 (smaller batches round differently); warning: "
                  f"{[w for w in r.warnings if 'memory' in w][:1]}")
        except ResourceError as exc:
            print(f"faults: OOM at UNet call {k} (a single-sample call): clean ResourceError: {exc}")
        finally:
            editor.components.unet = unet
    editor.components.unet = FlakyUNet(unet, set(), min_batch=1)
    try:
        editor.edit(EX / "dumplings.png", **args)
        print("faults: OOM on every call: NOT refused")
        failures += 1
    except ResourceError as exc:
        print(f"faults: OOM on every call: clean ResourceError: {exc}")
    finally:
        editor.components.unet = unet
    again = editor.edit(EX / "dumplings.png", **args)
    print(f"faults: the next edit after the faults runs: {again.image.size == reference.image.size}")

    # Full disk: every write fails with ENOSPC (a patched writer), through the CLI and through the server's store.
    import oir_agent.files as files
    from oir_agent.cli.main import main

    out = Path(tempfile.mkdtemp(prefix="oir-disk-"))
    real_replace = files.os.replace

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    files.os.replace = full
    try:
        rc = main(["edit", str(EX / "dumplings.png"), "--model", "tiny", "-s", SRC, "-t", TGT, "--steps", "3",
                   "--mask", f"dumplings={EX / 'masks' / 'dumplings.png'}",
                   "--mask", f"chopsticks={EX / 'masks' / 'chopsticks.png'}", "-o", str(out / "e.png"),
                   "--diagnostics", str(out / "d.json"), "--quiet"])
    finally:
        files.os.replace = real_replace
    left = sorted(p.name for p in out.iterdir())
    print(f"faults: full disk through the CLI: exit {rc}, files left {left}")
    failures += rc != 2 or bool(left)

    # SIGTERM in the middle of a CLI edit and of a server edit.
    out = Path(tempfile.mkdtemp(prefix="oir-term-"))
    proc = subprocess.Popen([sys.executable, "-m", "oir_agent.cli", "edit", str(EX / "dumplings.png"), "--model",
                             "tiny", "-s", SRC, "-t", TGT, "--steps", "120", "-o", str(out / "e.png"), "--diagnostics",
                             str(out / "d.json"), "--quiet"], env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(8)
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(60)
    left = sorted(p.name for p in out.iterdir())
    print(f"faults: SIGTERM mid CLI edit: exited {code} in {time.time() - t0:.2f} s, files left {left}")
    failures += bool(left) or time.time() - t0 > 10

    failures += anyio.run(_sigterm_server)
    return int(failures > 0)


async def _sigterm_server() -> int:
    from mcp import Client

    out = Path(tempfile.mkdtemp(prefix="oir-term-srv-"))
    with http_server(out) as (proc, url):
        async def long_edit():
            with contextlib.suppress(Exception):
                async with Client(url, read_timeout_seconds=300) as c:
                    await c.call_tool("edit_image", {"image": "dumplings.png", "source_prompt": SRC,
                                                     "target_prompt": TGT, "steps": 100})

        async with anyio.create_task_group() as tg:
            tg.start_soon(long_edit)
            await anyio.sleep(8)
            t0 = time.time()
            proc.send_signal(signal.SIGTERM)
            code = await anyio.to_thread.run_sync(lambda: proc.wait(60))
            took = time.time() - t0
            tg.cancel_scope.cancel()
    left = sorted(p.name for p in out.iterdir())
    print(f"faults: SIGTERM mid server edit: exited {code} in {took:.2f} s, files left {left}")
    return int(bool(left) or took > 15)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["soak", "concurrency", "faults"])
    p.add_argument("--edits", type=int, default=200)
    p.add_argument("--callers", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--edit-memory", type=float, default=0, help="soak: the server's --edit-memory MB (default 0: "
                                                                  "kept edits would grow RSS by design)")
    a = p.parse_args(argv)
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if a.what == "soak":
        return anyio.run(soak, a.edits, a.seed, a.edit_memory)
    if a.what == "concurrency":
        return anyio.run(concurrency, a.callers)
    return faults()


if __name__ == "__main__":
    sys.exit(main())
