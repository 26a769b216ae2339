"""Per-pair masks: caller masks, Grounded-SAM, attention; and the mask operations the engine uses."""

from .base import MaskProvider, MaskRequest, MaskResult

__all__ = ["MaskProvider", "MaskRequest", "MaskResult"]
