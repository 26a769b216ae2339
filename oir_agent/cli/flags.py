"""Error messages in the user's flags: the library names API parameters (`num_inference_steps=0`,
`device='cuda'`); on the command line the same message should say `--steps 0`, `--device cuda`."""

from __future__ import annotations

import re

from .config_flags import api_to_flag

API_TO_FLAG = api_to_flag()
_VALUE = r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,;:)\]]+?)(?=[\s,;:)\]]|\.(?:\s|$)|$)"""
_ASSIGNMENT = re.compile(r"(?<![\w\[.-])(" + "|".join(API_TO_FLAG) + r")=" + _VALUE)
_STEP_KEY = re.compile(r"\bsteps\[('(?:[^'\\]|\\.)*'|\"[^\"]*\")\]=" + _VALUE)
_BARE = re.compile(r"\((num_inference_steps)\)")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner if inner and not re.search(r"\s", inner) else value
    return value


def in_flag_terms(exc) -> str:
    """The library's error in the user's flags. A ConfigError names its field as data: `--steps 0 is invalid:
    expected ...`. Other messages that name API parameters are rewritten (`steps['cat']=99` -> `--step cat=99`)."""
    field = getattr(exc, "field", None)
    value = getattr(exc, "value", None)
    shown = "none" if value is None else _unquote(repr(value))
    expected = _BARE.sub(lambda m: f"({API_TO_FLAG[m.group(1)]})", getattr(exc, "expected", None) or "")
    if field in API_TO_FLAG and expected:
        return f"{API_TO_FLAG[field]} {shown} is invalid: expected {expected}."
    if field == "steps" and getattr(exc, "key", None) is not None and expected:  # a pair's step: --step SRC=K
        return f"--step {exc.key}={shown} is invalid: expected {expected}."
    return _rewrite(str(exc))  # free text that names API parameters (e.g. "use model='shapes'")


def _rewrite(message: str) -> str:
    message = _STEP_KEY.sub(lambda m: f"--step {_unquote(m.group(1))}={m.group(2)}", message)
    message = _ASSIGNMENT.sub(lambda m: f"{API_TO_FLAG[m.group(1)]} {_unquote(m.group(2))}", message)
    return _BARE.sub(lambda m: f"({API_TO_FLAG[m.group(1)]})", message)
