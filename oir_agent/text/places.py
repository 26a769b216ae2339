"""Places: the phrase that says where an object or the whole scene is ('in a park', 'on a beach'), moving an
object or the scene to a new one, and new surroundings ('change the background to a forest').
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import AlignmentError
from . import lexicon, nlp, slots
from .clauses import PREPS, Clause
from .phrases import fix_articles, leading_det, locate, phrase_start, replace_phrase, strip_det, with_article

# What surrounds the objects, when the prompt has no such word: the scene's one place phrase ('in a park')
SURROUNDINGS = frozenset({"background", "backdrop", "surroundings", "scenery", "environment", "location", "place"})
BEHIND = re.compile(r"\b(?:in\s+front\s+of|against)\s+(?P<np>(?:(?:the|a|an)\s+)?[\w-]+(?:\s+(?!(?:with|and|on|in|at|"
                    r"by|under|near)\b)[\w-]+)?)", re.I)  # the background of what stands in front of it
# The phrase ends before a participle that starts the subject's action ('in a blue suit standing in an office': the
# suit, not 'suit standing'); nouns in -ing ('in a building') go on.
_PARTICIPLE = rf"(?!(?:{'|'.join(sorted(nlp.ING_NOUNS))})\b)[a-z]+ing\b"
_PLACE = re.compile(rf"\b(?P<prep>{PREPS})\s+(?P<np>(?:(?:the|a|an|some|this|that|its|his|her|their)\s+)?"
                    rf"[\w-]+(?:\s+(?!(?:on|in|at|with|and|near|by|under|while|next|beside|behind)\b)(?!{_PARTICIPLE})"
                    r"[\w-]+)*)", re.I)


def move(prompt: str, after: int, clause: Clause, original: str) -> str:
    """'put the dog on a beach' on 'a dog lying on a carpet': the place phrase after the object becomes the new
    one ('on a beach'); the pair is the place ('carpet' -> 'beach')."""
    found = [m for m in _PLACE.finditer(prompt, after)  # not a credit ('by NAME') nor what the subject wears
             if not (m.group("prep").lower() == "by" and m.group("np")[:1].isupper()) and not _worn(m)]
    m = _of_its_scale(found, clause.target, prompt)
    if m is None:
        raise AlignmentError(f"the source prompt {original!r} does not say where {clause.source!r} is, so there is no "
                             "place to change: describe it in the source prompt (e.g. 'a dog lying on a carpet').")
    target = _place_value(clause.target)
    prep = clause.prep
    if prep in ("to", "into"):  # 'move X to Y': the preposition Y's place takes, else the prompt's own
        head = strip_det(clause.target).split()[-1].lower() if clause.target.split() else ""
        head = head if head in lexicon.PLACES else head.rstrip("s")
        prep = "on" if head in lexicon.ON_PLACES else "in" if head in lexicon.IN_PLACES else m.group("prep")
    return prompt[:m.start()] + f"{prep} {target}" + prompt[m.end():]


def _of_its_scale(found: list[re.Match], value: str, prompt: str) -> re.Match | None:
    """Of the place phrases after an object, the one a new place replaces: a thing to sit or stand on ('a sofa')
    replaces the thing the object is on ('on a bench'), a place of the scene's scale ('Rome', 'a beach') where the
    scene is ('in Paris', not the bench); the first one when none is of the value's scale."""
    head = (strip_det(value).split() or [""])[-1].lower()
    thing = (slots.value_class(strip_det(value)) or "").removeprefix("category:") in _THINGS or head in _SUPPORTS
    fits = [m for m in found if _holds_object(m) == thing and (thing or _is_place(m, prompt))]
    return fits[0] if fits else found[0] if found else None


# What one stands, sits or lies on, as a chair is: not where the scene is ('put the boy on the ground' on 'a boy on
# a donkey near a plantation': off the donkey)
_SUPPORTS = frozenset({"floor", "ground", "rug", "carpet", "mat", "blanket", "pillow", "cushion", "log", "rock",
                       "branch", "stump", "ledge", "windowsill", "roof", "box", "towel", "tray", "plate", "lap"})


def _holds_object(m: re.Match) -> bool:
    """'on a wooden bench', 'in a car': the place is an object (furniture, a vehicle, ...), not the scene."""
    words = strip_det(m.group("np")).split()
    return bool(words) and (slots.value_class(words[-1].lower().strip(",.")) or "").removeprefix("category:") in _THINGS


_IN_THE_BACKGROUND = re.compile(r"(?:\bwith|\band|,)\s+(?P<np>[^,]+?)\s+in\s+the\s+(?:far\s+)?background\b", re.I)


def new_surroundings(prompt: str, clause: Clause, original: str) -> str:
    """'change the background to a forest': new surroundings replace the old as a whole, preposition included
    ('on a white background' -> 'in a forest'; a place of unknown kind goes 'in front of'). A prompt without the
    word: its one place phrase ('sitting in the grass' -> 'sitting on a beach'), as a move of the whole scene."""
    span = locate(prompt, clause.source)
    scene = Clause(source="", target=clause.target, kind="relocate", prep="to")
    head = strip_det(clause.target).split()[-1].lower()
    shown = _IN_THE_BACKGROUND.search(prompt) if clause.source.lower() == "background" else None
    if shown and head not in SURROUNDINGS:  # '... with mountains in the background': what the background shows
        value = clause.target if leading_det(clause.target) else with_article(clause.target)
        return prompt[:shown.start("np")] + value + prompt[shown.end("np"):]
    if span is not None and head in SURROUNDINGS:  # 'a green background': the same background described anew
        start, text = replace_phrase(prompt, *span, clause.target)
        return prompt[:start] + text + prompt[span[1]:]
    behind = BEHIND.search(prompt) if span is None else None
    if behind:  # 'a man standing in front of a brick wall' + 'a mural', 'a woman against a gray wall' + 'a garden':
        # what is behind them, anew: a place they are in ('in a garden', 'on a beach'), else as it was said
        own = prompt[behind.start():behind.start("np")].strip()
        prep = own if head in _SKIES else "on" if head in lexicon.ON_PLACES else "in" \
            if head in lexicon.IN_PLACES or lexicon.is_place(head) else own
        return prompt[:behind.start()] + f"{prep} " + _place_value(clause.target) + prompt[behind.end():]
    if span is None:
        return relocate(prompt, scene, original)
    m = next((m for m in _PLACE.finditer(prompt) if m.start() <= span[0] < m.end()), None)
    if m is None:  # 'a white background with a vase': the whole phrase, its determiner and modifiers included
        det = re.search(r"\b(?:the|a|an|some)\s+$", prompt[:phrase_start(prompt, span[0])], re.I)
        start = det.start() if det else phrase_start(prompt, span[0])
        return prompt[:start] + _place_value(clause.target) + prompt[span[1]:]
    known = lexicon.is_place(head)
    return move(prompt, m.start(), scene if known else replace(scene, prep="in front of"), original)


_SKIES = frozenset({"sky", "skies", "skyline", "sunset", "sunrise", "horizon"})  # seen behind, never stood in
_BARE_PLACES = frozenset({"space", "outer space", "heaven", "hell", "nature"})  # places said without an article


def _place_value(target: str) -> str:
    """A new place as written in the prompt: its own determiner, none for a name ('Sweden') or a place said
    without one ('space'), 'the' for a weather ('in the snow'), else 'a'/'an'."""
    if leading_det(target) or target[:1].isupper() or target.lower() in _BARE_PLACES:
        return target
    if target.split()[-1].lower() in lexicon.SETTING_NOUNS:
        return f"the {target}"
    return with_article(target)


def relocate(prompt: str, clause: Clause, original: str) -> str:
    """The scene's one place phrase ('in Prague', 'on the red carpet') becomes the value's ('in Sweden'); none or
    several: refused (say where the scene is, or which place to change)."""
    places = [m for m in _PLACE.finditer(prompt) if _is_place(m, prompt)]
    texts = sorted({m.group(0).lower() for m in places})
    value = _place_value(clause.target)
    named = [] if places else nlp.place_names(prompt)
    if len({prompt[a:b].lower() for a, b in named}) == 1:  # 'Venice. by NAME', 'Spirit of St. Louis': no place
        a, b = named[0]  # phrase, but the one place the caption names ('Venice' -> 'Florence')
        return prompt[:a] + clause.target.strip() + prompt[b:]
    if not places:
        raise AlignmentError(
            f"the source prompt {original!r} does not say where the scene is, so there is no place to change into "
            f"{clause.target!r}: say it in source_prompt (where it is now) and target_prompt (where it should be).",
            code="no-slot", suggestion={"source_prompt": f"{original}, in <where it is now>",
                                        "target_prompt": f"{original}, {clause.prep} {value}"})
    if len(texts) > 1:
        readings = [move(prompt, m.start(), clause, original) for m in places]
        raise AlignmentError(
            f"{clause.target!r} could replace {' or '.join(repr(m.group(0)) for m in places)} in {original!r}: name "
            f"the place to change (e.g. 'change {places[0].group('np')!r} to {clause.target}').", code="ambiguous",
            suggestion={"readings": [{"source_prompt": original, "target_prompt": fix_articles(r),
                                      "pairs": [[m.group("np"), clause.target]]} for m, r in zip(places, readings)]})
    return move(prompt, places[0].start(), clause, original)


_THINGS = frozenset({"animal", "pet", "vehicle", "fruit", "vegetable", "food", "drink", "furniture", "instrument",
                     "clothing", "person", "toy", "container"})  # categories of objects, not of places


def _worn(m: re.Match) -> bool:
    """'in a blue suit': what someone wears, not where they are."""
    words = strip_det(m.group("np")).split()
    return m.group("prep").lower() == "in" and bool(words) and \
        slots.value_class(words[-1].lower().strip(",.")) == "category:clothing"


def _is_place(m: re.Match, prompt: str) -> bool:
    """A prepositional phrase that says where: not a credit ('by NAME'), a time or weather ('at night', 'in fog'),
    a medium or style ('in oil', 'in the style of', 'oil on canvas'), nor a number ('in 1932')."""
    before = re.search(r"([\w-]+)\s*$", prompt[:m.start()])
    if before and before.group(1).lower() in slots.MEDIUM:
        return False
    prep, np_words = m.group("prep").lower(), strip_det(m.group("np")).split()
    if prep not in ("in", "at", "on", "near", "inside", "into", "onto", "in front of", "behind") or not np_words:
        return False
    head = np_words[-1].lower().strip(",.")
    first = np_words[0].lower()
    if _holds_object(m):  # 'sitting on a wooden bench', 'riding in a car': an object the subject is on or in, not
        return False  # the scene around them
    return not (first[:1].isdigit() or head in lexicon.SETTING_NOUNS or head in slots.MEDIUM
                or first in slots.MEDIUM or head in ("style", "manner", "color", "colour", "front", "top")
                or lexicon.attribute_class(head) is not None)
