"""Reading an instruction's text: clauses, each in one of the accepted forms, as an operation, a reference and a
value (`Clause`). Nothing here looks at the source prompt; `instructions.py` resolves each clause against it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from ..errors import AlignmentError
from . import gender, lexicon, nlp, slots, verbs
from .phrases import attribute_target, clean, fix_articles, is_attribute, leading_det, strip_det, with_article

ACCEPTED_FORMS = ("replace X with Y", "change X to Y", "turn X into Y", "swap X for Y", "make X Y",
                  "change the color of X to Y", "paint X Y", "X -> Y", "X to Y", "X should be Y", "what if X was Y",
                  "let X be Y", "Y instead of X", "substitute Y for X", "give X Y", "make X <verb>",
                  "make it Y (a style, time, weather or season)", "move X to Y", "X is Y",
                 "X is <doing something>")


ATTRIBUTE_NOUNS = ("color", "colour", "material", "texture", "pattern", "style", "shape", "expression", "mood",
                   "emotion", "feeling")
_POLITE = re.compile(r"^(please|pls|plz|kindly|can you|could you|would you|i want you to|i'd like you to|let's|now|"
                     r"just|go ahead and|try to|i want to|i would like to)\s+", re.I)


_FILLER = re.compile(r"\s+(?:in|of|from|on)\s+(?:the|this)\s+(?:image|picture|photo|photograph|scene|shot|frame)\b"
                     r"|\s+(?:for me|please)\b", re.I)


SETTING_WORDS = ("season", "weather", "time of day", "time", "scene", "setting")
SEPARATORS = re.compile(r"\s*(?:;|\.\s+|,?\s*\band then\b|,?\s*\bthen\b|,?\s*\balso\b|,?\s*\bbut\b|,\s*and\b|,|\band\b|"
                        r"\n+\s*(?:[-*\u2022]|\d+[.)])?|"  # lines and list items
                        r"\s(?=without\s+(?:chang|touch|alter|edit|affect|modif))|"  # '... without touching X'
                        r"\s(?=(?:while|and)\s+(?:keeping|leaving|preserving)\b))\s*", re.I)  # '... while keeping X'
# 'keep the collar red', 'leave the background as it is', "don't change the dog": what stays, not a change
_KEEP = re.compile(r"^(?:(?:while|and)\s+)?(?:keep|keeping|leave|leaving|preserve|preserving|retain|retaining|"
                   r"(?:but\s+)?(?:nothing|everything)\s+else\b|"
                   r"(?:do\s+not|don't|dont)\s+(?:change|touch|alter|edit)|"
                   r"without\s+(?:changing|touching|altering|editing|affecting|modifying))\b", re.I)
# 'the collar, not the dog, should be blue': the parenthetical says what is not meant
_NOT_THIS = re.compile(r",\s*(?:but\s+)?not\s+[^,]+(?:,\s*|$)", re.I)
_DET = r"(?:(?:" + "|".join(sorted(nlp.DETERMINERS)) + r")\s+)?"


@dataclass
class Clause:
    source: str  # the object as written in the instruction (determiner stripped)
    target: str  # what it becomes (its own determiner kept)
    kind: str  # "object" | "attribute" | "setting" (season/weather/time of the scene) | "place" (where x is) |
    # "contents" (what container x holds) | "verb" | "implicit" | "relocate" | "swap" | "swap-attr" | "keep" |
    # "style" (a named style for the whole picture: 'in the style of Monet')
    prep: str = ""  # "place": the preposition of the new place ("on" in "put the dog on a beach")
    value_class: str | None = None  # "attribute": the class the instruction names ('the roof colour' -> colour)
    stated: bool = False  # "verb": read from a statement whose parse makes the word a verb ('the car is parked')
    pronoun: str = ""  # "implicit": the pronoun the instruction used ('make them waffles'), if any
    form: str = ""  # "verb": the new verb's past participle as written ('should be parked in a garage'); a state of
    # an own part: the action as written ('raise her arms'), read as one where the prompt does not name the part


_SWAP = re.compile(rf"^(?:swap|switch|exchange|interchange|trade)\s+(?:the\s+(?:places|positions)\s+of\s+)?"
                   rf"{_DET}(?P<a>.+?)\s+(?:and|with)\s+{_DET}(?P<b>.+?)(?:\s+(?:around|over|places|positions))?$",
                   re.I)


_SWAP_ATTR = re.compile(rf"^(?:swap|switch|exchange|interchange|trade)\s+(?:the|their|the\s+(?P<group>[\w-]+s)')\s+"
                        rf"(?P<attr>colou?rs?|shapes?|materials?|sizes?)(?:\s+of\s+{_DET}(?P<a>.+?)(?:\s+and\s+"
                        rf"{_DET}(?P<b>.+?))?)?$", re.I)  # 'of the cup and the plate', 'of the apples' (a group)


_SWAP_THEM = re.compile(r"^(?:swap|switch|exchange|interchange|trade)\s+(?:them|the\s+two(?:\s+objects)?|the\s+objects|"
                        r"(?:their\s+)?(?:places|positions))(?:\s+around)?$", re.I)
_SWAP_GROUP = re.compile(r"^(?:swap|switch|exchange|interchange|trade)\s+(?:the|their)\s+(?P<group>[\w-]+s)"
                         r"(?:\s+around)?$", re.I)  # 'swap the apples', 'swap their balloons': the two of them
POSITIONS = {"left", "right", "top", "bottom", "middle", "center", "centre", "side", "front", "back", "corner",
             "background", "foreground", "distance", "edge"}


_VALUE_NOT = re.compile(r"^(?P<y>[^,]+?),?\s+not\s+(?P<x>[^,]+)$", re.I)
# Courtesies around the request: 'Hi, ...', '... Thanks!', '..., thank you'
_GREETING = re.compile(r"^(?:hi|hello|hey|ok|okay)\b[,!.]?\s+", re.I)
_THANKS = re.compile(r"(?:^|[.!?,;]\s*|\s+)(?:thanks|thank\s+you|thx|ty|cheers)(?:\s+(?:so\s+much|a\s+lot|in\s+advance))?"
                     r"[.!\s]*$", re.I)


def split_clauses(instruction: str) -> list[Clause]:
    """The instruction's clauses, split at commas, 'and', ';', 'then' where each part parses on its own."""
    text = "".join(ch for ch in instruction if unicodedata.category(ch) != "So"
                   or "ARROW" in unicodedata.name(ch, ""))  # emoji say nothing to edit; arrows ('cat ➔ dog') do
    text = text.lower() if text.isupper() else text  # shouting: the same words
    text = _THANKS.sub("", _GREETING.sub("", text.strip())).strip() or instruction.strip()
    # chat writing: an emoticon says nothing, 'w/' is 'with', `code` marks are quotes; 'I want it to look like X'
    # and 'make it so (that) X is Y' say what it becomes
    text = re.sub(r"\s*(?<!\w)[:;=8]-?[()\[\]DPpOo3/\\|]+(?!\w)", "", text).strip() or text
    text = re.sub(r"\bw/\s*", "with ", text, flags=re.I).replace("`", "'")
    text = re.sub(r"^i\s+(?:want|would\s+like|'d\s+like)\s+(it|this|the\s+(?:image|picture|photo))\s+(?:to\s+|"
                  r"(?=(?:look|appear|seem)\b))", r"make \1 ", text, flags=re.I)  # ('I want it look like': the 'to'
    # people drop)
    text = re.sub(r"^(?:make|change|edit)\s+(?:it|the\s+(?:image|picture|photo))\s+so\s+(?:that\s+)?", "", text,
                  flags=re.I)
    # a label before the request ('Instruction: ...', 'Edit request: ...'), and a wish said of someone else ('the user
    # wants the cat replaced by a parrot'): the same request
    text = re.sub(r"^(?:(?:user|edit|editing|image)\s+)?(?:instruction|task|edit|request|command|prompt)s?\s*:\s*", "",
                  text, flags=re.I)
    text = re.sub(r"^(?:the\s+(?:user|client|customer)|they|he|she)\s+(?:wants?|would\s+like|'d\s+like)\s+", "i want ",
                  text, flags=re.I)
    # 'make it an oil painting with a dog instead of the cat': the picture, and a replacement said inside it
    text = re.sub(r"^(?P<v>make|turn|render)\s+it\s+(?P<a>.+?)\s+with\s+(?P<b>.+?)\s+instead\s+of\s+(?P<c>.+)$",
                  r"\g<v> it \g<a>; replace \g<c> with \g<b>", text, flags=re.I)
    text = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", "", text)  # a list's first marker, and the next ones inline
    text = re.sub(r"\s+\d+[.)]\s+(?=[A-Za-z])", "; ", text)  # ('1. replace the cat ... 2. make the table glass')
    text = _POLITE.sub("", text.rstrip(".!?"))
    # 'the dog's breed', 'the bird species', 'the type of the car': what the thing is, the thing
    text = re.sub(r"\b(?P<x>the\s+[\w-]+)(?:'s\s+|\s+)(?:breed|species|kind|type|variety)\b(?!\s+of\b)", r"\g<x>",
                  text, flags=re.I)
    text = re.sub(r"\bthe\s+(?:breed|species|kind|type|variety)\s+of\s+(?=the\s)", "", text, flags=re.I)
    # 'the image style', 'the art style': the style
    text = re.sub(r"\bthe\s+(?:image|picture|photo|art|artistic|visual)\s+style\b", "the style", text, flags=re.I)
    # 'change the object the boy is holding to a kite': what he holds, by his action ('make the boy hold a kite')
    held = re.match(r"^(?:change|replace|turn|swap|switch|make)\s+(?:what|the\s+(?:thing|object|item)(?:\s+(?:that|which))?)"
                    r"\s+(?P<x>the\s+[\w-]+|he|she|they|it)\s+(?:is|are)\s+(?P<v>[a-z]+ing)\s+(?:to|into|with|for)\s+"
                    r"(?P<y>.+)$", text, re.I)
    if held and verbs.base(held.group("v")) in verbs.ACTIONS:
        x = _OBJECT_FORM.get(held.group("x").lower(), held.group("x"))
        text = f"make {x} {verbs.base(held.group('v'))} {held.group('y')}"
    text = re.sub(r"^(?P<v>[A-Za-z]+)\s+only\s+(?=(?:the|his|her|its|their)\s)", r"\g<v> ", text, flags=re.I)  # 'change
    # only the cat's colour': which thing changes, said once
    first = re.match(r"[A-Za-z]{4,}(?=\s)", text)
    near = [v for v in _EDIT_VERBS if first and _typo_of(first.group().lower(), v)]
    if len(near) == 1 and not lexicon.known_word(first.group()):
        text = near[0] + text[first.end():]  # 'chnage the car to a bus': the one editing verb a typo away
    # what it is no longer, then what it is: the second says the change ('the car is no longer red, it is blue';
    # 'instead of red, make the car blue'; "don't make it red, make it blue")
    text = re.sub(rf"^(?P<x>{_DET}[\w'-]+(?:\s+[\w'-]+)?)\s+(?:is|are)\s+no\s+longer\s+[^,]+,\s*(?:but\s+)?(?:it|they)"
                  r"(?:\s+(?:is|are)|'s|'re)\s+(?P<y>.+)$", r"make \g<x> \g<y>", text, flags=re.I)
    text = re.sub(rf"^(?P<x>{_DET}[\w'-]+(?:\s+[\w'-]+)?)\s+(?:should\s+not|shouldn't|must\s+not)\s+be\s+[\w'-]+"
                  r"(?:\s+any\s*more)?,?\s+but\s+(?P<y>.+)$", r"make \g<x> \g<y>", text, flags=re.I)
    rest = re.match(r"^(?:instead\s+of|rather\s+than|(?:do\s+not|don't)\s+\w+)\s+[^,]+,\s*(?:but\s+)?(?P<c>.+)$", text,
                    re.I)
    if rest and _VERB.match(rest.group("c")):
        text = rest.group("c")
    text = re.sub(r"^colou?ri[sz]e\s+(?:it|this|the\s+(?:photo|image|picture|photograph))$", "make it in color", text,
                  flags=re.I)  # a black-and-white picture in colour
    # 'set the house on fire', 'set fire to the house', 'make the house on fire': the house burning
    text = re.sub(rf"^set\s+fire\s+to\s+(?P<x>{_DET}[\w'-]+(?:\s+[\w'-]+)?)$", r"make \g<x> burning", text, flags=re.I)
    text = re.sub(rf"^(?:set|make|have)\s+(?P<x>{_DET}[\w'-]+(?:\s+[\w'-]+)?)\s+(?:be\s+)?(?:on\s+fire|ablaze|in\s+flames)$",
                  r"make \g<x> burning", text, flags=re.I)
    text = _SHOULD_DO.sub(lambda m: f"{m.group('x')} {'are' if m.group('x').lower() == 'they' else 'is'} "
                          f"{verbs.ing(m.group('v'))}", text)  # 'she should wear a hat': what she is to be doing
    text = _covered_as_look(text)
    text = re.sub(r"^not\s+(?P<x>[^,]+?)\s*,?\s+but\s+(?P<y>[^,]+)$", r"\g<y>, not \g<x>", text, flags=re.I)  # 'not
    # red but blue'
    bare = _VALUE_NOT.match(text)
    if bare and not _VERB.match(bare.group("y")) and parse_clause(bare.group("y")) is None:
        wanted = re.sub(rf"^{_WISH}\s+", "", bare.group("y"), flags=re.I)  # 'I want a dog, not a cat'
        text = f"replace {bare.group('x')} with {wanted}"  # 'a dog, not a cat': the value, and what it was
    text = _NOT_THIS.sub(" ", text).strip()
    text = re.sub(r"\b(both\s+[^,;]+?)\s+and\s+", lambda m: m.group(1) + " \x00 ", text, flags=re.I)  # one reference
    text = re.sub(r"\bblack\s+and\s+white\b", lambda m: m.group(0).replace("and", "\x00"), text, flags=re.I)  # one
    # value: the picture's colour mode
    parts = [p.replace("\x00", "and") for p in SEPARATORS.split(text) if p and p.strip()]
    seps = [m.group(0) for m in SEPARATORS.finditer(text)]
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
            group = group.replace("\x00", "and")
            clause = _keep_clause(group) or parse_clause(group) or _with_inherited_verb(group, parts[:i])
            if clause is None:
                continue
            if best[i] is None or len(rest) + 1 > len(best[i]):
                best[i] = [clause] + rest
    result = best[0] or _bare_value(text)
    if not result:
        raise AlignmentError(f"could not understand the instruction {instruction!r}. Accepted forms: "
                             f"{'; '.join(ACCEPTED_FORMS)} (several joined by ',', 'and', ';' or 'then').",
                             code="unreadable")
    # verb-less clauses ("the chopsticks with a knife") already parsed with the verb they imply
    return _with_referents(result)


_NO_CHANGE = frozenset({"none", "nothing", "n/a", "na", "no change", "no changes", "same", "as is"})


def _bare_value(text: str) -> list[Clause]:
    """A whole instruction that is only a value, one to three words ('tulips please', 'snow'): it finds what it
    replaces by its class, as 'make it X' does. Only the whole instruction: a part of one that fails to parse is
    no value (the clause split relies on that)."""
    bare = clean_value(_FILLER.sub("", text.strip().rstrip(".!?")).strip())
    if bare.lower() in _NO_CHANGE:
        raise AlignmentError(f"the instruction {text!r} asks for no change: say what should change (e.g. 'replace the "
                             "cat with a dog').", code="no-change")
    if not re.fullmatch(r"(?:(?:a|an|the|some)\s+)?[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2}", bare) \
            or _starts_with_verb(bare) or bare.lower() in slots.PRONOUNS:
        return []
    return [Clause(source="", target=bare, kind="implicit")]


_NEGATIVE = re.compile(rf"^{_DET}[\w'-]+(?:\s+[\w'-]+)?\s+(?:should\s+not|shouldn't|must\s+not|mustn't|is\s+not|isn't|"
                       r"are\s+not|aren't)\s+(?:be\s+)?[\w' -]+$", re.I)


def _keep_clause(text: str) -> Clause | None:
    """'keep the collar red': a clause that says what stays (kind "keep"; it changes nothing); 'the car should not be
    red' says what it should not be, and the clause beside it what it should (kind "not"; it changes nothing)."""
    if _NEGATIVE.match(text.strip()):
        return Clause(source=text.strip(), target="", kind="not")
    return Clause(source=text.strip(), target="", kind="keep") if _KEEP.match(text.strip()) else None


def _with_referents(clauses: list[Clause]) -> list[Clause]:
    """'change the cat to a dog and make it brown': a pronoun clause after an object's change is about that object
    ('a brown dog'), merged into its clause; a value of a whole-picture class ('and make it winter') is about the
    scene and stays a clause of its own."""
    out: list[Clause] = []
    for c in clauses:
        prev = out[-1] if out else None
        if c.kind == "verb" and prev is not None and prev.kind == "object" and prev.source \
                and c.source.lower() in {*slots.PERSON_PRONOUNS, "it", "they", "them"}:
            feeling = verbs.ing(c.target) if len(c.target.split()) == 1 else ""
            if lexicon.attribute_class(feeling) == "emotion":  # 'change the woman into a man and make him smile':
                body, det = strip_det(prev.target), prev.target.split()[0] if leading_det(prev.target) else ""
                out[-1] = replace(prev, target=f"{det} {attribute_target(body, feeling)}".strip())  # 'a smiling man'
                continue
            out.append(replace(c, source=prev.source))  # 'change the dog to a cat and make it sleep': the pronoun
            continue  # is the object just changed, by its words in the source prompt
        if c.kind == "implicit" and prev is not None and prev.kind in ("object", "attribute") and prev.source \
                and slots.value_class(c.target) not in slots.GLOBAL_CLASSES:
            value = c.target
            if not leading_det(value) and value.split()[0].lower() in verbs.ACTIONS \
                    and not is_attribute(value.split()[0]):  # 'turn the cat into a tiger and make it roar': what
                out.append(Clause(source=prev.source, target=value, kind="verb"))  # the object does, a clause of
                continue  # its own
            if is_attribute(strip_det(value)):  # 'make it brown': the new object, described
                body = strip_det(prev.target)
                det = prev.target.split()[0] if leading_det(prev.target) else ""
                new = attribute_target(body, strip_det(value))
                out[-1] = Clause(source=prev.source, target=f"{det} {new}".strip(), kind=prev.kind, prep=prev.prep)
            else:  # 'make it a wolf': the new object replaced again
                out[-1] = Clause(source=prev.source, target=value, kind="object", prep=prev.prep)
            continue
        out.append(c)
    return out


_SHOULD_DO = re.compile(rf"^(?P<x>he|she|they|{_DET}[\w'-]+)\s+(?:should|must|needs\s+to|need\s+to|has\s+to|have\s+to|"
                        r"ought\s+to)\s+(?!(?:be|become|look|appear|seem|turn|get|have|stay|remain|not)\b)"
                        r"(?P<v>[a-z]+)\b", re.I)


def _typo_of(word: str, verb: str) -> bool:
    """Is `word` a typo of `verb`: two neighbours swapped, a letter doubled, dropped or added, or (in six letters
    or more) one letter changed? A real word one letter from a verb ('wake', 'burn', 'point') is none."""
    if word == verb or not lexicon.one_edit_apart(word, verb):
        return False
    if len(word) != len(verb):
        return True
    diff = [k for k in range(len(word)) if word[k] != verb[k]]
    return len(diff) == 2 or len(word) >= 6


# The verbs that say an edit (their typos too: _typo_of); 'swap out', 'use' and 'put' start one as well
_EDIT_VERBS = ("replace", "swap", "switch", "exchange", "substitute", "change", "turn", "transform", "convert", "make",
               "color", "colour", "paint", "recolor", "recolour")
_VERB = re.compile(rf"^(swap out|{'|'.join(_EDIT_VERBS)}|use|put)\b", re.I)


def _with_inherited_verb(group: str, before: list[str]) -> Clause | None:
    """'... and the chopsticks with a knife': a verb-less part borrows the verb of the clause before it;
    'make the bus shorter and green': a bare attribute borrows the verb and the object."""
    if _VERB.match(group.strip()):
        return None
    if before and is_attribute(group.strip()):
        prev = parse_clause(before[-1])
        if prev is not None and prev.kind == "attribute":
            new = {lexicon.attribute_class(w) for w in attribute_words(prev, "").split()}
            if {lexicon.attribute_class(w) for w in group.split()} - {None} <= new - {None} \
                    or lexicon.attribute_class(group.split()[0]) in new - {None}:  # ('red and white striped')
                return None  # 'orange and white', 'dark and possessed': one coordinated value, not a second change
                # (a word of unknown class cannot be told apart from the first's: kept with it, as written)
            obj = " ".join(w for w in prev.source.split() if not lexicon.is_attribute_word(w)) or prev.source
            return parse_clause(f"make {obj} {group.strip()}")
    for part in reversed(before):
        m = _VERB.match(_POLITE.sub("", part.strip()))
        if m:
            return parse_clause(f"{m.group(1)} {group}")
        link = _LINK.match(part.strip())
        if link:  # 'the dumplings become fried rice, the chopsticks a knife': the gap is the linking verb
            words = group.split()
            for k in range(1, len(words)):
                if words[k - 1].lower() in nlp.DETERMINERS:
                    continue
                clause = parse_clause(" ".join(words[:k] + [link.group("v")] + words[k:]))
                if clause is not None:
                    return clause
            return None
    return None


_LINK = re.compile(rf"^{_DET}.+?\s+(?P<v>should be|becomes|become|is now|are now|turns into|should become|must be)\s+",
                   re.I)


PREPS = r"(?:on top of|in front of|next to|on|in|at|into|onto|under|near|by|beside|inside|over|behind|above)"
_WISH = (r"(?:(?:can|could)\s+(?:we|i|you)\s+(?:have|get|use|put|show)|"
         r"i\s+want|i'd\s+like|i\s+would\s+like|let's\s+have|let's\s+see|how\s+about|what\s+about|what\s+would\s+it\s+"
         r"look\s+like\s+with|show\s+me|give\s+(?:me|him|her|them|it)|use|put|place|show|draw|have|with|there\s+should\s+be|make\s+it)")
_FORMS: list[tuple[str, re.Pattern, bool]] = [  # (verb, pattern, reversed: Y comes first)
    ("fromto", re.compile(rf"^(?:change|switch|turn|transform|convert|make|alter|swap)\s+(?:{_DET}(?P<what>.+?)\s+)?"
                          rf"from\s+{_DET}(?P<x>.+?)\s+(?:to|into)\s+(?P<y>.+)$", re.I), False),
    ("setting", re.compile(rf"^(?:make|turn|change|switch|set)\s+(?:it|{_DET}(?:{'|'.join(SETTING_WORDS)}))\s+"
                           rf"(?:to\s+|into\s+|as\s+)?(?P<y>.+)$", re.I), False),
    ("place", re.compile(rf"^(?:put|place|move|set|show|have)\s+{_DET}(?P<x>.+?)\s+(?P<prep>{PREPS})\s+"
                         r"(?!place\s+of\b)(?P<y>.+)$",
                         re.I), False),
    ("place", re.compile(rf"^(?:put|place|move|relocate|take|bring|send|transport)\s+{_DET}(?P<x>.+?)\s+"
                         rf"(?P<prep>to|into)\s+(?P<y>.+)$", re.I), False),
    ("color", re.compile(rf"^(?:change|make|turn|set|paint)\s+{_DET}(?P<attr>{'|'.join(ATTRIBUTE_NOUNS)})\s+of\s+"
                         rf"{_DET}(?P<x>.+?)\s+(?:to|into|as)\s+(?P<y>.+)$", re.I), False),
    ("replace", re.compile(rf"^(?:replace|swap out|swap|switch out|switch|exchange|trade out|trade)\s+{_DET}(?P<x>.+?)\s+"
                           rf"(?:with|for|by)\s+(?P<y>.+)$", re.I), False),
    ("paint", re.compile(rf"^(?:color|colour|paint|recolor|recolour|dye|tint|cut|trim)\s+{_DET}(?P<x>.+?)\s+"
                         rf"(?:in\s+|to\s+)?(?P<y>(?:(?:matte|glossy|gloss|metallic|shiny|pastel|dark|light|bright|"
                         rf"deep|pale|neon|navy|sky|baby|hot|royal)\s+)?\S+)$",
                         re.I), False),
    ("whatif", re.compile(rf"^(?:what\s+if|what\s+would\s+(?:it|this|the\s+\w+)\s+look\s+like\s+if|imagine\s+if|"
                          rf"suppose)\s+{_DET}(?P<x>.+?)\s+(?:was|were|is|are|became)\s+(?P<y>.+)$", re.I), False),
    ("let", re.compile(rf"^(?:let|have)\s+{_DET}(?P<x>.+?)\s+(?:be|become|turn into)\s+(?P<y>.+)$", re.I), False),
    ("replaced", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:is\s+|are\s+|gets\s+|get\s+)?(?:replaced|swapped)\s+"
                            rf"(?:with|by|for)\s+(?P<y>.+)$", re.I), False),
    ("substitute", re.compile(r"^substitute\s+(?P<y>.+?)\s+for\s+" + _DET + r"(?P<x>.+)$", re.I), True),
    ("use", re.compile(r"^(?:use|put|place|show|draw|have)\s+(?P<y>.+?)\s+instead\s+of\s+" + _DET + r"(?P<x>.+)$",
                       re.I), True),
    # 'I want a dog instead of the cat', 'a dog rather than a cat', 'what would it look like with a dog instead of
    # the cat': the value is a short noun phrase before 'instead of', the reference after it
    ("use", re.compile(rf"^(?:{_WISH}\s+)?(?P<y>(?:[\w'-]+\s+){{0,3}}?[\w'-]+)\s+(?:instead\s+of|rather\s+than|in\s+"
                       rf"place\s+of)\s+{_DET}(?P<x>.+)$", re.I), True),
    ("use", re.compile(rf"^(?:instead\s+of|rather\s+than|in\s+place\s+of)\s+{_DET}(?P<x>[^,]+?),?\s+(?:{_WISH}\s+)?"
                       r"(?P<y>(?:[\w'-]+\s+){0,3}[\w'-]+)$", re.I), True),
    ("use", re.compile(rf"^(?:put|place|draw|show|have)\s+(?P<y>.+?)\s+where\s+{_DET}(?P<x>.+?)\s+"
                       r"(?:is|are|was|were|sits|stands|lies)(?:\s+now)?$", re.I), True),  # 'put a dog where the cat is'
    ("become", re.compile(rf"^(?:can|could|should|would|may|might)\s+{_DET}(?P<x>.+?)\s+(?:be|become|turn\s+into|"
                          r"look\s+like)\s+(?P<y>.+)$", re.I), False),  # 'can the cat be a dog?'
    ("become", re.compile(rf"^(?:edit|change|modify|alter|fix|make)\s+(?:the\s+(?:image|picture|photo|scene)|it)\s+so\s+"
                          rf"(?:that\s+)?{_DET}(?P<x>.+?)\s+(?:is|are|becomes|looks\s+like|turns\s+into)\s+(?P<y>.+)$",
                          re.I), False),  # 'edit the image so the cat is a dog'
    ("become", re.compile(rf"^(?:edit|change|modify|alter|fix|make)\s+{_DET}(?P<x>.+?)\s+so\s+(?:that\s+)?(?:it|they)\s+"
                          r"(?:is|are|becomes|become|looks\s+like|look\s+like)\s+(?P<y>.+)$", re.I), False),  # 'edit
    # the dog so it is a cat'
    ("change", re.compile(rf"^(?:change|turn|transform|convert|morph|edit|modify|alter|set|switch)\s+{_DET}(?P<x>.+?)\s+"
                          rf"(?:to|into)\s+(?P<y>.+)$", re.I), False),  # ('the flowers in the vase to tulips')
    ("change", re.compile(rf"^(?:change|turn|transform|convert|morph|edit|modify|alter|set)\s+{_DET}(?P<x>.+?)\s+"
                          rf"in\s+(?P<y>.+)$", re.I), False),
    ("made", re.compile(rf"^(?:make|have|let|turn|build|craft|carve)\s+{_DET}(?P<x>.+?)\s+(?:be\s+|look\s+)?"
                        rf"(?:made\s+(?:out\s+)?(?:of|from)|out\s+of)\s+(?P<y>.+)$", re.I), False),
    ("made", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:is|are|should\s+be|must\s+be)\s+(?:now\s+)?made\s+(?:out\s+)?"
                        rf"(?:of|from)\s+(?P<y>.+)$", re.I), False),  # 'the desk is made of glass'
    # 'make the city made of gold', 'make the chair out of gold': a material
    ("make", re.compile(rf"^(?:make|turn|paint|colou?r)\s+{_DET}(?P<x>[\w-]+(?:\s+[\w-]+)?\s+ones?)\s+(?:into\s+)?"
                        rf"(?P<y>.+)$", re.I), False),  # 'make the red one blue'
    ("make", re.compile(rf"^(?:make|turn)\s+{_DET}(?P<x>.+?)\s+(?:into\s+)?(?P<y>(?:a|an|some)\s+.+|the\s+(?-i:[A-Z]).+)$",
                        re.I), False),  # ('the Eiffel Tower': a name)
    ("make", re.compile(rf"^(?:make|turn)\s+{_DET}(?P<x>.+?)\s+(?:look\s+|appear\s+|be\s+)?(?:into\s+)?"
                        rf"(?P<y>\S+(?:\s+\S+)?(?:\s+(?:and|or)\s+\S+)?|\S+\s+(?:and|or)\s+\S+\s+\S+)$", re.I), False),
    # ('red and white striped': two colours and a pattern)
    ("become", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:should be|becomes|become|is now|are now|turns into|should look like|"
                          rf"looks? like|needs to become|needs to be|has to be|must be|should become|should turn into)\s+"
                          rf"(?P<y>.+)$",
                          re.I), False),
    # 'the actress is an elephant': a plain copula with a new noun phrase names what the thing is to be
    ("become", re.compile(rf"^(?!(?:there|it|this|that|here|everything)\s){_DET}(?P<x>.+?)\s+(?:is|are)\s+"
                          r"(?P<y>(?:a|an)\s+.+)$", re.I), False),
    # 'the car is blue', 'the dog is happy': a plain copula with an adjective
    ("is", re.compile(rf"^(?!(?:there|it|this|that|here|everything)\s){_DET}(?P<x>[\w'-]+(?:\s+[\w'-]+)?)\s+"
                      r"(?:is|are|looks|look|seems|seem|appears|appear)\s+(?:now\s+)?(?P<y>[^,]+)$", re.I), False),
    ("become", re.compile(rf"^(?:i want|i'd like|i would like|i need)\s+{_DET}(?P<x>.+?)\s+to\s+(?:be|become|turn "
                          rf"into|look like)\s+(?P<y>.+)$", re.I), False),
    ("arrow", re.compile(rf"^(?:(?:change|turn|make|replace|swap|convert)\s+)?{_DET}(?P<x>.+?)\s*"
                         r"(?:->|=>|→|➔|➡|⟶|(?<=\w)=(?=\w))\s*(?P<y>.+)$", re.I), False),
    ("replace", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:with|by)\s+(?P<y>.+)$", re.I), False),  # after "replace"
    ("change", re.compile(rf"^{_DET}(?P<x>.+?)\s+(?:to|into)\s+(?P<y>.+)$", re.I), False),
]


_GENERIC = {p for verb, p, _ in _FORMS[-3:]}  # 'X -> Y', 'X with Y', 'X to Y': X must be an object, not a verb
_REF_IMPLICIT = (r"(?:it|this|that|everything|them|(?:the\s+)?(?:whole\s+|entire\s+)?"
                 r"(?:image|picture|photo|photograph|scene|thing))")


# A look given to the whole picture ('apply a vintage filter', 'give it a watercolor look'): a style
LOOK_NOUNS = r"(?:filter|effect|look|aesthetic|vibe|feel|treatment)"
_LOOK = re.compile(rf"(?:(?:a|an|the|some)\s+)?(?P<s>[\w'-]+(?:\s+[\w'-]+){{0,2}}?)\s+{LOOK_NOUNS}", re.I)


# Instructions whose reference is implicit ("make it winter", "turn into a campsite", "by Lisa Frank", "as a
# watercolor"): the value alone; slots.py finds what it replaces by its class.
_IMPLICIT = [
    re.compile(r"^(?P<y>by\s+\S.*)$", re.I),
    re.compile(rf"^(?:make|turn|change|transform|convert|morph|switch|render|recreate|reimagine|redo|remake|redraw|"
               rf"paint|draw|show|do|swap|replace|exchange)\s+(?:{_REF_IMPLICIT}\s+)?(?:(?:look|be|more)\s+)?"
               rf"(?:into|to|as|like|with|for|in|at|during)\s+(?P<y>.+)$", re.I),
    re.compile(rf"^(?:make|have|let|give)\s+{_REF_IMPLICIT}\s+(?:(?:be|become|look|seem|appear|feel)\s+)?"
               rf"(?:(?:more|less)\s+like\s+|like\s+|more\s+)?(?P<y>.+)$", re.I),
    re.compile(rf"^(?:see|show|imagine|picture|view)\s+{_REF_IMPLICIT}\s+(?:in|at|as|during)\s+(?P<y>.+)$", re.I),
    re.compile(r"^(?:as|like|in the (?:style|manner) of|in|during|at)\s+(?P<y>.+)$", re.I),
    re.compile(r"^(?:more\s+like|more)\s+(?P<y>.+)$", re.I),
    re.compile(r"^(?:it|this|everything)(?:'s|\s+is|\s+was|\s+should be|\s+becomes)\s+(?:now\s+)?(?P<y>.+)$", re.I),
    re.compile(r"^(?:swapped|replaced|changed|turned)\s+(?:with|into|to|for|by)\s+(?P<y>.+)$", re.I),
    re.compile(rf"^(?:apply|use|add|give\s+it)\s+(?P<y>.+?\s+(?:{LOOK_NOUNS}|style))(?:\s+to\s+{_REF_IMPLICIT})?$", re.I),
    # 'have wine instead', 'about ballet instead', 'a castle instead': a value and "instead", nothing named
    re.compile(r"^(?:(?:have|use|show|showing|try|with|about|make\s+it)\s+)?(?P<y>[^,]+?)\s+instead$", re.I),
]


_VALUE_TAIL = re.compile(r"\s+(?:instead(?:\s+of\s+.*)?|as well|too|please|for me|now)$", re.I)
_VALUE_HEAD = re.compile(r"^(?:be|become|look like|looks like|like|more like|more|a bit|slightly|much|really|very|"
                         r"(?:in\s+)?(?:the\s+)?(?:style|manner)\s+of|"
                         r"it(?:'s|\s+is|\s+was)(?:\s+(?:taken|shot|photographed|captured|painted))?|"
                         r"made of|made out of|made from|(?:twice|three\s+times|ten\s+times)\s+as|a\s+lot|way|even|"
                         r"far|somewhat|a\s+tad|considerably|significantly|noticeably|(?:as\s+)?if|as\s+though|"
                         r"a\s+(?:little|tiny)(?:\s+bit)?(?=\s+(?:more|less)\b))\s+",
                         re.I)


def clean_value(value: str) -> str:
    """What a value says, without the words around it: 'be a giant fire' -> 'a giant fire', 'more jagged' ->
    'jagged', 'wine instead' -> 'wine'."""
    v = value.strip().strip(",.;:!?\"'").strip()
    while True:
        shorter = _VALUE_HEAD.sub("", _VALUE_TAIL.sub("", v)).strip()
        if shorter == v or not shorter:
            break
        v = shorter
    whole = re.fullmatch(r"(?:all|completely|entirely|totally|fully)\s+(?P<w>[a-z-]+)", v, re.I)
    if whole and lexicon.is_attribute_word(whole.group("w")):  # 'all white': how much of it, the value is white
        v = whole.group("w")
    degree = re.match(r"a\s+(?:little|tiny)(?:\s+bit)?\s+(?P<w>[a-z]+)\b", v, re.I)
    if degree and lexicon.base_form(degree.group("w")) != degree.group("w").lower():
        v = v[degree.start("w"):]  # 'a little smaller': the comparative ('a little house' stays a house)
    era = re.fullmatch(r"(?:(?:in|from)\s+)?(?:the\s+)?(?P<d>(?:early\s+|late\s+|mid-?\s*)?(?:'?\d0s|1\d\d0s|20\d0s))"
                       r"(?:\s+style)?", v, re.I)
    if era:  # 'taken in the 1970s': the look of an era, a style of the picture
        v = f"{era.group('d')} style"
    v = lexicon.WEATHER_VERBS.get(v.lower(), v)  # "it's raining": the weather, rain
    at = re.fullmatch(r"(?:at|in|during)\s+(?:the\s+)?(?P<rest>.+)", v, re.I)
    if at and slots.value_class(at.group("rest")) in lexicon.SETTING_CLASSES:  # 'taken at night': the time, night
        v = at.group("rest")
    covered = _COVERED.fullmatch(v)  # 'covered in snow' -> 'snow-covered': a look of the object, said before it
    return _covered_look(covered) if covered else v




def _covered_as_look(text: str) -> str:
    """'make the car covered in snow' / 'the car should be covered in snow' -> the look 'snow-covered' ('have/get X
    covered' as 'make'); 'make the glass full of milk' -> 'fill the glass with milk' (a container's contents)."""
    if not (re.match(r"(?:make|have|let|get)\s", text, re.I)
            or re.search(r"\b(?:is|are|be|become)\s+" + _COVERED.pattern, text, re.I)):
        return text
    full = re.match(r"(?:make|have|let|get)\s+(?P<x>.+?)\s+(?:be\s+)?(?:full\s+of|filled\s+with)\s+(?P<y>.+)$", text, re.I)
    if full and lexicon.CATEGORIES["container"].intersection(w.lower() for w in full.group("x").split()):
        return f"fill {full.group('x')} with {full.group('y')}"
    held = re.search(rf"\b{_COVERED.pattern}$", text, re.I)
    if held is None:
        return text
    return re.sub(r"^(?:have|let|get)\s", "make ", text[:held.start()], flags=re.I) + _covered_look(held)


def _covered_look(m: re.Match) -> str:
    how = "filled" if m.group("how").lower() == "full" else m.group("how").lower()  # 'full of stars': 'star-filled'
    return f"{nlp.lemma(m.group('what'))}-{how}"  # 'covered with flowers' -> 'flower-covered'


_COVERED = re.compile(r"(?P<how>covered|coated|dusted|draped|overgrown|splattered|encrusted|filled|full)\s+"
                      r"(?:in|with|by|of)\s+"
                      r"(?:(?:a\s+)?(?:layer|blanket|coat|lot)\s+of\s+)?(?P<what>[a-z]+)", re.I)


# "move (it) to Sweden", "relocate them to an urban setting", "in Yellowstone instead": no object is named, so the
# reference is where the whole scene is: the source prompt's one place phrase (relocate).
_RELOCATE = [
    re.compile(rf"^(?:move|relocate|take|bring|send|transport|teleport|transfer)\s+(?:{_REF_IMPLICIT}\s+|"
               r"(?:him|her|them|us|everyone|everybody)\s+)?(?P<prep>to|into|in|at|on)\s+(?P<y>.+?)(?:\s+instead)?$",
               re.I),
    re.compile(r"^(?P<prep>in|at)\s+(?P<y>.+?)\s+instead$", re.I),
    re.compile(r"^(?:(?:have|make|let)\s+(?:it|this|the\s+(?:scene|story|picture|image))\s+)?take\s+place\s+"
               r"(?P<prep>in|at|on)\s+(?P<y>.+)$", re.I),  # 'have it take place in Park Guell'
    re.compile(rf"^set\s+(?:{_REF_IMPLICIT}|the\s+(?:scene|story|setting))\s+(?P<prep>in|at|on)\s+(?P<y>.+)$", re.I),
]


# 'in the style of Monet', 'make it in the style of Picasso', 'Monet style': a named style for the whole picture
_STYLE_OF = [
    re.compile(r"^(?:(?:make|render|paint|draw|redo|do|redraw|reimagine|show)\s+(?:it|this|everything|the\s+(?:image|"
               r"picture|photo|scene))\s+)?(?:in\s+)?(?:the\s+)?(?:style|manner)\s+of\s+(?P<y>\S.*)$", re.I),
    re.compile(r"^(?:(?:make|render|do)\s+(?:it|this)\s+)?(?:in\s+)?(?P<y>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)[\s-]+style$"),
]


_THERE = re.compile(r"^(?:(?:let|have|make)\s+)?there\s+(?:is|are|should\s+be|be)\s+(?P<y>.+)$", re.I)


NAMED_WORK = re.compile(r"(?:(?:a|an|the)\s+)?(?:[A-Z][\w'&.-]*\s+)+(?:movie|film|video\s+game|game|cartoon|anime|"
                         r"comic|comic\s+book|show|series|poster|album\s+cover)s?")  # 'a Pixar movie', 'a Disney cartoon'


def _names_place(value: str) -> bool:
    """A kind of place ('a snowy park', 'the mountains') or a name ('Paris')."""
    words = strip_det(value).split()
    return bool(words) and (words[0][:1].isupper() or lexicon.is_place(words[-1]))


def _scene_value(value: str) -> bool:
    """What 'the scene' or 'the setting' becomes: a place, or a noun phrase of no other class ('a train station')."""
    words = strip_det(value).split()
    if words and words[-1].lower() in lexicon.SETTING_HEAD_WORDS:
        return False  # 'a golden hour lighting': a light, not a place
    return _names_place(value) or bool(words) and words[0].lower() not in nlp.FUNCTION_WORDS \
        and slots.value_class(strip_det(value)) is None and not is_attribute(strip_det(value))  # ('during a storm')


def _implicit_clause(text: str) -> Clause | None:
    there = _THERE.match(text)
    if there:  # 'there is a hailstorm': a scene's weather or time (an object there is an addition, refused)
        y = clean_value(there.group("y"))
        if slots.value_class(y) in lexicon.SETTING_CLASSES:
            return Clause(source="", target=y, kind="implicit")
        raise AlignmentError(
            f"{text!r} adds {y!r}: adding an object is not an OIR edit (every pair changes an object that is in the "
            "image, inside its mask). Name what is in the image where it should go and what it becomes, e.g. "
            "'replace the blue sky with a sky with a rainbow'.", code="unsupported")
    for pattern in _STYLE_OF:
        m = pattern.match(text)
        if m and slots.value_class(clean_value(m.group("y"))) is None:  # a name: its style, for the whole picture
            return Clause(source="", target=clean_value(m.group("y")), kind="style")
    for pattern in _IMPLICIT:
        m = pattern.match(text)
        if m:
            y = clean_value(m.group("y"))
            look = _LOOK.fullmatch(y)
            if look:  # 'a vintage filter', 'a watercolor look' for the whole picture: its style, or the class the
                # word has ('a sepia filter': the colour mode)
                y = look.group("s") if slots.value_class(look.group("s")) in ("palette", "medium") \
                    else f"{look.group('s')} style"
            if y[:1].isupper() and not lexicon.known_word(y) and slots.value_class(y) is None \
                    and nlp.is_place_name(y):  # 'make it Chicago': a place's name is where the scene is
                return Clause(source="", target=y, kind="relocate", prep="in")
            if NAMED_WORK.fullmatch(y):  # 'make it look like a Pixar movie': the look of a named work
                return Clause(source="", target=y, kind="style")
            about = re.match(r"^about\s+(?P<p>\S.*)$", y, re.I)
            if about and nlp.is_place_name(about.group("p")):  # 'have it be about Beijing': where the scene is
                return Clause(source="", target=about.group("p"), kind="relocate", prep="in")
            if y and y.lower() not in slots.PRONOUNS:
                if re.search(r"\b(?:scene|setting)\b", text[:m.start("y")], re.I) and _scene_value(y):
                    # 'change the scene to a city park': the scene's place, as 'move it to a city park'
                    return Clause(source="", target=clean_value(clean(m.group("y"), keep_det=True)), kind="relocate",
                                  prep="to")
                said = re.search(r"\b(it|them|they|these|those)\b", text[:m.start("y")], re.I)
                return Clause(source="", target=y, kind="implicit", pronoun=said.group(1).lower() if said else "")
    return None


_VERB_CHANGE = re.compile(rf"^(?:make|have|let|get)\s+{_DET}(?P<x>[\w'-]+(?:\s+[\w'-]+)?)\s+(?:to\s+)?"
                          r"(?P<y>[a-z]+(?:\s+.+)?)$", re.I)


# 'the dog is lying on a bed', 'the horse runs on a beach', 'the car should be parked in a garage': a statement of
# what the object does (one or two words, then the verb, perhaps after 'is'/'should be')
_STATEMENT = re.compile(rf"^(?:now\s+)?{_DET}(?P<x>[\w'-]+(?:\s+[\w'-]+)??)\s+(?:(?:is|are|should\s+be|must\s+be|"
                        r"needs\s+to\s+be|has\s+to\s+be|have\s+to\s+be)\s+(?:(?:now|all|both|still)\s+)?)?"
                        r"(?P<y>[a-z][\w-]*(?:\s+.+)?)$",
                        re.I)


_OBJECT_FORM = {"he": "him", "she": "her", "they": "them"}
_NOT_SUBJECTS = ("it", "this", "that", "there", "everything", "i", "we", "you", "let's")


def _statement_clause(text: str) -> Clause | None:
    """A statement whose main verb (the parse's root, with the object as its subject) is a participle or a present
    tense: the object's verbal phrase changes to it ('kind' verb, the verb in its base form; a past participle as
    written rides along for a prompt whose verb is one). A past participle the lexicon knows as an attribute ('the
    dog is tired') is no action, nor is a look the parser read as a verb ('the walls grey': a colour, said after 'make
    the roof blue and'), nor is an editing verb ('the cat is replaced by a dog', 'is made of glass')."""
    m = _STATEMENT.match(text)
    p = nlp.get_parser()
    if m is None or not p.parsed or m.group("x").split()[0].lower() in _NOT_SUBJECTS:
        return None
    doc = p.nlp(text.lower())
    root = next((t for t in doc if t.idx == m.start("y")), None)
    if root is None or root.dep_ != "ROOT" or root.tag_ not in ("VBG", "VBN", "VBZ", "VBP") \
            or root.lemma_ in _LINKING and not (root.lemma_ == "look" and root.i + 1 < len(doc)
                                                and doc[root.i + 1].lower_ in _DIRECTIONS) \
            or _VERB.match(root.lemma_) \
            or root.tag_ == "VBN" and lexicon.is_attribute_word(root.text) \
            or lexicon.attribute_class(root.text) not in (None, "state", "emotion") \
            or not any(c.dep_ in ("nsubj", "nsubjpass") and c.idx < root.idx for c in root.children) \
            or any(c.dep_ == "xcomp" for c in root.children):  # 'needs to become a clock': a verb of wanting
        return None
    y = root.lemma_ + text[m.start("y") + len(root.text):m.end("y")]
    if not verbs.is_verb_phrase(y):
        return None
    return Clause(source=clean(m.group("x")), target=clean_value(y), kind="verb",
                  form=root.text if root.tag_ == "VBN" else "", stated=True)


_STATES = {"open": "open", "close": "closed", "shut": "shut", "raise": "raised", "lower": "lowered",
           "fold": "folded", "unfold": "unfolded", "light": "lit", "extinguish": "unlit", "blow out": "unlit", "break": "broken",
           "repair": "repaired", "mend": "mended", "fix": "repaired",
           "fill": "full", "empty": "empty", "melt": "melted", "freeze": "frozen", "peel": "peeled", "slice": "sliced",
           # verbs that say the size or look the object ends with
           "shrink": "small", "enlarge": "big", "widen": "wide", "lengthen": "long", "shorten": "short",
           "darken": "dark", "brighten": "bright", "thicken": "thick", "flatten": "flat"}


# What covers an object, so that its colour or finish is the object's when the prompt does not name it
SURFACES = frozenset({"fur", "feathers", "skin", "body", "paint", "paintwork", "surface", "exterior", "shell",
                      "scales", "plumage", "bark"})
_GIVE = re.compile(rf"^give\s+(?P<x>him|her|them|it|{_DET}[\w'-]+)\s+(?P<y>(?!(?:a|an)\s+(?:new|different)\s+"
                   r"(?:look|feel|style)\b).+)$", re.I)


_OWN_STATE = re.compile(rf"^(?:make|have|let|get)\s+{_DET}(?P<x>[\w'-]+(?:\s+[\w'-]+)?)\s+(?P<v>{'|'.join(_STATES)})\s+"
                        r"(?P<own>its|his|her|their)\s+(?P<y>.+)$", re.I)
_PREFER = re.compile(r"^(?:i'd\s+prefer|i\s+would\s+prefer|i\s+prefer|i'd\s+rather\s+have|i\s+would\s+rather\s+have|"
                     r"with)\s+"
                     r"(?P<y>(?:a|an|the|some)\s+.+|[\w-]+s)$", re.I)
_WANT = re.compile(r"^(?:i'd\s+like|i\s+would\s+like|i\s+want|i\s+need)\s+(?P<y>(?:a|an|some)\s+"
                   r"(?!.*\b(?:instead|rather|not|in\s+place|to\s+be|to\s+look)\b)[^,;]+)$", re.I)  # "I'd like a
# leather couch": a value alone, found by its head noun or class ('instead of ...' says the reference: other forms)
_FILL = re.compile(rf"^(?:fill|refill)\s+{_DET}(?P<x>.+?)\s+(?:up\s+)?with\s+(?P<y>.+)$", re.I)
_DRESS = re.compile(rf"^(?:dress|clothe)\s+(?:him|her|them|{_DET}[\w'-]+(?:\s+[\w'-]+)?)\s+(?:up\s+)?in\s+(?P<y>.+)$",
                    re.I)
# 'make them female' (a pronoun, everyone, the people), 'male to female'
_GENDER = re.compile(r"^(?:(?:make|turn|change|switch)\s+(?P<x>him|her|them|everyone|everybody|all\s+of\s+them|the\s+"
                     r"(?:people|person|men|women|couple|family|characters?|figures?))\s+(?:into\s+|to\s+)?"
                     r"(?P<g>female|male|feminine|masculine)"
                     r"|(?:male|female|man|woman|men|women|boy|girl)\s+(?:to|->|into)\s+(?P<g2>female|male|woman|man|women|men|"
                     r"girl|boy))$", re.I)
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


def is_action(x: str, y: str) -> bool:
    """'the dog' + 'sit': an object and a base-form verb (not a linking verb, adjective or noun phrase)."""
    words = y.split()
    xs = x.split()
    linking = words and words[0].lower() in _LINKING and not (len(words) > 1 and words[1].lower() in _DIRECTIONS)
    pronoun = len(xs) == 1 and xs[0].lower() in {*slots.PERSON_PRONOUNS, "them"}  # 'make her frown'
    if len(words) == 1 and xs and not lexicon.is_attribute_word(words[0]) \
            and lexicon.attribute_class(verbs.ing(words[0])) in ("state", "emotion"):
        return True  # 'run', 'frown': the -ing form is a pose or expression the lexicon knows; the small parser
        # tags the bare word an adjective ('it looks run') or a noun
    if len(words) == 1 and xs and words[0].lower() in verbs.ACTIONS and not lexicon.is_attribute_word(words[0]):
        return True  # 'swim', 'eat': a thing one does, whatever the parse says of the bare word
    if len(words) > 1 and xs and words[0].lower() in verbs.ACTIONS and words[1].lower() in verbs.PLACES | verbs.DIRECTIONS:
        return True  # 'write on paper', 'swim in the lake': a thing one does, and where (the parse may say otherwise)
    if y.strip().lower() in lexicon.PATTERN_NOUNS:
        return False  # 'polka-dots': a look
    if not words or linking or words[0].lower() in nlp.DETERMINERS or not xs or set(w.lower() for w in xs) <= POSITIONS \
            or xs[-1].lower() in nlp.DETERMINERS and not pronoun or xs[-1].lower().endswith("'s") \
            or lexicon.is_attribute_word(words[0]) or is_attribute(y):
        return False
    return verbs.is_verb_phrase(y)


_CLASS_NOUNS = {"color": "colour", "colour": "colour", "material": "material", "pattern": "pattern",
                "shape": "shape", "texture": "finish", "finish": "finish", "expression": "emotion", "mood": "emotion"}


_STYLE_REFERENCES = frozenset({"style", "art style", "artistic style", "painting style", "artist"})


def parse_clause(text: str) -> Clause | None:
    """One clause in an accepted form, or None. An attribute clause that names its class ('change the hair colour
    to blonde') carries it: its value replaces the object's old value of that class even when the lexicon does not
    know the word."""
    clause = _parse_clause(text)
    if clause is not None and clause.kind == "object" and clause.source.lower() in _STYLE_REFERENCES:
        # 'change the style to monet': the picture's style (a medium value, 'watercolor', its medium)
        style_word = clause.target.lower() in slots.STYLE_ONLY  # ('cyberpunk': a style word, said as one)
        return Clause(source="", target=clause.target,
                      kind="implicit" if style_word or slots.value_class(clause.target) == "medium" else "style",
                      form=clause.source)  # the word said ('artist'), in case the prompt shows one
    named = re.search(rf"\b({'|'.join(_CLASS_NOUNS)})\b", text, re.I)
    if clause is None or not named or clause.kind not in ("attribute", "object"):
        return clause
    cls = _CLASS_NOUNS[named.group(1).lower()]
    if clause.kind == "object":  # 'change her hair colour to chartreuse': a bare value of the named class
        value = clause.target
        if leading_det(value) or len(value.split()) > 3 or \
                not re.search(rf"\b{re.escape(named.group(1))}\b.*\b{re.escape(value)}\b", text, re.I):
            return clause  # 'a new one', or a value before the class noun: an object after all
        clause = Clause(source=clause.source, target=attribute_target(clause.source, value, cls), kind="attribute")
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
    text = re.sub(r"\b(?:(?:both|all|each|the\s+two|the\s+three)\s+of\s+them|them\s+(?:all|both))\b", "them", text,
                  flags=re.I)  # 'make both of them sleep', 'make them all wear hats': them
    text = re.sub(r"\bpolka[\s-]+dot(s?)\b", r"polka-dot\1", text, flags=re.I)  # one pattern word
    text = re.sub(r"\b(?P<x>[a-z]+)\s+(?:that|who|which)\s+(?:is|are)\s+(?P<v>[a-z]+ing)\b", r"\g<v> \g<x>", text,
                  flags=re.I)  # 'the cat that is sleeping': the sleeping cat
    text = re.sub(r"\bshaped\s+like\s+(?:an?\s+|the\s+)?([a-z]+)\b", r"\1-shaped", text, flags=re.I)  # 'shaped like a
    # dragon': dragon-shaped
    text = re.sub(r"\b([a-z]+)\s+(shaped|haired|eyed)\b", r"\1-\2", text, flags=re.I)  # 'heart shaped', 'gray
    # haired': one look
    # 'make the chair look like it's made of ice': what it is made of
    text = re.sub(r"\s+(?:look|looks|appear|appears|seem|seems)\s+(?:like|as\s+if|as\s+though)\s+(?:it|they)(?:'s|'re|\s+is|"
                  r"\s+are|\s+was|\s+were)\s+(?=made\s)", " ", text, flags=re.I)
    # 'make the garden look like it's in autumn': the season (time, weather) said of it
    text = re.sub(r"\s+(?:look|looks|appear|appears|seem|seems)\s+(?:like|as\s+if|as\s+though)\s+(?:it|they)(?:'s|'re|\s+is|"
                  r"\s+are|\s+was|\s+were)\s+(?:in|at|during)\s+(?:the\s+)?(?=\S+$)", " ", text, flags=re.I)
    # 'turn the chair into gold': a material, not a colour ('gold' is both)
    turned = re.match(r"^(?:turn|transform|change|convert)\s+(?P<x>.+?)\s+(?:in)?to\s+(?P<m>[a-z]+)$", text, re.I)
    if turned and (turned.group("m").lower() in lexicon.ATTRIBUTE_CLASSES["material"]
                   or turned.group("m").lower() in ("gold", "silver", "ice", "paper", "chocolate")):
        text = f"make {turned.group('x')} made of {turned.group('m')}"
    # 'same image but the car is blue', 'the same car but green', 'the car, but yellow': what differs from the picture
    text = re.sub(r"^(?:the\s+)?same\s+(?:image|picture|photo|scene|thing|one|again)?\s*,?\s*but\s+", "",
                  text, flags=re.I)
    text = re.sub(r"^(?:the\s+)?(?:(?P<same>same)\s+)?(?P<x>[\w'-]+(?:\s+[\w'-]+)?)\s*,?\s+but\s+"
                  r"(?!(?:keep|leave|don't|do\s+not|not|still)\b)(?:in\s+)?(?P<y>[\w'-]+(?:\s+(?:and|or)\s+[\w'-]+)?)$",
                  lambda m: f"make the {m.group('x')} {m.group('y')}" if m.group("same") or m.group(0)[:4].lower() ==
                  "the " else m.group(0), text, flags=re.I)
    # 'twice as big (as it is)': a degree says how much, the adjective is the value
    text = re.sub(r"\b(?:twice|three\s+times|ten\s+times|half)\s+as\s+([\w-]+)(?:\s+as\s+.*)?$", r"\1", text, flags=re.I)
    # 'make her look surprised', 'make him look like a cartoon character': the pronoun is the reference, not 'her look'
    text = re.sub(r"^((?:make|have|let|get)\s+(?:him|her|them|it))\s+(?:look|appear|seem)(?:\s+like)?\s+"
                  r"(?!(?:at|to|toward|towards|away|up|down|left|right|into|around|out|back|over|through)\b)", r"\1 ",
                  text, flags=re.I)  # ('make her look away': an action)
    # 'make the sky look like a sunset', 'make the house look abandoned': the same for a named object (not 'look at
    # the camera', 'look away': an action)
    text = re.sub(rf"^((?:make|have|let|get)\s+{_DET}[\w'-]+(?:\s+[\w'-]+)?)\s+(?:look|appear|seem)(?:\s+like)?\s+"
                  r"(?!(?:at|to|toward|towards|away|up|down|left|right|into|around|out|back|over|through)\b)",
                  r"\1 ", text, flags=re.I)
    # 'let the cat be lying on the fence', 'have the dog be running': a statement of what the object does, as 'the
    # cat is lying on the fence' (the value is a verbal phrase, not a thing the object becomes)
    text = re.sub(r"^(?:let|have)\s+(?!(?:it|this|that|there|everything|him|her|them|me|us)\s)"
                  rf"(?P<x>{_DET}[\w'-]+(?:\s+[\w'-]+)?)\s+be\s+(?=[a-z]+ing\s+\S)", r"\g<x> is ", text, flags=re.I)
    text = re.sub(r"^(?:let|have)\s+(him|her|them)\s+(?:be\s+)?(?=[a-z]+ing\s+\S)",
                  lambda m: {"him": "he is ", "her": "she is ", "them": "they are "}[m.group(1).lower()], text, flags=re.I)
    # 'what if the man had a red shirt', 'what if he wore a hat': what he is given
    text = re.sub(r"^what\s+if\s+(?P<x>(?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?|he|she|they|it)\s+(?:had|has|got|wore)\s+(?P<y>.+)$",
                  lambda m: f"give {_OBJECT_FORM.get(m.group('x').lower(), m.group('x'))} {m.group('y')}", text,
                  flags=re.I)
    # 'turn the laptop on', 'wake the cat up': the state the object ends in
    text = re.sub(rf"^(?:turn|switch)\s+(?:(?P<p>on|off)\s+(?P<x>{_DET}[\w'-]+)|(?P<y>{_DET}[\w'-]+)\s+(?P<q>on|off))$",
                  lambda m: f"make {m.group('x') or m.group('y')} switched-{m.group('p') or m.group('q')}", text, flags=re.I)
    text = re.sub(rf"^wake\s+(?:up\s+)?(?P<x>{_DET}[\w'-]+)(?:\s+up)?$", r"make \g<x> awake", text, flags=re.I)
    # 'change the sign to say closed': what the sign says; 'change the number of candles to ten': how many there are
    text = re.sub(rf"^(?:change|edit|alter)\s+({_DET}[\w'-]+)\s+to\s+(?=(?:say|read|show)\s)", r"make \1 ", text,
                  flags=re.I)
    text = re.sub(r"^(?:change|set|make|increase|reduce|decrease)\s+the\s+(?:number|count|amount)\s+of\s+(?P<x>[\w'-]+)"
                  r"\s+(?:to|into)\s+(?P<n>\w+)$", lambda m: f"replace the {m.group('x')} with {m.group('n')} {m.group('x')}",
                  text, flags=re.I)
    # 'make the juice apple juice': the value names the object's noun again, after a word that says its kind
    text = re.sub(r"^(make|turn)\s+the\s+(?P<x>[\w-]+)\s+(?P<y>(?!(?:a|an|the|some)\s)[\w-]+\s+(?P=x))$",
                  lambda m: f"{m.group(1)} the {m.group('x')} into "
                  f"{'' if nlp.lemma(m.group('x')).lower() != m.group('x').lower() else 'a '}{m.group('y')}", text,
                  flags=re.I)  # ('make the trees palm trees': a plural takes no 'a')
    # "change the dog's pose to sitting", "the action of the dog to jumping": the object's verbal phrase, as 'the dog
    # is sitting' says it
    text = re.sub(r"^(?:change|switch|set|alter|make)\s+(?:(?:the\s+)?(?P<a>[\w-]+)'s\s+(?:pose|posture|action|"
                  r"activity)|the\s+(?:pose|posture|action|activity)\s+of\s+(?:the\s+)?(?P<b>[\w-]+))\s+(?:to|into)\s+"
                  r"(?:an?\s+)?(?P<v>[a-z]+ing(?:\s+(?:up|down))?)(?:\s+(?:pose|posture|position))?$",
                  lambda m: f"the {m.group('a') or m.group('b')} is {m.group('v')}", text, flags=re.I)
    # "the horse's colour": the attribute noun only names the value's class; the reference is the horse
    text = re.sub(rf"\b([\w-]+)'s\s+(?:{'|'.join(ATTRIBUTE_NOUNS)})s?\b", r"\1", text, flags=re.I)
    # "the roof colour": the same, written as a compound (not 'the colour', 'its colour')
    text = re.sub(r"\b([\w-]+)\s+(?:colou?r|material|texture|pattern)\b(?!\s+of\b)",
                  lambda m: m.group(0) if m.group(1).lower() in nlp.DETERMINERS | nlp.FUNCTION_WORDS | _VERB_WORDS
                  | {"vibrant", "vivid", "bright", "full"} else m.group(1), text, flags=re.I)  # 'in vibrant color'
    m = re.match(r"^(?P<c>(?:make|have|let|get)\s+\S+.*?)\s+instead$", text, re.I)
    if m:  # 'make the boy ride a horse instead': the clause says what changes; 'instead' adds nothing
        clause = _parse_clause(m.group("c"))
        if clause is not None:
            return clause
    m = re.match(r"^(?P<c>.+?)\s+(?:instead\s+of|rather\s+than)\s+(?P<old>[^,]+)$", text, re.I)
    if m and _VERB.match(m.group("c")):  # 'make the bus yellow instead of red': a whole clause, and what it was
        clause = _parse_clause(m.group("c"))
        was = lexicon.attribute_class(clean(m.group("old")))
        if clause is not None and clause.kind == "attribute" and was is not None and clause.value_class is None:
            clause = replace(clause, value_class=was)  # 'wet instead of snowy': the new look takes the old one's place
        if clause is not None:
            return clause
    m = _GENDER.match(text)
    if m:  # 'make them female', 'male to female'
        to = gender.VALUES[(m.group("g") or m.group("g2")).lower()]
        return Clause(source=clean(m.group("x") or ""), target=to, kind="gender")
    if _SWAP_THEM.match(text):  # 'swap them': the prompt's two objects trade places
        return Clause(source="", target="", kind="swap-attr", prep="whole")
    m = _SWAP_GROUP.match(text)
    if m and not re.fullmatch(r"(?:colou?r|shape|material|size|place|position)s", m.group("group"), re.I) \
            and nlp.lemma(m.group("group")).lower() != m.group("group").lower():  # a plural ('swap the bus' is none)
        return Clause(source="", target=m.group("group"), kind="swap-attr", prep="whole")
    m = _SWAP_ATTR.match(text)
    if m:
        cls = {"colour": "colour", "color": "colour", "shape": "shape", "material": "material", "size": "size"}[
            m.group("attr").lower().rstrip("s")]
        group = m.group("group") or (m.group("a") if m.group("a") and not m.group("b") else None)
        if group:  # 'swap the colours of the apples', "swap the horses' colours": the two objects of that noun
            return Clause(source="", target=clean(group), kind="swap-attr", prep=cls)
        return Clause(source=clean(m.group("a") or ""), target=clean(m.group("b") or ""), kind="swap-attr", prep=cls)
    m = _SWAP.match(text)
    if m and not re.search(r"\b(?:for|with)\b", m.group("b"), re.I):  # the value as written rides along in prep
        return Clause(source=clean(m.group("a")), target=clean(m.group("b")), kind="swap",
                      prep=clean_value(clean(m.group("b"), keep_det=True)))
    m = next((m for m in (r.match(text) for r in _RELOCATE) if m), None)
    if m and text[:3].lower() == "set" and not _names_place(clean_value(m.group("y"))):
        m = None  # 'set it on fire' says no place
    if m and clean_value(m.group("y")):  # "move to Sweden": the scene's place changes
        return Clause(source="", target=clean_value(clean(m.group("y"), keep_det=True)), kind="relocate",
                      prep=m.group("prep").lower())
    implicit = _implicit_clause(text)
    if implicit is not None:
        return implicit
    m = _OWN_STATE.match(text)
    if m:  # "make the bird open its wings": a state of the object's own part (where the prompt names the part;
        # else the action, kept in `form`: 'raise her arms' on 'a woman standing')
        owner = clean(m.group("x"))  # a pronoun's part by the instruction's own possessive ('have her close her
        part = f"{m.group('own')} {clean(m.group('y'))}" if owner.lower() in slots.PRONOUNS \
            else f"{owner}'s {clean(m.group('y'))}"  # eyes': 'her eyes', not "her's eyes")
        return Clause(source=part, target=_STATES[m.group("v").lower()],
                      kind="attribute", form=text[m.start("v"):])
    m = _VERB_CHANGE.match(text)
    if m and re.match(r"^\w+\s+(?:her|him|them|it)\s+(?:a|an)\s", text, re.I):
        m = None  # 'make her a little boy': what she becomes, not an action
    if m:  # "make the dog sit": the object's own verbal phrase changes (the object is one or two words)
        made = re.search(r"\bmade\s+(?:out\s+)?(?:of|from)\b", text, re.I)
        starts = [(m.start("x"), (1,) if m.group("x").split()[0].lower() in ("him", "them") else (2, 1))]
        pronoun = re.search(r"\b(?:her|him|them)\s+$", text[:m.start("x")], re.I)
        if pronoun:  # 'have her dance on a beach': 'her' is the person, not the possessive of 'dance'
            starts.insert(0, (pronoun.start(), (1,)))
        for start, ks in starts if not made else ():
            rest = list(re.finditer(r"\S+", text[start:]))
            for k in ks:  # 'the teddy bear' before 'the teddy' + 'bear ...'; a y that opens with a verb after a
                words = [w.group() for w in rest]  # 2-word object
                x, y = " ".join(words[:k]), " ".join(words[k + (words[k:k + 1] == ["to"]):])
                at = start + rest[min(k + (words[k:k + 1] == ["to"]), len(rest) - 1)].start()
                placed = len(y.split()) > 2 and y.split()[1].lower() in verbs.PLACES - verbs.DIRECTIONS
                placed |= x.lower() in ("him", "them")  # an object pronoun (not 'her', which may be possessive:
                # 'make her dress blue') is followed by what it is made to do: 'make him play tennis'
                tail = " ".join(y.split()[1:])
                done = bool(y.split()) and y.split()[0].lower() in verbs.ACTIONS \
                    and (not is_attribute(tail) or tail.lower() in verbs.FACINGS)  # ('face right': a way, not a look)
                if is_action(x, y) and (len(y.split()) == 1 or placed or done or _parsed_as_verb(text, at)):
                    # 'smile' is often a noun, and so is 'sleep' in 'make the dog sleep on the floor': a verb that
                    # the words after it say where happens is taken as one, and so is a thing one does followed by
                    # no look ('make the giraffe drink water', not 'make the ice skate blue')
                    return Clause(source=clean(x), target=clean_value(y), kind="verb")
    statement = _statement_clause(text)
    if statement is not None:
        return statement
    m = _PREFER.match(text) or _WANT.match(text)
    if m:  # "I'd prefer a blue car", "I'd prefer tulips": the value finds what it replaces by its head noun or its
        # class, as an implicit value does
        return Clause(source="", target=clean_value(clean(m.group("y"), keep_det=True)), kind="implicit")
    m = _GIVE.match(text)
    if m and re.search(r"\b(?:instead\s+of|rather\s+than)\b", m.group("y"), re.I):
        m = None  # 'give him sunglasses instead of glasses': the reference is after 'instead of'
    if m and leading_det(m.group("y")) and is_attribute(strip_det(clean_value(m.group("y")))) \
            and m.group("x").lower() not in slots.PRONOUNS and m.group("x").lower() not in slots.PERSON_PRONOUNS:
        # 'give the rug a floral pattern' ('pattern' only named the class, above): the recipient's attribute
        x, value = clean(m.group("x")), strip_det(clean_value(m.group("y")))
        return Clause(source=x, target=attribute_target(x, value), kind="attribute")
    worn = lexicon.PATTERN_NOUNS.get(clean(m.group("y")).lower().replace(" ", "-")) if m else None
    if worn and (m.group("x").lower() in slots.PRONOUNS or m.group("x").lower() in slots.PERSON_PRONOUNS):
        return Clause(source="", target=worn, kind="implicit", pronoun=m.group("x").lower())  # 'give it stripes'
    if worn:  # 'give the rug polka dots', 'give the shirt stripes': its pattern
        x = clean(m.group("x"))
        return Clause(source=x, target=attribute_target(x, worn, "pattern"), kind="attribute", value_class="pattern")
    if m and not leading_det(m.group("y")) or m and len(m.group("y").split()) > 1:
        # "give her short hair", "give the cat huge whiskers": the value names the part it replaces by its head noun
        y = clean_value(clean(m.group("y"), keep_det=True))
        words, x = strip_det(y).split(), clean(m.group("x"))
        named = _CLASS_NOUNS.get(words[-1].lower()) if words else None
        if named and len(words) > 1 and is_attribute(" ".join(words[:-1])):
            # 'give the rug a floral pattern': a value of the class the last word names, for the recipient
            return Clause(source=x, target=attribute_target(x, " ".join(words[:-1]), named), kind="attribute",
                          value_class=named)
        if len(words) > 1 and words[-1].lower() in SURFACES and is_attribute(" ".join(words[:-1])) \
                and x.lower() not in slots.PRONOUNS and x.lower() not in slots.PERSON_PRONOUNS:
            # 'give the cat orange fur': the cat's fur, which is the cat's look where the prompt does not name it
            return Clause(source=f"{x}'s {words[-1]}", target=strip_det(y), kind="attribute")
        return Clause(source=strip_det(y), target=y, kind="object")
    m = _FILL.match(text)
    if m:  # "fill the glass with milk": what the container holds
        return Clause(source=clean(m.group("x")), target=clean_value(clean(m.group("y"), keep_det=True)),
                      kind="contents")
    m = _DRESS.match(text)
    if m:  # "dress him in a tuxedo": the value's class (clothing) finds what he wears now
        return Clause(source="", target=clean_value(clean(m.group("y"), keep_det=True)), kind="implicit")
    m = _STATE_CHANGE.match(text)
    if m:  # "open the bear's mouth": a state of the object
        return Clause(source=clean(m.group("x")), target=_STATES[m.group("v").lower()], kind="attribute")
    for verb, pattern, _ in _FORMS:
        m = pattern.match(text)
        if not m:
            continue
        if verb == "setting":
            y = strip_det(clean(m.group("y")))
            if all(lexicon.attribute_class(w) in lexicon.SETTING_CLASSES for w in y.split()):
                return Clause(source="", target=y, kind="setting")
            if re.match(r"^\w+\s+(?:the\s+)?(?:scene|setting)\b", text, re.I) and _scene_value(y):
                return Clause(source="", target=clean_value(clean(m.group("y"), keep_det=True)), kind="relocate",
                              prep="to")  # 'change the setting to a city park': where the scene is
            continue
        raw_y = clean(m.group("y"), keep_det=True)
        x, y = clean(m.group("x")), clean_value(raw_y)
        if x and y and re.match(r"(?:be\s+)?made\s+(?:out\s+)?(?:of|from)\s", raw_y, re.I):  # a material
            return Clause(source=x, target=attribute_target(x, nlp.singular_last(strip_det(y)), "material"), kind="attribute",
                          value_class="material")
        possessive = re.match(rf"^(?P<obj>.+?)'s\s+(?:{'|'.join(ATTRIBUTE_NOUNS)})$", x, re.I)
        if possessive and y:  # "the horse's color" -> the horse, an attribute edit
            return Clause(source=possessive.group("obj"), target=attribute_target(possessive.group("obj"),
                                                                                  strip_det(y)), kind="attribute")
        placed = re.match(rf"^(?P<prep>{PREPS})\s+(?P<y>\S.*)$", raw_y, re.I)
        if verb in ("become", "is", "let", "whatif") and x and placed \
                and not re.search(r"\b(?:looks?|seems?|appears?)\s", text, re.I) \
                and not set(strip_det(placed.group("y")).lower().split()) & POSITIONS:
            # 'the bench should be on a beach': where it is ('the cat is on the left' names no place)
            return Clause(source=x, target=clean_value(placed.group("y")), kind="place",
                          prep=placed.group("prep").lower())
        if verb == "place":
            if not x or not y:
                continue
            if m.group("prep").lower() == "in" and slots.value_class(y) == "category:clothing":
                # 'put her in a red dress': what she wears, as 'dress her in a red dress'
                return Clause(source="", target=clean_value(raw_y), kind="implicit")
            if strip_det(y).lower().split()[-1:] and strip_det(y).lower().split()[-1] in POSITIONS:
                raise AlignmentError(
                    f"{text!r} moves {x!r} within the picture ({y!r}): OIR changes what objects are, in place, and "
                    "cannot move one. Say what should be at that place instead, or what the object becomes.",
                    code="unsupported")
            return Clause(source=x, target=y, kind="place", prep=m.group("prep").lower())
        if not x or not y or x.lower() == y.lower():
            continue
        if pattern in _GENERIC and _starts_with_verb(text) and not (verb == "arrow" and _VERB.match(text)):
            continue  # 'Mix with a kitten', 'Taken with a DSLR': X is no object, and the verb must not be blamed
        if verb == "color":
            return Clause(source=x, target=attribute_target(x, strip_det(y)), kind="attribute")
        if verb == "paint":
            if not nlp.is_adjective(y) and not is_attribute(y):  # ('matte black': a finish and a colour)
                continue
            if x.lower() in ("it", "this", "them", "everything"):  # 'paint it blue': the reference by the colour
                return Clause(source="", target=y, kind="implicit")
            return Clause(source=x, target=attribute_target(x, y), kind="attribute")
        if verb == "fromto":
            return Clause(source=x, target=y if not is_attribute(strip_det(y)) else strip_det(y), kind="object")
        if x.lower() in SETTING_WORDS and all(lexicon.attribute_class(w) in lexicon.SETTING_CLASSES
                                              for w in strip_det(y).split()):
            return Clause(source="", target=strip_det(y), kind="setting")  # "change the season to winter"
        if verb == "made":  # what it is made of is its material, a word the lexicon calls a colour ('gold') too
            return Clause(source=x, target=attribute_target(x, nlp.singular_last(strip_det(y)), "material"), kind="attribute",
                          value_class="material")
        if verb == "make" and len(y.split()) > 1 and _continues_noun(x, y.split()[0]) \
                and is_attribute(" ".join(y.split()[1:])):
            x, y = f"{x} {y.split()[0]}", " ".join(y.split()[1:])  # 'make the kitchen counter marble'
        if verb == "make":
            # 'the dog on the' + 'right black' is no split: the object cannot end in a function word
            dangling = len(x.split()) > 1 and x.split()[-1].lower() in nlp.DETERMINERS | nlp.FUNCTION_WORDS
            if dangling or not is_attribute(y) and "into" not in text.lower() and not leading_det(y):
                words = (x + " " + y).split()  # 'make the red cup blue': the object may be longer
                split = next((k for k in range(2, len(words)) if is_attribute(" ".join(words[k:]))
                              and words[k - 1].lower() not in nlp.DETERMINERS | nlp.FUNCTION_WORDS), None)
                named = next((k for k in range(1, len(words)) if all(w[:1].isupper() for w in words[k:])
                              and words[k - 1][:1].islower() and not lexicon.is_attribute_word(words[k - 1])
                              and not any(w.lower() in nlp.FUNCTION_WORDS | nlp.DETERMINERS for w in words[:k])), None)
                if split is None and named is not None and len(words) - named <= 3:  # 'make the statue Abraham
                    return Clause(source=clean(" ".join(words[:named])), target=" ".join(words[named:]), kind="object")
                    # Lincoln': a name is what it becomes
                if split is None and len(words) > 3 and _bare_plural_noun(" ".join(words[-2:])) \
                        and words[-3].lower() == words[-1].lower() and words[-2].lower() not in nlp.FUNCTION_WORDS:
                    return Clause(source=clean(" ".join(words[:-2])), target=" ".join(words[-2:]), kind="object")  #
                    # 'make the pine trees birch trees': the same head, of another kind
                if split is None and len(words) > 2 and " ".join(words[-2:]).lower() in lexicon.KIND_NAMES:
                    return Clause(source=clean(" ".join(words[:-2])), target=" ".join(words[-2:]), kind="object")
                    # 'make the coffee iced tea': a kind's two-word name is what it becomes
                if split is None and len(words) == 3 and _bare_plural_noun(words[0]) and _bare_plural_noun(words[2]) \
                        and words[1].lower() not in nlp.DETERMINERS | nlp.FUNCTION_WORDS:
                    return Clause(source=clean(words[0]), target=" ".join(words[1:]), kind="object")  # 'make the
                    # fries onion rings': a plural object, and a plural of two words it becomes
                if split is None and _bare_plural_noun(words[-1]) and len(words) > 1 \
                        and words[-2].lower() not in nlp.DETERMINERS | nlp.FUNCTION_WORDS:
                    return Clause(source=clean(" ".join(words[:-1])), target=words[-1], kind="object")  # 'make the
                    # glasses sunglasses', 'make the flowers in the vase sunflowers'
                mass = split is None and len(words) > 1 and words[-1].lower() in lexicon.MASS_NOUNS \
                    and words[-2].lower() not in nlp.DETERMINERS | nlp.FUNCTION_WORDS
                if mass and (words[-2].lower() in lexicon.MASS_NOUNS or words[-2].lower() in lexicon.SETTING_NOUNS):
                    return Clause(source=clean(" ".join(words[:-1])), target=words[-1], kind="object")  # 'make the
                    # snow grass': one stuff for another
                if mass:  # 'make the floor (look like) ice': what the thing is made of
                    x = clean(" ".join(words[:-1]))
                    return Clause(source=x, target=attribute_target(x, words[-1], "material"), kind="attribute",
                                  value_class="material")
                kind = lexicon.category_of(words[-1])
                if split is None and len(words) > 1 and kind is not None and lexicon.category_of(words[-2]) == kind:
                    return Clause(source=clean(" ".join(words[:-1])), target=words[-1], kind="object")  # 'make the
                    # coffee tea': a thing of the object's own kind is what it becomes
                if split is None:
                    continue
                x, y = " ".join(words[:split]), " ".join(words[split:])
            if not leading_det(y) and _describes(y):
                return Clause(source=x, target=attribute_target(x, strip_det(y)), kind="attribute")
        if verb == "is" and (leading_det(y) or not _describes(y) or y.split()[0].lower() in ("too", "not", "so")):
            # 'horns are too big' is a complaint, not the value
            continue
        if verb in ("change", "become", "whatif", "let", "is") and not leading_det(y) and _describes(y):
            return Clause(source=x, target=attribute_target(x, strip_det(y)), kind="attribute")
        if verb in ("make", "change", "become", "let", "is") and len(y.split()) == 1 \
                and lexicon.attribute_class(y) in ("season", "time") and x.lower() not in _NOT_SUBJECTS \
                and x.lower() not in SETTING_WORDS and x.lower() not in slots.PERSON_PRONOUNS \
                and lexicon.attribute_class(x) not in lexicon.SETTING_CLASSES:  # ('change night to day': a time)
            # 'make the forest autumn': a season said of a thing is its modifier ('an autumn forest'), as 'make it
            # autumn' is the scene's; a time of day is the scene's ('make the street night': '... at night'); a
            # weather noun is a stuff ('change the grass to snow')
            if lexicon.attribute_class(y) == "time":
                return Clause(source="", target=y, kind="implicit", pronoun="it")
            return Clause(source=x, target=attribute_target(x, y), kind="attribute",
                          value_class=lexicon.attribute_class(y))
        return Clause(source=x, target=y, kind="object")
    return None




def _continues_noun(x: str, word: str) -> bool:
    """Is `word` the head noun of a compound that `x` starts ('kitchen' + 'counter'), not a value ('car' + 'bright')?"""
    p = nlp.get_parser()
    if not p.parsed or lexicon.is_attribute_word(word) or word.lower() in nlp.FUNCTION_WORDS:
        return False
    doc = p.nlp(f"the {x} {word}")
    return doc[-1].pos_ == "NOUN" and doc[-2].dep_ in ("compound", "amod") and doc[-2].head.i == doc[-1].i


_IRREGULAR_PLURALS = frozenset(lexicon.IRREGULAR_SINGULARS)


def _bare_plural_noun(value: str) -> bool:
    """Is the value a plural noun (phrase) of one or two words without a determiner ('sunglasses', 'red roses')?
    After 'make X' it is what X becomes, as 'a lamp' is."""
    words = value.split()
    p = nlp.get_parser()
    if not 1 <= len(words) <= 2 or not p.parsed or not (words[-1].lower().endswith("s")
                                                        or words[-1].lower() in _IRREGULAR_PLURALS):
        return False
    doc = p.nlp("the " + value.lower())
    return doc[-1].tag_ == "NNS" and not lexicon.is_attribute_word(words[-1])


def _starts_with_verb(text: str) -> bool:
    """Does the clause open with a verb ('mix', 'combine', 'taken', 'give the man ...')? Read lowercased: a capital
    at the start of a sentence says nothing."""
    p = nlp.get_parser()
    if not p.parsed:
        return False
    doc = p.nlp(text.lower())
    return len(doc) > 1 and doc[0].pos_ in ("VERB", "AUX")


def _describes(value: str) -> bool:
    """Is the value for a named object an attribute of it? Adjective-like words are, except setting nouns ('change
    the grass to snow': the grass becomes snow, not 'snow grass'; 'make the sky stormy' stays an attribute)."""
    return is_attribute(value) and not all(w.lower() in lexicon.SETTING_NOUNS for w in value.split())


def attribute_words(clause: Clause, found: str) -> str:
    """The attribute words a clause adds: its target minus the object's own words."""
    obj = {w.lower() for w in clause.source.split()}
    return " ".join(w for w in clause.target.split() if w.lower() not in obj) or clause.target


def prompts_from_clauses(clauses: list[Clause]) -> tuple[str, str]:
    src, tgt = [], []
    for c in clauses:
        source = with_article(c.source)
        src.append(source)
        if c.kind == "attribute":
            tgt.append(with_article(c.target))
        elif leading_det(c.target) or not leading_det(source):  # "dumplings" -> "fried rice": no article
            tgt.append(c.target)
        else:
            tgt.append(with_article(c.target))
    return "a photo of " + " and ".join(src), fix_articles("a photo of " + " and ".join(tgt))
