"""The diagnostics contract (docs/ARCHITECTURE.md), defined once: pydantic models that read the library's own
objects (`EditResult`, `PairReport`, the engine's `PairSearch`, the masks' `MaskResult`, `Cost`, `OIRConfig`, the
aligner's `Alignment`) by attribute. `EditResult.to_dict()` is `EditDiagnostics` dumped; the MCP server publishes
the same models as its output schemas; README's table names every field (tests/test_contracts.py). A field added
here reaches all three; nothing restates it."""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, create_model

from .config import OIRConfig

READ = ConfigDict(extra="forbid", from_attributes=True)


def _json_number(x) -> float | None:
    """Rounded for JSON; NaN and infinities (excluded candidates) become null, which JSON can carry."""
    if x is None:
        return None
    x = float(x)
    return round(x, 6) if math.isfinite(x) else None


def _as_list(x):
    """Tensors and arrays (the engine's curves) as plain lists; lists and tuples pass."""
    return x.tolist() if hasattr(x, "tolist") else x


# A number kept at full precision in memory and rounded (non-finite: null) only when written.
Num = Annotated[float | None, PlainSerializer(_json_number, return_type=float | None)]
Curve = Annotated[list[Num], BeforeValidator(_as_list)]
IntList = Annotated[list[int], BeforeValidator(_as_list)]


def _config_model() -> type[BaseModel]:
    """OIRConfig's fields as a pydantic model (derived, so a new config field appears here by itself)."""
    hints = typing.get_type_hints(OIRConfig)
    fields = {f.name: (hints[f.name], Field(f.default, description=(f.metadata or {}).get("help")))
              for f in dataclasses.fields(OIRConfig)}
    return create_model("ConfigModel", __config__=READ, **fields)


ConfigModel = _config_model()


class MaskModel(BaseModel):
    model_config = READ
    provider: str = Field(description="given | grounded-sam | noise-difference | whole-image (a global pair)")
    area_fraction: Num = Field(description="fraction of the image the mask covers")
    box: IntList | None = Field(description="[x0, y0, x1, y1] in working-image pixels")
    score: Num = Field(description="detection / provider confidence; null for given masks")


class SearchModel(BaseModel):
    model_config = READ
    steps: IntList = Field(description="candidate inversion steps that were evaluated (ascending)")
    s_edit: Curve = Field(description="RAW (not normalised) S_e per step: cosine between CLIP features "
                                                   "of the candidate's edit region and the target phrase (higher = "
                                                   "more like the target)")
    s_background: Curve = Field(description="RAW S_ne per step: -MSE (pixels in [0, 1]) between the "
                                                         "candidate and the input outside the mask (0 = untouched; "
                                                         "PSNR dB = -10 log10(-s_background))")
    s_source: Curve | None = Field(description="RAW cosine of the same region with the source phrase "
                                                            "per step; s_edit - s_source > 0 means CLIP sees the "
                                                            "target more than the source (edit-first metric)")
    inside_change: Curve | None = Field(
        default=None, description="mean absolute change of the candidate vs the input inside the mask (pixels in "
                                  "[0, 1]) per step; under 0.03 the edit is practically invisible")
    score: Curve = Field(description="the search metric per step, derived from the normalised terms; "
                                                  "only its ranking matters (edit-first: 1000 + preserved PSNR for "
                                                  "candidates that reach the edit, below 1 for the others; paper: "
                                                  "Eq. 3 on min-max normalised terms). null = excluded "
                                                  "(non-finite)")
    strategy: str = Field(description="budgeted | exhaustive | override (the caller fixed the step) | targeted (a "
                                      "re-search over a range, refine)")
    metric: str = Field(description="search metric: edit-first | paper")


class PairCore(BaseModel):
    """An editing pair as the aligner makes it (extract_edit_pairs, and the start of every pair's diagnostics)."""

    model_config = READ
    id: str = Field(description="the pair's id: its source phrase, qualified by the prompt's words when two pairs "
                                "share it ('yellow triangle (left)'); masks, steps, refine_edit and view_candidates "
                                "take it (or the pair's number, 1-based)")
    source: str = Field(description="the object's (or attribute's) words in the source prompt")
    target: str = Field(description="what they become in the target prompt")
    mask_phrase: str = Field(description="the phrase the mask was made for (the source object)")
    kind: str = Field(description="object | attribute | global (the whole picture's medium, style, season, weather "
                                  "or time of day: a whole-image mask, and the search takes the shallowest step on "
                                  "the edit plateau)")
    guided_prompt: str = Field(description="the source prompt with only this pair changed: the prompt that "
                                           "generated this pair's candidates")


class AlignmentModel(BaseModel):
    """The aligner's answer (`Alignment.to_dict()`, extract_edit_pairs' structured output, `pairs --json`)."""

    model_config = READ
    source_prompt: str
    target_prompt: str
    pairs: list[PairCore]
    warnings: list[str]


class PairModel(PairCore):
    mask: MaskModel
    optimal_step: int = Field(description="chosen inversion step (higher = more change, less preservation)")
    search: SearchModel


class CostModel(BaseModel):
    model_config = READ
    unet_calls: int = Field(description="UNet forward passes of any batch size (counted, never estimated)")
    unet_sample_evals: int = Field(description="latents through the UNet; a CFG step on one latent counts 2")
    vae_decodes: int = Field(description="latents decoded to images")
    vae_encodes: int = Field(description="images encoded to latents")
    clip_images: int = Field(description="images through the metric CLIP's vision tower")
    search_unet_calls: int = Field(description="the part of unet_calls spent in the step search")
    shared_unet_calls: int = Field(0, description="of unet_calls, those that ran in one batch with other concurrent "
                                   "edits' samples (serve --max-concurrent > 1); 0 when the edit ran alone")
    shared_unet_samples: int = Field(0, description="samples of all edits in those shared calls (divided by "
                                     "shared_unet_calls: the mean shared batch); this edit's own cost is "
                                     "unet_sample_evals either way")


class FilesModel(BaseModel):
    model_config = READ
    input: str | None = Field(description="the input image's path or URI (null when it was passed inline)")
    output: str | None = Field(description="the edited image's path or oir://outputs/ URI")
    diagnostics: str | None = Field(description="where this JSON was written, when it was")
    sheet: str | None = Field(description="the contact sheet's path or URI, when one was written")


def _timings(d: dict) -> dict[str, float]:
    return {k: round(float(v), 4) for k, v in d.items()}


class RefineModel(BaseModel):
    model_config = READ
    steps: dict[str, int] = Field(default_factory=dict, description="pairs given a new step, by source phrase")
    search: dict[str, list[int]] = Field(default_factory=dict, description="pairs re-searched over [lo, hi]")
    search_text: dict[str, str] = Field(default_factory=dict, description="the text a re-searched pair was scored "
                                                                        "against instead of its target phrase")
    search_metric: str | None = Field(default=None, description="the re-search's metric (null: the edit's)")


class ReplayModel(BaseModel):
    model_config = READ
    fixed_steps: dict[str, int] = Field(description="the edit's own fixed steps (pair_steps / --step), by source "
                                                    "phrase; the other pairs were searched")
    refines: list[RefineModel] = Field(description="every refine applied since the edit, in order")


class EditDiagnostics(BaseModel):
    model_config = READ
    version: str = Field(description="the oir-agent version that made the edit")
    edit_id: str | None = Field(default=None, description="pass it to refine (refine_edit) to re-pick pairs' steps "
                                                          "without redoing the search; null when it was not kept")
    source_prompt: str = Field(description="the prompt describing the input")
    target_prompt: str = Field(description="the prompt the edit aimed at")
    model: str = Field(description="the diffusion model (hub id, folder or preset)")
    seed: int
    num_inference_steps: int = Field(description="N: DDIM steps; candidate steps are 1..N")
    guidance_scale: float = Field(description="classifier-free guidance scale of every denoise")
    reassembly_step: int = Field(description="r: the level where the pair edits are pasted together")
    reinversion_steps: int = Field(description="re: inversion steps applied to the reassembled latent")
    image_size: IntList = Field(description="[width, height] of the input and of the result")
    working_size: IntList = Field(description="[width, height] the model worked at (masks and boxes use it)")
    pairs: list[PairModel] = Field(description="one entry per editing pair, in the aligner's order")
    cost: CostModel = Field(description="work actually done, counted at the call sites")
    timings_s: Annotated[dict[str, float], PlainSerializer(_timings)] = Field(
        description="seconds per stage; 'load' is the one-time model load, 'total' this edit")
    config: ConfigModel = Field(description="every OIRConfig field of the edit, so it can be reproduced")
    files: FilesModel | None = Field(default=None, description="where the input came from and the outputs went")
    replay: ReplayModel | None = Field(default=None, description="what made this result, for `edit "
                                                                "--from-diagnostics`: the edit's fixed steps and "
                                                                "each refine since (the same bytes again)")
    warnings: list[str] = Field(description="anything the caller should know: resized input, weak or invisible "
                                            "edits, fallbacks, costly settings")
