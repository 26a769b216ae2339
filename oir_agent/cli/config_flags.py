"""CLI flags built from OIRConfig's fields (default, type, choices, help): no default is restated here.

A bool field that defaults to True is exposed as a flag that turns it off (`keep_outside` -> `--regenerate-all`);
a choice of None is spelled `none` on the command line.
"""

from __future__ import annotations

import argparse
import typing

EDIT_FIELDS = ("num_inference_steps", "search", "search_metric", "guidance_scale", "seed", "max_batch", "max_side",
               "strict_background", "keep_outside", "keep_margin", "mask_provider", "mask_fallback", "final_prompts")
# Flags of the library's other arguments (not config fields), for error messages in flag terms.
OTHER_FLAGS = {"device": "--device", "dtype": "--dtype", "model": "--model", "clip_model": "--clip-model",
               "source_prompt": "--source-prompt", "target_prompt": "--target-prompt", "instruction": "--instruction"}


def _cli(value) -> str:
    return "none" if value is None else str(value)


def _scalar_type(name: str):
    from ..config import OIRConfig

    hint = typing.get_type_hints(OIRConfig)[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if args else hint


def add_config_flags(parser: argparse.ArgumentParser, names=EDIT_FIELDS, choices: dict | None = None) -> None:
    """One flag per config field in `names`; `choices` narrows a field's choices for this command."""
    from ..config import knobs

    table = knobs()
    for name in names:
        k = table[name]
        text = (k.help or name).replace("%", "%%")
        if k.default is True or k.default is False:
            action = "store_false" if k.default else "store_true"
            parser.add_argument(k.flag, dest=name, action=action, help=text)
            continue
        allowed = (choices or {}).get(name, k.choices)
        kwargs = {"dest": name, "default": _cli(k.default) if allowed else k.default,
                  "help": f"{text} (default {_cli(k.default)})"}
        if allowed:
            kwargs["choices"] = [_cli(c) for c in allowed]
        else:
            kwargs["type"] = _scalar_type(name)
            kwargs["metavar"] = k.flag.lstrip("-").replace("-", "_").upper()
        parser.add_argument(k.flag, **kwargs)


def config_values(args: argparse.Namespace, names=EDIT_FIELDS) -> dict:
    """The OIRConfig fields the flags set (`none` back to None)."""
    return {name: (None if getattr(args, name) == "none" else getattr(args, name)) for name in names}


def api_to_flag() -> dict[str, str]:
    """API parameter name -> the flag that sets it (config fields from their metadata, plus the other arguments)."""
    from ..config import knobs

    table = knobs()
    return {**{name: table[name].flag for name in EDIT_FIELDS}, **OTHER_FLAGS}
