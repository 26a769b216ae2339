"""Closed forms of what an edit spends, in UNet sample evaluations (a CFG step on one latent counts 2).

The runtime counts the real cost at the call sites; these formulas are what the counts must equal
(docs/METHOD.md Sec. 7). Tests and benchmarks compare the two; nothing reports a formula as a cost.
"""

from __future__ import annotations

from collections.abc import Sequence


def candidate_cost(step: int) -> int:
    """One candidate of inversion step i: i denoising steps with CFG (2 samples each)."""
    return 2 * step


def exhaustive_cost(n: int) -> int:
    """The exhaustive search of one pair: sum_{i=1..N} 2i = N(N+1)."""
    return n * (n + 1)


def final_denoise_cost(r: int, re: int, regions: int = 0) -> int:
    """The final denoise from level r + re: 2 samples a step (CFG), plus one per per-pair region (final_prompts)."""
    return (2 + regions) * (r + re)


def edit_sample_evals(n: int, evaluated: Sequence[Sequence[int]], chosen: Sequence[int], r: int, re: int,
                      shallow_rule: str, regions: int = 0) -> int:
    """One OIR edit: inversion N + every evaluated candidate + re-inversion re + final denoise 2(r + re) (+ one
    sample per step per region with final_prompts="per-pair"), plus r per pair whose chosen step is <= r when
    shallow pairs invert their candidate (the descent of deeper pairs is free: it is part of the chosen
    candidate's own trajectory)."""
    search = sum(candidate_cost(i) for steps in evaluated for i in steps)
    shallow = sum(r for i in chosen if i <= r) if shallow_rule == "invert-candidate" else 0
    return n + search + re + final_denoise_cost(r, re, regions) + shallow


def fixed_depth_sample_evals(k: int) -> int:
    """The fixed-depth baseline at depth k, alone: invert k steps (1 sample) + denoise k steps with CFG (2)."""
    return 3 * k


def estimated_sample_evals(config, searched: Sequence[bool]) -> int:
    """An upper bound, before the edit runs, of its sample evaluations under `config` (an OIRConfig); one entry
    of `searched` per pair (False: its step is fixed). Used to warn about costly settings, never reported as cost."""
    n, r, re = config.num_inference_steps, config.resolved_reassembly_step, config.resolved_reinversion_steps
    per_search = exhaustive_cost(n) * (config.search_budget if config.search == "budgeted" else 1.0)
    search = sum(int(per_search) if s else candidate_cost(n) for s in searched)
    shallow = r * len(searched) if config.shallow_rule == "invert-candidate" else 0
    regions = len(searched) if config.final_prompts != "target" else 0  # at most every pair
    reassembly = re + final_denoise_cost(r, re, regions) + shallow
    retry = reassembly if config.verify_edits and any(searched) else 0  # verify_edits: at most one more reassembly
    return n + search + reassembly + retry


def refine_sample_evals(r: int, re: int, steps: Sequence[int], shallow_rule: str,
                        new_candidates: Sequence[int] = (), regions: int = 0) -> int:
    """A refine (re-pick) of a stored edit: the reassembly alone, re-inversion re + final denoise 2(r + re), plus
    r per pair whose step is <= r when shallow pairs invert their candidate, plus 2i per candidate step i that
    had not been computed before."""
    shallow = sum(r for i in steps if i <= r) if shallow_rule == "invert-candidate" else 0
    return re + final_denoise_cost(r, re, regions) + shallow + sum(candidate_cost(i) for i in new_candidates)
