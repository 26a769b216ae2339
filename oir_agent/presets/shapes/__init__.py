"""ShapeWorld: a synthetic world with exact ground truth and small models trained on it (preset "shapes")."""

from __future__ import annotations

from pathlib import Path

from ...errors import ModelUnavailableError

WEIGHTS = Path(__file__).parent / "weights"


def shapes_dir() -> Path:
    """Folder of the shipped ShapeWorld weights (diffusers layout)."""
    if not (WEIGHTS / "unet").is_dir():
        raise ModelUnavailableError(
            f"the 'shapes' preset's weights are missing from {WEIGHTS}; reinstall oir-agent from a complete "
            "checkout, or train them with `python benchmarks/shapeworld/train.py --stage all`.")
    return WEIGHTS
