"""Aligner latency: per prompt pair and per instruction once spaCy is loaded (target < 20 ms median), and the
cold start of `oir-agent pairs`, of `align_prompts` in a fresh Python, and of the MCP server's first
extract_edit_pairs call (target <= 1.5 s on a 2-core CPU).

    python benchmarks/bench_aligner.py
    python benchmarks/bench_aligner.py --eval tests/data/aligner_cases.jsonl [--split dev|test]
    python benchmarks/bench_aligner.py --human tests/data/instructions_human/dev.jsonl [--show wrong|refused]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_aligner_devset import INSTRUCTION_CASES, PROMPT_CASES  # noqa: E402

from oir_agent import align_prompts, parse_instruction  # noqa: E402
from oir_agent.text.nlp import get_parser  # noqa: E402


def main() -> None:
    t0 = time.perf_counter()
    parser = get_parser()
    load = time.perf_counter() - t0
    pair_times, instr_times = [], []
    forget = getattr(parser.nlp, "forget", lambda: None)  # each timed request parses as if first seen
    for _ in range(5):
        for source, target, _expected in PROMPT_CASES:
            forget()
            t = time.perf_counter()
            align_prompts(source, target)
            pair_times.append(time.perf_counter() - t)
        for instruction, source, _target, _expected in INSTRUCTION_CASES:
            forget()
            t = time.perf_counter()
            parse_instruction(instruction, source_prompt=source)
            instr_times.append(time.perf_counter() - t)
    ms = lambda xs: f"median {statistics.median(xs) * 1e3:.1f} ms, p90 {sorted(xs)[int(0.9 * len(xs))] * 1e3:.1f} ms"
    print(f"spaCy model {parser.name} loaded in {load:.2f} s")
    print(f"align_prompts     ({len(PROMPT_CASES)} pairs x 5): {ms(pair_times)}  (target: median < 20 ms)")
    print(f"parse_instruction ({len(INSTRUCTION_CASES)} cases x 5): {ms(instr_times)}")


def cold_starts(runs: int = 5) -> None:
    """Wall time of fresh processes (the median of `runs`), imports and spaCy load included."""
    python = sys.executable
    script = str(Path(python).parent / "oir-agent")
    commands = {
        "oir-agent pairs (CLI)": [script, "pairs", "-s", "a cat on a mat", "-t", "a dog on a mat"],
        "align_prompts (fresh Python)": [python, "-c", "from oir_agent import align_prompts; "
                                         "align_prompts('a cat on a mat', 'a dog on a mat')"],
        "python -c pass (interpreter floor)": [python, "-c", "pass"],
    }
    for name, argv in commands.items():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times.append(time.perf_counter() - t)
        print(f"cold start {name:<36} median {statistics.median(times):.2f} s (min {min(times):.2f}, {runs} runs)")
    print(f"cold start MCP first extract_edit_pairs             {_server_first_call():.2f} s after the server started")


def _server_first_call() -> float:
    import anyio
    from mcp import Client, StdioServerParameters

    async def go() -> float:
        params = StdioServerParameters(command=sys.executable, args=[str(ROOT / "server.py"), "--model", "tiny"])
        async with Client(params) as c:
            t = time.perf_counter()
            await c.call_tool("extract_edit_pairs", {"source_prompt": "a cat on a mat", "target_prompt": "a dog on a mat"})
            return time.perf_counter() - t

    return anyio.run(go)


def evaluate(path: str, split: str) -> None:
    """Pair precision / recall / F1 per category and per mode on a JSONL case file (tests/data/aligner_cases.jsonl
    format)."""
    from aligner_eval import load, score

    result = score(load(Path(path), split))
    print(f"{'group':<22} {'cases':>5} {'P':>6} {'R':>6} {'F1':>6} {'errors':>6}")
    for group, v in sorted(result.items(), key=lambda kv: (kv[0].startswith("mode:") + 2 * (kv[0] == "all"), kv[0])):
        print(f"{group:<22} {v['cases']:>5} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f} "
              f"{v['errors']:>6}")


def evaluate_human(path: str, show: str | None) -> None:
    """Human-written instructions (tests/human_eval.py): right / wrong / refused per category, and warm latency."""
    from human_eval import answer, category, load, report, score

    records = load(Path(path))
    get_parser()
    t0 = time.perf_counter()
    result = score(records)
    per = (time.perf_counter() - t0) / len(records)
    print(report(result))
    print(f"warm parse: mean {per * 1e3:.1f} ms per instruction")
    if show:
        for r in records:
            verdict, text = answer(r)
            if verdict == show:
                print(f"[{category(r)}] {r['edit']!r} | {r['input'][:80]!r}\n    human: {r['output'][:80]!r}\n    ours:  "
                      f"{(text or '')[:160]!r}")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", metavar="FILE", default=None,
                    help="score a JSONL case file (e.g. tests/data/aligner_cases.jsonl) instead of timing")
    ap.add_argument("--split", default="all", choices=["all", "dev", "test"])
    ap.add_argument("--human", metavar="FILE", default=None,
                    help="score human-written instructions (tests/data/instructions_human/dev.jsonl)")
    ap.add_argument("--show", choices=["right", "wrong", "refused"], default=None, help="with --human: list these")
    a = ap.parse_args()
    if a.human:
        evaluate_human(a.human, a.show)
    elif a.eval:
        evaluate(a.eval, a.split)
    else:
        main()
        cold_starts()
