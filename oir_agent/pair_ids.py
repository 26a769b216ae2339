"""Pair identity: an id per editing pair that stays unambiguous when phrases repeat, and one way to resolve the keys
callers use (masks, fixed steps, refine, view_candidates) to pairs.

A pair's id is its source phrase when no other pair has the same one; twins ("a yellow triangle on the left and a
yellow triangle on the right") are told apart by the prompt's own words after each: "yellow triangle (left)",
"yellow triangle (right)", else by their order ("yellow triangle (1st)"). A key is an id, a 1-based pair number
(2, "2", "#2"), or a source or mask phrase that names exactly one pair; a phrase that names several is refused
with their ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from .errors import InvalidInputError
from .types import EditPair

_AFTER = re.compile(r"\s+(?:on|in|at|near|by|under|behind|above|below|beside|inside|over|to|from|next to|in front "
                    r"of|on top of)\s+(?:(?:the|a|an|its|his|her|their)\s+)?(?P<where>[\w-]+)", re.I)
_ORDINALS = ("1st", "2nd", "3rd")


def assign_ids(pairs: list[EditPair], prompt: str | None) -> list[EditPair]:
    """The pairs with ids (see the module's docstring)."""
    groups: dict[str, list[int]] = {}
    for k, p in enumerate(pairs):
        groups.setdefault(p.source.strip().lower(), []).append(k)
    ids = [p.source.strip() for p in pairs]
    for members in groups.values():
        if len(members) < 2:
            continue
        where = [_where(pairs[k], prompt or "") for k in members]
        if None in where or len({w.lower() for w in where}) < len(where):
            where = [_ORDINALS[i] if i < len(_ORDINALS) else f"{i + 1}th" for i in range(len(members))]
        for k, w in zip(members, where):
            ids[k] = f"{pairs[k].source.strip()} ({w})"
    return [replace(p, id=i) for p, i in zip(pairs, ids)]


def _where(pair: EditPair, prompt: str) -> str | None:
    if not pair.source_span:
        return None
    m = _AFTER.match(prompt, pair.source_span[1])
    return m.group("where") if m else None


def pair_id(pair: EditPair) -> str:
    return pair.id or pair.source


def key_index(key: Any, pairs: list[EditPair], name: str) -> int:
    """The index of the pair `key` names (id, 1-based number, or a phrase naming one pair); clear errors."""
    ids = [pair_id(p) for p in pairs]
    if isinstance(key, int) and not isinstance(key, bool) or re.fullmatch(r"#?\d+", str(key).strip()):
        number = int(str(key).strip().lstrip("#"))
        if 1 <= number <= len(pairs):
            return number - 1
        raise InvalidInputError(f"{name} names pair {number}, but there are {len(pairs)} pair(s): {ids}.")
    text = str(key).strip().lower()
    for field in (pair_id, lambda p: p.source, lambda p: p.mask_phrase):
        found = [k for k, p in enumerate(pairs) if field(p).strip().lower() == text]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InvalidInputError(f"{name} names {str(key)!r}, which is {len(found)} pairs: use an id "
                                    f"{[ids[k] for k in found]} or a pair number (1-{len(pairs)}).")
    raise InvalidInputError(f"{name} names {str(key)[:80]!r}, which is not an editing pair; the pairs are {ids} "
                            "(key by id, source phrase or pair number).")


def keyed(mapping: Any, pairs: list[EditPair], name: str, check: Callable[[Any], Any]) -> dict[int, Any]:
    """{pair index: check(value)} from {key: value}; every key must name one pair, each pair at most once."""
    if not mapping:
        return {}
    if not isinstance(mapping, Mapping):
        raise InvalidInputError(f"{name} must map a pair (id, source phrase or number) to a value, e.g. "
                                f"{{{pair_id(pairs[0])!r}: ...}}; got {type(mapping).__name__}.")
    out: dict[int, Any] = {}
    for key, value in mapping.items():
        k = key_index(key, pairs, name)
        if k in out:
            raise InvalidInputError(f"{name} names pair {pair_id(pairs[k])!r} twice; give each pair once.")
        try:
            out[k] = check(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"{name}[{key!r}]={value!r} is invalid: {exc}") from None
    return out
