"""Result and value types users see: EditPair, PairReport, EditResult (JSON-able via to_dict)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class EditPair:
    """One editing pair (paper Sec. 3.2): the source object phrase and what it becomes.

    `guided_prompt` is the source prompt with only this pair replaced (the paper's P_t^k).
    `mask_phrase` is what a detector should look for ("car" for "red car" -> "blue car").
    Spans are (start, end) character offsets into the source / target prompt, when known.
    """

    source: str
    target: str
    guided_prompt: str
    mask_phrase: str
    kind: str = "object"  # "object" | "attribute"
    source_span: tuple[int, int] | None = None
    target_span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "mask_phrase": self.mask_phrase,
            "kind": self.kind,
            "guided_prompt": self.guided_prompt,
            "source_span": list(self.source_span) if self.source_span else None,
            "target_span": list(self.target_span) if self.target_span else None,
        }


@dataclass(frozen=True)
class MaskInfo:
    """Where a pair's mask came from and what it covers (working-image pixel coordinates)."""

    provider: str  # "given" | "grounded-sam" | "noise-difference"
    area_fraction: float
    box: tuple[int, int, int, int] | None  # (x0, y0, x1, y1), exclusive end
    score: float | None  # detection / provider confidence, None for caller masks
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "area_fraction": round(float(self.area_fraction), 6),
            "box": list(self.box) if self.box is not None else None,
            "score": None if self.score is None else round(float(self.score), 6),
        }


@dataclass(frozen=True)
class SearchCurve:
    """The search metric over candidate inversion steps (paper Sec. 3.1). Lists are aligned with `steps`."""

    steps: list[int]
    s_edit: list[float]  # raw S_e: masked CLIP cosine
    s_background: list[float]  # raw S_ne: -MSE outside the pair's mask
    score: list[float]  # the search metric (`metric`); -inf for excluded (non-finite) candidates
    strategy: str = "exhaustive"  # "exhaustive" | "budgeted" | "override" (the caller fixed the step)
    metric: str = "paper"  # the search metric used: "edit-first" | "paper"
    s_source: list[float] | None = None  # raw cosine of the same masked view with the source phrase
    inside_change: list[float] | None = None  # mean |candidate - input| inside the mask, pixels in [0, 1]

    def to_dict(self) -> dict[str, Any]:
        r = lambda xs: [_json_number(x) for x in xs]
        return {"steps": list(self.steps), "s_edit": r(self.s_edit), "s_background": r(self.s_background),
                "s_source": r(self.s_source) if self.s_source is not None else None,
                "inside_change": r(self.inside_change) if self.inside_change is not None else None,
                "score": r(self.score), "strategy": self.strategy, "metric": self.metric}


def _json_number(x: float) -> float | None:
    """Rounded for JSON; NaN and infinities (excluded candidates) become null, which JSON can carry."""
    x = float(x)
    return round(x, 6) if math.isfinite(x) else None


@dataclass
class PairReport:
    """Everything the edit learned about one pair."""

    pair: EditPair
    mask: MaskInfo
    optimal_step: int
    search: SearchCurve
    mask_array: np.ndarray | None = field(default=None, repr=False)  # (H, W) bool, working size
    candidates: list[Image.Image] = field(default_factory=list, repr=False)  # thumbnails, aligned with steps

    @property
    def source(self) -> str:
        return self.pair.source

    @property
    def target(self) -> str:
        return self.pair.target

    @property
    def guided_prompt(self) -> str:
        return self.pair.guided_prompt

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.pair.source,
            "target": self.pair.target,
            "mask_phrase": self.pair.mask_phrase,
            "kind": self.pair.kind,
            "guided_prompt": self.pair.guided_prompt,
            "mask": self.mask.to_dict(),
            "optimal_step": self.optimal_step,
            "search": self.search.to_dict(),
        }


@dataclass
class Cost:
    """Work the engine actually did, counted at the call sites (never estimated)."""

    unet_calls: int = 0  # UNet forwards of any batch size
    unet_sample_evals: int = 0  # latents through the UNet (a CFG step on one latent counts 2)
    vae_decodes: int = 0  # latents decoded to images
    vae_encodes: int = 0  # images encoded to latents
    clip_images: int = 0  # images through the CLIP vision tower
    search_unet_calls: int = 0  # the part of unet_calls spent in the step search
    shared_unet_calls: int = 0  # of unet_calls, those that ran in one batch with other edits' samples
    shared_unet_samples: int = 0  # samples (all edits) of those shared calls

    def to_dict(self) -> dict[str, int]:
        return {"unet_calls": self.unet_calls, "unet_sample_evals": self.unet_sample_evals,
                "vae_decodes": self.vae_decodes, "vae_encodes": self.vae_encodes,
                "clip_images": self.clip_images, "search_unet_calls": self.search_unet_calls,
                "shared_unet_calls": self.shared_unet_calls, "shared_unet_samples": self.shared_unet_samples}


@dataclass(frozen=True)
class ProgressEvent:
    """One progress report. `stage` names the step (align, masks, inversion, search, scoring, reassembly,
    reinversion, denoise); `completed`/`total` count work units in the stage."""

    stage: str
    completed: int
    total: int
    message: str = ""



@dataclass
class EditResult:
    """The edited image plus the diagnostics an agent can reason about (docs/ARCHITECTURE.md)."""

    image: Image.Image
    source_prompt: str
    target_prompt: str
    model: str
    seed: int
    num_inference_steps: int
    guidance_scale: float
    reassembly_step: int
    reinversion_steps: int
    image_size: tuple[int, int]  # (w, h) of the input, and of `image`
    working_size: tuple[int, int]  # (w, h) the model saw
    pairs: list[PairReport]
    cost: Cost
    timings_s: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    config: Any = None  # the OIRConfig of the edit (every field), for reproduction
    files: dict[str, str | None] | None = None  # input / output / diagnostics / sheet, set by whoever writes them
    edit_id: str | None = None  # refine(edit_id, ...) re-picks steps from it; None when it was not kept

    def to_dict(self) -> dict[str, Any]:
        """The diagnostics JSON (docs/ARCHITECTURE.md); everything but the pictures.

        Validated through `oir_agent.diagnostics.EditDiagnostics`, the same model the MCP server publishes as its
        output schema: a field added here and not there (or the reverse) fails loudly.
        """
        import dataclasses

        from . import __version__
        from .diagnostics import EditDiagnostics

        data = {
            "version": __version__,
            "edit_id": self.edit_id,
            "source_prompt": self.source_prompt,
            "target_prompt": self.target_prompt,
            "model": self.model,
            "seed": self.seed,
            "num_inference_steps": self.num_inference_steps,
            "guidance_scale": self.guidance_scale,
            "reassembly_step": self.reassembly_step,
            "reinversion_steps": self.reinversion_steps,
            "image_size": list(self.image_size),
            "working_size": list(self.working_size),
            "pairs": [p.to_dict() for p in self.pairs],
            "cost": self.cost.to_dict(),
            "timings_s": {k: round(float(v), 4) for k, v in self.timings_s.items()},
            "config": dataclasses.asdict(self.config) if self.config is not None else None,
            "files": dict(self.files) if self.files else None,
            "warnings": list(self.warnings),
        }
        return EditDiagnostics.model_validate(data).model_dump(mode="json")
