"""Aligner latency per prompt pair and per instruction after the spaCy model is loaded (target < 20 ms median).

    python benchmarks/bench_aligner.py
"""

from __future__ import annotations

import statistics
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
    for _ in range(5):
        for source, target, _expected in PROMPT_CASES:
            t = time.perf_counter()
            align_prompts(source, target)
            pair_times.append(time.perf_counter() - t)
        for instruction, source, _target, _expected in INSTRUCTION_CASES:
            t = time.perf_counter()
            parse_instruction(instruction, source_prompt=source)
            instr_times.append(time.perf_counter() - t)
    ms = lambda xs: f"median {statistics.median(xs) * 1e3:.1f} ms, p90 {sorted(xs)[int(0.9 * len(xs))] * 1e3:.1f} ms"
    print(f"spaCy model {parser.name} loaded in {load:.2f} s")
    print(f"align_prompts     ({len(PROMPT_CASES)} pairs x 5): {ms(pair_times)}  (target: median < 20 ms)")
    print(f"parse_instruction ({len(INSTRUCTION_CASES)} cases x 5): {ms(instr_times)}")


if __name__ == "__main__":
    main()
