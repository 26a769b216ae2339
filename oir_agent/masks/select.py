"""Choose the mask provider for an edit (or find_objects) and apply the caller's fallback policy."""

from __future__ import annotations

import logging

from PIL import Image

from ..config import MASK_PROVIDER_ALIASES as ALIASES  # one table of old names: the config's
from ..errors import MaskError, ModelUnavailableError, Param, Worded
from .base import MaskProvider, MaskRequest, MaskResult

logger = logging.getLogger(__name__)


def canonical(name: str | None) -> str | None:
    return ALIASES.get(name, name) if name is not None else None


def provider_named(editor, name: str, runtime, max_batch: int | None = None) -> MaskProvider:
    """The MaskProvider for "grounded-sam" or "noise-difference" (loads Grounded-SAM on first use)."""
    if canonical(name) == "noise-difference":
        from .noise_difference import NoiseDifferenceMasks

        return NoiseDifferenceMasks(runtime, max_batch)
    from .grounded_sam import GroundedSAM

    return GroundedSAM(editor.grounding())


def _grounding_loaded(editor) -> bool:
    return getattr(editor, "_grounding", None) is not None


def resolve_provider(editor, requested: str) -> tuple[str, str | None]:
    """("grounded-sam" | "noise-difference", note) for a requested provider; "auto" falls back with a note."""
    requested = canonical(requested)
    if requested in ("grounded-sam", "noise-difference"):
        return requested, None
    from ..models import ships_grounding

    if ships_grounding(editor.model_name) is False and not _grounding_loaded(editor):
        return "noise-difference", (f"model {editor.model_name!r} ships no Grounded-SAM models, so masks come from the "
                                    "diffusion model's noise difference (DiffEdit-style); pass masks for exact ones.")
    try:
        editor.grounding()
        return "grounded-sam", None
    except ModelUnavailableError as exc:
        logger.warning("Grounded-SAM unavailable, using noise-difference masks: %s", exc)
        return "noise-difference", ("Grounded-SAM models are not available here, so masks come from the diffusion "
                                    "model's noise difference (DiffEdit-style, less precise). To use Grounded-SAM: "
                                    f"{str(exc)[:200]}")


def make_masks(editor, image: Image.Image, request: MaskRequest, config) -> list[MaskResult]:
    """One mask per pair from config.mask_provider; objects not found are an error unless config.mask_fallback
    names a provider to ask instead (with a note on the result)."""
    chosen, note = resolve_provider(editor, config.mask_provider)
    runtime = request.runtime
    results = provider_named(editor, chosen, runtime, config.max_batch).masks(image, request)
    fallback = canonical(config.mask_fallback)
    for k, (phrase, result) in enumerate(zip(request.phrases, results)):
        if result.mask.any():
            continue
        if fallback is None or fallback == chosen:
            raise MaskError(Worded(
                "{chosen} found no region for {phrase} ({notes}). Check that the source prompt names what is in the "
                "image, pass a mask for this pair{more}", chosen=chosen, phrase=repr(phrase),
                notes="; ".join(result.notes) or "empty mask",
                more=Worded(", lower box_threshold, or allow {fb}.", fb=Param("mask_fallback", "noise-difference"))
                if chosen == "grounded-sam" else ", or use Grounded-SAM."))
        single = MaskRequest(phrases=[phrase], source_prompt=request.source_prompt,
                             guided_prompts=request.guided_prompts[k:k + 1], seed=request.seed, runtime=runtime)
        replacement = provider_named(editor, fallback, runtime, config.max_batch).masks(image, single)[0]
        if not replacement.mask.any():
            raise MaskError(f"no region stood out for {phrase!r} with {chosen} or {fallback}; pass a mask for it.")
        replacement.notes.insert(0, f"{chosen} did not find {phrase!r} ({'; '.join(result.notes)}); used "
                                    f"{fallback} instead (mask_fallback).")
        results[k] = replacement
    if note and results:
        results[0].notes.insert(0, note)
    return results
