"""Pick the mask provider for an edit (or the `masks` command) and turn failures into clear results."""

from __future__ import annotations

import logging

from PIL import Image

from ..errors import MaskError, ModelUnavailableError
from ..types import EditPair
from .attention import AttentionMasks
from .base import MaskRequest, MaskResult
from .grounded_sam import GroundedSAM

logger = logging.getLogger(__name__)


def make_masks(editor, image: Image.Image, pairs: list[EditPair], request: MaskRequest, config) -> list[MaskResult]:
    """One mask per pair from config.mask_provider ("auto" = Grounded-SAM when its models load, else attention)."""
    provider, note = resolve_provider(editor, config.mask_provider)
    runtime = request.runtime
    attention = AttentionMasks(runtime, config.max_batch)
    if provider == "attention":
        results = attention.masks_for_prompts(image, request.guided_prompts, [request.source_prompt] * len(pairs),
                                              seed=request.seed)
        for r, p in zip(results, pairs):
            _require_nonempty(r, p.mask_phrase)
        if note:
            results[0].notes.insert(0, note)
        return results
    gsam = GroundedSAM(editor.grounding())
    results: list[MaskResult] = []
    for k, pair in enumerate(pairs):
        runtime.check_cancel()
        found, best = gsam.mask(image, pair.mask_phrase, request.box_threshold, request.text_threshold)
        if found is None:
            if config.mask_fallback != "attention":
                raise MaskError(
                    f"Grounded-SAM did not find {pair.mask_phrase!r} in the image (best detection score {best:.2f}, "
                    f"threshold {request.box_threshold}). Check that the source prompt names what is in the image, "
                    "lower box_threshold, pass a mask for this pair, or allow mask_fallback='attention'.")
            found = attention.masks_for_prompts(image, [pair.guided_prompt], [request.source_prompt],
                                                seed=request.seed)[0]
            _require_nonempty(found, pair.mask_phrase)
            found.notes.insert(0, f"Grounded-SAM did not find {pair.mask_phrase!r} (best score {best:.2f}); used an "
                                  "attention mask instead (mask_fallback='attention').")
        results.append(found)
        runtime.report("masks", k + 1, len(pairs), f"mask for {pair.mask_phrase!r}")
    return results


def resolve_provider(editor, requested: str) -> tuple[str, str | None]:
    """("grounded-sam" | "attention", note) for a requested provider; "auto" falls back with a note."""
    if requested in ("grounded-sam", "attention"):
        return requested, None
    try:
        editor.grounding()
        return "grounded-sam", None
    except ModelUnavailableError as exc:
        logger.warning("Grounded-SAM unavailable, using attention masks: %s", exc)
        return "attention", ("Grounded-SAM models are not available here, so masks come from the diffusion model's "
                             f"attention (less precise). To use Grounded-SAM: {str(exc)[:200]}")


def _require_nonempty(result: MaskResult, phrase: str) -> None:
    if not result.mask.any():
        raise MaskError(f"no region stood out for {phrase!r} in the attention map; pass a mask for this pair or "
                        "use Grounded-SAM.")
