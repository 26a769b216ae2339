"""Pydantic models of the MCP tools' structured outputs (the diagnostics JSON of docs/ARCHITECTURE.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MaskModel(BaseModel):
    provider: str = Field(description="given | grounded-sam | attention")
    area_fraction: float = Field(description="fraction of the image the mask covers")
    box: list[int] | None = Field(description="[x0, y0, x1, y1] in working-image pixels")
    score: float | None = Field(description="detection / provider confidence; null for given masks")


class SearchModel(BaseModel):
    steps: list[int] = Field(description="candidate inversion steps that were evaluated (ascending)")
    s_edit: list[float | None] = Field(description="raw masked CLIP score of the edit region per step")
    s_background: list[float | None] = Field(description="raw -MSE outside the mask per step")
    s_source: list[float | None] | None = Field(description="raw masked CLIP score of the same region against the "
                                                            "source phrase per step")
    score: list[float | None] = Field(description="search metric per step (null = excluded, non-finite)")
    strategy: str = Field(description="budgeted | exhaustive | override (the caller fixed the step)")
    metric: str = Field(description="search metric: edit-first | paper")


class PairModel(BaseModel):
    source: str
    target: str
    mask_phrase: str
    kind: str = Field(description="object | attribute")
    guided_prompt: str
    mask: MaskModel
    optimal_step: int = Field(description="chosen inversion step (higher = more change, less preservation)")
    search: SearchModel


class CostModel(BaseModel):
    unet_calls: int
    unet_sample_evals: int
    vae_decodes: int
    vae_encodes: int
    clip_images: int
    search_unet_calls: int


class OutputModel(BaseModel):
    uri: str = Field(description="oir://outputs/... URI of the full-size PNG; pass it as `image` to edit again")
    width: int
    height: int
    sheet_uri: str | None = Field(default=None, description="contact sheet of candidates and score curves")
    diagnostics_uri: str | None = None


class EditDiagnostics(BaseModel):
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
    warnings: list[str]
    output: OutputModel | None = None


class PairSummary(BaseModel):
    source: str
    target: str
    mask_phrase: str
    kind: str
    guided_prompt: str


class PairsResult(BaseModel):
    source_prompt: str
    target_prompt: str
    pairs: list[PairSummary]
    warnings: list[str]


class FoundObject(BaseModel):
    phrase: str
    found: bool
    provider: str
    score: float | None
    box: list[int] | None = Field(description="[x0, y0, x1, y1] in the input image's pixels")
    area_fraction: float
    notes: list[str]


class ObjectsResult(BaseModel):
    objects: list[FoundObject]
    overlay_uri: str | None = None
