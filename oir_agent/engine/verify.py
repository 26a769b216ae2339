"""Checking the finished edit (not in the paper): did every pair keep its edit through the reassembly?

The search judges each pair's candidates alone; the reassembly then re-inverts and denoises all pairs together, and
a pair's edit can be lost there (docs/DECISIONS.md, "Pairs that collide"). The masked CLIP view that scored a pair's
candidates scores the finished image and the input; in margins (target text minus source text), a pair whose
finished region kept less than half of its chosen candidate's move away from the input lost its edit. One retry
moves each such pair to a deeper candidate and reassembles once more; the retry is kept only when fewer pairs lost
their edit. A pair whose step the caller fixed is never moved.
"""

from __future__ import annotations

import math
from dataclasses import replace

import torch

from . import metric
from .runtime import Runtime
from .search import PairSearch

KEPT_SHARE = 0.5  # a finished pair that kept less than half its candidate's move toward the target lost its edit


def final_margins(runtime: Runtime, images: torch.Tensor, views: list[metric.MaskedClipView], texts: torch.Tensor,
                  batch: int) -> torch.Tensor:
    """(B, K): for each image (B, 3, H, W) and pair, S_e with the pair's target text minus S_e with its source text,
    through the views and texts the search scored the pair's candidates with (`search.clip_view`, `clip_texts`)."""
    both = [metric.edit_scores(runtime, images, view, texts[k], batch) for k, view in enumerate(views)]  # (B, 2)
    return torch.stack([(s[:, 0] - s[:, 1]).double().cpu() for s in both], dim=1)


def kept_share(search: PairSearch, step: int, final: float, original: float) -> float | None:
    """How much of the chosen candidate's move toward the target text the finished image kept: (final - original)
    / (candidate - original) in target-minus-source margins; None when the candidate did not move toward the
    target (nothing to keep) or was not scored against the source text."""
    if search.s_source is None or step not in search.steps:
        return None
    j = search.steps.index(step)
    candidate = float(search.s_edit[j]) - float(search.s_source[j])
    if not math.isfinite(candidate) or candidate - original <= 1e-6:
        return None
    return (final - original) / (candidate - original)


def lost_edits(searches: list[PairSearch], steps: list[int], finals: list[float], originals: list[float],
               keep: float = KEPT_SHARE) -> list[bool]:
    """Per pair: the finished image kept less than `keep` of its candidate's move toward the target text."""
    shares = [kept_share(s, i, f, o) for s, i, f, o in zip(searches, steps, finals, originals)]
    return [share is not None and share < keep for share in shares]


def deeper_steps(searches: list[PairSearch], steps: list[int], lost: list[bool],
                 plateau: float = metric.EDIT_PLATEAU) -> list[int] | None:
    """New steps: each pair that lost its edit (and was searched, not fixed) moves to the best-scoring candidate
    deeper than its step on its edit plateau, else to the deeper candidate with the highest S_e. None when no pair
    can move."""
    out, moved = list(steps), False
    for k, (search, step, gone) in enumerate(zip(searches, steps, lost)):
        if not gone or search.strategy == "override":
            continue
        deeper = [(j, i) for j, i in enumerate(search.steps)
                  if i > step and math.isfinite(float(search.s_edit[j])) and math.isfinite(float(search.score[j]))]
        if not deeper:
            continue
        level = metric.normalise(search.s_edit.double())  # the edit-first metric's edit plateau
        on = [(j, i) for j, i in deeper if float(level[j]) >= 1.0 - plateau]
        j, i = max(on, key=lambda x: float(search.score[x[0]])) if on else \
            max(deeper, key=lambda x: float(search.s_edit[x[0]]))
        out[k], moved = i, True
    return out if moved else None


def with_steps(searches: list[PairSearch], steps: list[int], note: str) -> list[PairSearch]:
    """The searches with `steps` as their chosen steps; a pair whose step changed carries `note` (formatted with
    its 1-based number, the old and the new step)."""
    return [s if s.optimal_step == i else
            replace(s, optimal_step=i, notes=[*s.notes, note.format(pair=k + 1, old=s.optimal_step, new=i)])
            for k, (s, i) in enumerate(zip(searches, steps))]
