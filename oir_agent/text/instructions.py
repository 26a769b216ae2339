"""Instruction mode: "replace the dumplings with fried rice and the chopsticks with a knife" -> Alignment.

An instruction is split into clauses; each clause is one of the accepted forms (ACCEPTED_FORMS). With a
source prompt, each object is found in it and replaced to make the target prompt; without one, both
prompts are built from the clauses. The pairs then come from align_prompts, so both modes agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import AlignmentError
from . import nlp
from .aligner import Alignment, align_prompts, check_prompt
from .pairs import find_phrase

MAX_INSTRUCTION_CHARS = 1000  # a few clauses; longer texts make the clause search slow for nothing

ACCEPTED_FORMS = ("replace X with Y", "change X to Y", "turn X into Y", "swap X for Y", "make X Y (Y an adjective)",
                  "change the color of X to Y", "paint X Y", "X -> Y", "X to Y", "X should be Y", "what if X was Y",
                  "let X be Y", "use Y instead of X", "substitute Y for X")
ATTRIBUTE_NOUNS = ("color", "colour", "material", "texture", "pattern", "style", "shape")
_POLITE = re.compile(r"^(please|kindly|can you|could you|would you|i want you to|i'd like you to|let's|now)\s+", re.I)
_SEPARATORS = re.compile(r"\s*(?:;|\.\s+|,?\s*\band then\b|,?\s*\bthen\b|,?\s*\balso\b|,\s*and\b|,|\band\b)\s*", re.I)
_DET = r"(?:(?:" + "|".join(sorted(nlp.DETERMINERS)) + r")\s+)?"


@dataclass
class Clause:
    source: str  # the object as written in the instruction (determiner stripped)
    target: str  # what it becomes (its own determiner kept)
    kind: str  # "object" | "attribute"


def parse_instruction(instruction: str, source_prompt: str | None = None) -> Alignment:
    """Editing pairs from an instruction; with `source_prompt`, the target prompt is that prompt edited."""
    if not isinstance(instruction, str) or not instruction.strip():
        raise AlignmentError("instruction is empty: say what to change, e.g. 'replace the cat with a dog'.")
    if len(instruction) > MAX_INSTRUCTION_CHARS:
        raise AlignmentError(f"instruction is {len(instruction):,} characters; keep it under "
                             f"{MAX_INSTRUCTION_CHARS:,} (a few changes, e.g. 'replace the cat with a dog and the mat "
                             "with a rug').")
    if source_prompt is not None:
        check_prompt(source_prompt, "source_prompt")
    clauses, warnings = _unique_clauses(split_clauses(instruction))
    if source_prompt is not None and source_prompt.strip():
        target_prompt = source_prompt
        for c in clauses:
            target_prompt = _apply(target_prompt, c, source_prompt)
    else:
        source_prompt, target_prompt = _prompts_from_clauses(clauses)
        warnings.append(f"no source_prompt given: the prompts were built from the instruction ({source_prompt!r} -> "
                        f"{target_prompt!r}); a real description of the image as source_prompt gives better edits.")
    alignment = align_prompts(source_prompt, target_prompt)
    alignment.warnings = warnings + alignment.warnings
    if len(alignment.pairs) != len(clauses):
        alignment.warnings.append(f"the instruction has {len(clauses)} change(s) but {len(alignment.pairs)} editing "
                                  "pair(s) were found; check the pairs.")
    return alignment


def _unique_clauses(clauses: list[Clause]) -> tuple[list[Clause], list[str]]:
    """Drop a clause repeated word for word (with a warning); refuse one object changed two different ways."""
    kept: list[Clause] = []
    warnings: list[str] = []
    for c in clauses:
        same = [k for k in kept if k.source.lower() == c.source.lower()]
        if any(k.target.lower() == c.target.lower() and k.kind == c.kind for k in same):
            warnings.append(f"the instruction repeats the change {c.source!r} -> {c.target!r}; it is applied once.")
            continue
        if same and c.kind == "object" and same[0].kind == "object":
            raise AlignmentError(f"the instruction changes {c.source!r} twice ({same[0].target!r} and {c.target!r}); "
                                 "say once what it becomes.")
        kept.append(c)
    return kept, warnings


def split_clauses(instruction: str) -> list[Clause]:
    """The instruction's clauses, split at commas, 'and', ';', 'then' where each part parses on its own."""
    text = _POLITE.sub("", instruction.strip().rstrip(".!?"))
    parts = [p for p in _SEPARATORS.split(text) if p and p.strip()]
    seps = [m.group(0) for m in _SEPARATORS.finditer(text)]
    n = len(parts)
    # best[i]: the segmentation of parts[i:] with the most clauses, each part group parsing on its own.
    best: dict[int, list[Clause] | None] = {n: []}
    for i in range(n - 1, -1, -1):
        best[i] = None
        for j in range(i + 1, n + 1):
            rest = best[j]
            if rest is None:
                continue
            group = parts[i]
            for k in range(i + 1, j):
                group += (seps[k - 1] if k - 1 < len(seps) else " ") + parts[k]
            clause = parse_clause(group) or _with_inherited_verb(group, parts[:i])
            if clause is None:
                continue
            if best[i] is None or len(rest) + 1 > len(best[i]):
                best[i] = [clause] + rest
    result = best[0]
    if not result:
        raise AlignmentError(f"could not understand the instruction {instruction!r}. Accepted forms: "
                             f"{'; '.join(ACCEPTED_FORMS)} (several joined by ',', 'and', ';' or 'then').")
    # verb-less clauses ("the chopsticks with a knife") already parsed with the verb they imply
    return result


_VERB = re.compile(r"^(replace|swap out|swap|switch|exchange|substitute|change|turn|transform|convert|make|"
                   r"color|colour|paint|recolor|recolour|use|put)\b", re.I)


def _with_inherited_verb(group: str, before: list[str]) -> Clause | None:
    """'... and the chopsticks with a knife': a verb-less part borrows the verb of the clause before it."""
    if _VERB.match(group.strip()):
        return None
    for part in reversed(before):
        m = _VERB.match(_POLITE.sub("", part.strip()))
        if m:
            return parse_clause(f"{m.group(1)} {group}")
    return None


_FORMS: list[tuple[str, re.Pattern, bool]] = [  # (verb, pattern, reversed: Y comes first)
    ("color", re.compile(rf"^(?:change|make|turn|set|paint)\s+{_DET}(?P<attr>{'|'.join(ATTRIBUTE_NOUNS)})\s+of\s+"
                         rf"{_DET}(?P<x>.+?)\s+(?:to|into|as)\s+(?P<y>.+)$", re.I), False),
    ("replace", re.compile(rf"^(?:replace|swap out|swap|switch out|switch|exchange)\s+{_DET}(?P<x>.+?)\s+"
                           rf"(?:with|for|by)\s+(?P<y>.+)$", re.I), False),
    ("paint", re.compile(rf"^(?:color|colour|paint|recolor|recolour|dye)\s+{_DET}(?P<x>.+?)\s+(?:in\s+)?(?P<y>\S+)$",
                         re.I), False),
    ("whatif", re.compile(rf"^what if\s+{_DET}(?P<x>.+?)\s+(?:was|were|is|are|became)\s+(?P<y>.+)$", re.I), False),
    ("let", re.compile(rf"^(?:let|have)\s+{_DET}(?P<x>.+?)\s+(?:be|become|turn into)\s+(?P<y>.+)$", re.I), False),
    ("replaced", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:is\s+|are\s+|gets\s+|get\s+)?(?:replaced|swapped)\s+"
                            rf"(?:with|by|for)\s+(?P<y>.+)$", re.I), False),
    ("substitute", re.compile(r"^substitute\s+(?P<y>.+?)\s+for\s+" + _DET + r"(?P<x>.+)$", re.I), True),
    ("use", re.compile(r"^(?:use|put|place|show|draw|have)\s+(?P<y>.+?)\s+instead\s+of\s+" + _DET + r"(?P<x>.+)$",
                       re.I), True),
    ("change", re.compile(rf"^(?:change|turn|transform|convert|morph|edit|modify|alter)\s+{_DET}(?P<x>.+?)\s+"
                          rf"(?:to|into|in)\s+(?P<y>.+)$", re.I), False),
    ("make", re.compile(rf"^(?:make|turn)\s+{_DET}(?P<x>.+?)\s+(?:look\s+|appear\s+|be\s+)?(?:into\s+)?"
                        rf"(?P<y>\S+(?:\s+\S+)?)$", re.I), False),
    ("become", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:should be|becomes|become|is now|are now|turns into)\s+(?P<y>.+)$",
                          re.I), False),
    ("arrow", re.compile(rf"^{_DET}(?P<x>.+?)\s*(?:->|=>|→|➔)\s*(?P<y>.+)$", re.I), False),
    ("replace", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:with|by)\s+(?P<y>.+)$", re.I), False),  # after "replace"
    ("change", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:to|into)\s+(?P<y>.+)$", re.I), False),
]


def parse_clause(text: str) -> Clause | None:
    """One clause in an accepted form, or None."""
    text = _POLITE.sub("", text.strip().rstrip(".!?")).strip()
    for verb, pattern, _ in _FORMS:
        m = pattern.match(text)
        if not m:
            continue
        x, y = _clean(m.group("x")), _clean(m.group("y"), keep_det=True)
        if not x or not y or x.lower() == y.lower():
            continue
        if verb == "color":
            return Clause(source=x, target=_attribute_target(x, _strip_det(y)), kind="attribute")
        if verb == "paint":
            if not nlp.is_adjective(y):
                continue
            return Clause(source=x, target=_attribute_target(x, y), kind="attribute")
        if verb == "make":
            if not nlp.is_adjective(_strip_det(y)) and "into" not in text.lower() and not _leading_det(y):
                continue
            if nlp.is_adjective(_strip_det(y)):
                return Clause(source=x, target=_attribute_target(x, _strip_det(y)), kind="attribute")
        if verb in ("change", "become", "whatif", "let") and nlp.is_adjective(_strip_det(y)):
            return Clause(source=x, target=_attribute_target(x, _strip_det(y)), kind="attribute")
        return Clause(source=x, target=y, kind="object")
    return None


def _clean(phrase: str, keep_det: bool = False) -> str:
    p = phrase.strip().strip(",.;:!?\"'").strip()
    return p if keep_det else _strip_det(p)


def _strip_det(phrase: str) -> str:
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in nlp.DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _attribute_target(obj: str, attribute: str) -> str:
    """'red berries' + 'purple' -> 'purple berries': a new colour replaces the old one; other adjectives prepend."""
    words = obj.split()
    attr_words = attribute.split()
    if all(w.lower() in nlp.COLOURS for w in attr_words):
        words = [w for w in words if w.lower() not in nlp.COLOURS]
    return " ".join(attr_words + words)


def _apply(prompt: str, clause: Clause, original: str) -> str:
    """Replace the clause's object in `prompt` (it must occur in the original source prompt)."""
    span = _locate(prompt, clause.source)
    if span is None and _locate(original, clause.source) is not None:
        raise AlignmentError(f"the instruction changes {clause.source!r} more than once (an earlier change already "
                             "replaced it); say once what each object becomes.")
    if span is None:
        raise AlignmentError(f"the instruction mentions {clause.source!r}, which is not in the source prompt "
                             f"{original!r}; name objects with the words the source prompt uses.")
    start, end = span
    found = prompt[start:end]
    target = clause.target
    if clause.kind == "attribute":
        target = _attribute_target(found, _attribute_words(clause, found))
    elif _leading_det(target):
        det = re.search(r"(?:\b(?:the|a|an|some|two|three)\s+)$", prompt[:start], re.I)
        if det:  # "a cat" + "a dog": the target brings its own determiner
            start = det.start()
    new = prompt[:start] + target + prompt[end:]
    return _fix_articles(new)


def _attribute_words(clause: Clause, found: str) -> str:
    """The attribute words a clause adds: its target minus the object's own words."""
    obj = {w.lower() for w in clause.source.split()}
    return " ".join(w for w in clause.target.split() if w.lower() not in obj) or clause.target


def _locate(prompt: str, phrase: str) -> tuple[int, int] | None:
    """Where `phrase` is in `prompt`: exact words, then singular/plural variants, then its head noun."""
    span = find_phrase(prompt, phrase)
    if span:
        return _grow_to_modifiers(prompt, span)
    words = phrase.split()
    variants = {phrase}
    last = words[-1]
    for alt in (last + "s", last + "es", last[:-1] if last.endswith("s") else None,
                last[:-2] if last.endswith("es") else None, last[:-1] + "ies" if last.endswith("y") else None,
                last[:-3] + "y" if last.endswith("ies") else None):
        if alt:
            variants.add(" ".join(words[:-1] + [alt]))
    for v in variants:
        span = find_phrase(prompt, v)
        if span:
            return _grow_to_modifiers(prompt, span)
    if len(words) > 1:  # "the red berries" when the prompt says "berries"
        return _locate(prompt, " ".join(words[1:]))
    return None


def _grow_to_modifiers(prompt: str, span: tuple[int, int]) -> tuple[int, int]:
    """Include colour words right before the phrase ('berries' in 'red berries' -> 'red berries')."""
    start, end = span
    while True:
        m = re.search(r"(\b\w+)\s+$", prompt[:start])
        if not m or m.group(1).lower() not in nlp.COLOURS:
            return start, end
        start = m.start(1)


def _leading_det(phrase: str) -> bool:
    first = phrase.split()[0].lower() if phrase.split() else ""
    return first in ("a", "an", "the", "some", "two", "three")


def _fix_articles(text: str) -> str:
    """'a apple' -> 'an apple', 'an pear' -> 'a pear' (only where a replacement could have broken it)."""
    def fix(m: re.Match) -> str:
        article, space, word = m.group(1), m.group(2), m.group(3)
        right = nlp.article_for(word)
        if article.lower() == right:
            return m.group(0)
        return (right.capitalize() if article[0].isupper() else right) + space + word

    return re.sub(r"\b([Aa]n?)(\s+)(\w+)", fix, text)


def _prompts_from_clauses(clauses: list[Clause]) -> tuple[str, str]:
    src, tgt = [], []
    for c in clauses:
        source = _with_article(c.source)
        src.append(source)
        if c.kind == "attribute":
            tgt.append(_with_article(c.target))
        elif _leading_det(c.target) or not _leading_det(source):  # "dumplings" -> "fried rice": no article
            tgt.append(c.target)
        else:
            tgt.append(_with_article(c.target))
    return "a photo of " + " and ".join(src), _fix_articles("a photo of " + " and ".join(tgt))


def _with_article(phrase: str) -> str:
    if _leading_det(phrase):
        return phrase
    last = phrase.split()[-1].lower()
    plural = last.endswith("s") and not last.endswith("ss")
    return phrase if plural else f"{nlp.article_for(phrase)} {phrase}"
