"""Instruction mode: "replace the dumplings with fried rice and the chopsticks with a knife" -> Alignment.

An instruction is split into clauses; each clause is one of the accepted forms (ACCEPTED_FORMS). With a
source prompt, each object is found in it and replaced to make the target prompt; without one, both
prompts are built from the clauses. The pairs then come from align_prompts, so both modes agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import AlignmentError
from ..types import EditPair
from . import lexicon, nlp, slots, verbs
from .aligner import Alignment, align_prompts, check_prompt
from .pairs import find_all, find_phrase

MAX_INSTRUCTION_CHARS = 1000  # a few clauses; longer texts make the clause search slow for nothing

ACCEPTED_FORMS = ("replace X with Y", "change X to Y", "turn X into Y", "swap X for Y", "make X Y (Y an adjective)",
                  "change the color of X to Y", "paint X Y", "X -> Y", "X to Y", "X should be Y", "what if X was Y",
                  "let X be Y", "use Y instead of X", "substitute Y for X")
ATTRIBUTE_NOUNS = ("color", "colour", "material", "texture", "pattern", "style", "shape")
_POLITE = re.compile(r"^(please|kindly|can you|could you|would you|i want you to|i'd like you to|let's|now|just|"
                     r"go ahead and|try to|i want to|i would like to)\s+", re.I)
_FILLER = re.compile(r"\s+(?:in|of|from|on)\s+(?:the|this)\s+(?:image|picture|photo|photograph|scene|shot|frame)\b"
                     r"|\s+(?:for me|please)\b", re.I)
_UNSUPPORTED = re.compile(r"^(?:please\s+|can you\s+|could you\s+)*(add|insert|include|remove|delete|erase|"
                          r"get rid of|take away|take out)\b", re.I)
# What surrounds the objects, when the prompt has no such word: the scene's one place phrase ('in a park')
SURROUNDINGS = frozenset({"background", "backdrop", "surroundings", "scenery", "environment", "location", "place"})
ADDED_GLOBALS = ("time", "weather", "season")  # classes an instruction may add when the prompt has none
SETTING_WORDS = ("season", "weather", "time of day", "time", "scene", "setting")
_SEPARATORS = re.compile(r"\s*(?:;|\.\s+|,?\s*\band then\b|,?\s*\bthen\b|,?\s*\balso\b|,\s*and\b|,|\band\b)\s*", re.I)
_DET = r"(?:(?:" + "|".join(sorted(nlp.DETERMINERS)) + r")\s+)?"


@dataclass
class Clause:
    source: str  # the object as written in the instruction (determiner stripped)
    target: str  # what it becomes (its own determiner kept)
    kind: str  # "object" | "attribute" | "setting" (season/weather/time of the scene) | "place" (where x is)
    prep: str = ""  # "place": the preposition of the new place ("on" in "put the dog on a beach")
    value_class: str | None = None  # "attribute": the class the instruction names ('the roof colour' -> colour)


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
    _refuse_unsupported(instruction)
    try:
        clauses = split_clauses(instruction)
    except AlignmentError as exc:
        if exc.code == "unreadable" and source_prompt is not None and source_prompt.strip():
            raise AlignmentError(  # what to send instead, with the caller's own words
                f"{exc} Or send source_prompt and target_prompt: target_prompt is {source_prompt!r} with only the "
                "words to change replaced.", code="unreadable",
                suggestion={"source_prompt": source_prompt,
                            "target_prompt": "<source_prompt with only the words to change replaced>"}) from None
        raise
    if source_prompt is not None and source_prompt.strip():
        clauses, warnings = _unique_clauses(_expand_swaps(clauses, source_prompt))
        target_prompt, singles = _apply_all(source_prompt, clauses, warnings)
        if singles is not None:  # each clause's pairs from its own change: its result is its guided prompt
            alignment = _from_singles(source_prompt, target_prompt, singles, clauses, warnings)
            if alignment is not None:
                return alignment
            target_prompt = _apply_in_order(source_prompt, clauses, warnings)
    else:
        clauses, warnings = _unique_clauses(clauses)
        if any(c.kind.startswith("swap") for c in clauses):
            raise AlignmentError("a swap needs source_prompt: it says what the objects are now.", code="needs-source",
                                 suggestion={"source_prompt": "<a short description of the image>",
                                             "instruction": instruction})
        implicit = [c.target for c in clauses if not c.source]
        if implicit:
            raise AlignmentError(
                f"{implicit[0]!r} says what the picture should become but not what it is now: give source_prompt (a "
                "description of the image) so the words it replaces can be found.", code="needs-source",
                suggestion={"source_prompt": "<a short description of the image>", "instruction": instruction})
        source_prompt, target_prompt = _prompts_from_clauses(clauses)
        warnings.append(f"no source_prompt given: the prompts were built from the instruction ({source_prompt!r} -> "
                        f"{target_prompt!r}); a real description of the image as source_prompt gives better edits.")
    alignment = align_prompts(source_prompt, target_prompt)
    alignment.warnings = warnings + alignment.warnings
    if len(alignment.pairs) != len(clauses):
        alignment.warnings.append(f"the instruction has {len(clauses)} change(s) but {len(alignment.pairs)} editing "
                                  "pair(s) were found; check the pairs.")
    return alignment


def _from_singles(source_prompt: str, target_prompt: str, singles: list[str], clauses: list[Clause],
                  warnings: list[str]) -> Alignment:
    """The alignment from each clause's own change; None when two clauses change one object (then they apply in
    order and align as one change)."""
    pairs, notes = [], []
    verb_singles = {_apply(source_prompt, c, source_prompt) for c in clauses if c.kind == "verb"}
    for single in singles:
        one = align_prompts(source_prompt, single)
        found = [replace(p, target_span=None) for p in one.pairs]
        kept = [p for k, p in enumerate(found) if not any(_same_change(q, p) for q in found[:k])]  # one thing
        found = [replace(p, guided_prompt=single) for p in kept] if len(kept) == 1 < len(found) else kept
        if single in verb_singles and len(found) > 1:  # one action is one pair: 'holding an umbrella' -> 'looking at
            found = [_one_pair(source_prompt, single, found)]  # the camera' edits the girl, not the umbrella
        pairs += found
        notes += [w for w in one.warnings if w not in notes]
    spans = sorted(p.source_span for p in pairs if p.source_span)
    if any(a[1] > b[0] for a, b in zip(spans, spans[1:])) or not pairs:
        return None
    alignment = Alignment(source_prompt=source_prompt, target_prompt=target_prompt,
                          pairs=sorted(pairs, key=lambda p: p.source_span or (0, 0)), warnings=warnings + notes)
    if len(alignment.pairs) != len(clauses):
        alignment.warnings.append(f"the instruction has {len(clauses)} change(s) but {len(alignment.pairs)} editing "
                                  "pair(s) were found; check the pairs.")
    return alignment


def _same_change(a: EditPair, b: EditPair) -> bool:
    """Two pairs of one clause that change the same words the same way: mentions of one thing, one pair (the first;
    its guided prompt changes every mention)."""
    return (a.source.lower(), a.target.lower()) == (b.source.lower(), b.target.lower())


def _one_pair(source_prompt: str, single: str, found: list[EditPair]) -> EditPair:
    """The pairs the prompt aligner found in one verbal phrase's change, as one pair about the object that acts
    (the first pair's mask phrase: the noun whose verb changed)."""
    start, end, text = _changed_span(source_prompt, single)
    return replace(found[0], source=source_prompt[start:end], target=text, guided_prompt=single,
                   source_span=(start, end), target_span=None)


def _apply_all(source_prompt: str, clauses: list[Clause], warnings: list[str]) -> tuple[str, list[str] | None]:
    """The target prompt. Every clause resolves its reference against the source prompt's own words and is applied
    to it on its own; their changes are then put together, so chains and swaps work ('the cat with a dog and the
    dog with a cat'). Clauses whose changes overlap (two changes of one object: 'make the bus shorter and green')
    apply one after the other instead."""
    singles, edits = [], []
    for c in clauses:
        c = _resolve_category(c, source_prompt, warnings)
        singles.append(_apply(source_prompt, c, source_prompt))
        edits.append(_changed_span(source_prompt, singles[-1]))
    spans = sorted(e for e in edits if e is not None)
    if all(a[1] <= b[0] for a, b in zip(spans, spans[1:])):
        target = source_prompt
        for start, end, text in reversed(spans):
            target = target[:start] + text + target[end:]
        return _fix_articles(target), [s for s in singles if s != source_prompt]
    return _apply_in_order(source_prompt, clauses, warnings), None


def _apply_in_order(source_prompt: str, clauses: list[Clause], warnings: list[str]) -> str:
    target = source_prompt
    for c in clauses:
        c = _resolve_category(c, target, warnings)
        target = _apply(target, c, source_prompt)
    return target


def _changed_span(before: str, after: str) -> tuple[int, int, str] | None:
    """(start, end, new text): the words of `before` that `after` changes (whole words)."""
    if before == after:
        return None
    p = 0
    while p < min(len(before), len(after)) and before[p] == after[p]:
        p += 1
    s = 0
    while s < min(len(before), len(after)) - p and before[-1 - s] == after[-1 - s]:
        s += 1
    while p > 0 and before[p - 1].isalnum():
        p -= 1
    while s > 0 and before[len(before) - s].isalnum():
        s -= 1
    return p, len(before) - s, after[p:len(after) - s]


_SWAP = re.compile(rf"^(?:swap|switch|exchange|interchange|trade)\s+(?:the\s+(?:places|positions)\s+of\s+)?"
                   rf"{_DET}(?P<a>.+?)\s+(?:and|with)\s+{_DET}(?P<b>.+?)(?:\s+(?:around|over|places|positions))?$",
                   re.I)
_SWAP_ATTR = re.compile(rf"^(?:swap|switch|exchange|interchange|trade)\s+(?:the|their)\s+"
                        rf"(?P<attr>colou?rs?|shapes?|materials?|sizes?)(?:\s+of\s+{_DET}(?P<a>.+?)\s+and\s+"
                        rf"{_DET}(?P<b>.+?))?$", re.I)


def _expand_swaps(clauses: list[Clause], prompt: str) -> list[Clause]:
    """A swap is two chained changes: 'swap the red square and the blue circle' -> red square -> blue circle and
    blue circle -> red square; 'swap their colours' trades the two objects' colour words (shape: head nouns)."""
    out = []
    for c in clauses:
        if c.kind == "swap" and find_phrase(prompt, c.target) is None:  # 'swap the candle with a sword': replace
            out.append(Clause(source=c.source, target=c.prep or c.target, kind="object"))
        elif c.kind == "swap":  # both are in the prompt: they trade places
            a, b = (_locate_text(prompt, x) for x in (c.source, c.target))
            out += [Clause(source=c.source, target=b, kind="object"), Clause(source=c.target, target=a, kind="object")]
        elif c.kind == "swap-attr":
            out += _swap_attributes(c, prompt)
        else:
            out.append(c)
    return out


def _locate_text(prompt: str, phrase: str) -> str:
    span = _locate(prompt, phrase)
    if span is None:
        raise AlignmentError(f"the instruction swaps {phrase!r}, which is not in the source prompt {prompt!r}: name "
                             "both objects with the source prompt's words.", code="not-found")
    return prompt[span[0]:span[1]]


def _swap_attributes(clause: Clause, prompt: str) -> list[Clause]:
    cls = clause.prep  # "colour" | "shape" | "material" | "size"
    if clause.source:
        objects = [_locate_text(prompt, clause.source), _locate_text(prompt, clause.target)]
        objects = [prompt[s:e] for s, e in (_grow_to_modifiers(prompt, _locate(prompt, o)) for o in objects)]
    else:  # "their": the two noun phrases of the prompt that have a word of that class
        chunks = _noun_phrases(prompt)
        objects = [c for c in chunks if not set(c.lower().split()) <= POSITIONS
                   and (cls == "shape" or any(lexicon.attribute_class(w) == cls for w in c.split()))]
        if len(objects) != 2:
            raise AlignmentError(f"'swap their {cls}s' needs exactly two objects with a {cls} in the source prompt "
                                 f"{prompt!r}; found {objects}: name them ('swap the {cls}s of X and Y').",
                                 code="ambiguous" if len(objects) > 2 else "no-slot")
    if cls == "shape":  # the head nouns trade places, their modifiers stay
        heads = [o.split()[-1] for o in objects]
        return [Clause(source=objects[0], target=" ".join(objects[0].split()[:-1] + [heads[1]]), kind="object"),
                Clause(source=objects[1], target=" ".join(objects[1].split()[:-1] + [heads[0]]), kind="object")]
    values = [[w for w in o.split() if lexicon.attribute_class(w) == cls] for o in objects]
    if not all(values):
        raise AlignmentError(f"both objects need a {cls} word in the source prompt to swap: {objects}.",
                             code="no-slot")
    return [Clause(source=objects[0], target=_attribute_target(objects[0], " ".join(values[1])), kind="attribute"),
            Clause(source=objects[1], target=_attribute_target(objects[1], " ".join(values[0])), kind="attribute")]


POSITIONS = {"left", "right", "top", "bottom", "middle", "center", "centre", "side", "front", "back", "corner",
             "background", "foreground", "distance", "edge"}


def _one_reference(prompt: str, phrase: str) -> str | None:
    """'the red one': the one noun phrase of `prompt` with those modifiers ('red cup'); None when `phrase` is not
    an 'X one' reference. Several or none: refused, naming them."""
    words = phrase.lower().split()
    if len(words) < 2 or words[-1] not in ("one", "ones"):
        return None
    wanted = set(words[:-1])
    found = [c for c in _noun_phrases(prompt) if wanted <= set(c.lower().split())]
    if len(found) == 1:
        return found[0]
    raise AlignmentError(f"{phrase!r} could mean {found} in {prompt!r}: name it with the source prompt's words."
                         if found else f"no object of the source prompt {prompt!r} is {' '.join(words[:-1])!r}: name "
                         "it with the source prompt's words.", code="ambiguous" if found else "not-found")


_POSITION_AFTER = r"\s+(?:on|in|at|to|towards)\s+(?:the\s+)?(?:far\s+)?{pos}\b"


def _positional_reference(prompt: str, phrase: str) -> tuple[int, int] | None:
    """'the left dog', 'the dog on the right', 'the right one': the one object of `prompt` whose own words place it
    there ('a dog on the left and a dog on the right'), as a character span; None when `phrase` names no position
    or the prompt does not place one object there."""
    words = phrase.lower().split()
    m = re.match(r"^(?P<np>.+?)\s+(?:on|in|at|to)\s+(?:the\s+)?(?P<pos>\w+)$", phrase.strip(), re.I)
    if m and m.group("pos").lower() in POSITIONS:
        noun, pos = m.group("np").lower().split(), m.group("pos").lower()
    elif any(w in POSITIONS for w in words[:-1]):
        pos = next(w for w in words[:-1] if w in POSITIONS)
        noun = [w for w in words if w != pos]
    else:
        return None
    after = re.compile(_POSITION_AFTER.format(pos=re.escape(pos)), re.I)
    found = []
    for start, end, text in _noun_phrase_spans(prompt):
        chunk = text.lower().split()
        if set(chunk) <= POSITIONS:
            continue
        if noun[-1] not in ("one", "ones") and not all(w in chunk or w.rstrip("s") in chunk for w in noun):
            continue
        if after.match(prompt, end) or pos in chunk:
            found.append((start, end))
    return found[0] if len(found) == 1 else None


def _noun_phrase_spans(prompt: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the prompt's noun phrases without their determiners."""
    doc = nlp.get_parser().nlp(prompt)
    out = []
    for start, end in nlp.noun_chunks(doc):
        toks = [t for t in doc[start:end] if t.lower_ not in nlp.DETERMINERS]
        if toks:
            out.append((toks[0].idx, toks[-1].idx + len(toks[-1].text), prompt[toks[0].idx:toks[-1].idx +
                                                                                  len(toks[-1].text)]))
    return out


def _noun_phrases(prompt: str) -> list[str]:
    """The prompt's noun phrases without their determiners (the parser's chunks)."""
    p = nlp.get_parser()
    doc = p.nlp(prompt)
    out = []
    for start, end in nlp.noun_chunks(doc):
        words = [t.text for t in doc[start:end] if t.lower_ not in nlp.DETERMINERS]
        if words:
            out.append(" ".join(words))
    return out


def _refuse_unsupported(instruction: str) -> None:
    """'add ...' / 'remove ...': OIR edits objects that are in the picture (a pair needs a source object and a mask);
    say so, with what to ask instead, rather than a generic parse error."""
    for part in _SEPARATORS.split(instruction.strip()):
        m = _UNSUPPORTED.match(part.strip()) if part else None
        if not m:
            continue
        verb = m.group(1).lower()
        if verb in ("add", "insert", "include"):
            raise AlignmentError(f"{part.strip()!r}: adding an object is not an OIR edit (every pair changes an object "
                                 "that is in the image, inside its mask). Name what is in the image where it should go "
                                 "and what it becomes, e.g. 'replace the bare table with a table with a vase'.")
        raise AlignmentError(f"{part.strip()!r}: removing an object is not an OIR edit. Replace it with what should be "
                             "there instead, e.g. 'replace the cup with an empty plate' or '... with the wooden table'.")


def _resolve_category(clause: Clause, prompt: str, warnings: list[str]) -> Clause:
    """'the vehicle' when the prompt says 'car': the one member of the category the prompt names (warned)."""
    if clause.kind in ("setting",) or not clause.source or _locate(prompt, clause.source) is not None:
        return clause
    head = clause.source.split()[-1]
    members = lexicon.category_members(head) or lexicon.category_members(head.rstrip("s"))
    if not members:
        return clause
    found = sorted({w.lower() for w in re.findall(r"[\w-]+", prompt) if w.lower() in members})
    if len(found) == 1:
        warnings.append(f"assumed {clause.source!r} means {found[0]!r} (the only {head} in the source prompt); give "
                        "explicit pairs if that is wrong.")
        target = clause.target  # an attribute clause's target names the object: 'red flowers' -> 'red sunflowers'
        if clause.kind == "attribute":
            target = re.sub(rf"\b{re.escape(head)}\b", found[0], target, flags=re.I)
        return replace(clause, source=found[0], target=target)
    if len(found) > 1:
        raise AlignmentError(f"{clause.source!r} could mean {found}: name the one to change with the source prompt's "
                             "words.")
    return clause


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
                             f"{'; '.join(ACCEPTED_FORMS)} (several joined by ',', 'and', ';' or 'then').",
                             code="unreadable")
    # verb-less clauses ("the chopsticks with a knife") already parsed with the verb they imply
    return result


_VERB = re.compile(r"^(replace|swap out|swap|switch|exchange|substitute|change|turn|transform|convert|make|"
                   r"color|colour|paint|recolor|recolour|use|put)\b", re.I)


def _with_inherited_verb(group: str, before: list[str]) -> Clause | None:
    """'... and the chopsticks with a knife': a verb-less part borrows the verb of the clause before it;
    'make the bus shorter and green': a bare attribute borrows the verb and the object."""
    if _VERB.match(group.strip()):
        return None
    if before and _is_attribute(group.strip()):
        prev = parse_clause(before[-1])
        if prev is not None and prev.kind == "attribute":
            new = {lexicon.attribute_class(w) for w in _attribute_words(prev, "").split()}
            if {lexicon.attribute_class(w) for w in group.split()} <= new - {None}:
                return None  # 'orange and white': one coordinated value of one class, not a second change
            obj = " ".join(w for w in prev.source.split() if not lexicon.is_attribute_word(w)) or prev.source
            return parse_clause(f"make {obj} {group.strip()}")
    for part in reversed(before):
        m = _VERB.match(_POLITE.sub("", part.strip()))
        if m:
            return parse_clause(f"{m.group(1)} {group}")
    return None


_PREPS = r"(?:on top of|in front of|next to|on|in|at|into|onto|under|near|by|beside|inside|over|behind|above)"
_FORMS: list[tuple[str, re.Pattern, bool]] = [  # (verb, pattern, reversed: Y comes first)
    ("fromto", re.compile(rf"^(?:change|switch|turn|transform|convert|make|alter|swap)\s+(?:{_DET}(?P<what>.+?)\s+)?"
                          rf"from\s+{_DET}(?P<x>.+?)\s+(?:to|into)\s+(?P<y>.+)$", re.I), False),
    ("setting", re.compile(rf"^(?:make|turn|change|switch|set)\s+(?:it|{_DET}(?:{'|'.join(SETTING_WORDS)}))\s+"
                           rf"(?:to\s+|into\s+|as\s+)?(?P<y>.+)$", re.I), False),
    ("place", re.compile(rf"^(?:put|place|move|set|show|have)\s+{_DET}(?P<x>.+?)\s+(?P<prep>{_PREPS})\s+(?P<y>.+)$",
                         re.I), False),
    ("place", re.compile(rf"^(?:put|place|move|relocate|take|bring|send|transport)\s+{_DET}(?P<x>.+?)\s+"
                         rf"(?P<prep>to|into)\s+(?P<y>.+)$", re.I), False),
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
    ("made", re.compile(rf"^(?:make|have|let|turn|build|craft|carve)\s+{_DET}(?P<x>.+?)\s+(?:be\s+|look\s+)?"
                        rf"(?:made\s+(?:out\s+)?(?:of|from)|out\s+of)\s+(?P<y>.+)$", re.I), False),
    # 'make the city made of gold', 'make the chair out of gold': a material
    ("make", re.compile(rf"^(?:make|turn|paint|colou?r)\s+{_DET}(?P<x>[\w-]+(?:\s+[\w-]+)?\s+ones?)\s+(?:into\s+)?"
                        rf"(?P<y>.+)$", re.I), False),  # 'make the red one blue'
    ("make", re.compile(rf"^(?:make|turn)\s+{_DET}(?P<x>.+?)\s+(?:into\s+)?(?P<y>(?:a|an|some)\s+.+)$", re.I),
     False),
    ("make", re.compile(rf"^(?:make|turn)\s+{_DET}(?P<x>.+?)\s+(?:look\s+|appear\s+|be\s+)?(?:into\s+)?"
                        rf"(?P<y>\S+(?:\s+\S+)?(?:\s+(?:and|or)\s+\S+)?)$", re.I), False),
    ("become", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:should be|becomes|become|is now|are now|turns into|needs to "
                          rf"become|needs to be|has to be|must be|should become|should turn into)\s+(?P<y>.+)$",
                          re.I), False),
    ("become", re.compile(rf"^(?:i want|i'd like|i would like|i need)\s+{_DET}(?P<x>.+?)\s+to\s+(?:be|become|turn "
                          rf"into|look like)\s+(?P<y>.+)$", re.I), False),
    ("arrow", re.compile(rf"^{_DET}(?P<x>.+?)\s*(?:->|=>|→|➔)\s*(?P<y>.+)$", re.I), False),
    ("replace", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:with|by)\s+(?P<y>.+)$", re.I), False),  # after "replace"
    ("change", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:to|into)\s+(?P<y>.+)$", re.I), False),
]
_GENERIC = {p for verb, p, _ in _FORMS[-3:]}  # 'X -> Y', 'X with Y', 'X to Y': X must be an object, not a verb


_REF_IMPLICIT = (r"(?:it|this|that|everything|them|(?:the\s+)?(?:whole\s+|entire\s+)?"
                 r"(?:image|picture|photo|photograph|scene|thing))")
# Instructions whose reference is implicit ("make it winter", "turn into a campsite", "by Lisa Frank", "as a
# watercolor"): the value alone; slots.py finds what it replaces by its class.
_IMPLICIT = [
    re.compile(r"^(?P<y>by\s+\S.*)$", re.I),
    re.compile(rf"^(?:make|turn|change|transform|convert|morph|switch|render|recreate|reimagine|redo|remake|redraw|"
               rf"paint|draw|show|do|swap|replace|exchange)\s+(?:{_REF_IMPLICIT}\s+)?(?:(?:look|be|more)\s+)?"
               rf"(?:into|to|as|like|with|for|in)\s+(?P<y>.+)$", re.I),
    re.compile(rf"^(?:make|have|let|give)\s+{_REF_IMPLICIT}\s+(?:(?:be|become|look|seem|appear|feel)\s+)?"
               rf"(?:(?:more|less)\s+like\s+|like\s+|more\s+)?(?P<y>.+)$", re.I),
    re.compile(rf"^(?:see|show|imagine|picture|view)\s+{_REF_IMPLICIT}\s+(?:in|at|as|during)\s+(?P<y>.+)$", re.I),
    re.compile(r"^(?:as|like|in the (?:style|manner) of|in|during|at)\s+(?P<y>.+)$", re.I),
    re.compile(r"^(?:more\s+like|more)\s+(?P<y>.+)$", re.I),
    re.compile(r"^(?:it|this|everything)\s+(?:is|was|should be|becomes)\s+(?:now\s+)?(?P<y>.+)$", re.I),
    re.compile(r"^(?:swapped|replaced|changed|turned)\s+(?:with|into|to|for|by)\s+(?P<y>.+)$", re.I),
]
_VALUE_TAIL = re.compile(r"\s+(?:instead(?:\s+of\s+.*)?|as well|too|please|for me|now)$", re.I)
_VALUE_HEAD = re.compile(r"^(?:be|become|look like|looks like|like|more like|more|a bit|slightly|much|really|very|"
                         r"made of|made out of|made from)\s+",
                         re.I)


def clean_value(value: str) -> str:
    """What a value says, without the words around it: 'be a giant fire' -> 'a giant fire', 'more jagged' ->
    'jagged', 'wine instead' -> 'wine'."""
    v = value.strip().strip(",.;:!?\"'").strip()
    while True:
        shorter = _VALUE_HEAD.sub("", _VALUE_TAIL.sub("", v)).strip()
        if shorter == v or not shorter:
            return v
        v = shorter


# "move (it) to Sweden", "relocate them to an urban setting", "in Yellowstone instead": no object is named, so the
# reference is where the whole scene is: the source prompt's one place phrase (_relocate).
_RELOCATE = [
    re.compile(rf"^(?:move|relocate|take|bring|send|transport|teleport|transfer)\s+(?:{_REF_IMPLICIT}\s+|"
               r"(?:him|her|them|us|everyone|everybody)\s+)?(?P<prep>to|into|in|at|on)\s+(?P<y>.+?)(?:\s+instead)?$",
               re.I),
    re.compile(r"^(?P<prep>in|at)\s+(?P<y>.+?)\s+instead$", re.I),
]


def _implicit_clause(text: str) -> Clause | None:
    for pattern in _IMPLICIT:
        m = pattern.match(text)
        if m:
            y = clean_value(m.group("y"))
            if y and y.lower() not in slots.PRONOUNS:
                return Clause(source="", target=y, kind="implicit")
    return None


_VERB_CHANGE = re.compile(rf"^(?:make|have|let|get)\s+{_DET}(?P<x>[\w'-]+(?:\s+[\w'-]+)?)\s+(?:to\s+)?"
                          r"(?P<y>[a-z]+(?:\s+.+)?)$", re.I)
_STATES = {"open": "open", "close": "closed", "shut": "shut", "raise": "raised", "lower": "lowered",
           "fold": "folded", "unfold": "unfolded", "light": "lit", "extinguish": "unlit", "break": "broken",
           "fill": "full", "empty": "empty", "melt": "melted", "freeze": "frozen", "peel": "peeled", "slice": "sliced"}
_GIVE = re.compile(rf"^give\s+(?:him|her|them|it|{_DET}[\w'-]+)\s+(?P<y>(?!(?:a|an)\s+(?:new|different)\s+"
                   r"(?:look|feel|style)\b).+)$", re.I)
_STATE_CHANGE = re.compile(rf"^(?P<v>{'|'.join(_STATES)})\s+{_DET}(?P<x>.+)$", re.I)


_VERB_WORDS = {"change", "make", "turn", "set", "paint", "alter", "switch", "swap", "replace", "give", "use", "same",
               "different", "new", "other"}  # words before 'colour' that do not name an object
_DIRECTIONS = {"at", "to", "toward", "towards", "away", "up", "down", "around", "back", "over", "into"}
_LINKING = {"look", "appear", "seem", "be", "become", "turn", "get", "feel", "grow", "go", "stay", "remain", "into"}


def _parsed_as_verb(text: str, at: int) -> bool:
    """Is the word at character `at` of the instruction a verb in the instruction's own parse ('make the cat look
    to the left': yes; 'make the city skyline during the day': 'skyline' is a noun)? True without a parser. Asked
    only of a verb with words after it: a bare last word ('make the dog smile') is often tagged a noun."""
    p = nlp.get_parser()
    if not p.parsed:
        return True
    return any(t.idx == at and t.pos_ in ("VERB", "AUX") for t in p.nlp(text.lower()))


def _is_action(x: str, y: str) -> bool:
    """'the dog' + 'sit': an object and a base-form verb (not a linking verb, adjective or noun phrase)."""
    words = y.split()
    xs = x.split()
    linking = words and words[0].lower() in _LINKING and not (len(words) > 1 and words[1].lower() in _DIRECTIONS)
    pronoun = len(xs) == 1 and xs[0].lower() in {*slots.PERSON_PRONOUNS, "them"}  # 'make her frown'
    if not words or linking or words[0].lower() in nlp.DETERMINERS or not xs or set(w.lower() for w in xs) <= POSITIONS \
            or xs[-1].lower() in nlp.DETERMINERS and not pronoun or xs[-1].lower().endswith("'s") \
            or lexicon.is_attribute_word(words[0]) or _is_attribute(y):
        return False
    return verbs.is_verb_phrase(y)


_CLASS_NOUNS = {"color": "colour", "colour": "colour", "material": "material", "pattern": "pattern",
                "shape": "shape", "texture": "finish"}


def parse_clause(text: str) -> Clause | None:
    """One clause in an accepted form, or None. An attribute clause that names its class ('change the hair colour
    to blonde') carries it: its value replaces the object's old value of that class even when the lexicon does not
    know the word."""
    clause = _parse_clause(text)
    named = re.search(rf"\b({'|'.join(_CLASS_NOUNS)})\b", text, re.I)
    if clause is None or not named or clause.kind not in ("attribute", "object"):
        return clause
    cls = _CLASS_NOUNS[named.group(1).lower()]
    if clause.kind == "object":  # 'change her hair colour to chartreuse': a bare value of the named class
        value = clause.target
        if _leading_det(value) or len(value.split()) > 3 or \
                not re.search(rf"\b{re.escape(named.group(1))}\b.*\b{re.escape(value)}\b", text, re.I):
            return clause  # 'a new one', or a value before the class noun: an object after all
        clause = Clause(source=clause.source, target=_attribute_target(clause.source, value, cls), kind="attribute")
    clause.value_class = cls
    return clause


def _parse_clause(text: str) -> Clause | None:
    text = text.strip().rstrip(".!?")
    while True:  # "can you please ..."
        shorter = _POLITE.sub("", text).strip()
        if shorter == text:
            break
        text = shorter
    text = _FILLER.sub("", text).strip()
    # "the horse's colour": the attribute noun only names the value's class; the reference is the horse
    text = re.sub(rf"\b([\w-]+)'s\s+(?:{'|'.join(ATTRIBUTE_NOUNS)})\b", r"\1", text, flags=re.I)
    # "the roof colour": the same, written as a compound (not 'the colour', 'its colour')
    text = re.sub(r"\b([\w-]+)\s+(?:colou?r|material|texture|pattern)\b(?!\s+of\b)",
                  lambda m: m.group(0) if m.group(1).lower() in nlp.DETERMINERS | nlp.FUNCTION_WORDS | _VERB_WORDS
                  else m.group(1), text, flags=re.I)
    m = _SWAP_ATTR.match(text)
    if m:
        cls = {"colour": "colour", "color": "colour", "shape": "shape", "material": "material", "size": "size"}[
            m.group("attr").lower().rstrip("s")]
        return Clause(source=_clean(m.group("a") or ""), target=_clean(m.group("b") or ""), kind="swap-attr", prep=cls)
    m = _SWAP.match(text)
    if m and not re.search(r"\b(?:for|with)\b", m.group("b"), re.I):  # the value as written rides along in prep
        return Clause(source=_clean(m.group("a")), target=_clean(m.group("b")), kind="swap",
                      prep=clean_value(_clean(m.group("b"), keep_det=True)))
    m = next((m for m in (r.match(text) for r in _RELOCATE) if m), None)
    if m and clean_value(m.group("y")):  # "move to Sweden": the scene's place changes
        return Clause(source="", target=clean_value(_clean(m.group("y"), keep_det=True)), kind="relocate",
                      prep=m.group("prep").lower())
    implicit = _implicit_clause(text)
    if implicit is not None:
        return implicit
    m = _VERB_CHANGE.match(text)
    if m:  # "make the dog sit": the object's own verbal phrase changes (the object is one or two words)
        rest = list(re.finditer(r"\S+", text[m.start("x"):]))
        for k in (2, 1) if not re.search(r"\bmade\s+(?:out\s+)?(?:of|from)\b", text, re.I) else ():
            # 'the teddy bear' before 'the teddy' + 'bear ...'; a y that opens with a verb after a 2-word object
            words = [w.group() for w in rest]
            x, y = " ".join(words[:k]), " ".join(words[k + (words[k:k + 1] == ["to"]):])
            at = m.start("x") + rest[min(k + (words[k:k + 1] == ["to"]), len(rest) - 1)].start()
            if _is_action(x, y) and (len(y.split()) == 1 or _parsed_as_verb(text, at)):  # 'smile' is often a noun
                return Clause(source=_clean(x), target=clean_value(y), kind="verb")
    m = _GIVE.match(text)
    if m and not _leading_det(m.group("y")) or m and len(m.group("y").split()) > 1:
        # "give her short hair", "give the cat huge whiskers": the value names the part it replaces by its head noun
        y = clean_value(_clean(m.group("y"), keep_det=True))
        return Clause(source=_strip_det(y), target=y, kind="object")
    m = _STATE_CHANGE.match(text)
    if m:  # "open the bear's mouth": a state of the object
        return Clause(source=_clean(m.group("x")), target=_STATES[m.group("v").lower()], kind="attribute")
    for verb, pattern, _ in _FORMS:
        m = pattern.match(text)
        if not m:
            continue
        if verb == "setting":
            y = _strip_det(_clean(m.group("y")))
            if all(lexicon.attribute_class(w) in lexicon.SETTING_CLASSES for w in y.split()):
                return Clause(source="", target=y, kind="setting")
            continue
        raw_y = _clean(m.group("y"), keep_det=True)
        x, y = _clean(m.group("x")), clean_value(raw_y)
        if x and y and re.match(r"(?:be\s+)?made\s+(?:out\s+)?(?:of|from)\s", raw_y, re.I):  # a material
            return Clause(source=x, target=_attribute_target(x, _strip_det(y), "material"), kind="attribute",
                          value_class="material")
        possessive = re.match(rf"^(?P<obj>.+?)'s\s+(?:{'|'.join(ATTRIBUTE_NOUNS)})$", x, re.I)
        if possessive and y:  # "the horse's color" -> the horse, an attribute edit
            return Clause(source=possessive.group("obj"), target=_attribute_target(possessive.group("obj"),
                                                                                  _strip_det(y)), kind="attribute")
        if verb == "place":
            if not x or not y:
                continue
            return Clause(source=x, target=y, kind="place", prep=m.group("prep").lower())
        if not x or not y or x.lower() == y.lower():
            continue
        if pattern in _GENERIC and _starts_with_verb(text):
            continue  # 'Mix with a kitten', 'Taken with a DSLR': X is no object, and the verb must not be blamed
        if verb == "color":
            return Clause(source=x, target=_attribute_target(x, _strip_det(y)), kind="attribute")
        if verb == "paint":
            if not nlp.is_adjective(y):
                continue
            return Clause(source=x, target=_attribute_target(x, y), kind="attribute")
        if verb == "fromto":
            return Clause(source=x, target=y if not _is_attribute(_strip_det(y)) else _strip_det(y), kind="object")
        if x.lower() in SETTING_WORDS and all(lexicon.attribute_class(w) in lexicon.SETTING_CLASSES
                                              for w in _strip_det(y).split()):
            return Clause(source="", target=_strip_det(y), kind="setting")  # "change the season to winter"
        if verb == "made":  # what it is made of is its material, a word the lexicon calls a colour ('gold') too
            return Clause(source=x, target=_attribute_target(x, _strip_det(y), "material"), kind="attribute",
                          value_class="material")
        if verb == "make":
            # 'the dog on the' + 'right black' is no split: the object cannot end in a function word
            dangling = len(x.split()) > 1 and x.split()[-1].lower() in nlp.DETERMINERS | nlp.FUNCTION_WORDS
            if dangling or not _is_attribute(y) and "into" not in text.lower() and not _leading_det(y):
                words = (x + " " + y).split()  # 'make the red cup blue': the object may be longer
                split = next((k for k in range(2, len(words)) if _is_attribute(" ".join(words[k:]))
                              and words[k - 1].lower() not in nlp.DETERMINERS | nlp.FUNCTION_WORDS), None)
                if split is None:
                    continue
                x, y = " ".join(words[:split]), " ".join(words[split:])
            if not _leading_det(y) and _describes(y):
                return Clause(source=x, target=_attribute_target(x, _strip_det(y)), kind="attribute")
        if verb in ("change", "become", "whatif", "let") and not _leading_det(y) and _describes(y):
            return Clause(source=x, target=_attribute_target(x, _strip_det(y)), kind="attribute")
        return Clause(source=x, target=y, kind="object")
    return None


def _starts_with_verb(text: str) -> bool:
    """Does the clause open with a verb ('mix', 'combine', 'taken', 'give the man ...')? Read lowercased: a capital
    at the start of a sentence says nothing."""
    p = nlp.get_parser()
    if not p.parsed:
        return False
    doc = p.nlp(text.lower())
    return len(doc) > 1 and doc[0].pos_ in ("VERB", "AUX")


def _is_attribute(phrase: str) -> bool:
    """Adjective-like words only: POS adjectives, or words of the lexicon's attribute classes / comparatives."""
    words = phrase.split()
    inner = {k for k, w in enumerate(words) if w.lower() in ("and", "or") and 0 < k < len(words) - 1}
    return bool(words) and all(k in inner or lexicon.is_attribute_word(w) or nlp.is_adjective(w)
                               for k, w in enumerate(words))


def _describes(value: str) -> bool:
    """Is the value for a named object an attribute of it? Adjective-like words are, except setting nouns ('change
    the grass to snow': the grass becomes snow, not 'snow grass'; 'make the sky stormy' stays an attribute)."""
    return _is_attribute(value) and not all(w.lower() in lexicon.SETTING_NOUNS for w in value.split())


def _clean(phrase: str, keep_det: bool = False) -> str:
    p = phrase.strip().strip(",.;:!?\"'").strip()
    return p if keep_det else _strip_det(p)


def _strip_det(phrase: str) -> str:
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in nlp.DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _attribute_target(obj: str, attribute: str, value_class: str | None = None) -> str:
    """'red berries' + 'purple' -> 'purple berries': a new value replaces the object's old value of the same class
    (colour, size, material, pattern, state, emotion, ...; 'shorter' counts as 'short'). A value or an old modifier
    of unknown class: the new value goes before the old ones (measured against replacing them: docs/DECISIONS.md).
    Coordinated values stay together ('black and white cat' + 'orange and white' -> 'orange and white cat'). The
    value's words take `value_class` when the instruction named one ('the hair colour', 'made of gold'), even words
    the lexicon does not know or files under another class."""
    attr_words = [lexicon.base_form(w) for w in attribute.split()]

    def class_of(a: str) -> str | None:
        return value_class or lexicon.attribute_class(a)

    new_classes = {class_of(a) for a in attr_words if a not in ("and", "or")}
    out, placed = [], set()
    for w in obj.split():
        cls = lexicon.attribute_class(w)
        same = [a for a in attr_words if cls is not None and class_of(a) == cls]
        if same:  # the new value takes the old one's place ('long yellow bus' + 'green' -> 'long green bus')
            out.extend(a for a in attr_words if a not in placed and (a in same or a in ("and", "or")))
            placed.update(attr_words if "and" in attr_words or "or" in attr_words else same)
        elif w.lower() in ("and", "or") and out and lexicon.attribute_class(out[-1]) in new_classes:
            continue  # the old coordination ('black and white') went with its values
        elif w.lower() not in attr_words:
            out.append(w)
    return " ".join([a for a in attr_words if a not in placed] + out)


def _apply(prompt: str, clause: Clause, original: str) -> str:
    """Replace the clause's object in `prompt` (it must occur in the original source prompt)."""
    if clause.kind in ("setting", "implicit"):
        return _apply_slot(prompt, clause.target, None, original)
    if clause.kind == "relocate":
        cls = slots.value_class(clause.target)
        if cls is not None and not cls.startswith("category:"):  # "in winter instead": a setting or medium, not
            # a place ('a beach' is a place, of its kind)
            return _apply_slot(prompt, clause.target, None, original)
        return _fix_articles(_relocate(prompt, clause, original))
    if clause.kind == "object" and clause.source.lower() in SURROUNDINGS:
        return _fix_articles(_new_surroundings(prompt, clause, original))
    after = _participle_after(prompt, clause)
    if after is not None:  # 'the sitting cat' -> 'a standing cat' on 'a cat sitting on a chair'
        return after
    where = _positional_reference(original, clause.source) if prompt == original else None
    if where is not None:  # 'the left dog': that object, by its own position words in the source prompt
        return _apply_at(prompt, where, clause, original)
    one = _one_reference(original, clause.source)
    if one is not None:  # 'make the red one blue': the object with those words, in the source prompt
        value = _attribute_words(clause, "") if clause.kind == "attribute" else clause.target
        return _apply(prompt, Clause(source=one, target=value, kind=clause.kind, prep=clause.prep), original)
    span = _locate(prompt, clause.source, grow=clause.kind == "attribute")
    if span is None and "'s " in clause.source:  # "the bear's mouth": the mouth, where the prompt names it
        owned = clause.source.split("'s ", 1)[1]
        if _locate(prompt, owned) is not None:
            return _apply(prompt, Clause(source=owned, target=clause.target.replace(clause.source, owned),
                                         kind=clause.kind, prep=clause.prep), original)
    if span is None and _locate(original, clause.source) is None:
        ref = clause.source.lower()
        if ref in slots.CLASS_NOUNS:  # "change the artist to X", "make the season winter"
            value = _attribute_words(clause, "") if clause.kind == "attribute" else clause.target
            return _apply_slot(prompt, value, slots.CLASS_NOUNS[ref], original)
        if ref in slots.MEDIUM and clause.kind == "object":  # "turn the painting into ..." on "oil on paper": the
            return _apply_slot(prompt, clause.target, "medium", original)  # picture's medium, in its own words
        if ref in slots.PERSON_PRONOUNS or ref in slots.PRONOUNS:  # "make her old", "make them elephants"
            cls = "category:person" if ref in slots.PERSON_PRONOUNS else None
            if clause.kind == "attribute" or cls:
                found = slots.distinct(prompt, slots.slots(prompt, cls)) if cls else []
                if len(found) == 1:
                    value = _attribute_words(clause, "") if clause.kind == "attribute" else clause.target
                    return _apply(prompt, Clause(source=found[0], target=value, kind=clause.kind), original)
            if clause.kind != "attribute":
                return _apply_slot(prompt, clause.target, None, original)
    if span is None and _locate(original, clause.source) is not None:
        raise AlignmentError(f"the instruction changes {clause.source!r} more than once (an earlier change already "
                             "replaced it); say once what each object becomes.")
    if span is None:
        value = clause.target if clause.kind != "attribute" else clause.target
        raise AlignmentError(
            f"the instruction mentions {clause.source!r}, which is not in the source prompt {original!r}: name the "
            "object with the source prompt's words, or, if the image shows it, describe it in source_prompt (e.g. "
            f"source_prompt {original + ', with ' + _with_article(clause.source)!r}).", code="not-found",
            suggestion={"source_prompt": f"{original}, with {_with_article(clause.source)}",
                        "target_prompt": f"{original}, with {_with_article(value)}"})
    mentions = find_all(prompt, prompt[span[0]:span[1]]) if clause.kind in ("object", "attribute") else [span]
    if len(mentions) > 1:
        return _every_mention(prompt, mentions, clause, original)
    return _apply_at(prompt, span, clause, original)


def _every_mention(prompt: str, mentions: list[tuple[int, int]], clause: Clause, original: str) -> str:
    """A reference the prompt names more than once. Each mention introduced as an object of its own ('a cat on the
    left and a cat on the right'): two objects the reference could mean, refused with every reading. Otherwise the
    mentions name one thing ('Portraits of Dogs ... Dogs in the snow', 'a cat ... the cat'): each is changed."""
    introduced = [m for m in mentions if re.search(r"\b(?:a|an|one|another|two|three|some)\s+(?:[\w-]+\s+){0,2}$",
                                                   prompt[max(0, m[0] - 40):m[0]], re.I)]
    if len(introduced) > 1:
        readings = [_apply_at(prompt, m, clause, original) for m in mentions]
        raise AlignmentError(
            f"{prompt[mentions[0][0]:mentions[0][1]]!r} names {len(mentions)} objects in {original!r}: say which to "
            f"change (e.g. by its position, 'the {clause.source} on the left'), or send the target prompt you mean.",
            code="ambiguous", suggestion={"readings": [{"source_prompt": original, "target_prompt": r}
                                                       for r in readings]})
    out = prompt
    later = replace(clause, target=_strip_det(clause.target)) if clause.kind == "object" else clause
    for k, m in reversed(list(enumerate(mentions))):  # right to left: earlier spans stay valid
        out = _apply_at(out, m, clause if k == 0 else later, original)  # a later mention keeps its 'the'
    return out


def _participle_after(prompt: str, clause: Clause) -> str | None:
    """'change the sitting cat to a standing cat' on 'a cat sitting on a chair': the reference's participle is the
    prompt's, written after the noun; the value's participle takes its place there. None for any other reference."""
    ref, value = clause.source.lower().split(), _strip_det(clause.target).lower().split()
    if clause.kind != "object" or len(ref) != 2 or len(value) != 2 or ref[1] != value[1] \
            or not ref[0].endswith("ing") or not value[0].endswith("ing") or find_phrase(prompt, clause.source):
        return None
    m = re.search(rf"\b{re.escape(ref[1])}\s+({re.escape(ref[0])})\b", prompt, re.I)
    return None if m is None else prompt[:m.start(1)] + value[0] + prompt[m.end(1):]


def _apply_at(prompt: str, span: tuple[int, int], clause: Clause, original: str) -> str:
    """Apply `clause` to the object at `span` of `prompt`."""
    start, end = span
    found = prompt[start:end]
    target = clause.target
    if clause.kind == "verb":
        where = verbs.verb_span(prompt, start, end, clause.target)
        if where is None and len(clause.target.split()) == 1 \
                and lexicon.attribute_class(verbs.ing(clause.target)) in ("state", "emotion"):
            # 'a dog' + 'smile' -> 'a smiling dog': a pose or expression the lexicon knows, as the object's state
            return _fix_articles(prompt[:start] + _attribute_target(found, verbs.ing(clause.target)) + prompt[end:])
        if where is None:
            raise AlignmentError(
                f"the source prompt {original!r} does not say what {found!r} is doing, so there is no pose or action "
                f"to change: describe it (e.g. '{_with_article(found)} standing ...'), or send source and target "
                "prompts.", code="no-slot", suggestion=None)
        v0, v1, words, kept_object = where
        if kept_object is not None:  # 'a man reading a book' + 'sleep': the book goes with the reading, or stays
            o1 = prompt.index(kept_object, v1) + len(kept_object)
            readings = [prompt[:v0] + words + prompt[o1:], prompt[:o1] + f" and {words}" + prompt[o1:]]
            raise AlignmentError(
                f"{found!r} is {prompt[v0:o1]!r} in {original!r}: should {kept_object!r} go with it "
                f"({readings[0]!r}) or stay ({readings[1]!r})? Send the one you mean as target_prompt.",
                code="ambiguous", suggestion={"readings": [{"source_prompt": original, "target_prompt": r}
                                                           for r in readings]})
        return prompt[:v0] + words + prompt[v1:]
    if clause.kind == "place":
        return _fix_articles(_move(prompt, end, clause, original))
    if clause.kind == "attribute":
        new_words = _attribute_words(clause, found)
        after = re.match(r"\s+([\w-]+)", prompt[end:])
        if after and after.group(1).lower() not in nlp.FUNCTION_WORDS \
                and lexicon.attribute_class(after.group(1)) is not None and lexicon.attribute_class(after.group(1)) \
                in {lexicon.attribute_class(w) for w in new_words.split()}:  # 'its mouth closed' + 'open'
            a0, a1 = end + after.start(1), end + after.end(1)
            return prompt[:a0] + new_words + prompt[a1:]
        target = _attribute_target(found, new_words, clause.value_class)
    else:
        target = _without_frame(prompt[:start], target)
        start, target = _agree_preposition(prompt, *_replace_phrase(prompt, start, end, target))
    new = prompt[:start] + target + prompt[end:]
    return _fix_articles(new)


def _without_frame(before: str, value: str) -> str:
    """'a bowl of spaghetti' for 'ramen' in 'a bowl of ramen': the value's own words that the prompt already has
    right before the object ('bowl of') are not said twice."""
    m = re.match(r"^(?:(?:a|an|the|some)\s+)?(?P<frame>(?:[\w'-]+\s+){1,3}of)\s+(?P<rest>\S.*)$", value, re.I)
    if m and re.search(rf"\b{re.escape(m.group('frame'))}\s+$", before, re.I):
        return m.group("rest")
    return value


def _agree_preposition(prompt: str, start: int, text: str) -> tuple[int, str]:
    """'a bench in a park' + 'a beach' -> 'on a beach': a new place after 'in'/'on' takes its own preposition
    (surfaces 'on', surroundings 'in': lexicon.ON_PLACES / IN_PLACES); any other keeps the prompt's. Returns where
    the replacement starts and its text (the preposition included when it changes)."""
    m = re.search(r"\b(in|on)(\s+(?:(?:the|a|an|some)\s+)?)$", prompt[:start], re.I)
    words = _strip_det(text).split()
    head = words[-1].lower() if words else ""
    want = "on" if head in lexicon.ON_PLACES else "in" if head in lexicon.IN_PLACES else None
    if m is None or want is None or want == m.group(1).lower():
        return start, text
    return m.start(1), want + m.group(2) + text


def _replace_phrase(prompt: str, start: int, end: int, value: str) -> tuple[int, str]:
    """A new noun (phrase) for the object whose words start at `start`: (where the replacement starts, its text).

    The modifiers before the object are read from the source prompt's parse, and survive by what they are:
    nouns used as modifiers describe the old object's kind and go with it ('cobblestone street' + 'a forest' ->
    'a forest'); adjectives stay ('a red car' + 'a bus' -> 'a red bus') unless the value brings one of the same
    class (or, by the unknown-class rule, one whose class is not known to differ); names (proper nouns) are never
    modifiers here and stay. 'a snowy one' keeps the old head noun and replaces its modifiers, and so does a value
    with the same head and modifiers of its own ('a snowy path' for 'a gravel path'). The value's own determiner
    replaces the prompt's."""
    words = value.split()
    det = words[0] if words and words[0].lower() in ("a", "an", "the", "some", "two", "three") else ""
    body = words[1:] if det else words
    one = bool(body) and body[-1].lower() == "one"
    old_head = (prompt[start:end].split() or [""])[-1].lower()
    # 'an ancient farmhouse' for 'farmhouse' describes the same thing anew: its modifiers act as 'an ancient one'
    anew = not one and len(body) > 1 and _singular(body[-1].lower()) == _singular(old_head)
    mod_start = _phrase_start(prompt, start, compound=len(prompt[start:end].split()) > 1, anew=one or anew)
    old_mods = prompt[mod_start:start].split()
    if one:  # the head stays: the located words are the head
        head_text = None
        new_mods = body[:-1]
    else:
        head_text = " ".join(body)
        new_mods = body[:-1]
    new_classes = {lexicon.attribute_class(w) for w in new_mods}
    kept = []
    for w in old_mods:
        cls = lexicon.attribute_class(w)
        adjective = cls is not None or nlp.is_adjective(w)
        if not adjective:
            continue  # a noun modifier: part of the old object's kind
        if cls is not None and cls in new_classes:
            continue  # the value's own modifier of that class replaces it
        if (one or anew) and (cls is None or cls in new_classes):
            continue  # 'a snowy one': the new modifiers replace the old ones not known to describe something else
        kept.append(w)
    if one:
        return mod_start, " ".join(_adjective_order(kept + new_mods) + [prompt[start:end]])
    if anew:
        text = " ".join(_adjective_order(kept + new_mods) + body[-1:])
    else:
        text = " ".join(kept + ([head_text] if head_text else []))
    prompt_det = re.search(r"(?:\b(?:the|a|an|some|two|three|this|that|his|her|its|their)\s+)$", prompt[:mod_start],
                           re.I)
    if det and prompt_det:  # "a cat" + "a dog": the value's determiner replaces the prompt's
        return prompt_det.start(), f"{det} {text}"
    before = re.search(r"([\w'-]+)\s+$", prompt[:mod_start])
    inside = kept or (before and before.group(1).lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS)
    mass = before and not old_head.endswith("s") and det.lower() in ("a", "an") and (
        before.group(1).lower() == "of" or before.group(1).lower() in nlp.FUNCTION_WORDS
        and old_head in lexicon.SETTING_NOUNS)  # 'a slice of pizza', 'at sunset': a bare noun stays bare
    if det and not inside and not mass:  # "and chopsticks" + "a knife" -> "and a knife"; but "a slice of pizza"
        return mod_start, f"{det} {text}"  # + "a burger" -> "a slice of burger": a bare noun after 'of' stays bare
    return mod_start, text  # after a name or a kept modifier: no determiner ("Yosemite National Park" -> "... zoo")


_ORDER = ("state", "emotion", "finish", "size", "age", "shape", "colour", "pattern", "origin", "material")


def _adjective_order(words: list[str]) -> list[str]:
    """English order for modifiers of known classes ('old' before 'stone'); any of unknown class: as they are."""
    ranks = [lexicon.attribute_class(w) for w in words]
    if any(r not in _ORDER for r in ranks):
        return words
    return [w for _, w in sorted(zip((_ORDER.index(r) for r in ranks), words), key=lambda t: t[0])]


def _title_case(prompt: str) -> bool:
    """A title-like prompt: most of its words (three or more) start with a capital letter."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", prompt) if w.lower() not in nlp.FUNCTION_WORDS]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") and len(word) > 3 else word


def _phrase_start(prompt: str, start: int, compound: bool = False, anew: bool = False) -> int:
    """Where the noun phrase ending in the word at `start` begins: its modifiers (adjectives, attribute words and
    nouns used as modifiers, 'cobblestone street'), by the source prompt's parse; the determiner is not included.
    At most one noun modifier, none when the object is a compound already (`compound`): a run of nouns before it is
    a list of tags ('sky lake snow storm'), not its kind. None in a title-cased prompt either ('Bourbon Street',
    'Mission Garden': capitals hide names), unless the value describes the same thing anew (`anew`: 'antique art'
    for 'Futurist Art')."""
    words = list(re.finditer(r"[\w'-]+", prompt[:start]))
    if not words:
        return start
    text = prompt[:start] + "X"
    if _title_case(prompt):  # 'Wall Mural', 'Red Maple': capitals say nothing of the word's kind in a title
        text = text.lower()
    doc = nlp.get_parser().nlp(text)
    # in a title a capitalized noun may be a name: it stays, unless the value describes the same thing anew
    nouns = 1 if compound or _title_case(prompt) and not anew else 0
    for tok in reversed(list(doc)[:-1]):
        if tok.is_punct or tok.lower_ in nlp.DETERMINERS or tok.lower_ in nlp.FUNCTION_WORDS \
                or not re.fullmatch(r"[\w'-]+", tok.text):  # '|', '&': separators the parser may call nouns
            break
        if nlp.is_parsed(doc) and tok.pos_ not in ("ADJ", "NOUN", "VERB") \
                and not lexicon.is_attribute_word(tok.text):
            break  # names (proper nouns) say which thing it is, not what it looks like: they stay
        if prompt[tok.idx + len(tok.text):start].strip() not in ("", "-"):
            break
        noun = tok.pos_ == "NOUN" and not lexicon.is_attribute_word(tok.text)
        if noun and nouns:  # one noun modifier names a kind ('cobblestone street'); a run of nouns is a list of
            break  # tags ('sky lake snow storm'), not one object
        nouns += noun
        start = tok.idx
    return start


def _apply_slot(prompt: str, value: str, cls: str | None, original: str) -> str:
    """Replace the one phrase of `prompt` of the value's class (slots.py); refuse, with what to send, when the prompt
    has none or several different ones."""
    if cls is None and not _is_attribute(value):  # "make it a modern hospital" on "old hospital": that phrase
        body = _strip_det(value).split()
        tails = [" ".join(body[k:]) for k in range(len(body) - 1, 0, -1)]  # 'shed', 'shearing shed' (not all)
        found = [t for t in tails if find_phrase(prompt, t) is not None]
        if found and len(body) > 1:  # the longest of the value's tails that the prompt names is the reference
            return _apply(prompt, Clause(source=found[-1], target=value if _leading_det(value) else
                                         _with_article(value), kind="object"), original)
    framed = re.match(r"^(?:(?:a|an|the|some)\s+)?(?P<frame>(?:[\w'-]+\s+){1,3}of)\s+(?P<rest>\S.*)$", value, re.I)
    if cls is None and framed:  # 'make it a bowl of spaghetti' on 'a bowl of ramen': what the frame holds
        after = re.search(rf"\b{re.escape(framed.group('frame'))}\s+(?:(?:a|an|the|some)\s+)?"
                          r"(?P<np>[\w'-]+(?:\s+[\w'-]+)?)", prompt, re.I)
        if after is not None:
            words = after.group("np").split()
            ref = words[0] if len(words) == 1 or words[1].lower() in nlp.FUNCTION_WORDS else " ".join(words)
            return _apply(prompt, Clause(source=ref, target=framed.group("rest"), kind="object"), original)
    cls = cls or slots.value_class(value)
    if cls is None:
        raise AlignmentError(
            f"could not tell which words of the source prompt {original!r} the instruction's {value!r} should "
            f"replace: name them (e.g. 'change the <words> to {value}'), or send source and target prompts.",
            code="no-reference",
            suggestion={"source_prompt": original, "target_prompt": f"{original} (edit: replace the changed words "
                                                                    f"with {value!r})"})
    found = slots.slots(prompt, cls)
    texts = slots.distinct(prompt, found)
    label = {"credit": "artist credit ('by ...')", "medium": "medium or style word (photo, painting, ...)"}.get(
        cls, cls.split(":")[-1] + " word")
    if not texts:
        if cls in ADDED_GLOBALS:  # 'make it night' on 'a harbour': the phrase is added for the whole picture
            added = _assumed_setting(prompt, value, cls)
            if "<" not in added["target_prompt"]:
                return added["target_prompt"]
        suggestion = _assumed_setting(original, value, cls)
        what = (f"does not say the scene's {cls}, so there is nothing to change into {value!r}"
                if cls in lexicon.SETTING_CLASSES else f"has no {label} for {value!r} to replace")
        example = "" if "<" in suggestion["target_prompt"] else \
            f", e.g. {suggestion['source_prompt']!r} -> {suggestion['target_prompt']!r} (a whole-image pair)."
        raise AlignmentError(
            f"the source prompt {original!r} {what}: say it in source_prompt (what the picture is now) and "
            f"target_prompt (what it becomes){example or '.'}", code="no-slot", suggestion=suggestion)
    readings = [_replace_slots(prompt, [f for f in found if f.text(prompt).lower() == t.lower()], value, cls)
                for t in texts]
    if len(texts) > 1:
        raise AlignmentError(
            f"{value!r} could replace {' or '.join(repr(t) for t in texts)} in {original!r}: name the one to change "
            f"(e.g. 'change the {texts[0]} to {value}').", code="ambiguous",
            suggestion={"readings": [{"source_prompt": original, "target_prompt": r, "pairs": [[t, value]]}
                                     for t, r in zip(texts, readings)]})
    if cls.startswith("category:"):  # an object: the noun-phrase rules of an object replacement
        return _apply(prompt, Clause(source=texts[0], target=value, kind="object"), original)
    return readings[0]


def _assumed_setting(original: str, value: str, cls: str) -> dict:
    """Prompts for a value whose class the source prompt has no word of: the target adds the value's phrase (a
    whole-image pair: 'a watercolor painting of ...', '... at night'); the source is the prompt itself, or with the
    plainest phrase of that class (clear weather, daytime, summer) for a retry that states it. A class without a
    plain phrase: a placeholder to fill."""
    bare = _strip_det(value)
    noun = bare.split()[-1].lower() in lexicon.SETTING_NOUNS
    if cls == "medium":  # added for the whole picture: no claim about what it is now
        now, new = "{}", (value if _leading_det(value) else _with_article(value)) + " of {}"
    elif cls == "weather":
        now, new = "{} in clear weather", "{} in the " + bare if noun else "{} in " + bare + " weather"
        now = "{} on a rainy day" if bare.lower() in ("clear", "sunny", "sunshine") else now
    elif cls == "time":
        night = bare.lower() in ("night", "nighttime", "night-time", "midnight", "dusk", "evening", "twilight")
        at = bare.lower() in ("night", "noon", "midnight", "dusk", "dawn", "sunset", "sunrise", "midday", "twilight",
                              "nightfall", "daybreak")
        now = "{} in the daytime" if night else "{} at night"
        new = ("{} at " if at else "{} in the " if noun else "{} in ") + bare
    elif cls == "season":
        now, new = ("{} in winter" if bare.lower() == "summer" else "{} in summer"), "{} in " + bare
    else:
        return {"source_prompt": original,
                "target_prompt": f"<source_prompt with the words that change replaced by {value!r}>"}
    return {"source_prompt": now.format(original), "target_prompt": new.format(original)}


def _replace_slots(prompt: str, found: list, value: str, cls: str) -> str:
    new = re.sub(r"^by\s+", "", value, flags=re.I) if cls == "credit" else _strip_det(value) if _leading_det(value) \
        else value
    words = new.split()
    if cls in lexicon.SETTING_HEADS and len(words) > 1 and words[-1].lower() in lexicon.SETTING_HEAD_WORDS:
        new = " ".join(words[:-1])  # 'midday lighting' for 'sunrise' -> 'midday'; a head is added back if needed
    nouns = [f for f in found if f.text(prompt).split()[-1].lower() in lexicon.SETTING_NOUNS]
    if cls in lexicon.SETTING_HEADS and nouns and all(w.lower() not in lexicon.SETTING_NOUNS for w in new.split()):
        new = f"{new} {lexicon.SETTING_HEADS[cls]}"  # 'in thick fog' + 'sunny' -> 'in sunny weather'
    for f in sorted(found, key=lambda f: -f.start):
        prompt = prompt[:f.start] + new + prompt[f.end:]
    return _fix_articles(prompt)


_PLACE = re.compile(rf"\b(?P<prep>{_PREPS})\s+(?P<np>(?:(?:the|a|an|some|this|that|its|his|her|their)\s+)?"
                    r"[\w-]+(?:\s+(?!(?:on|in|at|with|and|near|by|under|while|next|beside|behind)\b)[\w-]+)*)", re.I)


def _move(prompt: str, after: int, clause: Clause, original: str) -> str:
    """'put the dog on a beach' on 'a dog lying on a carpet': the place phrase after the object becomes the new
    one ('on a beach'); the pair is the place ('carpet' -> 'beach')."""
    m = next((m for m in _PLACE.finditer(prompt, after)
              if not (m.group("prep").lower() == "by" and m.group("np")[:1].isupper())), None)  # 'by NAME': credit
    if m is None:
        raise AlignmentError(f"the source prompt {original!r} does not say where {clause.source!r} is, so there is no "
                             "place to change: describe it in the source prompt (e.g. 'a dog lying on a carpet').")
    target = _place_value(clause.target)
    prep = clause.prep
    if prep in ("to", "into"):  # 'move X to Y': the preposition Y's place takes, else the prompt's own
        head = _strip_det(clause.target).split()[-1].lower() if clause.target.split() else ""
        head = head if head in lexicon.ON_PLACES | lexicon.IN_PLACES else head.rstrip("s")
        prep = "on" if head in lexicon.ON_PLACES else "in" if head in lexicon.IN_PLACES else m.group("prep")
    return prompt[:m.start()] + f"{prep} {target}" + prompt[m.end():]


def _new_surroundings(prompt: str, clause: Clause, original: str) -> str:
    """'change the background to a forest': new surroundings replace the old as a whole, preposition included
    ('on a white background' -> 'in a forest'; a place of unknown kind goes 'in front of'). A prompt without the
    word: its one place phrase ('sitting in the grass' -> 'sitting on a beach'), as a move of the whole scene."""
    span = _locate(prompt, clause.source)
    move = Clause(source="", target=clause.target, kind="relocate", prep="to")
    head = _strip_det(clause.target).split()[-1].lower()
    if span is not None and head in SURROUNDINGS:  # 'a green background': the same background described anew
        start, text = _replace_phrase(prompt, *span, clause.target)
        return prompt[:start] + text + prompt[span[1]:]
    if span is None:
        return _relocate(prompt, move, original)
    m = next((m for m in _PLACE.finditer(prompt) if m.start() <= span[0] < m.end()), None)
    if m is None:  # 'a white background with a vase': the whole phrase, its determiner and modifiers included
        det = re.search(r"\b(?:the|a|an|some)\s+$", prompt[:_phrase_start(prompt, span[0])], re.I)
        start = det.start() if det else _phrase_start(prompt, span[0])
        return prompt[:start] + _place_value(clause.target) + prompt[span[1]:]
    known = head in lexicon.ON_PLACES | lexicon.IN_PLACES or head.rstrip("s") in lexicon.ON_PLACES | lexicon.IN_PLACES
    return _move(prompt, m.start(), move if known else replace(move, prep="in front of"), original)


def _place_value(target: str) -> str:
    """A new place as written in the prompt: its own determiner, none for a name ('Sweden'), else 'a'/'an'."""
    return target if _leading_det(target) or target[:1].isupper() else _with_article(target)


def _relocate(prompt: str, clause: Clause, original: str) -> str:
    """The scene's one place phrase ('in Prague', 'on the red carpet') becomes the value's ('in Sweden'); none or
    several: refused (say where the scene is, or which place to change)."""
    places = [m for m in _PLACE.finditer(prompt) if _is_place(m, prompt)]
    texts = sorted({m.group(0).lower() for m in places})
    value = _place_value(clause.target)
    if not places:
        raise AlignmentError(
            f"the source prompt {original!r} does not say where the scene is, so there is no place to change into "
            f"{clause.target!r}: say it in source_prompt (where it is now) and target_prompt (where it should be).",
            code="no-slot", suggestion={"source_prompt": f"{original}, in <where it is now>",
                                        "target_prompt": f"{original}, {clause.prep} {value}"})
    if len(texts) > 1:
        readings = [_move(prompt, m.start(), clause, original) for m in places]
        raise AlignmentError(
            f"{clause.target!r} could replace {' or '.join(repr(m.group(0)) for m in places)} in {original!r}: name "
            f"the place to change (e.g. 'change {places[0].group('np')!r} to {clause.target}').", code="ambiguous",
            suggestion={"readings": [{"source_prompt": original, "target_prompt": _fix_articles(r),
                                      "pairs": [[m.group("np"), clause.target]]} for m, r in zip(places, readings)]})
    return _move(prompt, places[0].start(), clause, original)


def _is_place(m: re.Match, prompt: str) -> bool:
    """A prepositional phrase that says where: not a credit ('by NAME'), a time or weather ('at night', 'in fog'),
    a medium or style ('in oil', 'in the style of', 'oil on canvas'), nor a number ('in 1932')."""
    before = re.search(r"([\w-]+)\s*$", prompt[:m.start()])
    if before and before.group(1).lower() in slots.MEDIUM:
        return False
    prep, np_words = m.group("prep").lower(), _strip_det(m.group("np")).split()
    if prep not in ("in", "at", "on", "near", "inside", "into", "onto", "in front of", "behind") or not np_words:
        return False
    head = np_words[-1].lower().strip(",.")
    first = np_words[0].lower()
    return not (first[:1].isdigit() or head in lexicon.SETTING_NOUNS or head in slots.MEDIUM
                or first in slots.MEDIUM or head in ("style", "manner", "color", "colour", "front", "top")
                or lexicon.attribute_class(head) is not None)


def _attribute_words(clause: Clause, found: str) -> str:
    """The attribute words a clause adds: its target minus the object's own words."""
    obj = {w.lower() for w in clause.source.split()}
    return " ".join(w for w in clause.target.split() if w.lower() not in obj) or clause.target


def _locate(prompt: str, phrase: str, grow: bool = False) -> tuple[int, int] | None:
    """Where `phrase` is in `prompt`: exact words, then compound spellings ('teddy bear' / 'teddybear' /
    'teddy-bear'), then singular/plural variants, then its head noun."""
    span = find_phrase(prompt, phrase)
    if span:
        return _grow_to_modifiers(prompt, span) if grow else span
    words = phrase.split()
    if not words:
        return None
    compounds = {"".join(words), "-".join(words), " ".join(phrase.replace("-", " ").split()),
                 phrase.replace("-", "")} - {phrase}
    for v in compounds:
        span = find_phrase(prompt, v) if v.strip() else None
        if span:
            return _grow_to_modifiers(prompt, span) if grow else span
    if len(words) == 2:  # 'the coffee cup' for 'a cup of coffee': a noun compound and its 'of' phrase
        span = find_phrase(prompt, f"{words[1]} of {words[0]}")
        if span:
            return span
    if len(words) == 1:  # the other way round: 'lunchbox' for 'Lunch Box', 'snowstorm' for 'snow-storm'
        span = _open_compound(prompt, words[0])
        if span:
            return _grow_to_modifiers(prompt, span) if grow else span
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
            return _grow_to_modifiers(prompt, span) if grow else span
    if len(words) > 1:  # "the red berries" when the prompt says "berries"
        return _locate(prompt, " ".join(words[1:]), grow)
    return None


def _open_compound(prompt: str, word: str) -> tuple[int, int] | None:
    """The span of two adjacent words of `prompt` spelled together as `word` (case and hyphens aside)."""
    key = word.lower().replace("-", "")
    tokens = list(re.finditer(r"[^\W_]+", prompt))
    for a, b in zip(tokens, tokens[1:]):
        if prompt[a.end():b.start()] in (" ", "-") and (a.group() + b.group()).lower() == key:
            return a.start(), b.end()
    return None


def _grow_to_modifiers(prompt: str, span: tuple[int, int]) -> tuple[int, int]:
    """For attribute edits, include the attribute words right before the object ('bus' in 'a long yellow bus' ->
    'long yellow bus'), so a new value can replace the old one of its class. Object replacements without a
    determiner keep them ('a red car' + 'bus' -> 'a red bus')."""
    start, end = span
    while True:
        m = re.search(r"(\b[\w-]+)\s+$", prompt[:start])
        word = m.group(1) if m else ""
        both = re.search(r"(\b[\w-]+)\s+(?:and|or)\s+$", prompt[:start])
        if both and lexicon.is_attribute_word(both.group(1)) and start < len(prompt) \
                and lexicon.attribute_class(both.group(1)) == lexicon.attribute_class(prompt[start:].split()[0]):
            start = both.start(1)  # 'black and white cat': coordinated values of one class go together
            continue
        attribute = lexicon.is_attribute_word(word) and lexicon.attribute_class(word) not in lexicon.SETTING_CLASSES
        if not word or not attribute:
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
