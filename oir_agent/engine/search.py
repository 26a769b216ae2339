"""Optimal inversion step search (paper Sec. 3.1, A.4): candidates of all pairs in shared batched UNet calls.

Candidate i of pair k starts at the inverted latent z_i and is denoised i steps to level 0 with CFG
(positive: the pair's guided prompt, negative: the source prompt), then decoded and scored. Every
candidate that passes the reassembly level r keeps its latent there, so the later per-pair descent
z_{i_k} -> level r is free: it is exactly the start of candidate i_k's own trajectory (docs/METHOD.md Sec. 7).

Strategies (docs/DECISIONS.md, "Budgeted search"):
- "exhaustive": every step 1..N (the paper), N(N+1) sample evaluations per pair.
- "budgeted": every step <= r (cheap, and one option under the default shallow rule) and a coarse grid anchored
  at N, then one refinement round around each pair's grid best (the steps just below it and the one above:
  `refinement_offsets`), never spending more than `budget` x the exhaustive search's sample evaluations
  (counted per pair: a candidate of step i costs 2i). The metric rises then falls over steps (paper Sec. 4.2),
  so the grid brackets the optimum and the refinement finds it.
- a pair with `fixed_step` (a caller override) runs that one candidate and nothing else; a pair with `steps`
  (a targeted re-search) runs exactly those candidates.
All pairs' candidates of one round share UNet calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F

from ..config import SEARCH_STRATEGIES as STRATEGIES
from . import metric
from .costs import candidate_cost, exhaustive_cost
from .runtime import Runtime
from .sampler import Job, run_jobs
from .schedule import DDIMSchedule


@dataclass
class PairInput:
    """What the engine needs of one editing pair."""

    guided_row: int  # row of the guided prompt in the embeddings table
    clip_text: str  # text S_e compares against (target phrase or guided prompt)
    mask: torch.Tensor  # (H, W) bool at working resolution: the edit region
    fixed_step: int | None = None  # caller override: the pair's only candidate (no search)
    steps: tuple[int, ...] | None = None  # a targeted re-search: exactly these candidates
    clip_source_text: str | None = None  # the source side of clip_text (source phrase or source prompt)


@dataclass
class PairSearch:
    """Search outcome of one pair; tensors aligned with `steps` (the evaluated steps, ascending)."""

    steps: list[int]
    s_edit: torch.Tensor  # raw S_e (masked CLIP cosine); NaN where a candidate was not finite
    s_background: torch.Tensor  # raw S_ne (-MSE outside the mask)
    score: torch.Tensor  # the search metric; -inf for excluded (non-finite) candidates
    optimal_step: int
    s_source: torch.Tensor | None = None  # the same view's cosine with the source text (None: not computed)
    strategy: str = "exhaustive"  # one of config.SEARCH_KINDS: budgeted, exhaustive, override, targeted
    metric: str = "paper"
    final_latents: dict[int, torch.Tensor] = field(default_factory=dict, repr=False)  # step -> latent at level 0
    at_reassembly: dict[int, torch.Tensor] = field(default_factory=dict, repr=False)  # step -> level r (steps > r)
    thumbnails: list[torch.Tensor] = field(default_factory=list, repr=False)  # (3, h, w) uint8, CPU, aligned
    notes: list[str] = field(default_factory=list)
    inside_change: torch.Tensor | None = None  # mean |candidate - input| inside the mask (None: not computed)


@dataclass
class SearchSettings:
    guidance_scale: float
    reassembly_step: int
    max_batch: int | None
    decode_batch: int
    clip_batch: int
    clip_region: str
    clip_crop_margin: float
    clip_patch_coverage: float
    metric: str  # see config.SEARCH_METRICS
    strategy: str  # see config.SEARCH_STRATEGIES
    budget: float  # budgeted: fraction of the exhaustive search's sample evaluations, per pair
    min_step: int  # the smallest candidate step searched (steps below are never evaluated)
    clip_mask: str  # S_e sees the patches of "mask" (the paper) or of the mask's bounding "box"
    refinement: str = "one-round"  # budgeted: see config.SEARCH_REFINEMENTS
    thumbnail_side: int = 128  # side of the kept candidate thumbnails (not a config field: a report size)


def coarse_grid(n: int, budget_evals: float, shallow_upto: int = 0) -> list[int] | None:
    """Steps of the budgeted search's first round (ascending): every step 1..shallow_upto, then N, N-g, N-2g, ...
    above shallow_upto.

    The shallow block (steps <= r, r(r+1) sample evaluations in all: 4% of the exhaustive search at N = 50, r = 10)
    is searched densely because under the default shallow rule every step <= r delivers the same reassembly (z_r
    pasted), so "shallow or not" is one decision that the exhaustive search makes from all r of those candidates
    (docs/DECISIONS.md, "Budgeted search"). The deep grid's g starts at round(N/10) and grows until the deep grid
    spends at most 55% of the budget, leaving the rest for refinement; the shallow block is dropped when it does
    not fit beside it. None when even the single deepest candidate does not fit (tiny N: search exhaustively).
    """
    g = max(1, round(n / 10))
    while True:
        deep = sorted(range(n, shallow_upto, -g))
        if sum(candidate_cost(i) for i in deep) <= 0.55 * budget_evals:
            break
        if g >= n:
            return None
        g += 1
    if not deep:  # shallow_upto >= n: no step above the block
        return None
    shallow = list(range(1, shallow_upto + 1))
    if sum(candidate_cost(i) for i in shallow + deep) > budget_evals:  # only possible with a shallow block
        return coarse_grid(n, budget_evals)
    return shallow + deep


def refinement_offsets(grid: list[int], best: int, n: int) -> list[int]:
    """Offsets from the grid's best step b that the budgeted search's one refinement round evaluates, nearest first.

    The default metric (edit-first) picks the best-preserving candidate that reaches the edit, which is the
    shallowest one on the edit plateau more often than not, so the optimum lies between b and the grid point below
    it far more often than above. The round takes the steps of that gap that are nearer b than the point below (the
    middle included: ceil(g/2) of them for a deep spacing g) and b + 1 (the plateau may begin just above b), all at
    once: one chain of UNet calls after the grid instead of one per halving radius (docs/DECISIONS.md, "Budgeted
    search"). At b = N there is no step above, and the farthest step below goes with it, so the round never costs
    more than the halving rounds it replaced. Empty when the grid is dense (g = 1)."""
    g = grid[-1] - grid[-2] if len(grid) > 1 else 1
    if g <= 1:
        return []
    below = [-d for d in range(1, (g + 1) // 2 + 1)]
    if best >= n:  # nothing above N; a single step below stays
        return below[:-1] or below
    return [below[0], 1] + below[1:]


def halving_radii(grid: list[int]) -> list[int]:
    """search_refinement="halving" (the first release's, kept so its diagnostics replay): rounds of best +- g//2,
    g//4, ..., 1 after a grid of deep spacing g, each around the best step so far."""
    g = grid[-1] - grid[-2] if len(grid) > 1 else 1
    radii, rad = [], g // 2
    while rad >= 1:
        radii.append(rad)
        rad //= 2
    if g > 1 and (not radii or radii[-1] != 1):
        radii.append(1)
    return radii


def refinement_steps(evaluated, best: int, offsets: list[int], n: int, min_step: int,
                     budget_evals: float) -> list[int]:
    """The refinement round of the budgeted search for one pair: best + each offset (within [min_step, n]) that is
    new and still fits the budget (sample evaluations already spent on `evaluated`), in the offsets' order."""
    out, spent = [], sum(candidate_cost(i) for i in evaluated)
    for i in (best + d for d in offsets):
        if min_step <= i <= n and i not in evaluated and i not in out and spent + candidate_cost(i) <= budget_evals:
            out.append(i)
            spent += candidate_cost(i)
    return out


class _PairState:
    """Everything evaluated so far for one pair."""

    def __init__(self, pair: PairInput, strategy: str, budget_evals: float):
        self.pair, self.strategy, self.budget_evals = pair, strategy, budget_evals
        self.s_edit: dict[int, float] = {}
        self.s_source: dict[int, float] = {}
        self.s_background: dict[int, float] = {}
        self.change: dict[int, float] = {}  # mean absolute change inside the mask
        self.final: dict[int, torch.Tensor] = {}
        self.at_r: dict[int, torch.Tensor] = {}
        self.thumbs: dict[int, torch.Tensor] = {}
        self.notes: list[str] = []

    @property
    def spent(self) -> int:
        return sum(candidate_cost(i) for i in self.final)

    def arrays(self) -> tuple[list[int], torch.Tensor, torch.Tensor]:
        steps = sorted(self.final)
        return (steps, torch.tensor([self.s_edit[i] for i in steps], dtype=torch.float32),
                torch.tensor([self.s_background[i] for i in steps], dtype=torch.float32))

    def source_scores(self, steps: list[int]) -> torch.Tensor:
        return torch.tensor([self.s_source[i] for i in steps], dtype=torch.float32)

    def score(self, metric_name: str) -> tuple[list[int], torch.Tensor]:
        steps, e, b = self.arrays()
        return steps, metric.search_score(metric_name, e, b, self.source_scores(steps))

    def best(self, metric_name: str) -> int:
        steps, score = self.score(metric_name)
        return steps[metric.best_index(score)]


def search_steps(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor, trajectory: torch.Tensor,
                 source_row: int, pairs: list[PairInput], original: torch.Tensor,
                 settings: SearchSettings) -> list[PairSearch]:
    """Run and score candidates of every pair together; pick each pair's optimal step.

    trajectory (N+1, 4, h, w): the inversion z_0..z_N; original (3, H, W) in [0, 1] at working size.
    """
    n = schedule.num_inference_steps
    if settings.metric not in metric.SEARCH_METRICS:
        raise ValueError(f"unknown search metric {settings.metric!r}")
    if settings.strategy not in STRATEGIES:
        raise ValueError(f"unknown search strategy {settings.strategy!r}")
    budget_evals = settings.budget * exhaustive_cost(n)
    grid = coarse_grid(n, budget_evals, settings.reassembly_step) if settings.strategy == "budgeted" else None
    states, first = [], []
    for pair in pairs:
        if pair.steps is not None:
            state = _PairState(pair, "targeted", float("inf"))
            first.append(sorted(set(pair.steps)))
        elif pair.fixed_step is not None:
            state = _PairState(pair, "override", float("inf"))
            first.append([pair.fixed_step])
        elif settings.strategy == "budgeted" and grid is not None:
            state = _PairState(pair, "budgeted", budget_evals)
            first.append([i for i in grid if i >= settings.min_step] or [n])
        else:
            state = _PairState(pair, "exhaustive", float("inf"))
            if settings.strategy == "budgeted":
                state.notes.append(f"N={n} is too small for a budgeted search: searched every step.")
            first.append(list(range(min(settings.min_step, n), n + 1)))
        states.append(state)

    texts = clip_texts(runtime, pairs)
    calls_before = runtime.cost.unet_calls
    _evaluate(runtime, schedule, embeddings, trajectory, source_row, states, first, original, texts, settings)
    # each round waits for the one before (one chain of UNet calls per round): one round, or one per halving radius
    radii = [] if grid is None else [None] if settings.refinement == "one-round" else halving_radii(grid)
    for radius in radii:
        wanted = []
        for state in states:
            if state.strategy != "budgeted":
                wanted.append([])
                continue
            best = state.best(settings.metric)
            offsets = refinement_offsets(grid, best, n) if radius is None else [-radius, radius]
            wanted.append(refinement_steps(state.final, best, offsets, n, settings.min_step, state.budget_evals))
        if any(wanted):
            _evaluate(runtime, schedule, embeddings, trajectory, source_row, states, wanted, original, texts, settings)
    runtime.cost.search_unet_calls += runtime.cost.unet_calls - calls_before

    results = []
    for k, state in enumerate(states):
        steps, e, b = state.arrays()
        s_source = state.source_scores(steps)
        score = metric.search_score(settings.metric, e, b, s_source)
        valid = torch.isfinite(score)
        if not valid.all():
            bad = [i for i, ok in zip(steps, valid.tolist()) if not ok]
            state.notes.append(f"pair {k + 1}: {len(bad)} candidate(s) gave non-finite scores (steps {bad[:8]}"
                               f"{'...' if len(bad) > 8 else ''}) and were excluded from the search.")
        if not valid.any():
            from ..errors import Param, ResourceError, Worded

            raise ResourceError(Worded(
                "every candidate of pair {k} ({text}) is non-finite (NaN or inf in the decoded image): the model "
                "produced invalid numbers. Try fp32 ({fp32}) or a lower {g}.", k=k + 1, text=repr(state.pair.clip_text),
                fp32=Param("dtype", "fp32"), g=Param("guidance_scale")))
        best = steps[metric.best_index(score)]
        change = torch.tensor([state.change[i] for i in steps], dtype=torch.float32)
        state.notes.extend(weak_edit_notes(k, steps, best, e, s_source, change, n))
        results.append(PairSearch(
            steps=steps, s_edit=e, s_background=b, score=score, s_source=s_source, optimal_step=best,
            strategy=state.strategy, metric=settings.metric, final_latents=dict(state.final),
            at_reassembly=dict(state.at_r), thumbnails=[state.thumbs[i] for i in steps], notes=state.notes,
            inside_change=change))
    return results


def weak_edit_notes(k: int, steps: list[int], best: int, s_edit: torch.Tensor, s_source: torch.Tensor,
                    change: torch.Tensor, n: int) -> list[str]:
    """Warnings that make a failed edit visible: the chosen candidate barely changed its region, or CLIP never
    saw the target in the region (more than the source, or more than at the shallowest step)."""
    notes = []
    j = steps.index(best)
    hint = (f"try a deeper step for this pair (e.g. {min(n, max(best + 10, round(0.6 * n)))}), a clearer target "
            "phrase, or check its mask")
    if math.isfinite(change[j]) and change[j] < metric.WEAK_CHANGE:
        notes.append(f"pair {k + 1}: the chosen candidate (step {best}/{n}) barely changes its mask region (mean "
                     f"change {float(change[j]):.3f} of the pixel range, under {metric.WEAK_CHANGE}): the edit may be "
                     f"invisible; {hint}.")
    finite = torch.isfinite(s_edit) & torch.isfinite(s_source)
    if len(steps) > 1 and finite.any():
        gain = (s_edit - s_source)[finite]
        rose = s_edit[finite].max() - s_edit[finite][0]
        if gain.max() <= 0:
            notes.append(f"pair {k + 1}: at no candidate step did CLIP see the target phrase in the mask region more "
                         f"than the source phrase: the edit probably failed; {hint}.")
        elif rose <= 1e-3:
            notes.append(f"pair {k + 1}: the target phrase's CLIP score in the mask region never rose above its "
                         f"value at the shallowest candidate (step {steps[0]}): deeper candidates did not edit more; "
                         f"{hint}.")
    return notes


def rescore(search: PairSearch, metric_name: str) -> PairSearch:
    """The same candidates judged by another search metric: what a search with that metric would choose."""
    score = metric.search_score(metric_name, search.s_edit, search.s_background, search.s_source)
    return replace(search, score=score, optimal_step=search.steps[metric.best_index(score)], metric=metric_name)


def _evaluate(runtime: Runtime, schedule: DDIMSchedule, embeddings: torch.Tensor, trajectory: torch.Tensor,
              source_row: int, states: list[_PairState], steps: list[list[int]], original: torch.Tensor,
              texts: torch.Tensor, settings: SearchSettings) -> None:
    """Run the given candidates of every pair in shared UNet calls, then decode and score them."""
    r = settings.reassembly_step
    owners = [(k, i) for k, todo in enumerate(steps) for i in todo]
    if not owners:
        return
    jobs = [Job(latent=trajectory[i], start=i, end=0, cond=states[k].pair.guided_row, uncond=source_row,
                guidance_scale=settings.guidance_scale, record=frozenset({r}) if i > r else frozenset())
            for k, i in owners]
    outputs = run_jobs(runtime, schedule, embeddings, jobs, settings.max_batch, stage="search")
    image_size, patch_size = metric.clip_geometry(runtime.c.clip)
    total, done = len(owners), 0
    for k, state in enumerate(states):
        mine = [(i, o) for (kk, i), o in zip(owners, outputs) if kk == k]
        if not mine:
            continue
        pair = state.pair
        view = clip_view(pair, settings, image_size, patch_size)
        latents = torch.stack([o.latent for _, o in mine])
        for start in range(0, len(mine), settings.decode_batch):
            chunk = mine[start:start + settings.decode_batch]
            images = runtime.decode_latents(latents[start:start + settings.decode_batch], settings.decode_batch)
            s_e = metric.edit_scores(runtime, images, view, texts[k], settings.clip_batch).double().cpu()  # (B, 2)
            s_b = metric.background_scores(images, original.to(images.device),
                                           pair.mask.to(images.device)).double().cpu()
            moved = metric.inside_change(images, original.to(images.device), pair.mask.to(images.device)).cpu()
            for (i, o), (e, src), b, c, thumb in zip(chunk, s_e.tolist(), s_b.tolist(), moved.tolist(),
                                                     _thumbnails(images, settings.thumbnail_side)):
                state.s_edit[i], state.s_source[i], state.s_background[i], state.thumbs[i] = e, src, b, thumb
                state.change[i] = c
                state.final[i] = o.latent
                if r in o.recorded:
                    state.at_r[i] = o.recorded[r]
            done += len(chunk)
            runtime.report("scoring", done, total, f"scored {done}/{total} candidates")


def clip_texts(runtime: Runtime, pairs: list[PairInput]) -> torch.Tensor:
    """(K, 2, D): each pair's S_e texts, target then source (the source phrase or, without one, the target)."""
    texts = runtime.clip_text_features([p.clip_text for p in pairs] +
                                       [p.clip_source_text or p.clip_text for p in pairs])  # (2K, D)
    return torch.stack([texts[:len(pairs)], texts[len(pairs):]], dim=1)


def clip_view(pair: PairInput, settings: SearchSettings, image_size: int, patch_size: int) -> metric.MaskedClipView:
    """How CLIP sees a pair's region (its mask, or the mask's box) in any image of the working size."""
    seen = metric.box_mask(pair.mask) if settings.clip_mask == "box" else pair.mask
    return metric.MaskedClipView.for_mask(seen, image_size, patch_size, settings.clip_region,
                                          settings.clip_crop_margin, settings.clip_patch_coverage)


def _thumbnails(images: torch.Tensor, side: int) -> list[torch.Tensor]:
    """Small uint8 copies of decoded candidates for contact sheets (NaN pixels show as black)."""
    h, w = images.shape[-2:]
    scale = min(1.0, side / max(h, w))
    if scale < 1.0:
        images = F.interpolate(images, size=(max(1, round(h * scale)), max(1, round(w * scale))),
                               mode="bilinear", antialias=True, align_corners=False)
    return list((torch.nan_to_num(images, nan=0.0).clamp(0, 1) * 255).round().to(torch.uint8).cpu())
