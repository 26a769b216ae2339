"""OIREditor: the public entry point. Reads inputs, aligns, masks, runs the engine, reports."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from . import images as imgio
from .config import DEFAULT_MODEL, OIRConfig
from .edits import DEFAULT_EDIT_MEMORY, EditStore, StoredEdit, new_edit_id
from .engine import compose
from .engine.batching import SharedBatcher
from .engine.components import Components
from .engine.oir import EnginePair, run_oir
from .engine.runtime import Runtime, check_prompt_lengths
from .errors import InvalidInputError, Param, Worded
from .masks.base import MaskRequest, MaskResult, area_warnings
from .masks.given import load_given_mask
from .request import EditRequest, check_image_size, prepare_edit, step_overrides
from .types import Cost, EditPair, EditResult, PairReport, ProgressEvent

logger = logging.getLogger(__name__)
MAX_PHRASE_CHARS = 200  # an object name for find_objects; the text encoders read ~77 tokens anyway


class OIREditor:
    """Object-aware Inversion and Reassembly on a loaded Stable Diffusion model.

    >>> editor = OIREditor.from_pretrained("tiny")                      # doctest: +SKIP
    >>> result = editor.edit(img, source_prompt="a cat and a dog", target_prompt="a cat and a tiger",
    ...                      masks=[dog_mask])                           # doctest: +SKIP
    """

    def __init__(self, components: Components, load_seconds: float = 0.0, edit_memory: int = DEFAULT_EDIT_MEMORY):
        self.components = components
        self.load_seconds = load_seconds
        self.edits = EditStore(edit_memory)  # what refine() reuses, LRU by bytes (0 = keep nothing)
        self._grounding = None  # Grounded-SAM models, loaded on first use
        self._grounding_lock = threading.Lock()
        self.batcher: SharedBatcher | None = None  # set by share_calls(): concurrent edits share model calls

    def share_calls(self, max_rows: int | None = None, max_wait_s: float = 0.005) -> SharedBatcher:
        """Let edits run concurrently (each in its own thread) share their model calls (engine/batching.py): one
        UNet / VAE / CLIP call carries the ready work of every running edit, up to `max_rows` rows. Each edit's
        result matches running it alone within floating-point summation order; its cost stays its own."""
        self.batcher = SharedBatcher(max_rows=max_rows, max_wait_s=max_wait_s)
        return self.batcher

    def _member(self):
        return self.batcher.member() if self.batcher is not None else nullcontext()

    @classmethod
    def from_pretrained(cls, model: str | Path = DEFAULT_MODEL, device: str | None = None,
                        dtype: str | torch.dtype | None = None, clip_model: str | None = None,
                        seed: int = 0, edit_memory: int = DEFAULT_EDIT_MEMORY) -> OIREditor:
        """Load a hub id, a local diffusers dir, or a preset ("shapes", "tiny", "sd-random"). `edit_memory`: bytes
        of finished edits kept for refine() (least recently used dropped first; 0 keeps none)."""
        from .models import load_components

        t0 = time.perf_counter()
        components = load_components(model, device=device, dtype=dtype, clip_model=clip_model, seed=seed)
        return cls(components, load_seconds=time.perf_counter() - t0, edit_memory=edit_memory)

    def grounding(self):
        """GroundingDINO + SAM for Grounded-SAM masks, loaded once (ModelUnavailableError if missing)."""
        from .models import load_grounding

        with self._grounding_lock:
            if self._grounding is None:
                self._grounding = load_grounding(self.components.name, device=self.device,
                                                 dtype=self.components.dtype)
            return self._grounding

    @property
    def device(self) -> torch.device:
        return self.components.device

    @property
    def model_name(self) -> str:
        return self.components.name

    def edit(self, image: imgio.ImageLike, source_prompt: str | None = None, target_prompt: str | None = None,
             instruction: str | None = None, pairs: Sequence[Any] | None = None,
             masks: Sequence[Any] | Mapping[str, Any] | None = None, config: OIRConfig | None = None,
             progress: Callable[[ProgressEvent], None] | None = None, cancel: Any = None,
             steps: Mapping[str, int] | None = None) -> EditResult:
        """Edit `image` so that it matches `target_prompt` (or `instruction`), pair by pair.

        pairs: optional explicit [(source phrase, target phrase), ...]; otherwise the aligner finds them.
        masks: optional caller masks in the pairs' order (or {source phrase: mask}); paths, PIL images or
        arrays, non-zero = inside. Otherwise `config.mask_provider` makes them.
        progress: called with a ProgressEvent per stage and UNet call. cancel: a threading.Event (or a
        callable) checked before every UNet call; when set, Cancelled is raised and nothing is returned.
        steps: optional per-pair inversion steps {source phrase: step}; a listed pair skips the search and uses
        that step (1..num_inference_steps); unlisted pairs are searched.

        The same as `run(prepare_edit(...))`; call `oir_agent.prepare_edit` yourself to check inputs before
        loading a model.
        """
        t0 = time.perf_counter()
        request = prepare_edit(image, source_prompt=source_prompt, target_prompt=target_prompt,
                               instruction=instruction, pairs=pairs, masks=masks, config=config, steps=steps)
        return self.run(request, progress=progress, cancel=cancel, prepare_seconds=time.perf_counter() - t0)

    def run(self, request: EditRequest, progress: Callable[[ProgressEvent], None] | None = None,
            cancel: Any = None, prepare_seconds: float = 0.0) -> EditResult:
        """Run a checked edit (from `prepare_edit`) on this model: masks, inversion, search, reassembly."""
        with self._member():
            return self._run(request, progress, cancel, prepare_seconds)

    def _run(self, request: EditRequest, progress, cancel, prepare_seconds: float) -> EditResult:
        if not isinstance(request, EditRequest):
            raise InvalidInputError(f"run() takes the EditRequest of prepare_edit(...), got {type(request).__name__}; "
                                    "or call edit(image, ...).")
        t_start = time.perf_counter()
        config = request.config
        runtime = Runtime(self.components, Cost(), cancel=cancel, progress=progress, batcher=self.batcher)
        timings = {"load": self.load_seconds}
        warnings: list[str] = []

        # 1. The working image (orientation and mode were fixed by prepare_edit).
        original = request.image
        size = original.size
        work_size = imgio.working_size(*size, self.components.working_side(config.max_side),
                                       multiple=self.components.vae_scale_factor)
        work = original.resize(work_size, Image.LANCZOS) if work_size != size else original
        if work_size != size:
            warnings.append(f"image resized from {size[0]}x{size[1]} to the working size "
                            f"{work_size[0]}x{work_size[1]}; the result is resized back.")

        # 2. Editing pairs and guided prompts (resolved by prepare_edit; the token limit needs the model).
        t0 = time.perf_counter()
        runtime.report("align", 0, 1, "finding editing pairs")
        edit_pairs, source_prompt, target_prompt = request.pairs, request.source_prompt, request.target_prompt
        check_prompt_lengths(self.components.tokenizer, [source_prompt, target_prompt] +
                             [p.guided_prompt for p in edit_pairs], "the diffusion model's text encoder")
        warnings.extend(request.warnings)
        runtime.report("align", 1, 1, f"{len(edit_pairs)} editing pair(s)")
        timings["align"] = time.perf_counter() - t0 + prepare_seconds

        # 3. One mask per pair.
        t0 = time.perf_counter()
        runtime.report("masks", 0, len(edit_pairs), "making masks")
        mask_results = self._masks(work, edit_pairs, request.masks, config, runtime, source_prompt)
        for pair, m in zip(edit_pairs, mask_results):
            warnings.extend(m.notes)
            if pair.kind != "global":  # a global pair covers the whole image on purpose
                warnings.extend(area_warnings(m, pair.mask_phrase))
        runtime.report("masks", len(edit_pairs), len(edit_pairs), "masks ready")
        timings["masks"] = time.perf_counter() - t0

        # 4-6. Invert, search, reassemble (the engine).
        engine_pairs = [EnginePair(guided_prompt=p.guided_prompt,
                                   clip_text=p.target if config.clip_text == "phrase" else p.guided_prompt,
                                   mask=torch.from_numpy(m.mask), fixed_step=step,
                                   clip_source_text=p.source if config.clip_text == "phrase" else source_prompt)
                        for p, m, step in zip(edit_pairs, mask_results, request.fixed_steps)]
        out = run_oir(runtime, imgio.to_tensor(work), source_prompt, target_prompt, engine_pairs, config)
        timings.update(out.timings_s)

        # 7. Keep what a refine needs, then the result at the input's size, with diagnostics.
        stored = StoredEdit(edit_id=new_edit_id(), model=self.model_name, source_prompt=source_prompt,
                            target_prompt=target_prompt, image_size=size, working_size=work_size, config=config,
                            inverted=out.inverted, engine_pairs=engine_pairs, edit_pairs=edit_pairs,
                            masks=mask_results, searches=out.searches, steps=[s.optimal_step for s in out.searches],
                            warnings=list(warnings),  # the inputs' warnings; search and runtime notes come after
                            original=_original_if_resized(original, work_size, config),
                            replay={"fixed_steps": {p.id or p.source: s for p, s in
                                                    zip(edit_pairs, request.fixed_steps) if s is not None},
                                    "refines": []})
        edit_id = stored.edit_id if self._keep(stored, warnings) else None
        timings["total"] = time.perf_counter() - t_start + prepare_seconds  # this edit; "load" is the one-time load
        return self._result(stored, out.image, out.searches, stored.steps, runtime, timings, warnings, edit_id)

    def refine(self, edit_id: str | StoredEdit, steps: Mapping[str, int] | None = None,
               progress: Callable[[ProgressEvent], None] | None = None, cancel: Any = None,
               search: Mapping[str, Sequence[int]] | None = None, search_text: Mapping[str, str] | None = None,
               search_metric: str | None = None) -> EditResult:
        """The edit `edit_id` again with some pairs at other inversion steps ({source phrase: step}; unlisted
        pairs keep their step). Reuses the inversion and every stored candidate: only the reassembly runs
        (a step the search never evaluated is computed first, counted). The same steps give the same image, bit
        for bit. `edit_id` may also be a StoredEdit (e.g. from `oir_agent.edits.load_edit`).

        search: a targeted re-search {source phrase: (lo, hi)}: the pair's best step in [lo, hi] by
        `search_metric` (default: the edit's), computing the candidates of the range it lacks; `search_text`
        {source phrase: text} scores that pair's region against another text (all its range recomputed).
        """
        from .engine.refine import refine as run_refine
        from .engine.refine import research

        t_start = time.perf_counter()
        stored = edit_id if isinstance(edit_id, StoredEdit) else self.edits.get(edit_id)
        if stored.model != self.model_name:
            raise InvalidInputError(f"edit {stored.edit_id!r} was made with model {stored.model!r}, not "
                                    f"{self.model_name!r}: refine it with the model that made it.")
        n = stored.config.num_inference_steps
        if not steps and not search:
            raise InvalidInputError("give at least one pair's new step (steps={source phrase: step}) or a range to "
                                    f"search (search={{source phrase: [lo, hi]}}), e.g. {{{stored.edit_pairs[0].source!r}: 30}}.")
        fixed = step_overrides(steps or None, stored.edit_pairs, n) if steps else [None] * len(stored.edit_pairs)
        ranges = _pair_keyed(search, stored.edit_pairs, "search", lambda v: _step_range(v, n))
        texts = _pair_keyed(search_text, stored.edit_pairs, "search_text", _short_text)
        names = [p.id or p.source for p in stored.edit_pairs]
        record = {"steps": {names[k]: f for k, f in enumerate(fixed) if f is not None},
                  "search": {names[k]: list(r) for k, r in ranges.items()},
                  "search_text": {names[k]: t for k, t in texts.items()}, "search_metric": search_metric}
        if set(texts) - set(ranges):
            raise InvalidInputError("search_text needs a search range for the same pair (search={pair: [lo, hi]}).")
        both = [stored.edit_pairs[k].source for k in ranges if fixed[k] is not None]
        if both:
            raise InvalidInputError(f"{both}: give a pair either a step or a search range, not both.")
        from .config import SEARCH_METRICS

        if search_metric is not None and search_metric not in SEARCH_METRICS:
            raise InvalidInputError(Worded("{m} is invalid: use 'edit-first' or 'paper'.",
                                           m=Param("search_metric", search_metric)))
        runtime = Runtime(self.components, Cost(), cancel=cancel, progress=progress, batcher=self.batcher)
        work = stored.to(self.device)
        searches, pairs = work.searches, list(work.engine_pairs)
        with torch.no_grad(), self._member():
            if ranges:
                searches, found = research(runtime, work.inverted, pairs, searches, ranges, stored.config,
                                           texts, search_metric)
                fixed = [f if f is not None else found[k] for k, f in enumerate(fixed)]
                for k, text in texts.items():  # later refines of this pair score against the new text
                    pairs[k] = replace(pairs[k], clip_text=text)
            chosen = [f if f is not None else old for f, old in zip(fixed, stored.steps)]
            image, searches = run_refine(runtime, work.inverted, pairs, searches, chosen, stored.config)
        replay = {"fixed_steps": dict(stored.replay["fixed_steps"]), "refines": stored.replay["refines"] + [record]}
        updated = replace(work, searches=searches, steps=chosen, engine_pairs=pairs, replay=replay)
        warnings = list(stored.warnings)
        edit_id = updated.edit_id if self._keep(updated, warnings) else None
        timings = {"load": self.load_seconds, "total": time.perf_counter() - t_start}
        return self._result(updated, image, searches, chosen, runtime, timings, warnings, edit_id)

    def _keep(self, stored: StoredEdit, warnings: list[str]) -> bool:
        if self.edits.max_bytes == 0:
            return False
        if self.edits.put(stored):
            return True
        warnings.append(f"this edit ({stored.nbytes / 2**20:.0f} MB of latents) is larger than the edit memory "
                        f"({self.edits.max_bytes / 2**20:.0f} MB): it cannot be refined; raise the edit memory.")
        return False

    def _result(self, stored: StoredEdit, image: torch.Tensor, searches, steps: list[int], runtime: Runtime,
                timings: dict[str, float], warnings: list[str], edit_id: str | None) -> EditResult:
        config = stored.config
        for search in searches:
            warnings.extend(search.notes)
        warnings.extend(runtime.notes)
        edited = imgio.to_pil(image)
        if edited.size != stored.image_size:
            edited = edited.resize(stored.image_size, Image.LANCZOS)
            if stored.original is not None:  # outside the pairs' regions: the input's own full-size pixels
                edited = _keep_at_full_size(edited, stored)
        reports = [_report(p, m, replace(s, optimal_step=i))
                   for p, m, s, i in zip(stored.edit_pairs, stored.masks, searches, steps)]
        return EditResult(
            image=edited, source_prompt=stored.source_prompt, target_prompt=stored.target_prompt,
            model=self.model_name, seed=config.seed, num_inference_steps=config.num_inference_steps,
            guidance_scale=config.guidance_scale, reassembly_step=config.resolved_reassembly_step,
            reinversion_steps=config.reinversion_steps_for(steps), image_size=stored.image_size,
            working_size=stored.working_size, pairs=reports, cost=runtime.cost, timings_s=timings,
            warnings=warnings, config=config, edit_id=edit_id, replay=stored.replay,
            input_image=imgio.to_pil(stored.inverted.image.cpu()))

    def find_objects(self, image: imgio.ImageLike, phrases: Sequence[str], provider: str = "auto",
                     config: OIRConfig | None = None, cancel: Any = None) -> tuple[list[MaskResult], Image.Image]:
        """Masks for `phrases` without editing (what an edit would use), at the working size, plus that image.

        Grounded-SAM results that find nothing are returned with an empty mask and a note (never raised), so
        a caller can see every phrase's outcome at once.
        """
        from .masks.select import provider_named, resolve_provider

        config = config or OIRConfig()
        phrases = [p.strip() for p in phrases if isinstance(p, str) and p.strip()]
        if not phrases:
            raise InvalidInputError("phrases is empty: name at least one object to find, e.g. 'cat'.")
        long = [p[:40] + "..." for p in phrases if len(p) > MAX_PHRASE_CHARS]
        if long:
            raise InvalidInputError(f"phrases {long} are over {MAX_PHRASE_CHARS} characters: name each object in a few "
                                    "words, e.g. 'red car'.")
        original = check_image_size(imgio.to_rgb(imgio.open_image(image)))
        size = imgio.working_size(*original.size, self.components.working_side(config.max_side),
                                  multiple=self.components.vae_scale_factor)
        work = original.resize(size, Image.LANCZOS) if size != original.size else original
        chosen, note = resolve_provider(self, provider)
        runtime = Runtime(self.components, Cost(), cancel=cancel)
        request = MaskRequest(phrases=phrases, seed=config.seed, runtime=runtime, box_threshold=config.box_threshold,
                              text_threshold=config.text_threshold)
        results = provider_named(self, chosen, runtime, config.max_batch).masks(work, request)
        if note:
            for r in results:
                r.notes.insert(0, note)
        return results, work

    # --- steps -----------------------------------------------------------------------------------------
    def _masks(self, work: Image.Image, pairs: list[EditPair], masks, config: OIRConfig, runtime: Runtime,
               source_prompt: str) -> list[MaskResult]:
        if masks is not None:
            return [load_given_mask(m, work.size, p.source) for m, p in zip(masks, pairs)]
        from .masks.select import make_masks

        # A global pair (medium, style, season, weather, time of day) covers the whole image: no detector is asked.
        # Overlaps resolve to the smaller mask, so object pairs keep their own regions inside it.
        objects = [p for p in pairs if p.kind != "global"]
        found = []
        if objects:
            request = MaskRequest(phrases=[p.mask_phrase for p in objects], source_prompt=source_prompt,
                                  guided_prompts=[p.guided_prompt for p in objects],
                                  seed=config.seed, runtime=runtime, box_threshold=config.box_threshold,
                                  text_threshold=config.text_threshold)
            found = make_masks(self, work, request, config)
        it = iter(found)
        whole = np.ones((work.size[1], work.size[0]), dtype=bool)
        return [MaskResult(mask=whole.copy(), provider="whole-image", score=None) if p.kind == "global" else next(it)
                for p in pairs]


def _original_if_resized(original: Image.Image, work_size: tuple[int, int], config: OIRConfig) -> torch.Tensor | None:
    if not config.keep_outside or original.size == work_size:
        return None
    return torch.from_numpy(np.asarray(original.convert("RGB"), dtype=np.uint8).copy())


def _keep_at_full_size(edited: Image.Image, stored: StoredEdit) -> Image.Image:
    """The resized-back edit with the input's full-size pixels outside the pairs' regions (keep_outside): a large
    photo keeps its own resolution everywhere the edit did not reach."""
    masks = torch.stack([p.mask.cpu().bool() for p in stored.engine_pairs])
    original = stored.original.permute(2, 0, 1).float() / 255
    return imgio.to_pil(compose.keep_unedited(original, imgio.to_tensor(edited), masks, stored.config))


def _pair_keyed(mapping, pairs: list[EditPair], name: str, check) -> dict[int, Any]:
    """{pair index: check(value)} from {pair id, number or phrase: value}; unknown or ambiguous keys refused."""
    from .pair_ids import keyed

    return keyed(mapping, pairs, name, check)


def _step_range(value, n: int) -> tuple[int, int]:
    lo, hi = value  # TypeError / ValueError for anything but a pair
    if any(isinstance(x, bool) or not isinstance(x, int) for x in (lo, hi)) or not 1 <= lo <= hi <= n:
        raise ValueError(Worded("expected [lo, hi] with 1 <= lo <= hi <= {n} ({steps})", n=n,
                                steps=Param("num_inference_steps")))
    return lo, hi


def _short_text(value) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ValueError("expected a short phrase (1-200 characters), e.g. 'fried rice'")
    return value.strip()


def _report(pair: EditPair, mask: MaskResult, search) -> PairReport:
    from .diagnostics import MaskModel, SearchModel

    return PairReport(
        pair=pair, mask=MaskModel.model_validate(mask, from_attributes=True), optimal_step=search.optimal_step,
        search=SearchModel.model_validate(search, from_attributes=True),
        mask_array=np.asarray(mask.mask, dtype=bool), candidates=[imgio.to_pil(t) for t in search.thumbnails])
