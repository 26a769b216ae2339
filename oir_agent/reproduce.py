"""Reproduce an edit from its diagnostics JSON: prompts, pairs, fixed steps and every OIRConfig field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .config import OIRConfig
from .errors import InvalidInputError


def read_diagnostics(path: str | Path) -> dict[str, Any]:
    """The diagnostics JSON written by `--diagnostics` (or an MCP result's diagnostics file)."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise InvalidInputError(f"--from-diagnostics: file {str(p)!r} does not exist; give a diagnostics JSON written "
                                "by `oir-agent edit --diagnostics` or by the MCP server.")
    try:
        data = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"--from-diagnostics: {str(p)!r} is not JSON ({exc}).") from exc
    missing = [k for k in ("source_prompt", "target_prompt", "pairs", "config", "model") if not data.get(k)]
    if missing:
        raise InvalidInputError(f"--from-diagnostics: {str(p)!r} lacks {missing}: it is not an oir-agent "
                                "diagnostics file, or one too old to record the whole configuration; it cannot be "
                                "replayed.")
    return data


def recorded_refines(diagnostics: dict[str, Any]) -> list[dict[str, Any]]:
    """Keyword arguments for OIREditor.refine, one per refine the result went through since its edit, in order."""
    return [{k: (r.get(k) or None) for k in ("steps", "search", "search_text", "search_metric")}
            for r in (diagnostics.get("replay") or {}).get("refines", [])]


# Config fields added after diagnostics files were first written, with the value that reproduces an edit made before
# them (the field did not exist, so the edit ran without what it adds).
ADDED_FIELDS = {"verify_edits": False, "search_refinement": "halving"}


def edit_arguments(diagnostics: dict[str, Any], masks: dict[str, Any] | None = None) -> dict[str, Any]:
    """Keyword arguments for OIREditor.edit that repeat the recorded edit (the image is the caller's)."""
    from .text.aligner import align_prompts

    recorded_config = dict(diagnostics["config"])
    for name, before in ADDED_FIELDS.items():  # a field added since the edit ran: the behaviour it had then
        recorded_config.setdefault(name, before)
    config = OIRConfig(**recorded_config)
    pinned = {k: diagnostics[k] for k in ("reassembly_step", "reinversion_steps")
              if getattr(config, k) is None and isinstance(diagnostics.get(k), int)}
    config = config.replace(**pinned)  # r and re as the edit resolved them: a default that changed since cannot move them
    recorded = [(p["source"], p["target"]) for p in diagnostics["pairs"]]
    given = [p["source"] for p in diagnostics["pairs"] if p["mask"]["provider"] == "given"]
    if given and not masks:
        raise InvalidInputError(f"the recorded edit used caller masks for {given}; pass them again with "
                                "--mask SOURCE=PATH (masks are not stored in the diagnostics).")
    source, target = diagnostics["source_prompt"], diagnostics["target_prompt"]
    aligned = [(p.source, p.target) for p in align_prompts(source, target).pairs]
    replay = diagnostics.get("replay")
    if replay is not None:  # the edit's own fixed steps; refines are applied after (recorded_refines)
        steps = dict(replay["fixed_steps"])
    else:  # diagnostics written before the replay record: the overridden pairs' steps
        steps = {p["source"]: p["optimal_step"] for p in diagnostics["pairs"]
                 if p["search"]["strategy"] == "override"}
    args: dict[str, Any] = dict(source_prompt=source, config=config, masks=masks, steps=steps or None)
    if aligned == recorded:  # the aligner finds the same pairs: take its path (same guided prompts)
        args["target_prompt"] = target
    else:  # the edit had explicit pairs
        args["pairs"] = recorded
    return args
