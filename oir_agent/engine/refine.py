"""Re-pick steps after an edit (the agent loop): reuse the inversion and every candidate already computed.

A refine pastes each pair's candidate of the chosen step at level r and runs only the reassembly: re-inversion
(re sample evaluations) and the final denoise (2(r + re)), plus r per pair whose step is <= r when shallow
pairs invert their candidate (costs.refine_sample_evals). A step the search never evaluated is computed first
like any candidate (2i, counted) and scored, so its curves join the stored ones.
"""

from __future__ import annotations

from dataclasses import replace

import torch

from ..config import OIRConfig
from . import metric
from .oir import SOURCE_ROW, EnginePair, Inverted, reassemble, search_settings
from .runtime import Runtime
from .search import PairInput, PairSearch, search_steps


def merge_search(old: PairSearch, new: PairSearch) -> PairSearch:
    """One pair's candidates from two runs over the same inversion (`new` wins on a shared step). The search's own
    choice (`optimal_step`), strategy and notes stay those of `old`; scores are recomputed over the union."""
    steps = sorted(set(old.steps) | set(new.steps))

    def column(name: str) -> torch.Tensor | None:
        a, b = getattr(old, name), getattr(new, name)
        if a is None or b is None:
            return None
        value = {i: a[j] for j, i in enumerate(old.steps)} | {i: b[j] for j, i in enumerate(new.steps)}
        return torch.stack([value[i] for i in steps])

    thumbs = dict(zip(old.steps, old.thumbnails)) | dict(zip(new.steps, new.thumbnails))
    e, b, src = column("s_edit"), column("s_background"), column("s_source")
    return replace(old, steps=steps, s_edit=e, s_background=b, s_source=src, inside_change=column("inside_change"),
                   score=metric.search_score(old.metric, e, b, src),
                   final_latents={**old.final_latents, **new.final_latents},
                   at_reassembly={**old.at_reassembly, **new.at_reassembly},
                   thumbnails=[thumbs[i] for i in steps] if len(thumbs) == len(steps) else [])


def ensure_candidates(runtime: Runtime, inv: Inverted, pairs: list[EnginePair], searches: list[PairSearch],
                      steps: list[int], config: OIRConfig) -> list[PairSearch]:
    """`searches`, extended by the candidate of `steps[k]` for every pair that lacks it (computed in shared
    calls, counted, scored with the same metric)."""
    missing = [k for k, (s, i) in enumerate(zip(searches, steps)) if i not in s.steps]
    if not missing:
        return list(searches)
    rows = inv.guided_rows
    inputs = [PairInput(guided_row=rows[k], clip_text=pairs[k].clip_text, mask=pairs[k].mask.to(runtime.device),
                        fixed_step=steps[k], clip_source_text=pairs[k].clip_source_text) for k in missing]
    settings = replace(search_settings(config), metric=searches[missing[0]].metric)
    found = search_steps(runtime, inv.schedule, inv.embeddings, inv.trajectory, SOURCE_ROW, inputs, inv.image,
                         settings)
    out = list(searches)
    for k, extra in zip(missing, found):
        out[k] = merge_search(searches[k], extra)
    return out


def research(runtime: Runtime, inv: Inverted, pairs: list[EnginePair], searches: list[PairSearch],
             ranges: dict[int, tuple[int, int]], config: OIRConfig, texts: dict[int, str] | None = None,
             metric_name: str | None = None) -> tuple[list[PairSearch], list[int]]:
    """A targeted re-search: for each pair k in `ranges`, the best step in [lo, hi] by `metric_name` (default: the
    edit's), computing the candidates of the range it lacks. With a new S_e text (`texts[k]`) every candidate of
    the range is computed and scored afresh (scores under different texts are not comparable). Returns the
    updated searches and each searched pair's chosen step (other pairs: None)."""
    texts = texts or {}
    name = metric_name or searches[0].metric
    todo = []
    for k, (lo, hi) in ranges.items():
        wanted = range(lo, hi + 1)
        fresh = k in texts
        missing = tuple(i for i in wanted if fresh or i not in searches[k].steps)
        todo.append((k, missing, fresh))
    inputs, owners = [], []
    for k, missing, fresh in todo:
        if missing:
            text = texts.get(k, pairs[k].clip_text)
            inputs.append(PairInput(guided_row=inv.guided_rows[k], clip_text=text, mask=pairs[k].mask.to(runtime.device),
                                    steps=missing, clip_source_text=pairs[k].clip_source_text))
            owners.append((k, fresh))
    out = list(searches)
    if inputs:
        settings = replace(search_settings(config), metric=name)
        found = search_steps(runtime, inv.schedule, inv.embeddings, inv.trajectory, SOURCE_ROW, inputs, inv.image,
                             settings)
        for (k, fresh), extra in zip(owners, found):
            out[k] = extra if fresh else merge_search(searches[k], extra)
    chosen: list[int | None] = [None] * len(searches)
    for k, (lo, hi) in ranges.items():
        s = out[k]
        inside = [j for j, i in enumerate(s.steps) if lo <= i <= hi]
        score = metric.search_score(name, s.s_edit[inside], s.s_background[inside],
                                    s.s_source[inside] if s.s_source is not None else None)
        chosen[k] = s.steps[inside[metric.best_index(score)]]
    return out, chosen


def refine(runtime: Runtime, inv: Inverted, pairs: list[EnginePair], searches: list[PairSearch], steps: list[int],
           config: OIRConfig) -> tuple[torch.Tensor, list[PairSearch]]:
    """The edit again with each pair at `steps[k]`: (image (3, H, W) in [0, 1], the searches it used)."""
    n = inv.schedule.num_inference_steps
    bad = [i for i in steps if not 1 <= i <= n]
    if bad:
        raise ValueError(f"steps {bad} are outside 1..{n}")
    searches = ensure_candidates(runtime, inv, pairs, searches, steps, config)
    image, _, _ = reassemble(runtime, inv, [p.mask for p in pairs], searches, config, steps=list(steps))
    return image, searches
