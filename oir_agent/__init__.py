"""oir-agent: Object-aware Inversion and Reassembly (ICLR 2024) for text-driven multi-object image editing."""

from .config import OIRConfig
from .editor import OIREditor
from .errors import (AlignmentError, Cancelled, ConfigError, InvalidInputError, MaskError, ModelUnavailableError,
                     OIRError, ResourceError)
from .types import EditPair, EditResult, PairReport, ProgressEvent

__all__ = ["OIREditor", "OIRConfig", "EditResult", "EditPair", "PairReport", "ProgressEvent", "OIRError",
           "InvalidInputError", "AlignmentError", "MaskError", "ConfigError", "ModelUnavailableError", "Cancelled",
           "ResourceError"]
__version__ = "0.1.0"
