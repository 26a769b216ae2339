"""Error messages in the user's flags: the library names API parameters (`num_inference_steps=0`,
`device='cuda'`) as data (`errors.Param` in a `Worded` message, or a ConfigError's `field`); on the command line the
same message says `--steps 0`, `--device cuda`. No message text is parsed."""

from __future__ import annotations

import re

from ..errors import Param, Worded
from .config_flags import api_to_flag

API_TO_FLAG = api_to_flag()
_NEEDS_QUOTES = re.compile(r"[\s'\"]")


def flag_words(param: Param) -> str:
    """One parameter as the command line spells it; a parameter with no flag keeps the API's wording."""
    flag = API_TO_FLAG.get(param.name)
    if flag is None:
        return str(param)
    if param.bare:
        return flag
    value = param.value
    if value is None:
        return f"{flag} none"
    if isinstance(value, str):  # quoted only where the shell would need it
        plain = bool(value) and not _NEEDS_QUOTES.search(value)
        return f"{flag} {value if plain else repr(value)}"
    return f"{flag} {value!r}"


def flag_text(text) -> str:
    """A library message or warning in flags (plain text stays as it is)."""
    return text.in_terms(flag_words) if isinstance(text, Worded) else str(text or "")


def in_flag_terms(exc) -> str:
    """The library's error in the user's flags. A ConfigError names its field as data: `--steps 0 is invalid:
    expected ...`; a per-pair step names its pair: `--step cat=99 ...`; any other message words its Params."""
    field, value = getattr(exc, "field", None), getattr(exc, "value", None)
    expected = flag_text(getattr(exc, "expected", None))
    if field in API_TO_FLAG and expected:
        return f"{flag_words(Param(field, value))} is invalid: expected {expected}."
    if field == "steps" and getattr(exc, "key", None) is not None and expected:  # a pair's step: --step SRC=K
        return f"--step {exc.key}={'none' if value is None else value} is invalid: expected {expected}."
    return flag_text(exc.args[0]) if exc.args else str(exc)
