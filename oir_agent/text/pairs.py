"""Explicit editing pairs: ("dumplings", "fried rice") tuples -> EditPairs with guided prompts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..errors import AlignmentError
from ..types import EditPair
from .nlp import DETERMINERS

_LEADING = DETERMINERS | {"two", "three"}  # words a detector phrase does not need


def find_phrase(prompt: str, phrase: str) -> tuple[int, int] | None:
    """Character span of `phrase` in `prompt` (case-insensitive, on word boundaries), or None."""
    if not phrase.strip():
        return None
    pattern = r"(?<!\w)" + re.escape(phrase.strip()) + r"(?!\w)"
    m = re.search(pattern, prompt, flags=re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def find_all(prompt: str, phrase: str) -> list[tuple[int, int]]:
    """Every character span of `phrase` in `prompt` (case-insensitive, on word boundaries), in order."""
    if not phrase.strip():
        return []
    pattern = r"(?<!\w)" + re.escape(phrase.strip()) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, prompt, flags=re.IGNORECASE)]


def replace_span(prompt: str, span: tuple[int, int], text: str) -> str:
    return prompt[: span[0]] + text + prompt[span[1]:]


def mask_phrase_of(phrase: str) -> str:
    """The detector phrase: the source phrase without a leading determiner."""
    p = phrase.strip()
    first, _, rest = p.partition(" ")
    return rest.strip() if first.lower() in _LEADING and rest.strip() else p


def explicit_pairs(source_prompt: str, pairs: Iterable[Any]) -> tuple[list[EditPair], str]:
    """EditPairs from (source, target) tuples, dicts or EditPairs, plus the target prompt they imply.

    Each pair's guided prompt is the source prompt with only that pair's phrase replaced.
    """
    if not source_prompt or not source_prompt.strip():
        raise AlignmentError("source_prompt is empty: describe the image (e.g. 'a cat sitting on a sofa') so "
                             "the pairs' phrases can be found in it.")
    from .aligner import check_prompt

    check_prompt(source_prompt, "source_prompt")
    out: list[EditPair] = []
    spans: list[tuple[int, int]] = []
    for i, item in enumerate(pairs):
        if isinstance(item, EditPair):
            src, tgt = item.source, item.target
        elif isinstance(item, dict):
            src, tgt = item.get("source"), item.get("target")
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            src, tgt = item
        else:
            raise AlignmentError(f"pairs[{i}]={item!r} is not a (source, target) pair; give e.g. "
                                 "('dumplings', 'fried rice').")
        if not isinstance(src, str) or not isinstance(tgt, str) or not src.strip() or not tgt.strip():
            raise AlignmentError(f"pairs[{i}]={item!r}: source and target must be non-empty strings.")
        if " ".join(src.split()).lower() == " ".join(tgt.split()).lower():
            raise AlignmentError(f"pairs[{i}]: source and target are both {src.strip()!r}: nothing to edit; give "
                                 "what the object becomes, e.g. ('cat', 'dog').")
        if len(src) > 200 or len(tgt) > 200:
            raise AlignmentError(f"pairs[{i}]: a phrase is over 200 characters; name objects in a few words.")
        free = [s for s in find_all(source_prompt, src) if not any(s[0] < e and b < s[1] for b, e in spans)]
        span = free[0] if free else find_phrase(source_prompt, src)  # twins: the next occurrence of the phrase
        if span is None:
            raise AlignmentError(f"pairs[{i}]: source phrase {src!r} does not occur in the source prompt "
                                 f"{source_prompt!r}; use the words exactly as they appear in the source prompt.")
        if any(span[0] < e and s < span[1] for s, e in spans):
            raise AlignmentError(f"pairs[{i}]: source phrase {src!r} overlaps another pair's phrase; give "
                                 "each object once.")
        spans.append(span)
        guided = replace_span(source_prompt, span, tgt.strip())
        out.append(EditPair(source=source_prompt[span[0]:span[1]], target=tgt.strip(), guided_prompt=guided,
                            mask_phrase=mask_phrase_of(source_prompt[span[0]:span[1]]), kind="object",
                            source_span=span))
    from ..pair_ids import assign_ids

    out = assign_ids(out, source_prompt)
    if not out:
        raise AlignmentError("pairs is empty: give at least one (source, target) pair.")
    target = source_prompt
    for span, pair in sorted(zip(spans, out), key=lambda x: -x[0][0]):  # right to left keeps spans valid
        target = replace_span(target, span, pair.target)
    return out, target
