"""The diagnostics contract (docs/ARCHITECTURE.md): pydantic models that `EditResult.to_dict()` validates
through, and that the MCP server publishes as edit_image's output schema. One definition for both: a field
missing on either side fails validation (extra fields are forbidden, required ones must be present)."""

from __future__ import annotations

import dataclasses
import typing

from pydantic import BaseModel, ConfigDict, Field, create_model

from .config import OIRConfig


def _config_model() -> type[BaseModel]:
    """OIRConfig's fields as a pydantic model (derived, so a new config field appears here by itself)."""
    hints = typing.get_type_hints(OIRConfig)
    fields = {f.name: (hints[f.name], f.default) for f in dataclasses.fields(OIRConfig)}
    return create_model("ConfigModel", __config__=ConfigDict(extra="forbid"), **fields)


ConfigModel = _config_model()


class MaskModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(description="given | grounded-sam | noise-difference")
    area_fraction: float = Field(description="fraction of the image the mask covers")
    box: list[int] | None = Field(description="[x0, y0, x1, y1] in working-image pixels")
    score: float | None = Field(description="detection / provider confidence; null for given masks")


class SearchModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: list[int] = Field(description="candidate inversion steps that were evaluated (ascending)")
    s_edit: list[float | None] = Field(description="raw masked CLIP score of the edit region per step")
    s_background: list[float | None] = Field(description="raw -MSE outside the mask per step")
    s_source: list[float | None] | None = Field(description="raw masked CLIP score of the same region against the "
                                                            "source phrase per step")
    score: list[float | None] = Field(description="search metric per step (null = excluded, non-finite)")
    strategy: str = Field(description="budgeted | exhaustive | override (the caller fixed the step)")
    metric: str = Field(description="search metric: edit-first | paper")


class PairModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    target: str
    mask_phrase: str
    kind: str = Field(description="object | attribute")
    guided_prompt: str
    mask: MaskModel
    optimal_step: int = Field(description="chosen inversion step (higher = more change, less preservation)")
    search: SearchModel


class CostModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unet_calls: int
    unet_sample_evals: int
    vae_decodes: int
    vae_encodes: int
    clip_images: int
    search_unet_calls: int


class EditDiagnostics(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source_prompt: str
    target_prompt: str
    model: str
    seed: int
    num_inference_steps: int
    guidance_scale: float
    reassembly_step: int
    reinversion_steps: int
    image_size: list[int]
    working_size: list[int]
    pairs: list[PairModel]
    cost: CostModel
    timings_s: dict[str, float]
    config: ConfigModel = Field(description="every OIRConfig field of the edit, so it can be reproduced")
    warnings: list[str]
