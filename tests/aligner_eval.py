"""Scoring the aligner on tests/data/aligner_cases.jsonl: pair precision / recall / F1 per category and mode.

A predicted pair matches a gold pair when, on each side, the words that differ between the pair's two sides are
the same (determiners and shared modifiers do not matter): 'red car' -> 'blue car' matches ['red', 'blue'].
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

CASES = Path(__file__).parent / "data" / "aligner_cases.jsonl"
IGNORED = {"a", "an", "the", "some", "this", "that", "these", "those", "two", "three", "four", "several"}


def load(path: Path = CASES, split: str = "all") -> list[dict]:
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?'\"").lower() for w in text.replace("-", " ").split()]


def key(source: str, target: str) -> tuple[frozenset, frozenset]:
    s, t = set(_words(source)) - IGNORED, set(_words(target)) - IGNORED
    return frozenset(s - t), frozenset(t - s)


def predict(case: dict) -> list[tuple[str, str]]:
    from oir_agent.text.aligner import align_prompts
    from oir_agent.text.instructions import parse_instruction

    if case["mode"] == "instruction":
        alignment = parse_instruction(case["instruction"], source_prompt=case["source"])
    else:
        alignment = align_prompts(case["source"], case["target"])
    return [(p.source, p.target) for p in alignment.pairs]


def score(cases: list[dict]) -> dict[str, dict[str, float]]:
    """{group: {precision, recall, f1, cases, errors}} for every category, every mode, and 'all'."""
    from oir_agent.errors import OIRError

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # matched, predicted, gold, cases, errors
    for case in cases:
        gold = [key(s, t) for s, t in case["pairs"]]
        try:
            predicted = [key(s, t) for s, t in predict(case)]
            error = 0
        except OIRError:
            predicted, error = [], 1
        remaining = list(gold)
        matched = 0
        for p in predicted:
            if p in remaining:
                remaining.remove(p)
                matched += 1
        for group in (case["category"], f"mode:{case['mode']}", "all"):
            c = counts[group]
            c[0] += matched
            c[1] += len(predicted)
            c[2] += len(gold)
            c[3] += 1
            c[4] += error
    out = {}
    for group, (m, p, g, n, e) in counts.items():
        precision, recall = (m / p if p else 0.0), (m / g if g else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[group] = {"precision": precision, "recall": recall, "f1": f1, "cases": n, "errors": e}
    return out
