"""MaskResult and the MaskProvider protocol: one boolean mask per editing pair."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import torch
from PIL import Image

from ..engine.geometry import bounding_box

LOW_AREA, HIGH_AREA = 0.001, 0.95  # warn below 0.1% and above 95% of the image


@dataclass
class MaskResult:
    """A pair's mask at the working image's resolution, with where it came from."""

    mask: np.ndarray  # (H, W) bool
    provider: str  # "given" | "grounded-sam" | "noise-difference"
    score: float | None = None  # detection / provider confidence
    box: tuple[int, int, int, int] | None = None  # (x0, y0, x1, y1), exclusive ends
    notes: list[str] = field(default_factory=list)

    @property
    def area_fraction(self) -> float:
        return float(self.mask.mean()) if self.mask.size else 0.0

    def __post_init__(self) -> None:
        if self.box is None and self.mask.any():
            self.box = box_of(self.mask)


def box_of(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) with exclusive ends, or None for an empty mask (the engine's bounding_box, on numpy)."""
    return bounding_box(torch.from_numpy(np.ascontiguousarray(mask, dtype=bool)))


def area_warnings(result: MaskResult, phrase: str) -> list[str]:
    """Warnings for masks that cover almost everything or almost nothing."""
    a = result.area_fraction
    if a > HIGH_AREA:
        return [f"mask for {phrase!r} covers {a:.1%} of the image: the edit will barely preserve anything; "
                "check the phrase or give a mask."]
    if a < LOW_AREA:
        return [f"mask for {phrase!r} covers only {a:.2%} of the image: the object may be too small to edit well."]
    return []


class MaskProvider(Protocol):
    """Makes one mask per requested phrase for a working-size RGB image, in order. An object that is not found
    is an empty mask with a note (and the best score seen), never an exception: the caller decides."""

    name: str

    def masks(self, image: Image.Image, request: MaskRequest) -> list[MaskResult]: ...


@dataclass
class MaskRequest:
    """What to find: one phrase per mask, plus what some providers need (the noise-difference provider compares
    each pair's guided prompt with the source prompt; Grounded-SAM uses the phrases and thresholds)."""

    phrases: list[str]
    source_prompt: str = ""
    guided_prompts: list[str] = field(default_factory=list)  # empty: compare each phrase with the empty prompt
    seed: int = 0
    runtime: object | None = None  # engine Runtime, for providers that run the diffusion model
    box_threshold: float = 0.3
    text_threshold: float = 0.25
