"""oir-agent: Object-aware Inversion and Reassembly (ICLR 2024) for text-driven multi-object image editing.

Public API: OIREditor, OIRConfig, prepare_edit (inputs checked before any model loads), EditResult, EditPair,
align_prompts, parse_instruction, and the errors.
Exports load lazily, so `import oir_agent.server` answers MCP clients before torch is imported.
"""

from importlib import import_module
from importlib import metadata as _metadata

from .errors import (
    AlignmentError,
    Cancelled,
    ConfigError,
    InvalidInputError,
    MaskError,
    ModelUnavailableError,
    OIRError,
    ResourceError,
)

_LAZY = {
    "OIREditor": ".editor", "OIRConfig": ".config", "EditResult": ".types", "EditPair": ".types",
    "PairReport": ".types", "ProgressEvent": ".types", "Alignment": ".text.aligner", "align_prompts": ".text.aligner",
    "parse_instruction": ".text.instructions", "prepare_edit": ".request", "EditRequest": ".request",
}

__all__ = ["OIREditor", "OIRConfig", "prepare_edit", "EditRequest", "align_prompts", "parse_instruction", "Alignment",
           "EditResult", "EditPair",
           "PairReport", "ProgressEvent", "OIRError", "InvalidInputError", "AlignmentError", "MaskError",
           "ConfigError", "ModelUnavailableError", "Cancelled", "ResourceError"]
try:  # the version lives in pyproject.toml only
    __version__ = _metadata.version("oir-agent")
except _metadata.PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'oir_agent' has no attribute {name!r}")
