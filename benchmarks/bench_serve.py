"""Serving many callers: K concurrent MCP clients over streamable HTTP on loopback, each sending edits to one server,
(serial) one edit at a time on the device, (batched) up to K edits together with their model calls shared
(`serve --max-concurrent K`), (ray) Ray Serve with 2 replicas (`serve --backend ray --replicas 2`, needs the ray
extra); `--queue-size` waiting, the rest told "busy".

    python benchmarks/bench_serve.py [--model tiny|shapes] [--callers 1 4 16] [--edits-per-caller 3] [--steps 10]
                                     [--queue-size 16] [--modes serial batched ray]

Prints per K and mode: edits/min (and the ratio to serial), p50/p95 latency of answered edits, busy refusals,
errors, unanswered calls, peak server RSS (the front process; Ray replicas run in their own processes). Bounded in
count and time, loopback only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability import SRC, TGT, http_server

DEMO = Path(__file__).resolve().parents[1] / "oir_agent" / "presets" / "shapes" / "demo"


def edit_arguments(model: str, steps: int, seed: int) -> dict:
    if model == "shapes":
        return {"image": str(DEMO / "scene.png"), "steps": steps, "seed": seed, "return_image": "link",
                "source_prompt": "a red circle on the left and a blue square on the right on a gray background",
                "pairs": [{"source": "red circle", "target": "green triangle", "mask": str(DEMO / "mask_left.png")},
                          {"source": "blue square", "target": "yellow circle",
                           "mask": str(DEMO / "mask_right.png")}]}
    return {"image": "dumplings.png", "source_prompt": SRC, "target_prompt": TGT, "steps": steps, "seed": seed,
            "return_image": "link"}


async def run_level(url: str, model: str, callers: int, per_caller: int, steps: int) -> dict:
    from mcp import Client

    latencies, outcome = [], {"ok": 0, "busy": 0, "error": 0}

    async def caller(i: int):
        async with Client(url, read_timeout_seconds=900) as c:
            for j in range(per_caller):
                t = time.perf_counter()
                r = await c.call_tool("edit_image", edit_arguments(model, steps, seed=i * 100 + j))
                if not r.is_error:
                    outcome["ok"] += 1
                    latencies.append(time.perf_counter() - t)
                elif "busy" in r.content[0].text:
                    outcome["busy"] += 1
                    await anyio.sleep(0.5)  # a polite client backs off
                else:
                    outcome["error"] += 1
                    outcome.setdefault("messages", []).append(r.content[0].text.splitlines()[0][:160])

    t0 = time.perf_counter()
    with anyio.fail_after(1800):
        async with anyio.create_task_group() as tg:
            for i in range(callers):
                tg.start_soon(caller, i)
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    return {"wall": wall, "per_min": outcome["ok"] / wall * 60, **outcome,
            "p50": statistics.median(lat) if lat else float("nan"),
            "p95": lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")}


def _sample_rss(pid: int, peak: list[float], stop: threading.Event) -> None:
    import psutil
    from common import rss_mb

    while not stop.is_set():
        try:
            peak[0] = max(peak[0], rss_mb(pid))
        except psutil.Error:
            return
        time.sleep(0.2)


def _kill_one_replica() -> None:
    """SIGKILL one Ray Serve replica process of the oir-agent app (found by its process title)."""
    import signal

    import psutil

    for proc in psutil.process_iter(["pid", "cmdline"]):
        title = " ".join(proc.info["cmdline"] or [])
        if "ServeReplica:oir-agent:EditorReplica" in title:
            proc.send_signal(signal.SIGKILL)
            print(f"    killed replica pid {proc.info['pid']}", flush=True)
            return
    print("    no replica process found to kill", flush=True)


def main(argv=None) -> int:
    import tempfile

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="tiny", choices=["tiny", "shapes"])
    p.add_argument("--callers", type=int, nargs="+", default=[1, 4, 16])
    p.add_argument("--edits-per-caller", type=int, default=3)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--queue-size", type=int, default=16)
    p.add_argument("--modes", nargs="+", default=["serial", "batched"], choices=["serial", "batched", "ray"],
                   help="serial: one edit at a time; batched: --max-concurrent K (cross-request batching); ray: "
                        "--backend ray --replicas 2")
    p.add_argument("--max-concurrent", type=int, default=None, help="batched mode (default: K, the callers)")
    p.add_argument("--server-log", default=None, help="append the servers' stderr (their log) to this file")
    p.add_argument("--kill-replica-after", type=float, default=None, metavar="S",
                   help="ray mode: SIGKILL one replica process S seconds into each run (a replica dying mid-edit)")
    a = p.parse_args(argv)
    base = ["--allowed-dir", str(DEMO)] if a.model == "shapes" else []
    rates: dict = {}
    for k in a.callers:
        for mode in a.modes:
            extra = list(base)
            if mode == "batched":
                extra += ["--max-concurrent", str(a.max_concurrent or k)]
            elif mode == "ray":
                extra += ["--backend", "ray", "--replicas", "2"]
            out = Path(tempfile.mkdtemp(prefix="oir-serve-"))
            log = Path(a.server_log) if a.server_log else None
            with http_server(out, queue_size=a.queue_size, model=a.model, extra=extra, log=log) as (proc, url):
                peak, stop = [0.0], threading.Event()
                watcher = threading.Thread(target=_sample_rss, args=(proc.pid, peak, stop), daemon=True)
                watcher.start()
                killer = None
                if mode == "ray" and a.kill_replica_after is not None:
                    killer = threading.Timer(a.kill_replica_after, _kill_one_replica)
                    killer.start()
                r = anyio.run(run_level, url, a.model, k, a.edits_per_caller, a.steps)
                stop.set()
                if killer is not None:
                    killer.cancel()
            rates[(k, mode)] = r["per_min"]
            ratio = (f"; {r['per_min'] / rates[(k, 'serial')]:.2f}x serial" if mode != "serial"
                     and rates.get((k, "serial")) else "")
            lost = k * a.edits_per_caller - r["ok"] - r["busy"] - r["error"]
            print(f"{a.model} {mode:7s} K={k:>2}: {r['ok']} edits in {r['wall']:.1f} s = {r['per_min']:.1f} edits/min"
                  f"{ratio}; latency p50 {r['p50']:.1f} s, p95 {r['p95']:.1f} s; busy {r['busy']}, errors "
                  f"{r['error']}, unanswered {lost}; peak RSS {peak[0]:.0f} MB (queue {a.queue_size})", flush=True)
            for message in sorted(set(r.get("messages", []))):
                print(f"    error: {message}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
