"""Resolving a reference by class: which words of the source prompt a value can stand in for.

One rule serves every instruction whose reference is implicit ("make it winter", "turn into a campsite", "by Lisa
Frank", "as a watercolor"), a class name ("change the artist to ...", "the season", "the background colour") or a
pronoun ("make her old"): the value has a class (a credit "by NAME", a medium or style, a lexicon attribute class
such as season, time of day, weather or colour, a category of nouns such as animal or building), and the reference
is the one phrase of the source prompt of that class. None: nothing to change (refused: say it in the source
prompt). Several different ones: ambiguous (refused with the readings). No guessing beyond that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon, nlp

# Words that name a picture's medium or style. A value naming one replaces the source prompt's medium phrase.
MEDIUM = frozenset({
    "painting", "paintings", "photograph", "photographs", "photo", "photos", "photography", "picture", "sketch",
    "drawing", "illustration", "watercolor", "watercolour", "artwork", "carving", "sculpture", "statue",
    "cartoon", "comic", "anime", "manga", "poster", "print", "render", "rendering", "mosaic", "engraving", "etching",
    "lithograph", "graffiti", "daguerreotype", "daguerrotype", "polaroid", "tapestry", "fresco", "mural", "collage",
    "woodcut", "pastel", "snapshot", "selfie", "screenshot", "3d", "cgi", "vector", "pixel", "doodle",
    "lineart", "oil", "acrylic", "charcoal", "pencil", "ink", "stencil", "portrait", "portraits", "postcard",
    "graphic", "graphics", "diagram", "blueprint", "infographic", "sticker", "emoji",
    "embroidery", "cross-stitch", "needlepoint", "claymation", "papercut", "linocut", "cyanotype", "hologram",
    "x-ray", "headshot", "wireframe", "diorama", "quilt", "batik",
})
# Nouns that name a kind of medium before it ('stock photo', 'wall mural', 'studio portrait'): part of its phrase.
GENRES = frozenset({"portrait", "portraits", "self-portrait"})  # what a picture shows, in any medium: the reference
# only when the prompt names no other medium
MEDIUM_KINDS = frozenset({"stock", "wall", "film", "studio", "concept", "fan", "fine"})
# What a medium is laid on ('oil on canvas'): part of the medium's phrase, so a new medium replaces it too.
SUPPORTS = frozenset({"canvas", "paper", "panel", "board", "linen", "wood", "cardboard", "aquaboard", "silk",
                      "vellum", "parchment", "copper", "masonite", "hardboard", "gesso", "plywood", "card"})
# 'on canvas', 'on a wood panel': what a medium is painted on (a word of its own may come before the support)
_SUPPORT = re.compile(rf"\s+on\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+(?=(?:{'|'.join(sorted(SUPPORTS))})\b))?"
                      rf"(?P<support>(?:{'|'.join(sorted(SUPPORTS))}))\b", re.I)
SUPPORT_AFTER = re.compile(rf"{_SUPPORT.pattern}$", re.I)
# Words that grade a setting noun and go with it ('thick fog', 'heavy rain', 'early morning').
GRADES = frozenset({"thick", "heavy", "light", "dense", "thin", "early", "late", "deep", "strong", "gentle", "soft",
                    "bright", "dark", "cold", "warm", "hot"})
# Nouns that name a class instead of a thing ("change the artist to X", "make the season winter").
CLASS_NOUNS = {
    "artist": "credit", "author": "credit", "painter": "credit", "photographer": "credit", "creator": "credit",
    "style": "medium", "medium": "medium", "art style": "medium", "technique": "medium", "look": "medium",
    "season": "season", "weather": "weather", "time": "time", "time of day": "time", "lighting": "time",
    "light": "time", "sky": "weather", "colour": "colour", "color": "colour", "colors": "colour",
    "colours": "colour", "pattern": "pattern", "print": "pattern",
}
PRONOUNS = frozenset({"it", "this", "that", "them", "they", "these", "those", "everything", "him", "her", "he",
                      "she", "image", "picture", "photo", "photograph", "scene", "whole image", "whole picture",
                      "whole thing", "image itself", "the image", ""})
PLURAL_PRONOUNS = frozenset({"them", "they", "these", "those"})
PERSON_PRONOUNS = {"him": "person", "her": "person", "he": "person", "she": "person"}
_WORD = re.compile(r"\w[\w'-]*")
_PART = re.compile(r"[^\W_]+(?:'[^\W_]+)?")  # a word of a file-name-like token ('doors-photography-40', 'A_Musical')
_CREDIT = re.compile(r"(?:\bby\s+|©\s*|\(c\)\s+)(?P<name>(?:[A-Z]\.\s*|[^\W\d][\w'’.-]*\s*)+?)\s*"
                     r"(?=$|[,;|()\[\]–—:~]|\.\s|\.$|\s-\s|\s(?:on|via|at|for|in|from|with)\s)")


_LIFE_DATES = re.compile(r"\s*\((?:(?:born|b\.|died|d\.)\s*\d{3,4}|\d{3,4}\s*[-–—]\s*(?:\d{2,4})?)\)")


def _credit_end(prompt: str, end: int) -> int:
    """Where a credit ends: after the name, or after the life dates in brackets right after it ('by Abbott Graves
    (1859-1936)', '(born 1950)'): they are that artist's, so a new credit replaces them with the name. A single
    year in brackets stays (it may date the work)."""
    dates = _LIFE_DATES.match(prompt, end)
    return dates.end() if dates else end


@dataclass(frozen=True)
class Slot:
    """A span of the source prompt that a value of `cls` replaces."""

    start: int
    end: int
    cls: str

    def text(self, prompt: str) -> str:
        return prompt[self.start:self.end]


# The picture's colour mode: a value of this class is about the whole picture, never an object's colour ("make it
# black and white" on "a red car" is a black-and-white picture, not a black-and-white car).
_PALETTE_PROMPT = r"black[\s-]+and[\s-]+white|b&w|monochrome|monochromatic|sepia(?:[\s-]+toned?)?|gr[ae]yscale|" \
                  r"(?:in\s+)?full[\s-]+colou?r|in\s+(?:vibrant\s+|bright\s+|vivid\s+)?colou?r"
PALETTE_IN_PROMPT = re.compile(rf"\b(?:{_PALETTE_PROMPT})\b", re.I)
_PALETTE_VALUE = re.compile(rf"^(?:in\s+)?(?:{_PALETTE_PROMPT}|(?:vibrant\s+|bright\s+|vivid\s+|full\s+)?colou?rs?)$",
                            re.I)


REALISM = frozenset({"realistic", "photorealistic", "photo-realistic", "hyperrealistic", "hyper-realistic",
                     "lifelike", "photographic"})  # 'make it realistic': a look only a photograph has


_NOT_MOVEMENTS = frozenset({"artist", "florist", "cyclist", "tourist", "dentist", "scientist", "chemist", "pianist",
                            "guitarist", "violinist", "journalist", "stylist", "specialist", "motorist", "therapist",
                            "organist", "cellist", "novelist", "columnist", "economist", "botanist", "linguist"})  #
# people, not movements
# Styles, not pictures one counts: 'make it anime' -> '..., in anime style' (not 'an anime of ...')
STYLE_ONLY = frozenset({"anime", "manga", "cgi", "vector", "lineart", "graffiti", "ukiyo-e", "chibi", "steampunk",
                        "cyberpunk", "vaporwave", "synthwave"})
# Words that say how a picture is made and go before its noun ('a 3D photo', 'an acrylic painting')
MEDIUM_MODIFIERS = frozenset({"3d", "cgi", "vector", "pixel", "oil", "acrylic", "charcoal", "pencil", "ink", "digital",
                              "pastel", "stencil", "lineart", "steampunk", "cyberpunk", "vaporwave", "synthwave"})


def movement_style(value: str) -> str | None:
    """A style word that names a medium: an art movement a painting's ('impressionism' -> 'impressionist painting',
    'cubism' -> 'cubist painting'), realism a photograph's ('realistic' -> 'realistic photo'); None for anything
    else."""
    m = re.fullmatch(r"([A-Za-z]{3,})ism", value.strip()) or re.fullmatch(r"([A-Za-z]{3,})ist", value.strip()) \
        if value.strip().lower() not in _NOT_MOVEMENTS else None
    if m:
        return f"{m.group(1)}ist painting"  # ('cubist' too: the movement's adjective)
    return f"{value.strip().lower()} photo" if value.strip().lower() in REALISM else None


def setting_classes(value: str) -> list[str]:
    """The scene classes (weather, time, season, ...) of a value's words, in the value's word order, each once ('a
    sunny day': weather, time). An ordered list, so the reading never depends on set order."""
    out: list[str] = []
    for w in _WORD.findall(value):
        c = lexicon.attribute_class(w.lower())
        if c in lexicon.SETTING_CLASSES and c not in out:
            out.append(c)
    return out


def value_class(value: str) -> str | None:
    """The class of a value: 'credit' (by NAME), 'medium', 'palette' (the picture's colour mode), a lexicon attribute
    class, or a noun category."""
    v = value.strip()
    if re.match(r"by\s+\S", v, re.I):
        return "credit"
    if _PALETTE_VALUE.match(v):
        return "palette"
    words = [w.lower() for w in _WORD.findall(v)]
    while len(words) > 1 and words[0] in ("a", "an", "the", "some"):
        words = words[1:]
    if not words:
        return None
    if any(w in MEDIUM for w in words) or v.lower().endswith((" art", " style")) or movement_style(v) \
            or v.lower() in STYLE_ONLY:
        return "medium"
    classes = {lexicon.attribute_class(w) for w in words} - {None}
    setting = setting_classes(value)
    if setting and all(lexicon.attribute_class(w) or w in ("and", "or") or w in lexicon.SETTING_HEAD_WORDS
                       for w in words):
        return setting[0]
    if len(words) == 1 and lexicon.attribute_class(words[0]) == "material" and words == [v.lower()]:
        return "material"  # 'make it glass': what it is made of ('a glass' is a thing)
    named = re.match(r"^(?:(?:a|an|the)\s+)?([A-Za-z-]+)\s+of\s+[A-Z]", v)  # 'the Palace of Versailles': a palace
    head = named.group(1).lower() if named else words[-1]
    for name, members in lexicon.CATEGORIES.items():
        if name in ("pet",):
            continue
        if head in members or head.rstrip("s") in members:
            return "category:" + name
    if len(classes) == 1 and all(lexicon.attribute_class(w) or w in ("and", "or") for w in words):
        return classes.pop()  # attribute words only ("make it red"): the prompt's word of that class
    return None


def slots(prompt: str, cls: str) -> list[Slot]:
    """Every span of `prompt` of class `cls`."""
    if cls == "credit":  # the name without its trailing space, with the artist's life dates that follow it
        return [Slot(m.start("name"), _credit_end(prompt, m.start("name") + len(m.group("name").rstrip())), cls)
                for m in _CREDIT.finditer(prompt)]
    if cls == "palette":
        return [Slot(m.start(), m.end(), cls) for m in PALETTE_IN_PROMPT.finditer(prompt)]
    out = []
    words = list(_WORD.finditer(prompt))
    if cls == "medium":
        words = list(_PART.finditer(prompt))  # 'vintage-doors-photography-40': the medium is one part of it
        verbs = _verb_starts(prompt)
        i = 0
        while i < len(words):
            if words[i].group(0).lower() in MEDIUM and words[i].start() not in verbs \
                    and not _second_of_compound(prompt, words[i]):  # not 'started painting', not 'self-portrait'
                j, k = i, i
                # its modifiers, not a name's part ('joan-crawford Photo')
                while k > 0 and _joins(prompt[words[k - 1].end():words[k].start()]) \
                        and prompt[words[k - 1].start() - 1:words[k - 1].start()] not in ("-", "_") \
                        and (is_modifier(words[k - 1].group(0)) or words[k - 1].group(0).lower() in MEDIUM_KINDS):
                    k -= 1
                    if k > 1 and words[k - 1].group(0).lower() in ("and", "or") and is_modifier(words[k - 2].group(0)) \
                            and _joins(prompt[words[k - 2].end():words[k - 1].start()]) \
                            and _joins(prompt[words[k - 1].end():words[k].start()]):
                        k -= 2  # 'black and white photo': coordinated modifiers are one
                while j + 1 < len(words) and words[j + 1].group(0).lower() in MEDIUM \
                        and _joins(prompt[words[j].end():words[j + 1].start()]):
                    j += 1
                end = words[j].end()
                support = _SUPPORT.match(prompt, end)
                if support and support.group("support").lower() in SUPPORTS:
                    end = support.end()
                out.append(Slot(words[k].start(), end, cls))
                i = j + 1
                while i < len(words) and words[i].start() < end:
                    i += 1
            else:
                i += 1
        media = [o for o in out if prompt[o.start:o.end].lower() not in GENRES]
        return media or out  # 'Portrait of a woman, oil painting': the medium is the oil painting
    if cls.startswith("category:"):
        kind = cls.split(":", 1)[1]
        members = lexicon.CATEGORIES[kind]
        found = [Slot(m.start(), m.end(), cls) for m in words
                 if m.group(0).lower() in members or m.group(0).lower().rstrip("s") in members]
        if kind == "landform":  # 'Mt. Fuji': a mountain by its name
            found += [Slot(m.start(), m.end(), cls) for m in _MOUNT.finditer(prompt)]
        return sorted(found, key=lambda f: f.start)
    out = []
    for i, m in enumerate(words):
        if lexicon.attribute_class(m.group(0)) != cls:
            continue
        if m.group(0).lower() in ("on", "off") and i + 1 < len(words) \
                and prompt[m.end():words[i + 1].start()].strip() == "" \
                and (words[i + 1].group(0).lower() in nlp.DETERMINERS or words[i + 1].group(0)[:1].isupper()):
            continue  # 'on the beach', 'on Curiator': a preposition, not a lamp switched on
        k = i  # a setting noun with its modifiers ('thick fog'); an adjective alone ('misty')
        while k > 0 and prompt[words[k - 1].end():words[k].start()].strip() == "" and is_modifier(words[k - 1].group(0)) \
                and m.group(0).lower() in lexicon.SETTING_NOUNS and words[k - 1].group(0).lower() in GRADES:
            k -= 1
        out.append(Slot(words[k].start(), m.end(), cls))
    merged: list[Slot] = []
    for slot in out:  # 'black and white', 'light blue': coordinated or adjacent values of one class are one value
        if merged and re.fullmatch(r"\s+(?:and|or|&)\s+|\s+|-", prompt[merged[-1].end:slot.start], re.I):
            merged[-1] = Slot(merged[-1].start, slot.end, cls)
        else:
            merged.append(slot)
    return merged


_MOUNT = re.compile(r"\b(?:Mt\.?|Mount)\s+[A-Z][\w'-]*")  # 'Mt. Fuji', 'Mount Rainier'


def _second_of_compound(prompt: str, word: re.Match) -> bool:
    """Is `word` the second half of a hyphenated word ('self-portrait') rather than a part of a file-name-like
    token ('vintage-doors-photography-40')? The whole word is then one thing, not a medium."""
    start = prompt.rfind(" ", 0, word.start()) + 1
    end = prompt.find(" ", word.end())
    token = prompt[start:len(prompt) if end < 0 else end]
    parts = token.split("-")
    return len(parts) == 2 and word.start() > start and parts[0].lower() not in MEDIUM


def _joins(gap: str) -> bool:
    """Does the text between two words keep them in one phrase? A space, or a spaced dash ('oil - painting'); not a
    hyphen inside a file-name-like token ('joan-crawford Photo': 'crawford' is no modifier of 'Photo')."""
    return gap.strip() == "" or gap.strip() == "-" and gap != "-"


def _verb_starts(prompt: str) -> set[int]:
    """Where the prompt's verbs of a clause start, by its parse ('painting' in 'a woman painting a fence'); none
    without a parser. A verb the parser makes the root of a title ('Painting by NAME') is not one. An -ing word that
    a verb takes as its bare object is the activity, not a work ('he started painting with watercolors': the small
    parser calls it a noun; an artwork there would have a determiner or a modifier, 'started a painting')."""
    from .nlp import get_parser

    p = get_parser()
    if not p.parsed:
        return set()
    return {t.idx for t in p.nlp(prompt)
            if (t.pos_ == "VERB" and t.dep_ in ("acl", "relcl", "xcomp", "advcl", "pcomp"))
            or (t.text.lower().endswith("ing") and t.dep_ in ("dobj", "xcomp") and t.head.pos_ in ("VERB", "AUX")
                and not any(c.dep_ in ("det", "amod", "compound", "poss", "nummod") for c in t.children))}


def is_modifier(word: str) -> bool:
    """An adjective or attribute word (what describes a medium: 'stock photo', 'futurist art')."""
    from .nlp import DETERMINERS, FUNCTION_WORDS, is_adjective

    w = word.lower()
    if lexicon.attribute_class(w) in lexicon.SETTING_CLASSES:  # 'Night Painting': the scene's time, not the medium's
        return False
    return w not in DETERMINERS and w not in FUNCTION_WORDS and (lexicon.is_attribute_word(w) or is_adjective(w))


GLOBAL_CLASSES = ("credit", "medium", "palette", "season", "weather", "time")  # the whole picture, not one object
WHOLE_IMAGE = "the whole image"  # the mask phrase of a global pair: no detector is asked


def is_global(source: str, target: str, prompt: str, start: int | None) -> bool:
    """Is a pair (source -> target, source at `start` in `prompt`) a whole-image change: the picture's medium or
    style, its artist credit, or the scene's season, weather or time of day, on both sides?"""
    def classes(text: str) -> set[str]:
        words = [w.lower() for w in _WORD.findall(text)]
        out = {lexicon.attribute_class(w) for w in words} & set(GLOBAL_CLASSES)
        if any(w in MEDIUM for w in words):
            out.add("medium")
        if PALETTE_IN_PROMPT.search(text) or _PALETTE_VALUE.match(text.strip()):
            out.add("palette")
        return out

    if start is not None and re.search(r"\b(?:by|style\s+of)\s+$", prompt[:start], re.I):
        return True  # an artist credit, or the artist a style is named after, changes the whole picture's style
    src, tgt = classes(source), classes(target)
    return bool(src and tgt and src & tgt)


def distinct(prompt: str, found: list[Slot]) -> list[str]:
    """The different texts (case-insensitive) among `found`, in order."""
    seen: dict[str, str] = {}
    for s in found:
        seen.setdefault(s.text(prompt).lower(), s.text(prompt))
    return list(seen.values())


_LEADING = re.compile(r"^(?:(?:in|at|on|during|under|as|into|with)\s+)?(?:(?:a|an|the|some)\s+)?", re.I)


def is_global_phrase(text: str) -> bool:
    """Does an added phrase say what the whole picture is or when/in what weather it is ('at night', 'in winter',
    'in the snow', 'on a sunny day', 'in the style of Van Gogh', 'a watercolor painting of', 'by Monet')? Such an
    addition changes the whole image and needs no counterpart in the source prompt."""
    t = text.strip(" ,.;:-").strip()
    if not t:
        return False
    if value_class(t) == "credit":
        return True
    rest = _LEADING.sub("", t)
    rest = re.sub(r"\s+(?:of|by)$", "", rest, flags=re.I).strip()
    if re.match(r"(?:the\s+)?(?:style|manner)\s+of\s+\S", rest, re.I):
        return True
    return bool(rest) and value_class(rest) in GLOBAL_CLASSES
