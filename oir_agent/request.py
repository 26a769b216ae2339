"""prepare_edit: check every input of an edit and resolve its pairs, before any model is loaded.

The CLI, the Python API and the MCP server all call it first, so a missing file, identical prompts, an
unparseable instruction, a bad mask or an invalid config fails in well under a second instead of after a
model load. `OIREditor.run(request)` then does the model work; `OIREditor.edit(...)` is both in one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from . import images as imgio
from .config import OIRConfig
from .engine.costs import estimated_sample_evals
from .errors import AlignmentError, ConfigError, InvalidInputError, MaskError, PairValueError, Param, Worded
from .text.pairs import explicit_pairs
from .types import EditPair

MIN_SIDE = 32  # pixels: smaller inputs leave the VAE/UNet a latent too small to work on (1x1 breaks GroupNorm)
COSTLY_FACTOR = 4  # warn when an edit's estimated cost is over this many times the default config's


@dataclass
class EditRequest:
    """A checked edit: the image (orientation applied, RGB, original size), pairs, masks, fixed steps, config."""

    image: Image.Image
    source_prompt: str
    target_prompt: str
    pairs: list[EditPair]
    config: OIRConfig
    masks: list[Image.Image] | None = None  # the caller's masks in the pairs' order (checked non-empty)
    fixed_steps: list[int | None] = field(default_factory=list)  # per pair; None = search
    warnings: list[str] = field(default_factory=list)
    cost_warning: str | None = None  # set (and also in `warnings`) when the settings make the edit unusually costly

    @property
    def estimated_sample_evals(self) -> int:
        """Upper bound of the edit's UNet sample evaluations (the counted cost is in the result)."""
        return estimated_sample_evals(self.config, [s is None for s in self.fixed_steps])


def prepare_edit(image: imgio.ImageLike, source_prompt: str | None = None, target_prompt: str | None = None,
                 instruction: str | None = None, pairs: Sequence[Any] | None = None,
                 masks: Sequence[Any] | Mapping[str, Any] | None = None, config: OIRConfig | None = None,
                 steps: Mapping[str, int] | None = None) -> EditRequest:
    """Check and resolve an edit's inputs without a model (arguments as `OIREditor.edit`)."""
    config = config or OIRConfig()
    if not isinstance(config, OIRConfig):
        raise ConfigError(f"config must be an OIRConfig, got {type(config).__name__}.")
    original = check_image_size(imgio.to_rgb(imgio.open_image(image)))
    edit_pairs, source, target, warnings = align(source_prompt, target_prompt, instruction, pairs)
    fixed = step_overrides(steps, edit_pairs, config.num_inference_steps)
    given = ordered_masks(masks, edit_pairs, original.size) if masks is not None else None
    if given is None and config.mask_provider == "given":
        raise MaskError(Worded("{given} but no masks were passed: give one mask per pair, in this order: {order}.",
                               given=Param("mask_provider", "given"), order=[p.source for p in edit_pairs]))
    request = EditRequest(image=original, source_prompt=source, target_prompt=target, pairs=edit_pairs,
                          config=config, masks=given, fixed_steps=fixed, warnings=list(warnings))
    default = estimated_sample_evals(OIRConfig(), [True] * len(edit_pairs))
    if request.estimated_sample_evals > COSTLY_FACTOR * default:
        request.cost_warning = Worded(
            "this edit may cost up to {evals:,} UNet sample evaluations, {ratio:.0f}x the default settings' "
            "{default:,} ({n}, {s}); on a CPU that can take hours.", evals=request.estimated_sample_evals,
            ratio=request.estimated_sample_evals / default, default=default,
            n=Param("num_inference_steps", config.num_inference_steps), s=Param("search", config.search))
        request.warnings.append(request.cost_warning)
    return request


def check_image_size(image: Image.Image) -> Image.Image:
    """The image, if both sides reach MIN_SIDE; a clear error otherwise."""
    if min(image.size) < MIN_SIDE:
        raise InvalidInputError(f"image is {image.width}x{image.height} pixels; the smallest side must be at "
                                f"least {MIN_SIDE} px (upscale it first).")
    return image


def align(source_prompt, target_prompt, instruction, pairs) -> tuple[list[EditPair], str, str, list[str]]:
    """The editing pairs and both prompts, from explicit pairs, an instruction, or a prompt pair."""
    for name, value in (("source_prompt", source_prompt), ("target_prompt", target_prompt),
                        ("instruction", instruction)):
        if value is not None and not isinstance(value, str):
            raise InvalidInputError(f"{name} must be a string, got {type(value).__name__}.")
    if pairs is not None:
        if instruction:
            raise InvalidInputError("give either pairs or an instruction, not both.")
        found, implied_target = explicit_pairs(source_prompt or "", pairs)
        return found, source_prompt, target_prompt or implied_target, []
    from .text.aligner import align_prompts
    from .text.instructions import parse_instruction

    if instruction:
        if target_prompt:
            raise InvalidInputError("give either target_prompt or instruction, not both: the instruction "
                                    "defines the target prompt.")
        alignment = parse_instruction(instruction, source_prompt=source_prompt)
    elif source_prompt is not None and target_prompt is not None:
        alignment = align_prompts(source_prompt, target_prompt)
    else:
        raise AlignmentError("nothing to edit: give source_prompt and target_prompt, or an instruction "
                             "(e.g. 'replace the cat with a dog'), or explicit pairs with a source_prompt.")
    return alignment.pairs, alignment.source_prompt, alignment.target_prompt, list(alignment.warnings)


def step_overrides(steps: Mapping[str, int] | None, pairs: list[EditPair], n: int) -> list[int | None]:
    """Per-pair fixed steps in the pairs' order (None = search), keyed by pair id, number or phrase."""
    from .pair_ids import keyed, pair_id

    if steps is None:
        return [None] * len(pairs)
    if not isinstance(steps, Mapping):
        raise InvalidInputError(f"steps must map a pair (id or source phrase) to an inversion step, e.g. "
                                f"{{{pair_id(pairs[0])!r}: 30}}; got {type(steps).__name__}.")
    for key, value in steps.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= n:
            expected = Worded("an integer inversion step in [1, {n}] ({steps})", n=n, steps=Param("num_inference_steps"))
            raise PairValueError(f"steps[{key!r}]={value!r} is invalid: expected {expected}.", field="steps",
                              value=value, expected=expected, key=key)
    found = keyed(steps, pairs, "steps", lambda v: v)
    return [found.get(k) for k in range(len(pairs))]


def ordered_masks(masks, pairs: list[EditPair], image_size: tuple[int, int] | None = None) -> list[Image.Image]:
    """The caller's masks in the pairs' order, each opened and checked (readable, not empty)."""
    from .masks.given import check_not_empty, check_shape

    if isinstance(masks, Mapping):
        from .pair_ids import keyed, pair_id

        try:
            found = keyed(masks, pairs, "masks", lambda v: v)
        except InvalidInputError as exc:
            raise MaskError(str(exc)) from None
        missing = [pair_id(p) for k, p in enumerate(pairs) if k not in found]
        if missing:
            raise MaskError(f"no mask given for {missing}; masks were given for {sorted(map(str, masks))}. Key masks "
                            "by each pair's id or source phrase.")
        ordered = [found[k] for k in range(len(pairs))]
    else:
        try:
            if isinstance(masks, (str, bytes, Image.Image)):
                raise TypeError
            ordered = list(masks)
        except TypeError:
            raise MaskError(f"masks must be a list (one per pair, in order) or a mapping {{source phrase: mask}}, "
                            f"got {type(masks).__name__}.") from None
        if len(ordered) != len(pairs):
            raise MaskError(f"{len(ordered)} mask(s) given for {len(pairs)} editing pair(s) "
                            f"{[p.source for p in pairs]}: give exactly one mask per pair, in that order.")
    opened = []
    for m, p in zip(ordered, pairs):
        try:
            img = imgio.open_image(m, argument=f"mask for {p.source!r}")
        except InvalidInputError as exc:
            raise MaskError(str(exc)) from exc
        check_not_empty(img, p.source)  # the editor resizes it to the working size later
        if image_size is not None:
            check_shape(img.size, image_size, p.source)
        opened.append(img)
    return opened
