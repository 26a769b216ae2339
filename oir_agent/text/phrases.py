"""Noun-phrase surgery on a source prompt: where a reference is (`locate`), where its phrase starts, which
modifiers survive a new value (`attribute_target`, `replace_phrase`), articles and English adjective order.
"""

from __future__ import annotations

import re

from . import lexicon, nlp
from .pairs import find_phrase


def is_attribute(phrase: str) -> bool:
    """Adjective-like words only: POS adjectives, or words of the lexicon's attribute classes / comparatives."""
    words = phrase.split()
    if phrase.strip().lower() in lexicon.KIND_NAMES:  # 'hot chocolate', 'polar bear': a thing, though its first
        return False  # word describes
    inner = {k for k, w in enumerate(words) if w.lower() in ("and", "or") and 0 < k < len(words) - 1}
    return bool(words) and all(k in inner or lexicon.is_attribute_word(w) or nlp.is_adjective(w)
                               and lexicon.category_of(w) is None for k, w in enumerate(words))  # ('geese': a thing,
    # whatever the parser tags it)


def clean(phrase: str, keep_det: bool = False) -> str:
    p = phrase.strip().strip(",.;:!?\"'").strip()
    return p if keep_det else strip_det(p)


def strip_det(phrase: str) -> str:
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in nlp.DETERMINERS:
        words = words[1:]
    return " ".join(words)


def attribute_target(obj: str, attribute: str, value_class: str | None = None) -> str:
    """'red berries' + 'purple' -> 'purple berries': a new value replaces the object's old value of the same class
    (colour, size, material, pattern, state, emotion, ...; 'shorter' counts as 'short'). A value or an old modifier
    of unknown class: the new value goes before the old ones (measured against replacing them: docs/DECISIONS.md).
    Coordinated values stay together ('black and white cat' + 'orange and white' -> 'orange and white cat'). The
    value's words take `value_class` when the instruction named one ('the hair colour', 'made of gold'), even words
    the lexicon does not know or files under another class."""
    attr_words = [lexicon.PATTERN_NOUNS.get(w.lower(), lexicon.base_form(w)) if value_class in (None, "pattern")
                  and lexicon.attribute_class(w) is None else lexicon.base_form(w) for w in attribute.split()]  # a
    # pattern said by its noun is its look ('stripes' -> 'striped')
    if len(attr_words) == 1 and attr_words[0] in lexicon.SHADES and attribute.strip().lower() != attr_words[0] \
            and value_class in (None, "colour"):
        shaded = _shaded(obj.split(), attr_words[0])
        if shaded is not None:
            return shaded
        if not any(lexicon.attribute_class(w) for w in obj.split()):  # the instruction's own 'the dog': the
            return f"{attribute.strip().lower()} {obj}"  # comparative stays until the prompt's object is known
            # (settle_shades, below, when that has no hue either)

    def class_of(a: str) -> str | None:
        return value_class or lexicon.attribute_class(a)

    def classes_of(a: str) -> frozenset[str]:  # a word may be in two classes ('calm': emotion, weather)
        return frozenset({value_class} if value_class else lexicon.attribute_classes(a))

    new_classes = {class_of(a) for a in attr_words if a not in ("and", "or")}
    out, placed = [], set()
    words = obj.split()
    for i, w in enumerate(words):
        head = i == len(words) - 1 and i > 0 and nlp.is_noun(w)  # the object's own noun is kept ('traffic light'
        # + 'green' -> 'green traffic light', though 'light' is a shade too)
        old = frozenset() if head else lexicon.attribute_classes(w)
        same = [a for a in attr_words if lexicon.as_rivals(classes_of(a)).intersection(old)]
        if same:  # the new value takes the old one's place ('long yellow bus' + 'green' -> 'long green bus')
            coordinated = "and" in attr_words or "or" in attr_words  # 'red and sporty': the whole value, as written
            out.extend(a for a in attr_words if a not in placed and (coordinated or a in same))
            placed.update(attr_words if coordinated else same)
        elif w.lower() in ("and", "or") and out and lexicon.attribute_class(out[-1]) in new_classes:
            continue  # the old coordination ('black and white') went with its values
        elif w.lower() not in attr_words:
            out.append(w)
    new = [a for a in attr_words if a not in placed]
    named = next((j for j in range(len(out) - 1) if " ".join(out[j:]).lower() in lexicon.KIND_NAMES), len(out))
    k = 0
    while new and k < named and lexicon.attribute_class(out[k]) is not None:
        k += 1  # the object's own modifiers of known class: the new ones take their English place among them (not
        # inside a kind's name: 'a striped hot air balloon')
    lead = _adjective_order(new + out[:k]) if new and "and" not in new and "or" not in new else new + out[:k]
    return " ".join(lead + out[k:])


def _shaded(words: list[str], shade: str) -> str | None:
    """'brown dog' + 'darker' -> 'dark brown dog': a comparative shade is said of the object's hue, which stays (an
    old shade goes); None when the object has no hue."""
    hue = next((w for w in words if lexicon.attribute_class(w) == "colour" and w.lower() not in lexicon.SHADES), None)
    if hue is None:
        return None
    out = [w for w in words if w.lower() not in lexicon.SHADES]
    at = out.index(hue)
    return " ".join(out[:at] + [shade] + out[at:])


def settle_shades(phrase: str) -> str:
    """The other half of attribute_target's placeholder: a shade's comparative kept for a hue the reference did not
    name ('the dog' + 'darker' -> 'darker dog') becomes its base word when the prompt's object has no hue either
    ('a street' + 'brighter' -> 'a bright street')."""
    return " ".join(lexicon.base_form(w) if lexicon.base_form(w) in lexicon.SHADES else w for w in phrase.split())


# A value in a frame: 'a bowl of spaghetti' (frame 'bowl of', rest 'spaghetti')
FRAMED = re.compile(r"^(?:(?:a|an|the|some)\s+)?(?P<frame>(?:[\w'-]+\s+){1,3}of)\s+(?P<rest>\S.*)$", re.I)


def without_frame(before: str, value: str) -> str:
    """'a bowl of spaghetti' for 'ramen' in 'a bowl of ramen': the value's own words that the prompt already has
    right before the object ('bowl of') are not said twice."""
    m = FRAMED.match(value)
    if m and re.search(rf"\b{re.escape(m.group('frame'))}\s+$", before, re.I):
        return m.group("rest")
    return value


_PREPOSITIONS = frozenset({"by", "of", "with", "near", "on", "in", "at", "under", "over", "beside", "behind"})


def agree_preposition(prompt: str, start: int, text: str, old: str = "") -> tuple[int, str]:
    """'a bench in a park' + 'a beach' -> 'on a beach': a new place after 'in'/'on' takes its own preposition
    (surfaces 'on', surroundings 'in': lexicon.ON_PLACES / IN_PLACES); any other keeps the prompt's, and so does a
    place of the same kind as `old`, the phrase it replaces ('in a wheat field' -> 'in a corn field'). Returns where
    the replacement starts and its text (the preposition included when it changes)."""
    m = re.search(r"\b(in|on)(\s+(?:(?:the|a|an|some)\s+)?)$", prompt[:start], re.I)
    words = strip_det(text).split()
    first = next((k for k, w in enumerate(words) if k and w.lower() in _PREPOSITIONS), len(words))
    head = words[first - 1].lower() if words else ""  # 'a cliff by the sea': the cliff is the place
    if old.split() and old.split()[-1].lower() == head:
        return start, text
    want = "on" if head in lexicon.ON_PLACES else "in" if head in lexicon.IN_PLACES else None
    water = lexicon.CATEGORIES["water"] | {"water"}
    if m is not None and m.group(1).lower() == "on" and head in water and old.split() \
            and old.split()[-1].lower() in water:
        return start, text  # 'a boat on a lake' + 'a river': what floats on one water floats on another
    if m is None or want is None or want == m.group(1).lower():
        return start, text
    return m.start(1), want + m.group(2) + text


def replace_phrase(prompt: str, start: int, end: int, value: str) -> tuple[int, str]:
    """A new noun (phrase) for the object at prompt[start:end]: (where the replacement starts, its text). Inside a
    token joined by '-' (a file name, a slug: 'girl-with-a-candle'), the value takes the token's form: no
    determiner of its own, its words joined the same way ('a cat' -> 'cat', 'a red fox' -> 'red-fox')."""
    if not _in_hyphenated_token(prompt, start, end):
        return _replace_in_text(prompt, start, end, value)
    words = value.split()
    if len(words) > 1 and words[0].lower() in ("a", "an", "the", "some"):
        words = words[1:]
    return start, "-".join(words)


def compound_nouns(prompt: str, start: int, end: int) -> set[str]:
    """The words of prompt[start:end] that the prompt's parse makes nouns modifying the next noun ('orange' in 'a
    glass of orange juice', though the lexicon files it as a colour), lowercased."""
    p = nlp.get_parser()
    if not p.parsed or start >= end:
        return set()
    return {t.lower_ for t in p.nlp(prompt) if start <= t.idx < end and t.dep_ == "compound"
            and t.pos_ in ("NOUN", "PROPN") and t.text[:1].islower()}  # a capital may be a name ('English')


def _is_verb_at(prompt: str, char: int) -> bool:
    """Does the prompt's parse make the word starting at `char` a verb ('wearing', not 'red-haired')?"""
    p = nlp.get_parser()
    return p.parsed and any(t.idx == char and t.pos_ == "VERB" for t in p.nlp(prompt))


def _in_hyphenated_token(prompt: str, start: int, end: int) -> bool:
    """prompt[start:end] has no space and a hyphen joins it to the word before or after."""
    return not re.search(r"\s", prompt[start:end]) and "-" in (prompt[start - 1:start], prompt[end:end + 1])


def _replace_in_text(prompt: str, start: int, end: int, value: str) -> tuple[int, str]:
    """replace_phrase in running text: the object whose words start at `start`.

    The modifiers before the object are read from the source prompt's parse, and survive by what they are:
    nouns used as modifiers describe the old object's kind and go with it ('cobblestone street' + 'a forest' ->
    'a forest'); adjectives stay ('a red car' + 'a bus' -> 'a red bus') unless the value brings one of the same
    class (or, by the unknown-class rule, one whose class is not known to differ); names (proper nouns) are never
    modifiers here and stay. 'a snowy one' keeps the old head noun and replaces its modifiers, and so does a value
    with the same head and modifiers of its own ('a snowy path' for 'a gravel path'). The value's own determiner
    replaces the prompt's."""
    words = value.split()
    det = words[0] if words and (words[0].lower() in ("a", "an", "the", "some", "one") + nlp.COUNTS
                                 or words[0].isdigit()) else ""
    body = words[1:] if det else words
    one = bool(body) and body[-1].lower() == "one"
    if one and len(prompt[start:end].split()) > 1:  # 'the sunny sky' -> 'a stormy one': the head stays, the
        start = end - len(prompt[start:end].split()[-1])  # reference's own modifiers are old modifiers
    old_head = (prompt[start:end].split() or [""])[-1].lower()
    # 'an ancient farmhouse' for 'farmhouse' describes the same thing anew: its modifiers act as 'an ancient one'
    anew = not one and len(body) > 1 and singular(body[-1].lower()) == singular(old_head)
    mod_start = phrase_start(prompt, start, compound=len(prompt[start:end].split()) > 1, anew=one or anew)
    if 0 < mod_start < start and not prompt[mod_start - 1].isspace():  # the parser split a joined word ('cat-like'):
        gap = re.search(r"\s+", prompt[mod_start:start])  # its part is no modifier of its own; the word stays
        mod_start = mod_start + gap.end() if gap else start
    named_value = bool(body) and body[0][:1].isupper() and not one and prompt[start:start + 1].isupper() \
        and not _title_case(prompt)  # (in a title every word has a capital: no name is told apart)
    while named_value and (name := re.search(r"([A-Z][\w'-]*)\s+$", prompt[:mod_start])) is not None:
        mod_start = name.start(1)  # 'Nasir-ul Molk Mosque' + 'the Palace of Versailles': a name for a name
    old_mods = prompt[mod_start:start].split()
    if one:  # the head stays: the located words are the head
        head_text = None
        new_mods = body[:-1]
    else:
        head_text = " ".join(body)
        new_mods = body[:-1]
    new_classes = {lexicon.attribute_class(w) for w in new_mods}
    setting = not one and bool(body) and body[-1].lower() in lexicon.SETTING_NOUNS  # 'a starry night' for 'a blue
    # sky': a time or weather is no object, and takes none of the old object's look
    kinds = compound_nouns(prompt, mod_start, start) if anew and new_mods and not any(
        lexicon.attribute_class(w) or nlp.is_adjective(w) for w in new_mods) else set()
    named = kind_name_length(old_mods, old_head) if not (one or anew) else 0
    kinds |= {w.lower() for w in old_mods[len(old_mods) - named:]} if named else set()
    breed = next((k for k in range(len(old_mods) - 1) if " ".join(old_mods[k:]).lower() in lexicon.KIND_NAMES), None)
    if breed is not None and not (one or anew):  # 'a golden retriever puppy' + 'a kitten': the kind's name says
        kinds |= {w.lower() for w in old_mods[breed:]}  # what the old object was, and goes with it
    person = lexicon.category_of(old_head) == "person"
    named_person = person and bool(body) and not det and all(b[:1].isupper() for b in body)
    ages = (lexicon.age_group(old_head), lexicon.age_group(body[-1])) if person and body else (None, None)
    kept = []
    for w in old_mods:
        if w.lower() in kinds or setting:
            continue  # 'orange juice' + 'apple juice': the prompt's noun naming the kind, whatever else it can mean
        cls = lexicon.attribute_class(w)
        adjective = cls is not None or nlp.is_adjective(w)
        if not adjective:
            continue  # a noun modifier: part of the old object's kind
        if cls is not None and cls in new_classes:
            continue  # the value's own modifier of that class replaces it
        if (one or anew) and (cls is None or cls in new_classes):
            continue  # 'a snowy one': the new modifiers replace the old ones not known to describe something else
        if anew and " ".join(body).lower() in lexicon.KIND_NAMES:
            continue  # 'a brown bear' + 'a polar bear': the kind's name says how it looks
        if cls == "material" and body and _natural(body[-1]):
            continue  # 'a wooden floor' + 'grass': what nature is made of is itself ('wooden grass' before)
        if cls == "colour" and body and old_head in lexicon.MASS_NOUNS and body[-1].lower() in lexicon.MASS_NOUNS:
            continue  # 'green grass' + 'sand': a stuff's colour is the stuff's own ('green sand' before)
        if named_person or w.lower() in lexicon.AGE_WORDS and ages[0] and ages[1] and ages[0] != ages[1]:
            continue  # 'an old man' + 'Santa Claus': a name takes no look; 'a little girl' + 'an old woman': the
            # old age goes with a new one ('a little old woman' before)
        kept.append(w)
    if one:
        return mod_start, " ".join(_adjective_order(kept + new_mods) + [prompt[start:end]])
    if anew:
        text = " ".join(_adjective_order(kept + new_mods) + body[-1:])
    else:
        text = " ".join(kept + ([head_text] if head_text else []))
    prompt_det = re.search(rf"(?:\b(?:the|a|an|some|this|that|his|her|its|their|\d+|{'|'.join(nlp.COUNTS)})\s+)$",
                           prompt[:mod_start], re.I)
    if det and prompt_det:  # "a cat" + "a dog": the value's determiner replaces the prompt's
        return prompt_det.start(), f"{det} {text}"
    counted = bool(body) and (nlp.lemma(body[-1]).lower() != body[-1].lower()
                              or " ".join(body).lower() in lexicon.MASS_NOUNS)  # a plural or a mass takes no 'a',
    # with kept modifiers too ('a blue suit' + 'jeans' -> 'blue jeans')
    if not det and prompt_det and prompt_det.group(0).strip().lower() in ("a", "an") and body \
            and (counted or not kept and body[0][:1].isupper() and not _title_case(prompt)):
        return prompt_det.start(), text  # 'a castle' + 'ruins', 'a man' + 'Iron Man', 'an egg' + 'tofu': no 'a'
        # before a plural, a name or a mass
    before = re.search(r"([\w'-]+)\s+$", prompt[:mod_start])
    acting = before is not None and _is_verb_at(prompt, before.start(1))  # 'wearing sunglasses' + 'a bow tie' ->
    # 'wearing a bow tie': a verb's object takes the value's determiner
    inside = kept or (before and not acting and before.group(1).lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS)
    mass = before and not old_head.endswith("s") and det.lower() in ("a", "an") and (
        before.group(1).lower() == "of" or before.group(1).lower() in nlp.FUNCTION_WORDS
        and old_head in lexicon.SETTING_NOUNS)  # 'a slice of pizza', 'at sunset': a bare noun stays bare
    named = re.findall(r"[\w'-]+", prompt[mod_start:end])
    capitals = len(named) > 1 or mod_start > 0  # a capital at the start may only begin the sentence
    titled = det.lower() in ("a", "an") and (_title_case(prompt) or capitals and all(w[:1].isupper() for w in named))
    # 'Town & Country', 'Old Hospital by NAME': a title's nouns go without articles, and so does the value that
    # replaces one
    if det and not inside and not mass and not titled:  # "and chopsticks" + "a knife" -> "and a knife"; but "a
        return mod_start, f"{det} {text}"  # slice of pizza" + "a burger" -> "a slice of burger": bare after 'of'
    return mod_start, text  # after a name or a kept modifier: no determiner ("Yosemite National Park" -> "... zoo")


_NATURE = frozenset({"grass", "sand", "snow", "ice", "water", "mud", "lava", "gravel", "smoke", "fire", "steam",
                     "foam", "moss", "dirt", "soil", "clouds", "leaves"})


def _natural(noun: str) -> bool:
    """Grass, water, a landform: no material ('wooden', 'stone') describes it."""
    n = noun.lower()
    return n in _NATURE or lexicon.category_of(n) in ("landform", "water")


def kind_name_length(mods: list[str], head: str) -> int:
    """How many of the modifiers right before the head are part of a kind's name with it ('hot air' in 'hot air
    balloon'; lexicon.KIND_NAMES)."""
    words = [w.lower() for w in mods]
    return next((k for k in range(len(words), 0, -1) if " ".join(words[-k:] + [head]) in lexicon.KIND_NAMES), 0)


_ORDER = ("state", "emotion", "finish", "size", "temperature", "age", "shape", "colour", "pattern", "siting", "origin",
          "material")


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


def singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") and len(word) > 3 else word


def phrase_start(prompt: str, start: int, compound: bool = False, anew: bool = False) -> int:
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
                or not re.fullmatch(r"[\w'-]+", tok.text) or any(ch.isdigit() for ch in tok.text):
            break  # '|', '&': separators the parser may call nouns; '2560x1440', '1939': numbers and codes
        if nlp.is_parsed(doc) and tok.pos_ not in ("ADJ", "NOUN", "VERB") \
                and not lexicon.is_attribute_word(tok.text):
            break  # names (proper nouns) say which thing it is, not what it looks like: they stay
        if prompt[tok.idx + len(tok.text):start].strip() not in ("", "-"):
            break
        if nlp.is_parsed(doc) and tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound", "nmod"):
            break  # 'a man wearing glasses': the verb whose object it is, no modifier of it
        noun = tok.pos_ == "NOUN" and not lexicon.is_attribute_word(tok.text)
        if noun and nouns:  # one noun modifier names a kind ('cobblestone street'); a run of nouns is a list of
            break  # tags ('sky lake snow storm'), not one object
        if noun and tok.i > 0 and doc[tok.i - 1].pos_ == "NOUN" and doc[tok.i - 1].head.i == tok.i \
                and not lexicon.is_attribute_word(doc[tok.i - 1].text):
            break  # the last word of a thing's own two-word name ('ice cream cone', 'latte art heart'): the name
            # stays whole ('an ice cream cup', not 'an ice cup')
        nouns += noun
        start = tok.idx
    return start


def locate(prompt: str, phrase: str, grow: bool = False) -> tuple[int, int] | None:
    """Where `phrase` is in `prompt`: exact words, then compound spellings ('teddy bear' / 'teddybear' /
    'teddy-bear'), then singular/plural variants, then its head noun."""
    span = find_phrase(prompt, phrase)
    if span:
        return grow_to_modifiers(prompt, span) if grow else span
    words = phrase.split()
    if not words:
        return None
    compounds = {"".join(words), "-".join(words), " ".join(phrase.replace("-", " ").split()),
                 phrase.replace("-", "")} - {phrase}
    for v in compounds:
        span = find_phrase(prompt, v) if v.strip() else None
        if span:
            return grow_to_modifiers(prompt, span) if grow else span
    if len(words) == 2:  # 'the coffee cup' for 'a cup of coffee': a noun compound and its 'of' phrase
        span = find_phrase(prompt, f"{words[1]} of {words[0]}")
        if span:
            return span
    if len(words) == 1:  # the other way round: 'lunchbox' for 'Lunch Box', 'snowstorm' for 'snow-storm'
        span = _open_compound(prompt, words[0])
        if span:
            return grow_to_modifiers(prompt, span) if grow else span
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
            return grow_to_modifiers(prompt, span) if grow else span
    if without_place(phrase) != phrase:  # "the flowers in the vase" when the prompt says "roses in a vase": the
        return locate(prompt, without_place(phrase), grow)  # flowers, not the vase
    if len(words) > 1:  # "the red berries" when the prompt says "berries"
        return locate(prompt, " ".join(words[1:]), grow)
    for alt in lexicon.synonyms(words[0]):  # "the kitty" when the prompt says "cat" (one word, the last resort)
        span = find_phrase(prompt, alt) or find_phrase(prompt, alt + "s")
        if span:
            return grow_to_modifiers(prompt, span) if grow else span
    return None


_REFERENCE_PREPOSITIONS = frozenset({"in", "on", "at", "with", "near", "by", "under", "behind", "beside", "inside"})


def without_place(reference: str) -> str:
    """'flowers in the vase' -> 'flowers': a reference's own noun, before the phrase that says where it is."""
    words = reference.split()
    cut = next((k for k, w in enumerate(words) if k > 0 and w.lower() in _REFERENCE_PREPOSITIONS), None)
    return reference if cut is None else " ".join(words[:cut])


def _open_compound(prompt: str, word: str) -> tuple[int, int] | None:
    """The span of two adjacent words of `prompt` spelled together as `word` (case and hyphens aside)."""
    key = word.lower().replace("-", "")
    tokens = list(re.finditer(r"[^\W_]+", prompt))
    for a, b in zip(tokens, tokens[1:]):
        if prompt[a.end():b.start()] in (" ", "-") and (a.group() + b.group()).lower() == key:
            return a.start(), b.end()
    return None


def grow_to_modifiers(prompt: str, span: tuple[int, int]) -> tuple[int, int]:
    """For attribute edits, include the attribute words right before the object ('bus' in 'a long yellow bus' ->
    'long yellow bus'), so a new value can replace the old one of its class. Object replacements without a
    determiner keep them ('a red car' + 'bus' -> 'a red bus')."""
    start, end = span
    compound = False
    while True:
        m = re.search(r"(\b[\w-]+)\s+$", prompt[:start])
        word = m.group(1) if m else ""
        pair = None if compound else re.search(r"(\b[\w-]+)\s+([A-Za-z]+)\s+$", prompt[:start])
        if pair and not lexicon.is_attribute_word(pair.group(2)) and _plain_attribute(pair.group(1)) \
                and pair.group(2).lower() not in nlp.FUNCTION_WORDS | nlp.DETERMINERS:
            start, compound = pair.start(1), True  # 'blue sports car': the colour is the car's, past its kind
            continue
        both = re.search(r"(\b[\w-]+)\s+(?:and|or)\s+$", prompt[:start])
        if both and lexicon.is_attribute_word(both.group(1)) and start < len(prompt) \
                and lexicon.attribute_class(both.group(1)) == lexicon.attribute_class(prompt[start:].split()[0]):
            start = both.start(1)  # 'black and white cat': coordinated values of one class go together
            continue
        if not word or not _plain_attribute(word):
            return start, end
        start = m.start(1)


def _plain_attribute(word: str) -> bool:
    """An attribute word of the object itself (colour, size, origin, ...), not of the scene (time, weather), nor a
    preposition the lexicon also files as a state ('on': 'a sailboat on blue water' had grown to the sailboat)."""
    return lexicon.is_attribute_word(word) and lexicon.attribute_class(word) not in lexicon.SETTING_CLASSES \
        and word.lower() not in nlp.FUNCTION_WORDS


def leading_det(phrase: str) -> bool:
    first = phrase.split()[0].lower() if phrase.split() else ""
    return first in ("a", "an", "the", "some") + nlp.COUNTS


def fix_articles(text: str) -> str:
    """'a apple' -> 'an apple', 'an pear' -> 'a pear' (only where a replacement could have broken it)."""
    def fix(m: re.Match) -> str:
        article, space, word = m.group(1), m.group(2), m.group(3)
        right = nlp.article_for(word)
        if article.lower() == right:
            return m.group(0)
        return (right.capitalize() if article[0].isupper() else right) + space + word

    return re.sub(r"\b([Aa]n?)(\s+)(\w+)", fix, text)


def with_article(phrase: str) -> str:
    if leading_det(phrase):
        return phrase
    last = phrase.split()[-1].lower()
    plural = last.endswith("s") and not last.endswith("ss")
    return phrase if plural else f"{nlp.article_for(phrase)} {phrase}"
