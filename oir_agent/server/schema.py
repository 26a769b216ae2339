"""Pydantic models of the MCP tools' structured outputs; the edit diagnostics come from the library."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..diagnostics import AlignmentModel, EditDiagnostics


class EditMemoryModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    edits: int = Field(description="finished edits kept for refine_edit")
    used_mb: float = Field(description="memory they use")
    limit_mb: float = Field(description="the bound (serve --edit-memory); least recently used edits go first")
    ids: list[str] = Field(description="the most recently used edit_ids (up to 20)")


class OutputModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    edit_memory: EditMemoryModel | None = Field(default=None, description="the server's store of kept edits")
    uri: str = Field(description="oir://outputs/... URI of the full-size PNG; pass it as `image` to edit again")
    width: int
    height: int
    sheet_uri: str | None = Field(default=None, description="contact sheet of candidates and score curves")
    diagnostics_uri: str | None = None


class EditToolResult(EditDiagnostics):
    """edit_image's structured output: the diagnostics plus where the files are."""

    output: OutputModel | None = None


PairsResult = AlignmentModel  # extract_edit_pairs: the aligner's answer, one definition


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


class CandidateView(BaseModel):
    step: int = Field(description="the candidate's inversion step")
    chosen: bool = Field(description="whether the latest result uses this step")
    s_edit: float | None = Field(description="raw CLIP cosine of the region with the target phrase")
    s_source: float | None = Field(description="raw CLIP cosine of the region with the source phrase")
    preserved_psnr_db: float | None = Field(description="PSNR of everything outside the mask vs the input")
    inside_change: float | None = Field(description="mean absolute change inside the mask (pixels in [0, 1])")


class CandidatesResult(BaseModel):
    edit_id: str
    pair: str
    chosen_step: int
    evaluated_steps: list[int]
    candidates: list[CandidateView] = Field(description="one per image block, in the same order")
