"""Instruction mode: "replace the dumplings with fried rice and the chopsticks with a knife" -> Alignment.

An instruction is split into clauses (`clauses.py`: each an operation, a reference and a value). With a source
prompt, each reference is resolved against the prompt's own words and the value applied there (`phrases.py` for
noun phrases, `places.py` for where things are, `slots.py` for implicit references by class, `verbs.py` for
actions) to make the target prompt; without one, both prompts are built from the clauses. The pairs then come from
align_prompts, so both modes agree.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import AlignmentError
from ..types import EditPair
from . import gender, lexicon, nlp, slots, verbs
from .aligner import Alignment, align_prompts, check_prompt, one_global_pair
from .clauses import (
    LOOK_NOUNS,
    NAMED_WORK,
    POSITIONS,
    SEPARATORS,
    SURFACES,
    Clause,
    attribute_words,
    clean_value,
    is_action,
    prompts_from_clauses,
    split_clauses,
)
from .pairs import find_all, find_phrase
from .phrases import (
    FRAMED,
    agree_preposition,
    attribute_target,
    compound_nouns,
    fix_articles,
    grow_to_modifiers,
    is_attribute,
    kind_name_length,
    leading_det,
    locate,
    replace_phrase,
    settle_shades,
    singular,
    strip_det,
    with_article,
    without_frame,
    without_place,
)
from .places import BEHIND, SURROUNDINGS, move, new_surroundings, relocate

MAX_INSTRUCTION_CHARS = 1000  # a few clauses; longer texts make the clause search slow for nothing
_UNSUPPORTED = re.compile(r"^(?:please\s+|can you\s+|could you\s+)*(add|insert|include|remove|delete|erase|eliminate|"
                          r"get rid of|take away|take out|take off|shave|without(?!\s+(?:chang|touch|alter|edit|affect|modif))|"
                          r"(?:let\s+)?there\s+(?:should\s+be|be|is|are)|"
                          r"(?:make|have|let)\s+.+?\s+(?:disappear|vanish|go\s+away)|"
                          r"take\s+(?:the|his|her|its|their)\s+[\w\s-]+?\s+(?:off|away|out)$)\b",  # 'take the hat off'
                          re.I)


ADDED_GLOBALS = ("time", "weather", "season", "palette")  # classes an instruction may add when the prompt has none


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
        described = _RESTATED.sub("", instruction.strip()).rstrip(".!") if source_prompt else ""
        if not slots.slots(source_prompt or "", "medium"):  # 'a photo of ...', as benchmarks write every prompt
            described = re.sub(r"^(?:an?\s+)?(?:photo|image|picture|photograph)\s+of\s+", "", described, flags=re.I)
        if exc.code == "unreadable" and described and _restates(source_prompt, described):
            # 'a dog sitting on a bench' (or 'target: ...') for 'a cat sitting on a bench': the picture described
            # as it should be is the target prompt
            return align_prompts(source_prompt, described[:1].lower() + described[1:]
                                 if source_prompt[:1].islower() else described)
        if exc.code == "unreadable" and source_prompt is not None and source_prompt.strip():
            raise AlignmentError(  # what to send instead, with the caller's own words
                f"{exc} Or send source_prompt and target_prompt: target_prompt is {source_prompt!r} with only the "
                "words to change replaced.", code="unreadable",
                suggestion={"source_prompt": source_prompt,
                            "target_prompt": "<source_prompt with only the words to change replaced>"}) from None
        raise
    kept = [c.source for c in clauses if c.kind == "keep"]
    clauses = [c for c in clauses if c.kind not in ("keep", "not")]
    if not clauses:
        raise AlignmentError(f"the instruction {instruction!r} only says what to keep: say what should change too "
                             "(e.g. 'make the dog black but keep the collar red').", code="unreadable")
    if source_prompt is not None and source_prompt.strip():
        clauses, warnings = _unique_clauses(_expand_swaps(_expand_quantified(clauses, source_prompt), source_prompt))
        warnings += [f"{k!r}: kept as it is (what is not named in a pair is preserved anyway)." for k in kept]
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
        source_prompt, target_prompt = prompts_from_clauses(clauses)
        warnings.append(f"no source_prompt given: the prompts were built from the instruction ({source_prompt!r} -> "
                        f"{target_prompt!r}); a real description of the image as source_prompt gives better edits.")
    if target_prompt.strip().lower() == source_prompt.strip().lower():
        target_prompt = _comparative_of_its_word(instruction, source_prompt)
    if target_prompt.strip().lower() == source_prompt.strip().lower():
        raise AlignmentError(
            f"the instruction {instruction!r} leaves the source prompt {source_prompt!r} as it is (it already says "
            "that): say the new value (e.g. 'make "
            "the man a boy'), or send source and target prompts.", code="no-change",
            suggestion={"source_prompt": source_prompt, "target_prompt": "<source_prompt with the words to change "
                                                                         "replaced>"})
    alignment = align_prompts(source_prompt, target_prompt)
    alignment.warnings = warnings + alignment.warnings
    if len(alignment.pairs) != len(clauses):
        alignment.warnings.append(f"the instruction has {len(clauses)} change(s) but {len(alignment.pairs)} editing "
                                  "pair(s) were found; check the pairs.")
    return alignment


def _comparative_of_its_word(instruction: str, prompt: str) -> str:
    """'make the tree taller' on 'a tall tree': the comparative of a word the prompt has is the change ('a taller
    tree'); the rules read it as its base word, which leaves the prompt as it is. The prompt unchanged when the
    instruction has no such comparative, or its word is not said exactly once."""
    for word in re.findall(r"[a-z]+", instruction.lower()):
        base = lexicon.base_form(word)
        said = list(re.finditer(rf"\b{re.escape(base)}\b", prompt, re.I)) if base != word else []
        if len(said) == 1:
            return prompt[:said[0].start()] + word + prompt[said[0].end():]
    return prompt


def _from_singles(source_prompt: str, target_prompt: str, singles: list[str], clauses: list[Clause],
                  warnings: list[str]) -> Alignment:
    """The alignment from each clause's own change (`singles`: the source prompt with only that clause applied);
    None when two clauses change one object (then they apply in order and align as one
    change)."""
    pairs, notes = [], []
    for single in singles:
        one = align_prompts(source_prompt, single)
        found = [replace(p, target_span=None) for p in one.pairs]
        kept = [p for k, p in enumerate(found) if not any(_same_change(q, p) and not (
            _introduced(source_prompt, q.source_span) and _introduced(source_prompt, p.source_span))
            for q in found[:k])]  # one thing named again ('a cat ... the cat'); objects of their own ('a dog on the
        # left and a dog on the right') keep a pair each
        found = [replace(p, guided_prompt=single) for p in kept] if len(kept) == 1 < len(found) else kept
        pairs += found
        notes += [w for w in one.warnings if w not in notes]
    whole = (0, len(source_prompt))  # a whole-picture pair ('and make it night') overlaps nothing: its mask is
    spans = sorted(p.source_span for p in pairs if p.source_span and p.source_span != whole)  # the whole image
    if any(a[1] > b[0] for a, b in zip(spans, spans[1:])) or not pairs \
            or any(p.kind != "global" and p.target.lower() not in target_prompt.lower() for p in pairs) \
            or sum(p.source_span == whole for p in pairs) > 1:
        # (an article fixed in context; a whole-picture pair's target is its own single prompt; two pairs that
        # both span the whole prompt, a one-word prompt, change the same words)
        return None
    found = len({(p.source.lower(), p.target.lower()) for p in pairs})  # (twins changed alike: one change)
    pairs = one_global_pair(source_prompt, target_prompt, sorted(pairs, key=lambda p: p.source_span or (0, 0)))
    alignment = Alignment(source_prompt=source_prompt, target_prompt=target_prompt, pairs=pairs,
                          warnings=warnings + notes)
    if found != len(clauses):
        alignment.warnings.append(f"the instruction has {len(clauses)} change(s) but {len(alignment.pairs)} editing "
                                  "pair(s) were found; check the pairs.")
    return alignment


_INTRODUCED = re.compile(r"\b(?:a|an|one|another|two|three|some)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _introduced(prompt: str, span: tuple[int, int] | None) -> bool:
    """Is the mention at `span` an object of its own ('a dog', 'another dog'), not the same one named again?"""
    return span is not None and _INTRODUCED.search(prompt[max(0, span[0] - 40):span[0]]) is not None


def _same_change(a: EditPair, b: EditPair) -> bool:
    """Two pairs of one clause that change the same words the same way: mentions of one thing, one pair (the first;
    its guided prompt changes every mention)."""
    return (a.source.lower(), a.target.lower()) == (b.source.lower(), b.target.lower())


def _apply_all(source_prompt: str, clauses: list[Clause],
               warnings: list[str]) -> tuple[str, list[str] | None]:
    """The target prompt. Every clause resolves its reference against the source prompt's own words and is applied
    to it on its own; their changes are then put together, so chains and swaps work ('the cat with a dog and the
    dog with a cat'). Clauses whose changes overlap (two changes of one object: 'make the bus shorter and green')
    apply one after the other instead."""
    singles, edits = [], []
    for c in clauses:
        c = _resolve_category(c, source_prompt, warnings)
        singles.append(gender.follow(source_prompt, _apply(source_prompt, c, source_prompt)))
        edits.append(_changed_span(source_prompt, singles[-1]))
    spans = sorted(e for e in edits if e is not None)
    if all(a[1] <= b[0] for a, b in zip(spans, spans[1:])):
        target = source_prompt
        for start, end, text in reversed(spans):  # articles fixed where a change could break them: in the new
            art = re.search(r"\b[Aa]n?\s+$", target[:start])  # words and right before them, nowhere else ('A A' +
            start = art.start() if art else start  # 'winter' gave 'An A in winter')
            target = target[:start] + fix_articles(target[start:start + (art.end() - art.start() if art else 0)]
                                                   + text) + target[end:]
        return target, [s for s in singles if s != source_prompt]
    return _apply_in_order(source_prompt, clauses, warnings), None


def _apply_in_order(source_prompt: str, clauses: list[Clause], warnings: list[str]) -> str:
    target = source_prompt
    for c in clauses:
        c = _resolve_category(c, target, warnings)
        target = gender.follow(target, _apply(target, c, source_prompt))
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
    def word_goes_on(text: str, k: int) -> bool:
        return 0 <= k < len(text) and text[k].isalnum()

    if word_goes_on(before, p) or word_goes_on(after, p):  # the change starts inside a word: all of it (an
        while p > 0 and before[p - 1].isalnum():  # insertion after a word's end leaves that word out)
            p -= 1
    if word_goes_on(before, len(before) - s - 1) or word_goes_on(after, len(after) - s - 1):
        while s > 0 and before[len(before) - s].isalnum():
            s -= 1
    return p, len(before) - s, after[p:len(after) - s]


def _expand_swaps(clauses: list[Clause], prompt: str) -> list[Clause]:
    """A swap is two chained changes: 'swap the red square and the blue circle' -> red square -> blue circle and
    blue circle -> red square; 'swap their colours' trades the two objects' colour words (shape: head nouns)."""
    out = []
    for c in clauses:
        if c.kind == "swap" and find_phrase(prompt, c.target) is None:  # 'swap the candle with a sword': replace
            out.append(Clause(source=c.source, target=c.prep or c.target, kind="object"))
        elif c.kind == "swap":  # both are in the prompt: they trade places, each with its own words ('the mug':
            a, b = (_locate_text(prompt, x) for x in (c.source, c.target))  # 'coffee mug')
            a, b = (prompt[slice(*_with_compounds(prompt, grow_to_modifiers(prompt, locate(prompt, x))))] for x in (a, b))
            out += [Clause(source=c.source, target=b, kind="object"), Clause(source=c.target, target=a, kind="object")]
        elif c.kind == "swap-attr":
            out += _swap_attributes(c, prompt)
        else:
            out.append(c)
    return out


_LISTED = re.compile(r"^(?P<rest>[^,]+?(?:,\s*[^,]+?)*\s+and\s+(?:the\s+|a\s+|an\s+)?[^,]+)$", re.I)
_QUANTIFIED = re.compile(r"^(?:both|all(?:\s+of)?(?:\s+the)?|each(?:\s+of\s+the)?|every)\s+(?P<rest>.+)$", re.I)


def _expand_quantified(clauses: list[Clause], prompt: str) -> list[Clause]:
    """'make both the cat and the chair red', 'make both animals white': one clause per object the quantifier
    names: each of a list, or each member of a category the prompt names. Anything else is left as written."""
    out: list[Clause] = []
    for c in clauses:
        one = re.match(r"^(?:one|either)\s+(?:of\s+(?:the\s+)?)?(?P<group>.+)$", c.source, re.I) if c.source else None
        if one and one.group("group").split()[0].lower() in nlp.FUNCTION_WORDS:
            one = None  # 'the one on the floor': a place says which (_placed_reference)
        if one and len(find_all(prompt, singular(one.group("group").split()[-1]))) == 1 \
                and not _plural_objects(prompt):  # 'make one cat black' on 'a cat ...': the one there is
            c, one = replace(c, source=one.group("group"), target=c.target.replace(c.source, one.group("group"))), None
        if one and c.kind in ("object", "attribute"):  # 'make one of the cats black': which one, the prompt cannot say
            raise AlignmentError(
                f"{c.source!r} does not say which one: name it with the source prompt's words (its colour or place, "
                f"e.g. 'the black cat', 'the cat on the left'; where {prompt!r} names them together, describe each "
                f"first), or send source and target prompts.", code="ambiguous",
                suggestion={"source_prompt": f"<{prompt}, with each of the {one.group('group')} described>",
                            "target_prompt": "<the same, with the one to change changed>"})
        both = c.kind == "implicit" and c.pronoun in slots.PLURAL_PRONOUNS \
            or c.kind in ("object", "attribute") and c.source.lower() in _THEM_ALL
        plural = _plural_objects(prompt) if both else []
        if c.kind == "implicit" and len(plural) == 1 and is_action("them", c.target):
            out.append(Clause(source=plural[0], target=c.target, kind="verb"))  # 'make them play basketball' on
            continue  # 'two children playing soccer': what the one plural object does
        pair = _coordinated(prompt) if both and not plural else []
        if len(pair) > 1 and c.kind == "implicit" and is_action("them", c.target):
            # 'make them dance on a beach' on 'a man and a woman dancing in a ballroom': what they do together
            out += [_shared_action(prompt, pair, c.target)]
            continue
        state = c.target if c.kind == "implicit" and lexicon.attribute_class(c.target) == "state" else None
        doing = [r for r in reversed(pair) if state and locate(prompt, r) is not None  # (the participle follows
                 # the last of them: 'a dog and a cat sleeping')
                 and verbs.verb_span(prompt, *locate(prompt, r), state) is not None] if len(pair) > 1 else []
        if doing:  # 'make them awake' on 'a dog and a cat sleeping ...': the state they share, once
            out.append(Clause(source=doing[0], target=attribute_target(doing[0], state), kind="attribute"))
            continue
        if len(pair) > 1:  # 'turn them into robots' on 'a man and a woman': each of the two
            attr = c.kind == "attribute" or c.kind == "implicit" and is_attribute(c.target)
            value = attribute_words(c, "") if c.kind == "attribute" else c.target
            if not attr and not leading_det(value) and nlp.singular_last(value) != value:
                value = with_article(nlp.singular_last(value))
            out += [Clause(source=r, target=attribute_target(r, value) if attr else _kept_modifiers(r, value),
                           kind="attribute" if attr else "object") for r in pair]
            continue
        m = _QUANTIFIED.match(c.source) if c.kind in ("object", "attribute") else None
        if m is None and c.kind in ("object", "attribute") and find_phrase(prompt, c.source) is None:
            m = _LISTED.match(c.source)  # 'the cat and the dog' (no 'both'): each, when each is an object named
        refs: list[str] = []
        if m:
            rest = m.group("rest")
            listed = [strip_det(r) for r in re.split(r"\s*(?:,|\band\b)\s*", rest) if r.strip()]
            if len(listed) > 1 and all(locate(prompt, r) is not None and not is_attribute(r) for r in listed):
                refs = listed  # nouns, each in the prompt ('black and white' is one value, not two objects)
            elif m.re is _LISTED:
                out.append(c)
                continue
            else:
                refs = _members_named(prompt, rest.split()[-1]) or _each_mention(prompt, rest)
        if len(refs) < 2:
            out.append(c)
            continue
        value = attribute_words(c, "") if c.kind == "attribute" else c.target
        if c.kind == "object" and not leading_det(value) and nlp.singular_last(value) != value:
            value = with_article(nlp.singular_last(value))  # 'turn all the animals into rabbits': each a rabbit
        out += [replace(c, source=r, target=attribute_target(r, value) if c.kind == "attribute" else
                        _kept_modifiers(r, value)) for r in refs]
    return out


_WORN_AS_ADJECTIVE = {"hair": "haired", "eyes": "eyed", "eye": "eyed", "ears": "eared", "tail": "tailed",
                      "legs": "legged", "nose": "nosed", "wings": "winged", "horns": "horned", "beard": "bearded"}
# parts said of their owner ('red-haired', 'big-eared')
_THEM_ALL = frozenset({"both of them", "them both", "the two of them", "all of them", "them all", "both"}) \
    | slots.PLURAL_PRONOUNS


def _coordinated(prompt: str) -> list[str]:
    """The objects of the prompt's one coordination ('a cat and a dog' -> ['cat', 'dog']; 'a red apple and a green
    apple' -> ['red apple', 'green apple']); none when the prompt has no such list or several."""
    p = nlp.get_parser()
    if not p.parsed:
        return []
    doc = p.nlp(prompt)
    chunks = {c.root.i: strip_det(c.text) for c in doc.noun_chunks}
    groups = [[t.i] + [c.i for c in t.conjuncts if c.i > t.i] for t in doc
              if t.pos_ == "NOUN" and t.dep_ != "conj" and any(c.i > t.i for c in t.conjuncts)]
    if len(groups) != 1 or not all(i in chunks for i in groups[0]):
        return []
    return [chunks[i] for i in groups[0]]


def _shared_action(prompt: str, listed: list[str], value: str) -> Clause:
    """The verb clause for what listed objects do together: on the one of them the prompt's verb hangs on (the
    parser hangs 'dancing' on 'woman' or on 'man'); the first, when none does anything."""
    for ref in listed:
        span = locate(prompt, ref)
        if span is not None and verbs.verb_span(prompt, *span, value) is not None:
            return Clause(source=ref, target=value, kind="verb")
    return Clause(source=listed[0], target=value, kind="verb")


def _with_compounds(prompt: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span grown left over the nouns that name its kind ('mug' -> 'coffee mug')."""
    start, end = span
    while (before := re.search(r"([\w-]+)\s+$", prompt[:start])) and \
            before.group(1).lower() in compound_nouns(prompt, before.start(1), start):
        start = before.start(1)
    return start, end


def _locate_text(prompt: str, phrase: str) -> str:
    span = locate(prompt, phrase)
    if span is None:
        raise AlignmentError(f"the instruction swaps {phrase!r}, which is not in the source prompt {prompt!r}: name "
                             "both objects with the source prompt's words.", code="not-found")
    return prompt[span[0]:span[1]]


def _swap_attributes(clause: Clause, prompt: str) -> list[Clause]:
    cls = clause.prep  # "colour" | "shape" | "material" | "size" | "whole" (the objects themselves)
    if cls == "whole":  # 'swap them': the prompt's one pair of listed objects, else its only two noun phrases
        objects = _coordinated(prompt) or [c for c in _noun_phrases(prompt) if not set(c.lower().split()) <= POSITIONS]
        if clause.target:  # 'swap the apples': the two of them, each with its own words
            group = singular(clause.target.lower())
            objects = [c for c in _noun_phrases(prompt) if singular(c.split()[-1].lower()) == group]
        if len(objects) != 2:
            raise AlignmentError(f"'swap them' needs exactly two objects in the source prompt {prompt!r}; found "
                                 f"{objects}: name the two ('swap the X and the Y').",
                                 code="ambiguous" if len(objects) > 2 else "no-slot")
        return [Clause(source=objects[0], target=objects[1], kind="object"),
                Clause(source=objects[1], target=objects[0], kind="object")]
    if clause.source:
        objects = [_locate_text(prompt, clause.source), _locate_text(prompt, clause.target)]
        objects = [prompt[s:e] for s, e in (grow_to_modifiers(prompt, locate(prompt, o)) for o in objects)]
    else:  # "their": the two noun phrases of the prompt that have a word of that class; "of the apples": of those
        chunks = _noun_phrases(prompt)
        group = singular(clause.target.split()[-1].lower()) if clause.target else None
        objects = [c for c in chunks if not set(c.lower().split()) <= POSITIONS
                   and (cls == "shape" or any(lexicon.attribute_class(w) == cls for w in c.split()))
                   and (group is None or singular(c.split()[-1].lower()) == group)]
        if len(objects) != 2:
            which = f"the {cls}s of the {clause.target}" if group else f"their {cls}s"
            raise AlignmentError(f"'swap {which}' needs exactly two objects with a {cls} in the source prompt "
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
    return [Clause(source=objects[0], target=attribute_target(objects[0], " ".join(values[1])), kind="attribute"),
            Clause(source=objects[1], target=attribute_target(objects[1], " ".join(values[0])), kind="attribute")]


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


def _position_of(phrase: str) -> tuple[list[str], str] | None:
    """('dog'.split(), 'left') for 'the left dog' or 'the dog on the left'; None when `phrase` names no position."""
    words = phrase.lower().split()
    m = re.match(r"^(?P<np>.+?)\s+(?:on|in|at|to)\s+(?:the\s+)?(?P<pos>\w+)$", phrase.strip(), re.I)
    if m and m.group("pos").lower() in POSITIONS:
        return m.group("np").lower().split(), m.group("pos").lower()
    if any(w in POSITIONS for w in words[:-1]):
        pos = next(w for w in words[:-1] if w in POSITIONS)
        return [w for w in words if w != pos], pos
    return None


def _unplaced_group(prompt: str, phrase: str, original: str) -> None:
    """'the cat on the left' on 'two cats on a bench': the prompt names several and says nothing of where each is,
    so no reading can pick one: refused, with a source prompt that places them."""
    named = _position_of(phrase)
    span = locate(prompt, " ".join(named[0])) if named and named[0] and named[0][-1] not in ("one", "ones") else None
    if span is None:
        return
    head = prompt[span[0]:span[1]].split()[-1]
    counted = re.search(r"\b(?:two|three|four|five|six|several|many|some|pair\s+of|group\s+of|couple\s+of)\s+"
                        r"(?:[\w-]+\s+){0,2}$", prompt[:span[0]], re.I)
    if counted or nlp.lemma(head) != head:
        one = nlp.lemma(head)
        raise AlignmentError(
            f"{prompt[span[0]:span[1]]!r} in {original!r} is more than one, and the source prompt does not say where "
            f"each is, so {phrase!r} cannot pick one: describe them in source_prompt by position (e.g. 'a {one} on "
            f"the left and a {one} on the right') and name the one to change.", code="ambiguous",
            suggestion={"source_prompt": f"<{original} with each {one} described by its position>"})


def _positional_reference(prompt: str, phrase: str) -> tuple[int, int] | None:
    """'the left dog', 'the dog on the right', 'the right one': the one object of `prompt` whose own words place it
    there ('a dog on the left and a dog on the right'), as a character span; None when `phrase` names no position
    or the prompt does not place one object there."""
    named = _position_of(phrase)
    if named is None:
        return None
    noun, pos = named
    after = re.compile(_POSITION_AFTER.format(pos=re.escape(pos)), re.I)
    found = []
    for start, end, text in _noun_phrase_spans(prompt):
        chunk = text.lower().split()
        if set(chunk) <= POSITIONS:
            continue
        members = lexicon.category_members(noun[-1]) or lexicon.category_members(noun[-1].rstrip("s"))
        if members and chunk and chunk[-1] in members:  # 'the animal on the right': a member of the category
            pass
        elif noun[-1] not in ("one", "ones") and not all(w in chunk or w.rstrip("s") in chunk for w in noun):
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


_TONAL = re.compile(r"^(?:please\s+)?(?:(?:increase|decrease|raise|lower|boost|reduce|adjust|fix|change|add|more|less|"
                    r"up|turn\s+up|turn\s+down)\s+(?:the\s+)?(?:image'?s?\s+|photo'?s?\s+|picture'?s?\s+)?"
                    r"(?:contrast|saturation|exposure|brightness|vibrance|sharpness|white\s+balance|gamma|hue)|"
                    r"(?:de)?saturate\b|sharpen\b|"
                    r"(?:make|render)\s+(?:it|the\s+(?:image|photo|picture|colou?rs|tones))\s+(?:look\s+)?"
                    r"(?:more\s+|less\s+)?(?:warmer|cooler|saturated|desaturated|sharper|contrasty|high[\s-]contrast|"
                    r"low[\s-]contrast|vibrant|punchier|(?:over|under)exposed))", re.I)


def _refuse_unsupported(instruction: str) -> None:
    """'add ...' / 'remove ...': OIR edits objects that are in the picture (a pair needs a source object and a mask);
    say so, with what to ask instead, rather than a generic parse error. A tonal adjustment of the whole photo
    ('increase the contrast', 'make the photo warmer') changes no object: refused as such."""
    for part in SEPARATORS.split(instruction.strip()):
        if part and _TONAL.match(part.strip()):
            raise AlignmentError(
                f"{part.strip()!r} adjusts the whole photo's tones (contrast, brightness, saturation, warmth, "
                "sharpness), which is not an OIR edit: OIR changes what objects or the scene are. Apply it to the image "
                "directly with an image editor's levels or curves, or name an object and its new look (e.g. 'make the "
                "sky orange').", code="unsupported")
        m = _UNSUPPORTED.match(part.strip()) if part else None
        if not m:
            continue
        verb = m.group(1).lower()
        if verb.startswith(("there", "let")) and slots.value_class(
                clean_value(part.strip()[m.end():].strip(" .!"))) in lexicon.SETTING_CLASSES:
            continue  # 'there is a hailstorm': the scene's weather, read as 'make it a hailstorm'
        if verb == "add" and re.search(rf"\s(?:{LOOK_NOUNS}|style)$", part.strip(" .!"), re.I):
            continue  # 'add a vintage filter': a look for the whole picture, not an object
        if verb in ("add", "insert", "include") or verb.startswith(("there", "let")):
            raise AlignmentError(f"{part.strip()!r}: adding an object is not an OIR edit (every pair changes an object "
                                 "that is in the image, inside its mask). Name what is in the image where it should go "
                                 "and what it becomes, e.g. 'replace the bare table with a table with a vase'.")
        raise AlignmentError(f"{part.strip()!r}: removing an object is not an OIR edit. Replace it with what should be "
                             "there instead, e.g. 'replace the cup with an empty plate' or '... with the wooden table'.")


def _kept_modifiers(ref: str, value: str) -> str:
    """'red cup' + 'a glass' -> 'a red glass': a one-word new object keeps the modifiers of the mention it replaces
    (the mentions were told apart by them)."""
    words = strip_det(value).split()
    if len(words) != 1 or len(ref.split()) < 2:
        return value
    return with_article(" ".join(ref.split()[:-1] + words)) if leading_det(value) else " ".join(ref.split()[:-1] + words)


def _each_mention(prompt: str, noun: str) -> list[str]:
    """'both cups' on 'a red cup and a blue cup': each mention of the noun, with its modifiers ('red cup', 'blue
    cup'); fewer than two different ones: none (the quantifier then says nothing more than the noun)."""
    mentions = find_all(prompt, singular(noun.split()[-1])) if noun.split() else []
    texts = [prompt[slice(*grow_to_modifiers(prompt, m))] for m in mentions]
    return texts if len(set(t.lower() for t in texts)) == len(texts) >= 2 else []


def _members_named(prompt: str, noun: str) -> list[str] | None:
    """The members of the category `noun` names ('animals' -> cat, dog, ...) that the prompt names, in its order;
    None when `noun` is no category."""
    members = lexicon.category_members(noun) or lexicon.category_members(noun.rstrip("s"))
    if not members:
        return None
    words = [w.lower() for w in re.findall(r"[\w-]+", prompt)]
    return [w for k, w in enumerate(words) if (w in members or singular(w) in members) and w not in words[:k]]


def _resolve_category(clause: Clause, prompt: str, warnings: list[str]) -> Clause:
    """'the vehicle' when the prompt says 'car': the one member of the category the prompt names (warned)."""
    placed = _placed_reference(prompt, clause.source) if clause.kind in ("object", "attribute") else None
    if placed is not None:  # 'the one on the floor', 'the animal on the sofa': the object said to be there
        target = clause.target.replace(clause.source, placed) if clause.kind == "attribute" else clause.target
        return replace(clause, source=placed, target=target)
    if clause.kind in ("setting",) or not clause.source or locate(prompt, clause.source) is not None \
            or _position_of(clause.source) is not None:  # 'the animal on the right': its position picks it
        return clause
    head = without_place(clause.source).split()[-1]
    found = _members_named(prompt, head)
    if found is None:
        return clause
    found = sorted(f for f in found if re.search(rf"\b{re.escape(f)}\b", prompt))  # a capitalised mention may
    # be part of a name ('Big Li River', 'Waterfall' in a title): a kind names only a plain one
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


_PLACED = re.compile(r"^(?P<head>.+?)\s+(?P<prep>on|in|at|under|by|near|beside|behind|inside|next\s+to)\s+"
                     r"(?:(?:the|a|an)\s+)?(?P<np>[\w'-]+(?:\s+[\w'-]+)?)$", re.I)


def _placed_reference(prompt: str, phrase: str) -> str | None:
    """'the one on the floor' on 'a cat on a sofa and a dog sitting on the floor': the last object named before
    the place phrase the reference repeats ('dog'), when the reference's head is 'one' or names that object or its
    kind; None otherwise (and when the prompt does not say that place, or nothing fits)."""
    m = _PLACED.match(phrase)
    if m is None or _position_of(phrase) is not None:
        return None
    place = re.search(rf"\b{m.group('prep')}\s+(?:(?:the|a|an|some|its|his|her|their)\s+)?{re.escape(m.group('np'))}\b",
                      prompt, re.I)
    if place is None:
        return None
    head = m.group("head").split()[-1].lower()
    objects = [(a, t) for a, b, t in _noun_phrase_spans(prompt) if b <= place.start()
               and not re.search(r"\b(?:on|in|at|under|by|near|beside|behind|inside|to|of|with)\s+"
                                 r"(?:(?:the|a|an|some|its|his|her|their)\s+)?$", prompt[:a], re.I)]
    for _, text in reversed(objects):
        last = text.split()[-1].lower()
        if head in ("one", singular(last)) or text in (_members_named(prompt, head) or []) \
                or lexicon.category_of(singular(last)) == head:
            return text
    return None


def _unique_clauses(clauses: list[Clause]) -> tuple[list[Clause], list[str]]:
    """Drop a clause repeated word for word (with a warning); refuse one object changed two different ways."""
    kept: list[Clause] = []
    warnings: list[str] = []
    for c in clauses:
        same = [k for k in kept if k.source.lower() == c.source.lower()]
        if any(k.target.lower() == c.target.lower() and k.kind == c.kind for k in same):
            warnings.append(f"the instruction repeats the change {c.source!r} -> {c.target!r}; it is applied once.")
            continue
        words = (attribute_words(same[-1], "") if same else "", attribute_words(c, ""))
        classes = [{lexicon.attribute_class(w) for w in ws.split()} for ws in words]
        if same and c.kind == "attribute" and same[-1].kind == "attribute" and not c.value_class \
                and not same[-1].value_class and kept[-1] is same[-1] and (classes[0] == classes[1] or None in
                                                                            classes[0] | classes[1]):
            # 'make the car red and blue', 'make it dark and mysterious' (split at 'and'): one look of two words,
            # as written; two of known different classes ('small and blue') each take their own place
            both = f"{words[0]} and {words[1]}"
            kept[-1] = replace(c, target=attribute_target(c.source, both))
            continue
        if same and c.kind == "object" and same[0].kind == "object":
            raise AlignmentError(f"the instruction changes {c.source!r} twice ({same[0].target!r} and {c.target!r}); "
                                 "say once what it becomes.")
        kept.append(c)
    return kept, warnings


def _apply(prompt: str, clause: Clause, original: str) -> str:
    """Replace the clause's object in `prompt` (it must occur in the original source prompt)."""
    if clause.kind == "gender":  # 'make them female': every word that says the people's gender
        swapped = gender.swap(prompt, clause.target)
        if swapped is not None:
            return swapped
        people = slots.distinct(prompt, slots.slots(prompt, "category:person"))
        if len(people) == 1:  # 'a doctor with his stethoscope': 'a female doctor with her stethoscope'
            said = _apply(prompt, Clause(source=people[0], target=attribute_target(people[0], clause.target),
                                         kind="attribute"), original)
            return gender.swap(said, clause.target, pronouns_only=True) or said
        raise AlignmentError(
            f"no word of the source prompt {original!r} says whose gender to change (e.g. 'man', 'father'): "
            "name the person and what they become (e.g. 'make the doctor a woman'), or send source and target "
            "prompts.", code="no-slot")
    if clause.kind == "implicit" and prompt == original and _restates(original, clause.target):
        return clause.target  # 'make it a cat running on the beach': the value is the new description
    if clause.kind in ("setting", "implicit"):
        try:
            return _apply_slot(prompt, clause.target, None, original)
        except AlignmentError as exc:
            cls = slots.value_class(clause.target)
            if exc.code == "ambiguous" and clause.pronoun in slots.PLURAL_PRONOUNS and cls in lexicon.ATTRIBUTE_CLASSES \
                    and cls not in lexicon.SETTING_CLASSES:  # 'make them black' on 'a red barn next to a green
                # tractor': 'them' is every one of them, each with its word of the value's class
                return _replace_slots(prompt, slots.slots(prompt, cls), clause.target, cls)
            look = clause.target.lower().split()
            if exc.code in ("no-slot", "no-reference") and look and all(w in _PICTURE_LOOKS for w in look):
                # 'make it vintage' on 'a photo of a cat': how the picture looks, said of its medium ('a vintage
                # photo of a cat'), or as its style where it names none
                media = slots.slots(prompt, "medium")
                if len(slots.distinct(prompt, media)) == 1:
                    m = media[0]
                    return fix_articles(prompt[:m.start] + attribute_target(m.text(prompt), clause.target)
                                        + prompt[m.end:])
                return f"{prompt.rstrip(' ,.')}, in {clause.target} style"
            meant = _pronoun_object(prompt, clause) if exc.code in ("no-reference", "no-slot") else None
            actor = _pronoun_actor(prompt, clause) if exc.code == "no-reference" and meant is None else None
            if actor is not None:  # 'make it sit' on 'a dog lying on the grass': the dog's action
                return _apply(prompt, Clause(source=actor, target=clause.target, kind="verb"), original)
            if meant is None:
                _refuse_two_groups(prompt, clause, original, exc)
                raise
            return _apply(prompt, _about(meant, clause.target), original)
    if clause.kind == "relocate":
        cls = slots.value_class(clause.target)
        if cls is not None and not cls.startswith("category:"):  # "in winter instead": a setting or medium, not
            # a place ('a beach' is a place, of its kind)
            return _apply_slot(prompt, clause.target, None, original)
        return fix_articles(relocate(prompt, clause, original))
    behind = BEHIND.search(prompt) if clause.kind == "attribute" and clause.source.lower() in SURROUNDINGS \
        and locate(original, clause.source) is None else None
    if behind:  # 'make the background blue' on '... in front of a brick wall': what the subject is in front of
        return _apply(prompt, Clause(source=strip_det(behind.group("np")), target=attribute_words(clause, ""),
                                     kind="attribute", value_class=clause.value_class), original)
    if clause.kind == "style" and clause.form and leading_det(clause.target) and find_phrase(original, clause.form):
        # 'make the artist a robot' on 'a street artist painting a mural': the artist the picture shows
        return _apply(prompt, Clause(source=clause.form, target=clause.target, kind="object"), original)
    if clause.kind == "style":  # 'in the style of Picasso': the prompt's artist credit, else added for the picture
        named = _STYLE_OF_NAME.search(prompt)
        if named:  # '... in the style of van gogh': the style the prompt names
            return prompt[:named.start("name")] + clause.target + prompt[named.end("name"):]
        if slots.slots(prompt, "credit") and not NAMED_WORK.fullmatch(clause.target):  # (a work is no artist:
            return _apply_slot(prompt, f"by {clause.target}", "credit", original)  # 'by a Pixar movie')
        return f"{prompt.rstrip(' ,.')}, in the style of {clause.target}"
    if clause.kind == "contents":  # 'fill the glass with milk' on 'a glass of red wine': the wine
        held = re.search(rf"\b{re.escape(clause.source)}\s+of\s+(?P<np>[\w'-]+(?:\s+(?!(?:on|in|at|with|and|near|by|"
                         r"under)\b)[\w'-]+)?)", prompt, re.I)
        if held is None:
            raise AlignmentError(
                f"the source prompt {original!r} does not say what the {clause.source} holds, so there is nothing "
                f"to replace with {clause.target!r} (adding is not an OIR edit): describe it (e.g. 'a "
                f"{clause.source} of water'), or send source and target prompts.", code="no-slot",
                suggestion={"source_prompt": f"<{original}, saying what the {clause.source} holds>",
                            "target_prompt": f"<the same, holding {clause.target}>"})
        return _apply(prompt, Clause(source=held.group("np"), target=clause.target, kind="object"), original)
    if clause.kind == "object" and clause.source.lower() in SURROUNDINGS:
        return fix_articles(new_surroundings(prompt, clause, original))
    if clause.kind == "verb" and len(clause.target.split()) > 1:  # 'make the teddy bear a robot': 'bear' is the
        word, rest = clause.target.split(None, 1)  # second word of the prompt's object, not a verb
        whole = f"{clause.source} {word}"
        if find_phrase(original, whole) is not None and leading_det(rest):
            return _apply(prompt, Clause(source=whole, target=rest, kind="object"), original)
        if find_phrase(original, whole) is not None and is_attribute(rest):  # 'make the teddy bear pink'
            return _apply(prompt, Clause(source=whole, target=attribute_target(whole, rest), kind="attribute"),
                          original)
    after = _participle_after(prompt, clause)
    if after is not None:  # 'the sitting cat' -> 'a standing cat' on 'a cat sitting on a chair'
        return after
    where = _positional_reference(original, clause.source) if prompt == original else None
    if where is not None:  # 'the left dog': that object, by its own position words in the source prompt
        return _apply_at(prompt, where, clause, original)
    _unplaced_group(prompt, clause.source, original)
    one = _one_reference(original, clause.source)
    if one is not None:  # 'make the red one blue': the object with those words, in the source prompt
        value = attribute_words(clause, "") if clause.kind == "attribute" else clause.target
        return _apply(prompt, Clause(source=one, target=value, kind=clause.kind, prep=clause.prep), original)
    part = re.match(r"^(?P<part>.+?)\s+of\s+(?:(?:the|a|an|its|his|her|their)\s+)?(?P<owner>.+)$", clause.source, re.I)
    if part and clause.kind in ("object", "attribute") and find_phrase(prompt, clause.source) is None \
            and locate(prompt, part.group("part")) is not None:  # 'the leaves of the tree': the leaves (the
        return _apply(prompt, replace(clause, source=part.group("part"),  # tree only says whose they are)
                                      target=clause.target.replace(clause.source, part.group("part"))), original)
    ref = clause.source.lower()
    pronoun = ref in slots.PERSON_PRONOUNS or ref in slots.PRONOUNS  # 'make her a boy' on 'a girl with her arms
    # crossed': the person, never the prompt's own possessive or 'on it'
    span = None if pronoun else locate(prompt, clause.source, grow=clause.kind == "attribute")
    if span is not None and clause.kind in ("object", "attribute"):
        _refuse_one_of_many(prompt, span, clause.source, original)
    owned = _owned_mention(prompt, clause) if clause.kind in ("object", "attribute") else None
    if owned is not None:  # "make the boy's balloon green" on 'a girl with a red balloon and a boy with a blue
        return _apply_at(prompt, *owned, original)  # balloon': the balloon named after its owner
    media = slots.slots(prompt, "medium") if span is not None and clause.kind == "object" and ref in slots.MEDIUM \
        and slots.value_class(clause.target) == "medium" else []
    if len(media) == 1 and media[0].start < span[0] < media[0].end:  # 'make the mural a 3D illustration' on 'Wall
        return _apply_slot(prompt, clause.target, "medium", original)  # Mural - ...': the medium with its kind noun
    if span is None and "'s " in clause.source:  # "the bear's mouth": the mouth, where the prompt names it
        owned = clause.source.split("'s ", 1)[1]
        if locate(prompt, owned) is not None:
            return _apply(prompt, Clause(source=owned, target=clause.target.replace(clause.source, owned),
                                         kind=clause.kind, prep=clause.prep), original)
        owner = clause.source.split("'s ", 1)[0]
        if clause.form and clause.kind == "attribute" and locate(prompt, owner) is not None:
            # 'make the woman raise her arms' on 'a woman standing in a field': no arms named, so the action
            return _apply(prompt, Clause(source=owner, target=clause.form, kind="verb"), original)
        if owned.lower() in _WORN_AS_ADJECTIVE and clause.kind == "attribute" and locate(prompt, owner) is not None:
            # "change the woman's hair to red" on "a woman walking": 'a red-haired woman' (her look, said of her)
            look = f"{attribute_words(clause, '')}-{_WORN_AS_ADJECTIVE[owned.lower()]}"
            return _apply(prompt, replace(clause, source=owner, target=attribute_target(owner, look)), original)
        length = {lexicon.attribute_class(w) for w in attribute_words(clause, "").split()} & {"size", "shape"}
        if owned.lower() in ("fur", "coat") and length and clause.kind == "attribute" \
                and locate(prompt, owner) is not None:  # "make the cat's fur long": 'a long-haired cat' (a length is
            look = f"{attribute_words(clause, '')}-haired"  # no look of the cat itself: 'a long cat')
            return _apply(prompt, replace(clause, source=owner, target=attribute_target(owner, look)), original)
        if owned.lower() in SURFACES and clause.kind == "attribute" and locate(prompt, owner) is not None:
            # "make the cat's fur white" on "a cat on a sofa": the fur is the cat's look, an attribute of the cat
            return _apply(prompt, replace(clause, source=owner, target=attribute_words(clause, "")), original)
    if span is None and (pronoun or locate(original, clause.source) is None):
        value = attribute_words(clause, "") if clause.kind == "attribute" else clause.target
        named = slots.CLASS_NOUNS.get(ref, "medium") if ref in slots.CLASS_NOUNS or ref.endswith(" style") else None
        known = set().union(*(lexicon.attribute_classes(w) for w in value.split()))  # ('calm': a weather too)
        if named and not (named in lexicon.SETTING_CLASSES and known and named not in known):
            # "change the artist to X", "make the season winter", "the painting style"; a scene class noun takes
            # only a value of its class, or one the lexicon does not know ('make the sky stormy'; 'the sky' +
            # 'pink' is no weather)
            return _apply_slot(prompt, value, named, original)
        if ref in slots.MEDIUM and clause.kind == "object":  # "turn the painting into ..." on "oil on paper": the
            return _apply_slot(prompt, clause.target, "medium", original)  # picture's medium, in its own words
        named = strip_det(clause.target).split()
        if clause.kind == "place" and ref in slots.PRONOUNS and ref not in slots.PERSON_PRONOUNS and named \
                and (named[0][:1].isupper() or lexicon.is_place(named[-1])) \
                and slots.value_class(clause.target) not in lexicon.SETTING_CLASSES:  # (not 'set it on fire')
            # 'put it on a beach': the thing a describing sentence is about, else the whole scene
            root = _root_noun(prompt) if _described(prompt) else None
            if root is not None:
                return _apply(prompt, replace(clause, source=root.text), original)
            return fix_articles(relocate(prompt, replace(clause, kind="relocate"), original))
        if ref in slots.PERSON_PRONOUNS or ref in slots.PRONOUNS:  # "make her old", "make them elephants"
            cls = "category:person" if ref in slots.PERSON_PRONOUNS else None
            many = _plural_objects(prompt) if ref in slots.PLURAL_PRONOUNS else []
            value = attribute_words(clause, "") if clause.kind == "attribute" else clause.target
            if len(many) == 1 and (clause.kind == "attribute" or (slots.value_class(value) or "category:")
                                   .startswith("category:")):  # 'make them waffles' on 'a stack of pancakes'
                return _apply(prompt, replace(clause, source=many[0], target=value), original)
            if clause.kind == "attribute" or cls:
                found = slots.distinct(prompt, slots.slots(prompt, cls)) if cls else []
                sex = gender.gendered(ref)
                if len(found) > 1 and sex and len([f for f in found if gender.gendered(f.split()[-1]) == sex]) == 1:
                    found = [f for f in found if gender.gendered(f.split()[-1]) == sex]  # 'her' on 'a woman holding
                    # a baby': the one person the pronoun's gender says
                if len(found) == 1:
                    value = attribute_words(clause, "") if clause.kind == "attribute" else clause.target
                    return _apply(prompt, replace(clause, source=found[0], target=value), original)  # its
                    # preposition too ('put him in space')
            if clause.kind != "attribute":
                return _apply_slot(prompt, clause.target, None, original)
    if span is None and (ref in _WORN_AS_ADJECTIVE or ref in SURFACES) and clause.kind == "attribute":  # 'make her
        # hair blonde' on 'a girl reading a book', 'make its fur brown' on 'a dog wagging its tail'
        owners = slots.distinct(prompt, slots.slots(prompt, "category:person") + slots.slots(prompt, "category:animal"))
        if len(owners) == 1:  # the one person or animal's hair or fur
            return _apply(prompt, replace(clause, source=f"{owners[0]}'s {ref}"), original)
    said = lexicon.WEATHER_LOOKS.get(ref)
    if span is None and said and find_phrase(prompt, said) is not None and clause.kind == "object":  # 'change the
        new = strip_det(clause.target).lower()  # snow to rain' on 'a snowy street': the weather said as its look
        look = lexicon.WEATHER_LOOKS.get(new, new if lexicon.attribute_class(new) == "weather" else None)
        if look is not None:
            return _apply(prompt, Clause(source=said, target=look, kind="attribute"), original)
    if span is None and not pronoun and locate(original, clause.source) is not None:
        raise AlignmentError(f"the instruction changes {clause.source!r} more than once (an earlier change already "
                             "replaced it); say once what each object becomes.")
    acted = re.fullmatch(r"(?P<x>[\w'-]+)\s+(?P<v>[a-z]+)", clause.source) \
        if span is None and clause.kind in ("object", "verb") else None
    doer = locate(prompt, acted.group("x")) if acted else None
    if doer is not None and (re.search(rf"\b{re.escape(verbs.ing(acted.group('v')))}\b", prompt, re.I) or (
            not lexicon.known_word(acted.group("v")) and verbs.is_verb_phrase(f"{acted.group('v')} {clause.target}")
            and verbs.verb_span(prompt, *doer, f"{acted.group('v')} {clause.target}") is not None)):
        # 'make the dog chase a rabbit' on 'a dog chasing a cat': the parser read 'dog chase' as one noun; the
        # prompt's 'chasing' says it is the dog's action, with a new object; or the dog does something else in
        # the prompt ('make the dragon breathe fire' on 'a dragon flying over a castle'): a new action
        return _apply(prompt, Clause(source=acted.group("x"), target=f"{acted.group('v')} {clause.target}",
                                     kind="verb"), original)
    if span is None and clause.kind == "object" and strip_det(ref) in _PLACE_KINDS and clause.target[:1].isupper():
        # 'change the city to Florence' on 'Venice. by NAME': the place the scene is in
        return fix_articles(relocate(prompt, Clause(source="", target=clause.target, kind="relocate", prep="in"),
                                     original))
    if span is None and clause.kind == "object" and lexicon.attribute_class(strip_det(ref)) in lexicon.SETTING_CLASSES \
            and slots.value_class(clause.target) in lexicon.SETTING_CLASSES:  # 'turn day into night' on a prompt that
        return _apply_slot(prompt, clause.target, None, original)  # does not say it is day: the scene's time
    worn = lexicon.PATTERN_NOUNS.get(strip_det(ref)) if span is None and clause.kind in ("object", "attribute") \
        else None
    said = list(re.finditer(rf"\b{re.escape(worn)}\b", prompt, re.I)) if worn else []
    if len(said) == 1:  # 'change the stripes to checks' on 'a striped shirt': the pattern the prompt describes with
        new = strip_det(attribute_words(clause, "") if clause.kind == "attribute" else clause.target).lower()
        new = lexicon.PATTERN_NOUNS.get(new, new)
        if lexicon.attribute_class(new) == "pattern":
            return prompt[:said[0].start()] + new + prompt[said[0].end():]
    typo = _misspelt(original, clause.source) if span is None and not pronoun else None
    if typo is not None:  # 'swap cangle with sword' on 'girl-with-a-candle': the one prompt word a letter away
        target = re.sub(rf"\b{re.escape(clause.source)}\b", typo, clause.target, flags=re.I)
        return _apply(prompt, replace(clause, source=typo, target=target), original)
    if span is None:
        value = clause.target
        raise AlignmentError(
            f"the instruction mentions {clause.source!r}, which is not in the source prompt {original!r}: name the "
            "object with the source prompt's words, or, if the image shows it, describe it in source_prompt (e.g. "
            f"source_prompt {original + ', with ' + with_article(clause.source)!r}).", code="not-found",
            suggestion={"source_prompt": f"{original}, with {with_article(clause.source)}",
                        "target_prompt": f"{original}, with {with_article(value)}"})
    acting = re.fullmatch(r"(?P<part>[\w-]+ing)\s+(?P<noun>[\w-]+)", clause.source.strip(), re.I)
    doing = acting and find_phrase(prompt, clause.source) is None and [m for m in re.finditer(
        rf"\b({re.escape(acting.group('noun'))})\s+{re.escape(acting.group('part'))}\b", prompt, re.I)]
    if doing and len(doing) == 1 and clause.kind in ("object", "attribute"):  # 'the running dog' on 'a dog sitting
        # and a dog running': the mention whose own participle it is
        noun = replace(clause, source=acting.group("noun"),
                       target=re.sub(rf"\b{re.escape(acting.group('part'))}\s+", "", clause.target, flags=re.I))
        return _apply_at(prompt, doing[0].span(1), noun, original)
    mentions = find_all(prompt, prompt[span[0]:span[1]]) if clause.kind in ("object", "attribute") else [span]
    heads = [m for m in mentions if prompt[m[0]:m[1]].split()[-1].lower() not in compound_nouns(prompt, *m)]
    if len(mentions) > 1 and len(heads) == 1:  # 'change the school to a hospital' on 'a school bus ... a school':
        mentions, span = heads, heads[0]  # a noun naming another's kind is no mention of the thing
    if len(mentions) > 1:
        return _every_mention(prompt, mentions, clause, original)
    return _apply_at(prompt, span, clause, original)


def _misspelt(prompt: str, ref: str) -> str | None:
    """The prompt's word a one-word reference misspells: five letters or more, not a word the lexicon knows, and
    exactly one distinct prompt word one edit away ('cangle' -> 'candle'); else None."""
    if not re.fullmatch(r"[a-z]{5,}", ref, re.I) or lexicon.known_word(ref):
        return None
    near = {w.lower() for w in re.findall(r"[^\W\d_]+", prompt) if len(w) >= 4 and lexicon.one_edit_apart(w, ref)
            and not lexicon.is_attribute_word(w)}  # a look (striped) is no misspelt object (stripes)
    return near.pop() if len(near) == 1 else None


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][\w'-]*", text.lower()) if w not in nlp.FUNCTION_WORDS | nlp.DETERMINERS}


_RESTATED = re.compile(r"^(?:(?:the\s+)?(?:target|target\s+prompt|new\s+prompt|result|output)\s*:\s*)", re.I)


def _restates(prompt: str, value: str) -> bool:
    """A value that describes the picture again ('a cat running on the beach' for 'a dog running on the beach'): three
    words or more that say where or what is done, and at least half of the prompt's content words (two or more)."""
    words, said = _content_words(prompt), _content_words(value)
    shared = words & said
    scene = re.search(r"\b(?:on|in|at|with|under|near|by|beside)\s|\w+ing\b", value, re.I)  # where, or doing what
    return len(value.split()) >= 3 and bool(scene) and len(shared) >= 2 and 2 * len(shared) >= len(words) \
        and said != words


def _every_mention(prompt: str, mentions: list[tuple[int, int]], clause: Clause, original: str) -> str:
    """A reference the prompt names more than once. Each mention introduced as an object of its own ('a cat on the
    left and a cat on the right'): two objects the reference could mean, refused with every reading, unless the
    reference is their plural ('make the cats black': each). Otherwise the
    mentions name one thing ('Portraits of Dogs ... Dogs in the snow', 'a cat ... the cat'): each is changed."""
    introduced = [m for m in mentions if _introduced(prompt, m)]
    ref = clause.source.split()[-1].lower() if clause.source.split() else ""
    every = len(introduced) > 1 and singular(ref) != ref and all(
        singular(prompt[a:b].split()[-1].lower()) == prompt[a:b].split()[-1].lower() for a, b in mentions)
    if every and clause.kind == "object" and nlp.singular_last(strip_det(clause.target)) != strip_det(clause.target):
        clause = replace(clause, target=with_article(nlp.singular_last(strip_det(clause.target))))  # 'the dogs' +
        # 'cats' on 'a dog ... and a dog ...': each dog a cat
    if len(introduced) > 1 and not every:
        readings = [_apply_at(prompt, m, clause, original) for m in mentions]
        raise AlignmentError(
            f"{prompt[mentions[0][0]:mentions[0][1]]!r} names {len(mentions)} objects in {original!r}: say which to "
            f"change (e.g. by its position, 'the {without_place(clause.source)} on the left'), or send the target "
            "prompt you mean.",
            code="ambiguous", suggestion={"readings": [{"source_prompt": original, "target_prompt": r}
                                                       for r in readings]})
    out = prompt
    later = replace(clause, target=strip_det(clause.target)) if clause.kind == "object" else clause
    for k, m in reversed(list(enumerate(mentions))):  # right to left: earlier spans stay valid
        out = _apply_at(out, m, clause if k == 0 else later, original)  # a later mention keeps its 'the'
    return out


def _participle_after(prompt: str, clause: Clause) -> str | None:
    """'change the sitting cat to a standing cat' on 'a cat sitting on a chair': the reference's participle is the
    prompt's, written after the noun; the value's participle takes its place there. None for any other reference."""
    ref, value = clause.source.lower().split(), strip_det(clause.target).lower().split()
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
        feeling = verbs.ing(clause.target) if len(clause.target.split()) == 1 else ""
        moods = slots.slots(prompt, "emotion") if lexicon.attribute_class(feeling) == "emotion" else []
        if len(moods) == 1:  # 'make the woman smile' on '... with a neutral expression standing ...': the
            m = moods[0]  # expression changes, not the pose
            return fix_articles(prompt[:m.start] + feeling + prompt[m.end:])
        worn = verbs.new_object(clause.target) if clause.target.split()[0].lower() in ("wear", "wears") else None
        clothes = slots.distinct(prompt, slots.slots(prompt, "category:clothing")) if worn else []
        there = [c for c in clothes if lexicon.worn_at(c) == lexicon.worn_at(strip_det(worn))]
        if len(there) == 1 and find_phrase(prompt, strip_det(worn)) is None:  # 'make him wear a tuxedo' on 'a man
            # in a blue suit': the one thing he wears there is what changes (an addition when he wears nothing named
            # there: sunglasses do not replace a hat, a hat not a shirt)
            return _apply(prompt, Clause(source=there[0], target=worn, kind="object"), original)
        swap = verbs.same_action_object(prompt, start, end, clause.target) if not clothes else None
        if swap is not None:  # 'make the man read a newspaper' on '... reading a book': the book is replaced, by
            o0, o1, new = swap  # the object rules (its article, what a container held)
            return _apply_at(prompt, (o0, o1), Clause(source=prompt[o0:o1], target=new, kind="object"), original)
        where = verbs.verb_span(prompt, start, end, clause.target, clause.form or None)
        if where is not None and lexicon.attribute_class(feeling) == "emotion" \
                and lexicon.attribute_class(prompt[where[0]:where[1]].split()[0]) != "emotion":
            where = None  # 'make the girl smile' on 'a girl sitting/reading ...': an expression beside what she does
        if where is None and len(clause.target.split()) == 1 \
                and lexicon.attribute_class(verbs.ing(clause.target)) in ("state", "emotion"):
            # 'a dog' + 'smile' -> 'a smiling dog': a pose or expression the lexicon knows, as the object's state
            # (replacing one of its class: 'closed tulips' + 'bloom' -> 'blooming tulips')
            g0, g1 = grow_to_modifiers(prompt, (start, end))
            return fix_articles(prompt[:g0] + attribute_target(prompt[g0:g1], verbs.ing(clause.target)) + prompt[g1:])
        if where is None and len(clause.target.split()) == 1 and not clause.stated and _lifeless(found) \
                and clause.target.lower() not in _ASPECT_VERBS:
            # 'make the tea coffee': a drink does not act, so the word the parser took for a verb is the new object
            return _apply_at(prompt, span, replace(clause, kind="object"), original)
        if where is None:
            raise AlignmentError(
                f"the source prompt {original!r} does not say what {found!r} is doing, so there is no pose or action "
                f"to change: describe it (e.g. '{with_article(found)} standing ...'), or send source and target "
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
        said = verbs.new_object(clause.target)
        named = said and find_phrase(original, strip_det(said).split()[-1])
        if said and named is not None and strip_det(said).lower() != original[named[0]:named[1]].lower() \
                and find_phrase(prompt, strip_det(said).split()[-1]) is not None:
            # 'the man is wearing a red shirt' on 'a man in a blue shirt ...': the shirt the prompt has, anew
            return _apply(prompt, Clause(source=strip_det(said).split()[-1], target=said, kind="object"), original)
        added = verbs.new_object(words) if len(prompt[v0:v1].split()) == 1 else None
        if worn and (clothes or not re.match(r"(?:wear|dress|in)\b", prompt[v0:v1], re.I)):
            added = strip_det(worn)  # 'make the woman wear glasses' on '... reading a book': what one wears is worn
            # while doing anything; it does not take the reading's place (an addition unless it replaces a thing worn)
        if added is not None and find_phrase(original, added.split()[-1]) is None:
            # 'the cat is wearing a hat' on 'a cat sitting ...': the hat is added (and the sitting need not go)
            instead = prompt[:v0] + words + prompt[v1:]
            raise AlignmentError(
                f"{words!r} adds {added!r}, which is not in the source prompt {original!r}, and {prompt[v0:v1]!r} need "
                f"not stop: adding an object is not an OIR edit. If {prompt[v0:v1]!r} should become {words!r}, send "
                f"target_prompt {instead!r}; or replace something the image has (e.g. 'replace the <object> with "
                f"{added}').", code="unsupported",
                suggestion={"readings": [{"source_prompt": original, "target_prompt": instead}]})
        return prompt[:v0] + words + prompt[v1:]
    if clause.kind == "place":
        return fix_articles(move(prompt, end, clause, original))
    if clause.kind == "attribute" and clause.value_class in ("season", "time") \
            and lexicon.attribute_class(attribute_words(clause, found)) == clause.value_class \
            and any(not start <= f.start < end for f in slots.slots(prompt, clause.value_class)):
        # 'make the city day' on 'a city at night': the scene's time the prompt states changes, not the city's look
        return _apply_slot(prompt, attribute_words(clause, found), None, original)
    if clause.kind == "attribute":
        new_words = attribute_words(clause, found)
        part = next((m for w in new_words.split() if (m := _OF_A_PART.fullmatch(w))), None)
        named = find_phrase(prompt, _PARTS[part.group("part").lower()]) if part else None
        if named is not None:  # 'make her gray haired' on 'a woman with red hair': the hair the prompt names changes
            # ('a gray-haired woman with red hair' said both); the rest of the value is said of the person
            said = _apply(prompt, Clause(source=prompt[named[0]:named[1]], target=attribute_target(
                prompt[named[0]:named[1]], part.group("v")), kind="attribute"), original)
            rest = " ".join(w for w in new_words.split() if w != part.group(0)).strip()
            rest = re.sub(r"^(?:and|or)\s+|\s+(?:and|or)$", "", rest).strip()
            if not rest:
                return said
            return _apply(said, replace(clause, target=attribute_target(clause.source, rest)), original)
        moods = slots.slots(prompt, "emotion") if clause.value_class == "emotion" else []
        worn_look = [m for m in slots.slots(prompt, "emotion") if re.fullmatch(
            r"\s+with\s+(?:a|an|the|his|her|its|their)\s+", prompt[end:m.start])] if not moods and new_words.split() \
            and all(lexicon.attribute_class(w) == "emotion" for w in new_words.split()) else []
        if len(worn_look) == 1 and len(new_words.split()) == 1:  # "change the woman's mood to sad" on 'a woman with
            # a neutral expression': the expression she has, right after her, changes ('a sad woman with a neutral
            # expression' said both)
            return fix_articles(prompt[:worn_look[0].start] + new_words + prompt[worn_look[0].end:])
        felt = [m for m in slots.slots(prompt, "emotion") if not start <= m.start < end
                and re.fullmatch(r"[a-z]+ing", m.text(prompt))] if not moods and new_words.split() and all(
            lexicon.attribute_class(w) == "emotion" for w in new_words.split()) else []
        if len(felt) == 1:  # 'make her look sad' on '... a woman with red hair smiling': the smile goes ('a sad woman
            # ... smiling' said both)
            return prompt[:felt[0].start] + f"looking {new_words}" + prompt[felt[0].end:]
        if len(moods) == 1 and not start <= moods[0].start < end and len(new_words.split()) == 1:
            # "change the man's expression to smiling" on 'a man with a serious face': the expression the prompt
            # states changes, as 'make the man smile' does
            return fix_articles(prompt[:moods[0].start] + new_words + prompt[moods[0].end:])
        after = re.match(r"\s+([\w-]+)", prompt[end:])
        switched = re.fullmatch(r"switched-(on|off)", new_words)
        if after and switched and after.group(1).lower() in ("on", "off") \
                and re.match(r"\s*(?:$|[,.;]|(?:and|with|while|at|in)\b)", prompt[end + after.end(1):]):
            # 'its headlights on' + 'switched-off' (not 'a lamp on a desk': a place)
            return prompt[:end + after.start(1)] + switched.group(1) + prompt[end + after.end(1):]
        if after and after.group(1).lower() not in nlp.FUNCTION_WORDS \
                and lexicon.attribute_class(after.group(1)) is not None and lexicon.attribute_class(after.group(1)) \
                in {lexicon.attribute_class(w) for w in new_words.split()} \
                and verbs.is_pose(after.group(1)) == any(verbs.is_pose(w) for w in new_words.split()):
            # 'its mouth closed' + 'open' (a pose only for a pose: not 'a dog burning on the beach')
            a0, a1 = end + after.start(1), end + after.end(1)
            return prompt[:a0] + new_words + prompt[a1:]
        before = re.search(r"([\w-]+)\s+$", prompt[:start])
        new_classes = frozenset({clause.value_class}) if clause.value_class else \
            frozenset().union(*(lexicon.attribute_classes(w) for w in new_words.split()))
        new_classes = lexicon.as_rivals(new_classes)
        made = re.match(r"\s+made\s+(?:out\s+)?(?:of|from)\s+(?P<m>[\w-]+)", prompt[end:])
        if made and "material" in new_classes and len(new_words.split()) == 1:  # 'a chair made of wood' + 'plastic':
            # what it is made of changes there (and an old material word before it goes: 'a wooden table made of oak')
            g0, _ = grow_to_modifiers(prompt, (start, end))
            words = prompt[g0:end].split()
            kept = [w for w in words[:-1] if lexicon.attribute_class(w) != "material"] + words[-1:]
            noun = _MATERIAL_NOUN.get(new_words.lower(), new_words)
            return fix_articles(prompt[:g0] + " ".join(kept) + prompt[end:end + made.start("m")] + noun
                                + prompt[end + made.end("m"):])
        if before and new_classes.intersection(lexicon.attribute_classes(before.group(1))):  # 'a stormy ocean' + 'calm': a
            start, found = before.start(1), prompt[before.start(1):end]  # scene word of the value's class too
        elif before and before.group(1).lower() in compound_nouns(prompt, before.start(1), start):
            start, found = before.start(1), prompt[before.start(1):end]  # 'pine trees' + 'bare': 'bare pine trees'
        lead = list(re.finditer(r"[\w-]+", prompt[:start]))[-3:]
        named = kind_name_length([w.group() for w in lead], found.lower()) if lead and found.split() else 0
        if named:  # 'air balloon' + 'striped': the kind's whole name, 'a striped hot air balloon'
            start = lead[-named].start()
            found = prompt[start:end]
        target = _grown_up(attribute_target(found, new_words, clause.value_class), new_words)
        target = settle_shades(target)
    else:
        target = without_frame(prompt[:start], target)
        held = _HELD.match(prompt[end:])
        holds = lexicon.CATEGORIES["container"]
        framed, own = FRAMED.match(target), _HOLDER.search(prompt[:start])
        if framed and own and framed.group("frame").split()[-2].lower() in holds | _PORTION_WORDS \
                and own.group("w").lower() in holds | _PORTION_WORDS:  # 'a plate of spaghetti' + 'a bowl of
            start = own.start()  # ramen': the value brings its own container, which replaces the prompt's
        if held and found.split()[-1].lower() in holds and strip_det(target).split()[-1].lower() not in holds \
                and not FRAMED.match(target):  # 'a cup of coffee' + 'a book': what the cup held goes with it
            end += held.end()
        elif held and found.split()[-1].lower() in _VIEWS and strip_det(target).split()[-1].lower() not in _VIEWS:
            # 'a view of the city' + 'mountains': what the view shows changes
            shows = re.match(r"\s+of\s+(?:(?:the|a|an|some)\s+)?", prompt[end:])
            start, end, target = end + shows.end(), end + held.end(), strip_det(target)
            if prompt[start - 2:start].lower() == "a " and nlp.singular_last(target) != target:
                start -= 2  # 'a view of a lake' + 'mountains': no article for a plural
        if found[:1].islower() and _names_kind(prompt, end) and not leading_det(target) and len(target.split()) <= 2 \
                and found.lower() != clause.source.lower() and singular(clause.source.lower()) == found.lower():
            target = nlp.singular_last(target)  # 'sunflower field' +
            # 'tulips' -> 'tulip field': a noun naming another's kind is singular (not in a title: capitals hide
            # names, 'Animal Watercolors')
        portion = _PORTION.search(prompt[:start])
        said = strip_det(target).lower().split()
        if portion and said and said[-1] in portion.group(0).lower().split():  # 'a slice of lemon' + 'an orange
            start = portion.start()  # slice': the value names the portion itself ('a slice of orange slice' before)
            target = target if leading_det(target) else with_article(target)
        elif portion and re.match(r"(?:a|an)\s", target, re.I) and (lexicon.category_of(
                strip_det(target).split()[-1]) not in (None, "food", "drink", "fruit", "vegetable", "flower")
                or nlp.singular_last(found) != found):
            # 'a ball of yarn' + 'a toy mouse': a thing of another kind is no portion of a material; it replaces
            # the ball too (a food keeps its portion: 'a slice of burger'); one thing for a pile of many ('a pile
            # of books' + 'a laptop') replaces the pile
            start = portion.start()
        said_after = re.match(r"\s+([\w-]+)", prompt[end:])
        again = said_after.group(1).lower() if said_after and said_after.group(1).lower().endswith("ing") else None
        body = strip_det(target).split()
        if again and len(body) > 1 and again in (body[0].lower(), body[-1].lower()):  # 'make the woman a robot
            # reading' on 'a woman reading ...': the value says again what the prompt says right after the object
            body = body[1:] if body[0].lower() == again else body[:-1]  # ('a robot reading reading' before)
            target = with_article(" ".join(body)) if leading_det(target) else " ".join(body)
        modified = re.match(r"\s+([\w-]+)", prompt[end:]) if found.split() and found.split()[-1].lower() in \
            compound_nouns(prompt, end - len(found.split()[-1]), end) else None
        if modified is None:
            start, target = agree_preposition(prompt, *replace_phrase(prompt, start, end, target), old=found)
        else:  # 'a bus stop' + 'a train', 'on a kitchen counter' + 'a garden': a modifier of the next noun keeps
            # that noun's preposition (the new place after the noun, 'on a counter in a garden', aligned as an
            # addition the engine cannot make)
            start, target = replace_phrase(prompt, start, end, strip_det(target))
    new = prompt[:start] + target + prompt[end:]
    return fix_articles(new)


_OF_A_PART = re.compile(r"(?P<v>[a-z]+)-(?P<part>haired|eyed)", re.I)  # a look said of its owner's part
_PARTS = {"haired": "hair", "eyed": "eyes"}
_MATERIAL_NOUN = {"wooden": "wood", "woolen": "wool", "woollen": "wool", "golden": "gold", "metallic": "metal",
                  "silken": "silk", "earthen": "clay"}  # 'made of ...' takes the noun
_VIEWS = frozenset({"view", "views", "vista", "panorama", "outlook"})  # what one sees of something
_PORTION_WORDS = frozenset({"ball", "piece", "slice", "stack", "pile", "heap", "bunch", "roll", "sheet", "block", "lump",
                            "bar", "spool", "skein", "bundle", "handful", "chunk", "scoop", "pair"})
_PORTION = re.compile(rf"\b(?:a|an|the|one)\s+(?:{'|'.join(sorted(_PORTION_WORDS))})\s+of\s+$", re.I)  # an amount
# of a material
_HOLDER = re.compile(r"\b(?:a|an|the|one|some)\s+(?P<w>[\w-]+)\s+of\s+$", re.I)  # 'a plate of ', right before
_PLACE_KINDS = frozenset({"city", "town", "country", "state", "place", "location", "destination", "region",
                          "province", "island", "village"})  # what a place's name names
_STYLE_OF_NAME = re.compile(r"\b(?:in\s+)?the\s+style\s+of\s+(?P<name>[^,.;:|()]+?)\s*(?=$|[,.;:|()])", re.I)
_HELD = re.compile(r"\s+of\s+(?:(?:the|a|an|some)\s+)?[\w'-]+(?:\s+(?!(?:on|in|at|with|and|near|by|under)\b)[\w'-]+)?",
                   re.I)  # what a container holds, right after it
_AGENTS = ("category:animal", "category:person", "category:pet", "category:toy")  # what can be posed


def _refuse_one_of_many(prompt: str, span: tuple[int, int], ref: str, original: str) -> None:
    """'make the brown horse black' on 'two horses in a field, one brown and one white': a singular reference whose
    own words are not on the plural the prompt names is one of them, which the prompt cannot point at (it gave 'two
    black horses'); refused with what to send."""
    words, found = ref.lower().split(), prompt[span[0]:span[1]].lower().split()
    if len(words) < 2 or not found or singular(found[-1]) == found[-1] or singular(found[-1]) != words[-1] \
            or all(w in found for w in words[:-1]):
        return
    raise AlignmentError(
        f"{ref!r} is one of the {prompt[span[0]:span[1]]!r} in {original!r}, which the source prompt does not tell "
        f"apart: describe each there (e.g. 'a {ref} and ...'), or send source and target prompts.", code="ambiguous",
        suggestion={"source_prompt": f"<{original}, with each of the {found[-1]} described>",
                    "target_prompt": "<the same, with the one to change changed>"})


def _owned_mention(prompt: str, clause: Clause) -> tuple[tuple[int, int], Clause] | None:
    """For "X's Y" where the prompt names Y more than once: the mention of Y that comes first after X (the prompt
    says whose it is by saying it after its owner: 'a boy with a blue balloon'), with the clause about it; None when
    Y is named once, X is not named, or no Y follows X."""
    if "'s " not in clause.source:
        return None
    owner, owned = clause.source.split("'s ", 1)
    whose, mentions = locate(prompt, owner), find_all(prompt, owned)
    after = [m for m in mentions if whose is not None and m[0] >= whose[1]]
    if len(mentions) < 2 or not after:
        return None
    span = grow_to_modifiers(prompt, after[0]) if clause.kind == "attribute" else after[0]
    return span, replace(clause, source=owned, target=clause.target.replace(clause.source, owned))


def _about(reference: str, value: str) -> Clause:
    """A clause that gives `reference` the value: a look ('black') or a new object."""
    if is_attribute(value):
        return Clause(source=reference, target=attribute_target(reference, value), kind="attribute")
    return Clause(source=reference, target=value, kind="object")


def _refuse_two_groups(prompt: str, clause: Clause, original: str, exc: AlignmentError) -> None:
    """'make them white' on 'a cat and a dog on a couch with two pillows': 'them' is the listed objects or the
    plural one; refused with both readings as retries."""
    if clause.pronoun not in slots.PLURAL_PRONOUNS or prompt != original:
        return
    listed, many = _coordinated(prompt), _plural_objects(prompt)
    if len(listed) < 2 or len(many) != 1:
        return
    readings = []
    for group in (listed, many):
        out = prompt
        try:
            for ref in group:
                out = _apply(out, _about(ref, clause.target), original)
        except AlignmentError:
            continue
        readings.append({"source_prompt": original, "target_prompt": out})
    if len(readings) == 2:
        raise AlignmentError(
            f"'them' could be {' and '.join(repr(r) for r in listed)} or {many[0]!r} in {original!r}: "
            f"{readings[0]['target_prompt']!r} or {readings[1]['target_prompt']!r}? Send the one you mean as "
            "target_prompt, or name the objects.", code="ambiguous", suggestion={"readings": readings}) from exc


def _pronoun_object(prompt: str, clause: Clause) -> str | None:
    """What an implicit clause's pronoun names when the value's class found nothing: 'them', the prompt's one plural
    object ('make them waffles' on 'a stack of pancakes'); 'it' with a new look, the one thing a sentence that
    describes the picture is about ('make it red' on 'a mug with a heart on it'); else None."""
    known = all(lexicon.attribute_class(w) or w.lower() in ("and", "or") for w in clause.target.split()) \
        and not _PICTURE_LOOKS.intersection(w.lower() for w in clause.target.split())
    if is_attribute(clause.target) and not known:  # 'make it nicer': a judgement, no look to give
        return None
    if clause.pronoun in slots.PLURAL_PRONOUNS:
        many = _plural_objects(prompt)
        return many[0] if len(many) == 1 and not _coordinated(prompt) else None  # 'a cat and a dog ... with two
        # pillows': the pillows or the cat and the dog
    if clause.pronoun != "it" or not _described(prompt) or not is_attribute(clause.target):
        return None
    root = _root_noun(prompt)
    if root is None or slots.value_class(root.text) == "category:person":
        return None
    return root.text


def _root_noun(prompt: str):
    """The token a describing sentence is about (its parse's root, when that is a noun), or None; of a picture ('a
    photo of a mug'), what it shows."""
    p = nlp.get_parser()
    root = next((t for t in p.nlp(prompt) if t.dep_ == "ROOT"), None) if p.parsed else None
    if root is not None and root.lower_ in slots.MEDIUM and root.lower_ not in ("statue", "sculpture", "carving"):
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        root = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return root if root is not None and root.pos_ == "NOUN" else None


def _pronoun_actor(prompt: str, clause: Clause) -> str | None:
    """'make it sit' on 'a dog lying on the grass': 'it' with a new action is the one animal a sentence that describes
    the picture is about, when it is doing something there (the prompt's root noun, with a verb of its own). The
    action is a pose the lexicon knows or a verb with words after it ('play with a ball'): 'it' with an unknown word
    is more often the picture's style ('make it cyberpunk')."""
    words = clause.target.split()
    if clause.pronoun != "it" or not _described(prompt) or not is_action("the thing", clause.target):
        return None
    if len(words) == 1 and lexicon.attribute_class(verbs.ing(words[0])) != "state" or len(words) > 1 and \
            words[1].lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS:  # 'make it cyberpunk' is a style; a
        return None  # pose the lexicon knows, or a verb with its object or place, is an action
    root = _root_noun(prompt)
    if root is None or slots.value_class(root.text) not in ("category:animal", "category:pet") \
            or not any(c.pos_ == "VERB" for c in root.children):
        return None
    return root.text


_PICTURE_LOOKS = frozenset({"vintage", "retro", "antique", "futuristic", "old-fashioned", "modern", "cinematic",
                            "moody", "dreamy", "dramatic", "surreal", "gritty", "ethereal", "whimsical",
                            "psychedelic", "noir", "minimalist"})  # 'make it
# vintage': how the picture looks, not its subject ('a vintage lion')


def _plural_objects(prompt: str) -> list[str]:
    """The different plural nouns of the prompt that name objects ('pancakes' in 'a stack of pancakes with syrup'),
    not where they are ('flying over mountains') nor a name."""
    p = nlp.get_parser()
    if not p.parsed:
        return []
    found = [t.text for t in p.nlp(prompt) if t.tag_ == "NNS" and t.text[:1].islower() and t.dep_ != "compound"
             and not (t.dep_ == "pobj" and t.head.lower_ in verbs.PLACES | verbs.DIRECTIONS)]
    return sorted(set(found), key=found.index)


_ASPECT_VERBS = frozenset({"stop", "end", "start", "begin", "cease", "finish", "continue", "go", "stay"})  # say
# when, not what: 'make the rain stop' names no new object


def _lifeless(phrase: str) -> bool:
    """Is the object a thing of a known category that cannot take a pose (a drink, food, furniture, a vehicle)?"""
    cls = slots.value_class(phrase.split()[-1]) if phrase.split() else None
    return cls is not None and (cls.startswith("category:") and cls not in _AGENTS or cls in lexicon.SETTING_CLASSES)


def _names_kind(prompt: str, end: int) -> bool:
    """Is the word ending at `end` a noun before another noun (a modifier naming its kind: 'sunflower field')?"""
    after = re.match(r"\s+([\w'-]+)", prompt[end:])
    return after is not None and after.group(1).lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS \
        and nlp.is_noun(after.group(1))


_GROWN = {"girl": "woman", "girls": "women", "boy": "man", "boys": "men", "child": "adult", "children": "adults",
          "kid": "adult", "kids": "adults"}


def _grown_up(target: str, new_words: str) -> str:
    """'make her old' on 'a girl' -> 'an old woman': a noun that says its person is young names the grown-up one when
    the value makes them old ('an old girl' says something else)."""
    words = target.split()
    if words and words[-1].lower() in _GROWN and {w.lower() for w in new_words.split()} & {"old", "older", "elderly",
                                                                                           "aged", "adult"}:
        return " ".join(words[:-1] + [_GROWN[words[-1].lower()]])
    return target


_MEDIUM_CREDIT = re.compile(r"(?P<medium>.+?)\s+(?P<credit>(?:by|in\s+the\s+style\s+of|in\s+the\s+manner\s+of)\s+\S.*)$",
                            re.I)
_MEDIUM_BY = re.compile(r"(?P<medium>.+?)\s+by\s+(?P<name>\S.*)$", re.I)
# 'a color photo', 'a black and white painting': a colour mode and a medium, each to the prompt's own phrase
_PALETTE_MEDIUM = re.compile(r"^(?:(?:a|an|the)\s+)?(?P<palette>black[\s-]+and[\s-]+white|b&w|monochrome|sepia|"
                             r"gr[ae]yscale|full[\s-]+colou?r|colou?r)\s+(?P<medium>\S.*)$", re.I)


_ON_SUPPORT = re.compile(rf"on\s+(?:(?:a|an)\s+)?(?:[\w-]+\s+)?(?:{'|'.join(sorted(slots.SUPPORTS))})(?:\s+board)?",
                         re.I)  # 'on canvas', 'on a wood panel', 'on wood board'


_OCCASION = re.compile(r"^(?:(?:a|an)\s+)?(?P<mods>(?:[\w-]+\s+){1,2})(?P<noun>day|night|morning|evening|afternoon)$",
                       re.I)  # 'a sunny day', 'a stormy winter night'
_SETTING_PHRASE = re.compile(r"\s*\b(?:at|in|on|during)\s+(?:(?:the|a|an)\s+)?$", re.I)


def _occasion(prompt: str, value: str) -> str | None:
    """'make it a sunny day' on 'a street at night in the rain': a value that says the weather or season with the
    time of day is one phrase ('on a sunny day') that takes the place of every phrase of those classes the prompt
    says where the scene is ('at night', 'in the rain'), or is added for the whole picture when it says none (an
    adjective, 'a snowy village', stays: it describes the village); None for another value."""
    m = _OCCASION.match(value.strip())
    if m is None or not all(lexicon.attribute_class(w) in ("weather", "season") for w in m.group("mods").split()):
        return None
    spans = []
    for cls in ("weather", "time", "season"):
        for slot in slots.slots(prompt, cls):
            prep = _SETTING_PHRASE.search(prompt[:slot.start])
            end = slot.end
            while (after := re.match(r"\s+([\w-]+)", prompt[end:])) and \
                    lexicon.attribute_class(after.group(1)) in ("weather", "time", "season"):
                end += after.end()  # 'on a rainy night': the phrase goes on to its noun
            if prep is not None:
                spans.append((prep.start(), end))
    phrase = "on " + with_article(strip_det(value.strip()))
    if not spans:  # 'a skier going down a snowy slope': the occasion is added for the whole picture (the slope's
        return f"{prompt.rstrip(' ,.')} {phrase}"  # own look stays)
    spans = sorted(set(spans))
    merged = [spans[0]]
    for a, b in spans[1:]:  # 'on a rainy night': the weather inside the time's phrase is one phrase with it
        if a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    out = prompt
    for k, (a, b) in reversed(list(enumerate(merged))):
        out = out[:a] + (" " + phrase if k == 0 else "") + out[b:]
    return fix_articles(out)


def _apply_slot(prompt: str, value: str, cls: str | None, original: str) -> str:
    """Replace the one phrase of `prompt` of the value's class (slots.py); refuse, with what to send, when the prompt
    has none or several different ones."""
    occasion = _occasion(prompt, value) if cls is None else None
    if occasion is not None:
        return occasion
    credit = _MEDIUM_BY.match(value)  # 'a photograph by NAME': a medium and a credit, each to the prompt's own phrase
    if cls is None and credit and slots.value_class(credit.group("medium")) == "medium" \
            and slots.slots(prompt, "medium"):
        has_credit = bool(slots.slots(prompt, "credit"))
        prompt = _apply_slot(prompt, credit.group("medium"), "medium", original)
        if has_credit:
            return _apply_slot(prompt, "by " + credit.group("name"), "credit", original)
        return f"{prompt.rstrip(' ,.')} by {credit.group('name')}"  # no credit yet: after the picture
    support = _ON_SUPPORT.fullmatch(value)
    media = slots.slots(prompt, "medium") if cls is None and support else []
    on = [(m, slots.SUPPORT_AFTER.search(m.text(prompt))) for m in media]
    on = [(m, o) for m, o in on if o]
    if len(on) == 1:  # 'have it be on canvas' on 'a watercolor on paper': what the medium is painted on
        (medium, old), = on
        at = medium.start + old.start()
        return prompt[:at] + " " + value.strip() + prompt[medium.end:]
    if support and len(media) == 1:
        said = media[0].text(prompt)
        raise AlignmentError(
            f"the source prompt {original!r} does not say what the {said} is on, so there is nothing for "
            f"{value.strip()!r} to replace (adding is not an OIR edit): say it in source_prompt (e.g. '{said} on "
            f"paper') and target_prompt ('{said} {value.strip()}').", code="unsupported",
            suggestion={"source_prompt": original.replace(said, f"{said} on <what it is on now>", 1),
                        "target_prompt": original.replace(said, f"{said} {value.strip()}", 1)})
    mode = _PALETTE_MEDIUM.match(value)
    if cls is None and mode and slots.value_class(mode.group("medium")) == "medium" \
            and slots.slots(prompt, "palette") and slots.slots(prompt, "medium"):
        prompt = _apply_slot(prompt, mode.group("palette"), "palette", original)
        medium = [s.text(prompt) for s in slots.slots(prompt, "medium")]
        if [m.lower() for m in medium] == [strip_det(mode.group("medium")).lower()]:
            return prompt  # 'a color photo' on 'a black and white photo': the medium stays
        return _apply_slot(prompt, mode.group("medium"), "medium", original)
    if cls is None and not is_attribute(value):  # "make it a modern hospital" on "old hospital": that phrase
        body = strip_det(value).split()
        tails = [" ".join(body[k:]) for k in range(len(body) - 1, 0, -1)]  # 'shed', 'shearing shed' (not all)
        found = [t for k, t in zip(range(len(body) - 1, 0, -1), tails) if find_phrase(prompt, t) is not None
                 and t.lower() not in slots.PRONOUNS and t.lower() not in slots.PERSON_PRONOUNS  # a pronoun names
                 # nothing here ('a big it' went round); a tail after a preposition or article is not the value's
                 and body[k - 1].lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS]  # head ('... the window')
        if found and len(body) > 1:  # the longest of the value's tails that the prompt names is the reference
            return _apply(prompt, Clause(source=found[-1], target=value if leading_det(value) else
                                         with_article(value), kind="object"), original)
    framed = FRAMED.match(value)
    if cls is None and framed:  # 'make it a bowl of spaghetti' on 'a bowl of ramen': what the frame holds
        after = re.search(rf"\b{re.escape(framed.group('frame'))}\s+(?:(?:a|an|the|some)\s+)?"
                          r"(?P<np>[\w'-]+(?:\s+[\w'-]+)?)", prompt, re.I)
        if after is not None:
            words = after.group("np").split()
            ref = words[0] if len(words) == 1 or words[1].lower() in nlp.FUNCTION_WORDS else " ".join(words)
            return _apply(prompt, Clause(source=ref, target=framed.group("rest"), kind="object"), original)
    if cls is None and len(slots.setting_classes(value)) > 1 and slots.value_class(value) in lexicon.SETTING_CLASSES:
        # 'a sunny day': weather or time of day; the one the prompt states is the reference ('in thick fog')
        cls = next((c for c in slots.setting_classes(value) if slots.slots(prompt, c)), None)
    mixed = {lexicon.attribute_class(w) for w in value.split() if w.lower() not in ("and", "or")}
    if cls is None and slots.value_class(value) is None and len(mixed) > 1 and None not in mixed:
        # 'melancholic and dark' on 'Joyous Memories': a look of words of several classes replaces the prompt's one
        # word of one of them, when it says just one
        said = [c for c in sorted(mixed) if slots.slots(prompt, c)]
        if len(said) == 1 and len(slots.distinct(prompt, slots.slots(prompt, said[0]))) == 1:
            cls = said[0]
    cls = cls or slots.value_class(value)
    if cls == "medium":  # an art movement is a painting's style ('impressionism' -> 'impressionist painting')
        value = slots.movement_style(value) or value
        style = strip_det(value)
        if style.lower().endswith(" style") and not slots.MEDIUM.intersection(style.lower().split()) \
                and slots.slots(prompt, "medium"):  # 'vintage style' on 'a photo of ...': a look for the picture,
            return f"{prompt.rstrip(' ,.')}, in {style}"  # which stays a photo
    if cls is None:
        raise AlignmentError(
            f"could not tell which words of the source prompt {original!r} the instruction's {value!r} should "
            f"replace: name them (e.g. 'change the <words> to {value}'), or send source and target prompts.",
            code="no-reference",
            suggestion={"source_prompt": original, "target_prompt": f"{original} (edit: replace the changed words "
                                                                    f"with {value!r})"})
    found = slots.slots(prompt, cls)
    if cls == "state" and strip_det(value).split():  # 'burning' takes no pose's place ('a dog burning on the beach')
        pose = verbs.is_pose(strip_det(value).split()[-1])
        found = [f for f in found if verbs.is_pose(f.text(prompt).split()[-1]) == pose]
    texts = slots.distinct(prompt, found)
    label = {"credit": "artist credit ('by ...')", "medium": "medium or style word (photo, painting, ...)"}.get(
        cls, cls.split(":")[-1] + " word")
    if not texts:
        media = slots.slots(prompt, "medium") if cls == "palette" else []
        if len(slots.distinct(prompt, media)) == 1 and not strip_det(value).lower().startswith("in "):
            # 'make it sepia' on 'a photo of a car': said before the medium, as captions say it ('a sepia photo')
            at = media[0].start
            return fix_articles(prompt[:at] + strip_det(value) + " " + prompt[at:])
        if cls in ADDED_GLOBALS:  # 'make it night' on 'a harbour': the phrase is added for the whole picture
            added = _assumed_setting(prompt, value, cls)
            if "<" not in added["target_prompt"]:
                return added["target_prompt"]
        suggestion = _assumed_setting(original, value, cls)
        if cls == "medium" and _described(prompt) and slots.value_class(value) == "medium" \
                and not slots.REALISM.intersection(value.lower().split()):
            # 'make it a watercolor painting' on 'a dog running on the beach': a sentence that describes the
            # picture takes the medium before it, as people write one ('a watercolor painting of a dog ...')
            return _assumed_setting(prompt[:1].lower() + prompt[1:], value, cls)["target_prompt"]
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
        kind_of = framed and re.search(rf"\b{re.escape(texts[0])}\s+{re.escape(framed.group('frame').split()[-2])}\b",
                                       prompt, re.I)
        if kind_of:  # 'a field of lavender' on 'a sunflower field': the field's kind changes ('a lavender field')
            value = strip_det(framed.group("rest"))
        return _apply(prompt, Clause(source=texts[0], target=value, kind="object"), original)
    return readings[0]


def _described(prompt: str) -> bool:
    """Is the prompt one lowercase sentence that describes what the picture shows ('a dog running on the beach'),
    not a title ('Fallen Leaves, Valley View') or a caption with names and credits?"""
    words = re.findall(r"[\w'-]+", prompt)
    return len(words) >= 2 and words[0].lower() in ("a", "an", "the", "two", "three", "some") and \
        not any(w[:1].isupper() or w[:1].isdigit() for w in words[1:]) and not re.search(r"[|:;()\"]", prompt)


def _assumed_setting(original: str, value: str, cls: str) -> dict:
    """Prompts for a value whose class the source prompt has no word of: the target adds the value's phrase (a
    whole-image pair: 'a watercolor painting of ...', '... at night'); the source is the prompt itself, or with the
    plainest phrase of that class (clear weather, daytime, summer) for a retry that states it. A class without a
    plain phrase: a placeholder to fill."""
    bare = strip_det(value)
    if len(bare.split()) > 1 and bare.split()[-1].lower() in lexicon.SETTING_HEAD_WORDS:  # 'a winter scene'
        bare = " ".join(bare.split()[:-1])
    noun = bare.split()[-1].lower() in lexicon.SETTING_NOUNS
    if cls == "medium" and bare.lower().endswith(" style"):  # 'in origami style': said after the picture
        now, new = "{}", "{}, in " + bare
    elif cls == "medium" and not leading_det(value) and bare.lower() in slots.STYLE_ONLY:  # 'make it anime': a style,
        now, new = "{}", "{}, in " + bare + " style"  # not 'an anime of ...'
    elif cls == "medium":  # added for the whole picture: no claim about what it is now ('pixel art' takes no 'a')
        credit = _MEDIUM_CREDIT.match(value)  # 'a painting in the style of Monet': the credit after what it shows
        said, tail = (credit.group("medium"), ", " + credit.group("credit")) if credit else (value, "")
        said = said if leading_det(said) or strip_det(said).lower().endswith(" art") else with_article(said)
        now, new = "{}", said + " of {}" + tail
    elif cls == "palette":  # 'make it black and white' on 'a car': '... , in black and white'
        now, new = "{}", "{}, " + (bare if bare.lower().startswith("in ") else "in " + bare)
    elif cls == "weather":
        now, new = "{} in clear weather", "{} in the " + bare if noun else "{} in " + bare + " weather"
        now = "{} on a rainy day" if bare.lower() in ("clear", "sunny", "sunshine") else now
    elif cls == "time":
        night = bare.lower() in ("night", "nighttime", "night-time", "midnight", "dusk", "evening", "twilight")
        at = bare.lower() in ("night", "nighttime", "night-time", "noon", "midnight", "dusk", "dawn", "sunset",
                              "sunrise", "midday", "twilight", "nightfall", "daybreak")
        now = "{} in the daytime" if night else "{} at night"
        new = ("{} at " if at else "{} during the " if bare.lower() in _DURING_TIMES else "{} in the " if noun
               else "{} in ") + bare
    elif cls == "season":
        now, new = ("{} in winter" if bare.lower() == "summer" else "{} in summer"), "{} in " + bare
    else:
        return {"source_prompt": original,
                "target_prompt": f"<source_prompt with the words that change replaced by {value!r}>"}
    return {"source_prompt": now.format(original), "target_prompt": new.format(original)}


def _replace_slots(prompt: str, found: list, value: str, cls: str) -> str:
    new = re.sub(r"^by\s+", "", value, flags=re.I) if cls == "credit" else strip_det(value) if leading_det(value) \
        else value
    words = new.split()
    if cls in lexicon.SETTING_HEADS and len(words) > 1 and words[-1].lower() in lexicon.SETTING_HEAD_WORDS:
        new = " ".join(words[:-1])  # 'midday lighting' for 'sunrise' -> 'midday'; a head is added back if needed
    nouns = [f for f in found if f.text(prompt).split()[-1].lower() in lexicon.SETTING_NOUNS]
    headed = cls in lexicon.SETTING_HEADS and nouns and all(w.lower() not in lexicon.SETTING_NOUNS for w in new.split())
    if headed:
        new = f"{new} {lexicon.SETTING_HEADS[cls]}"  # 'in thick fog' + 'sunny' -> 'in sunny weather'
    for f in sorted(found, key=lambda f: -f.start):
        text = new
        old = f.text(prompt).split()
        if cls == "medium" and old and old[-1].lower() in slots.MEDIUM and old[-1].lower() not in slots.MEDIUM_MODIFIERS \
                and all(w.lower() in slots.MEDIUM_MODIFIERS for w in new.split()):  # 'a photo' + '3D': 'a 3D photo'
            text = f"{new} {old[-1]}"
        if cls == "medium" and (text.lower().endswith(" art") or text.lower() in slots.STYLE_ONLY):  # 'a photo of' +
            # 'digital art' or 'anime': no article
            the = re.search(r"\b(?:a|an)\s+$", prompt[:f.start], re.I)
            if the:
                prompt, f = prompt[:the.start()] + prompt[f.start:], replace(f, start=the.start(),
                                                                              end=f.end - (f.start - the.start()))
        if cls == "palette":  # before a noun as a modifier ('a color photo'), else as a phrase ('..., in color')
            bare = re.sub(r"^in\s+", "", new, flags=re.I)
            after = re.match(r"\s*([\w'-]+)", prompt[f.end:])
            noun = after is not None and after.group(1).lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS \
                and after.group(1)[:1].islower() == prompt[f.start:f.start + 1].islower()
            text = bare if noun else "in " + bare
        start = f.start
        the = re.search(r"\b(?:the|a|an)\s+$", prompt[:start], re.I) if headed else None
        if the:  # 'in the rain' + 'sunny' -> 'in sunny weather', not 'in the sunny weather'
            start = the.start()
        said = re.search(r"\b(?:at|in\s+the)\s+$", prompt[:f.start], re.I) if cls == "time" else None
        if said and text.lower() in _IN_THE_TIMES | _AT_TIMES:  # 'at night' + 'daytime' -> 'in the daytime', 'in
            start = said.start()  # the morning' + 'dusk' -> 'at dusk': the preposition the new time takes
            text = ("in the " if text.lower() in _IN_THE_TIMES else "at ") + text
        sunlit = re.match(r"\s+(?:sun|sunlight|sunshine)\b", prompt[f.end:]) \
            if cls == "time" and new.lower() in _DARK_TIMES else None  # 'afternoon sun' + 'night': 'night', not
        prompt = prompt[:start] + text + prompt[f.end + (sunlit.end() if sunlit else 0):]  # 'night sun'
    return fix_articles(prompt)


_IN_THE_TIMES = frozenset({"morning", "afternoon", "evening", "daytime", "nighttime", "night-time"})
_DURING_TIMES = frozenset({"day"})
_DARK_TIMES = frozenset({"night", "nighttime", "night-time", "midnight"})  # when there is no sun
_AT_TIMES = frozenset({"night", "dawn", "dusk", "sunset", "sunrise", "noon", "midnight", "twilight", "midday",
                       "daybreak", "nightfall", "golden hour", "blue hour"})

