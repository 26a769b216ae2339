"""Result and value types users see: EditPair, PairReport, EditResult (JSON-able via to_dict)."""

from __future__ import annotations

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
    id: str = ""  # unambiguous among the edit's pairs (oir_agent/pair_ids.py); the source phrase when it is unique


@dataclass
class PairReport:
    """Everything the edit learned about one pair. `mask` and `search` are the diagnostics' own models
    (`oir_agent.diagnostics`), read from the mask provider's MaskResult and the engine's PairSearch."""

    pair: EditPair
    mask: Any  # diagnostics.MaskModel: provider, area_fraction, box, score
    optimal_step: int
    search: Any  # diagnostics.SearchModel: the evaluated steps and their curves (full precision in memory)
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

    @property
    def mask_phrase(self) -> str:
        return self.pair.mask_phrase

    @property
    def id(self) -> str:
        return self.pair.id or self.pair.source

    @property
    def kind(self) -> str:
        return self.pair.kind


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
    config: Any  # the OIRConfig of the edit (every field), for reproduction
    warnings: list[str] = field(default_factory=list)
    files: dict[str, str | None] | None = None  # input / output / diagnostics / sheet, set by whoever writes them
    edit_id: str | None = None  # refine(edit_id, ...) re-picks steps from it; None when it was not kept
    replay: dict | None = None  # {"fixed_steps": {pair: step}, "refines": [...]}: what --from-diagnostics repeats
    input_image: Image.Image | None = field(default=None, repr=False)  # the input at the working size (pictures)

    @property
    def version(self) -> str:
        """The oir-agent version that made this result."""
        from . import __version__

        return __version__

    def to_dict(self) -> dict[str, Any]:
        """The diagnostics JSON (docs/ARCHITECTURE.md); everything but the pictures: `EditDiagnostics` read from this
        object by attribute (the same model is the MCP output schema)."""
        from .diagnostics import EditDiagnostics

        return EditDiagnostics.model_validate(self, from_attributes=True).model_dump(mode="json")
