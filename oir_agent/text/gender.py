"""People's gender said of them: 'make them female', 'male to female'.

Such an instruction changes every word that says the gender of the people it refers to: their nouns ('father' ->
'mother') and the pronouns that stand for them ('his' -> 'her'). A word that says no gender ('a doctor') is left to
the attribute rules ('a female doctor')."""

from __future__ import annotations

import re

from . import nlp

# (male, female), singular and plural
_PAIRS = [
    ("man", "woman"), ("men", "women"), ("boy", "girl"), ("boys", "girls"), ("father", "mother"),
    ("fathers", "mothers"), ("son", "daughter"), ("sons", "daughters"), ("brother", "sister"),
    ("brothers", "sisters"), ("husband", "wife"), ("husbands", "wives"), ("king", "queen"), ("kings", "queens"),
    ("prince", "princess"), ("princes", "princesses"), ("gentleman", "lady"), ("gentlemen", "ladies"),
    ("actor", "actress"), ("actors", "actresses"), ("uncle", "aunt"), ("uncles", "aunts"), ("nephew", "niece"),
    ("nephews", "nieces"), ("grandfather", "grandmother"), ("grandfathers", "grandmothers"), ("grandpa", "grandma"),
    ("dad", "mom"), ("daddy", "mommy"), ("monk", "nun"), ("monks", "nuns"), ("waiter", "waitress"),
    ("waiters", "waitresses"), ("businessman", "businesswoman"), ("businessmen", "businesswomen"),
    ("policeman", "policewoman"), ("policemen", "policewomen"), ("groom", "bride"), ("grooms", "brides"),
    ("male", "female"), ("males", "females"), ("guy", "gal"), ("lord", "lady"), ("duke", "duchess"),
    ("emperor", "empress"), ("god", "goddess"), ("hero", "heroine"), ("wizard", "witch"), ("wizards", "witches"),
    ("schoolboy", "schoolgirl"), ("schoolboys", "schoolgirls"), ("sir", "madam"), ("mr", "mrs"),
    ("he", "she"), ("himself", "herself"), ("his", "her"), ("him", "her"), ("masculine", "feminine"),
]
_TO_FEMALE = {m: f for m, f in _PAIRS}
_TO_MALE = {f: m for m, f in reversed(_PAIRS)}  # 'her' -> 'his' first; the parse picks 'him' where it is an object
_TO_MALE["lady"] = "gentleman"

VALUES = {"female": "female", "feminine": "female", "woman": "female", "women": "female", "girl": "female",
          "male": "male", "masculine": "male", "man": "male", "men": "male", "boy": "male"}


def gendered(word: str) -> str | None:
    """'male' or 'female' for a word that says its gender ('mother', 'his'), else None."""
    w = word.lower()
    return "male" if w in _TO_FEMALE else "female" if w in _TO_MALE else None


def swap(prompt: str, to: str, pronouns_only: bool = False) -> str | None:
    """Every word of `prompt` that says the other gender, said of `to` ('female' or 'male'); None when no noun says
    a gender (the pronouns alone do not say who the people are) unless `pronouns_only`."""
    table = _TO_FEMALE if to == "female" else _TO_MALE
    words = list(re.finditer(r"[A-Za-z]+", prompt))
    if not pronouns_only and not any(w.group().lower() in table and w.group().lower() not in _PRONOUNS
                                     for w in words):
        return None
    objects = _object_pronouns(prompt)
    out, last = [], 0
    for w in words:
        low = w.group().lower()
        if low not in table:
            continue
        new = "him" if to == "male" and low == "her" and w.start() in objects else table[low]
        new = new.capitalize() if w.group()[:1].isupper() else new
        out.append(prompt[last:w.start()] + new)
        last = w.end()
    return "".join(out) + prompt[last:]


_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})


def _object_pronouns(prompt: str) -> set[int]:
    """Where 'her' is an object ('looking at her'), not a possessive ('her hat'), by the parse."""
    p = nlp.get_parser()
    if not p.parsed:
        return set()
    return {t.idx for t in p.nlp(prompt) if t.lower_ == "her" and t.dep_ != "poss" and t.tag_ != "PRP$"}


def follow(before: str, after: str) -> str:
    """`after` with its pronouns said of the one person whose gender an edit changed ('a woman and her dog' ->
    'a man and her dog' -> 'a man and his dog'); as it is when `before` names no one, or more than one, by a
    gendered noun."""
    def people(text: str) -> list[str]:
        return [g for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in _PRONOUNS and (g := gendered(w))]

    was, now = people(before), people(after)
    if len(was) != 1 or len(now) != 1 or was == now:
        return after
    return swap(after, now[0], pronouns_only=True) or after

