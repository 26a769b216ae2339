"""oir-agent: Object-aware Inversion and Reassembly (ICLR 2024) for text-driven multi-object image editing."""

from .aligner import Alignment, align_prompts
from .config import OIRConfig
from .editor import OIREditor
from .errors import (AlignmentError, Cancelled, ConfigError, InvalidInputError, MaskError, ModelUnavailableError,
                     OIRError, ResourceError)
from .instructions import parse_instruction
from .types import EditPair, EditResult, PairReport, ProgressEvent

__all__ = ["OIREditor", "OIRConfig", "align_prompts", "parse_instruction", "Alignment", "EditResult", "EditPair", "PairReport", "ProgressEvent", "OIRError",
           "InvalidInputError", "AlignmentError", "MaskError", "ConfigError", "ModelUnavailableError", "Cancelled",
           "ResourceError"]
__version__ = "0.1.0"
