"""Aligner logic on hand-built spaCy Docs (no model loaded) and with the blank, parser-less fallback."""

import pytest
import spacy
from spacy.tokens import Doc

from oir_agent.text import nlp as oir_nlp
from oir_agent.text.aligner import align_docs
from oir_agent.text.clauses import parse_clause, split_clauses

VOCAB = spacy.blank("en").vocab


def doc(words, heads, deps, pos, spaces=None):
    spaces = spaces or [True] * (len(words) - 1) + [False]
    return Doc(VOCAB, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)


def red_car():
    return doc(["a", "red", "car", "near", "a", "tree"], [2, 2, 2, 2, 5, 3],
               ["det", "amod", "ROOT", "prep", "det", "pobj"], ["DET", "ADJ", "NOUN", "ADP", "DET", "NOUN"])


def test_attribute_change_grows_to_the_noun_phrase():
    src = red_car()
    tgt = doc(["a", "blue", "car", "near", "a", "tree"], [2, 2, 2, 2, 5, 3],
              ["det", "amod", "ROOT", "prep", "det", "pobj"], ["DET", "ADJ", "NOUN", "ADP", "DET", "NOUN"])
    a = align_docs(src, tgt)
    assert [(p.source, p.target, p.kind, p.mask_phrase, p.guided_prompt) for p in a.pairs] == [
        ("red car", "blue car", "attribute", "car", "a blue car near a tree")]


def test_object_change_and_article_agreement():
    src = red_car()
    tgt = doc(["a", "red", "car", "near", "an", "oak"], [2, 2, 2, 2, 5, 3],
              ["det", "amod", "ROOT", "prep", "det", "pobj"], ["DET", "ADJ", "NOUN", "ADP", "DET", "NOUN"])
    a = align_docs(src, tgt)
    assert [(p.source, p.target, p.kind, p.guided_prompt) for p in a.pairs] == [
        ("tree", "oak", "object", "a red car near an oak")]


def test_multiword_phrase_replaced_by_one_word():
    src = doc(["a", "row", "of", "tables"], [1, 1, 1, 2], ["det", "ROOT", "prep", "pobj"], ["DET", "NOUN", "ADP", "NOUN"])
    tgt = doc(["a", "tank"], [1, 1], ["det", "ROOT"], ["DET", "NOUN"])
    a = align_docs(src, tgt)
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == [("row of tables", "tank", "row of tables")]


def test_inserted_adjective_edits_the_existing_object():
    src = doc(["a", "cake"], [1, 1], ["det", "ROOT"], ["DET", "NOUN"])
    tgt = doc(["a", "chocolate", "cake"], [2, 2, 2], ["det", "compound", "ROOT"], ["DET", "NOUN", "NOUN"])
    a = align_docs(src, tgt)
    assert [(p.source, p.target, p.kind) for p in a.pairs] == [("cake", "chocolate cake", "attribute")]


def test_only_added_object_is_a_warning():
    src = doc(["a", "cat"], [1, 1], ["det", "ROOT"], ["DET", "NOUN"])
    tgt = doc(["a", "cat", "and", "a", "dog"], [1, 1, 1, 4, 1], ["det", "ROOT", "cc", "det", "conj"],
              ["DET", "NOUN", "CCONJ", "DET", "NOUN"])
    a = align_docs(src, tgt)
    assert a.pairs == [] and any("'dog' is only added" in w for w in a.warnings)


@pytest.fixture
def blank(monkeypatch):
    """Pretend no spaCy model is installed."""
    parser = oir_nlp.Parser(nlp=spacy.blank("en"), name="blank:en", parsed=False, warning="no spaCy parser test")
    monkeypatch.setattr(oir_nlp, "_parser", parser)
    return parser


def test_fallback_without_parser_still_finds_pairs(blank):
    from oir_agent import align_prompts

    a = align_prompts("a bowl of dumplings on the left and chopsticks on the right",
                      "a bowl of fried rice on the left and a knife on the right")
    assert [(p.source, p.target) for p in a.pairs] == [("dumplings", "fried rice"), ("chopsticks", "knife")]
    assert a.pairs[1].guided_prompt == "a bowl of dumplings on the left and a knife on the right"
    assert a.warnings[0] == "no spaCy parser test"
    b = align_prompts("a red car near a tree", "a blue car near a tree")
    assert [(p.source, p.target) for p in b.pairs] == [("red car", "blue car")]


def test_fallback_noun_chunks_rules(blank):
    d = blank.nlp("a big red car on the road and two dogs")
    assert [d[s:e].text for s, e in oir_nlp.noun_chunks(d)] == ["a big red car", "the road", "two dogs"]


@pytest.mark.parametrize("text, expected", [
    ("replace the cat with a dog", ("cat", "a dog", "object")),
    ("swap the mug for a glass", ("mug", "a glass", "object")),
    ("turn the sky into a sunset", ("sky", "a sunset", "object")),
    ("change the fence to a wall", ("fence", "a wall", "object")),
    ("make the car red", ("car", "red car", "attribute")),
    ("make the car into a boat", ("car", "a boat", "object")),
    ("change the color of the red berries to purple", ("red berries", "purple berries", "attribute")),
    ("cat -> dog", ("cat", "dog", "object")),
    ("the cat to a dog", ("cat", "a dog", "object")),
    ("use a spoon instead of the fork", ("fork", "a spoon", "object")),
    ("substitute tea for the coffee", ("coffee", "tea", "object")),
])
def test_parse_clause_forms(text, expected):
    c = parse_clause(text)
    assert (c.source, c.target, c.kind) == expected


def test_split_clauses_on_separators():
    got = split_clauses("replace the cat with a dog; turn the sofa into a bench, then make the wall blue")
    assert [(c.source, c.target) for c in got] == [("cat", "a dog"), ("sofa", "a bench"), ("wall", "blue wall")]
    got = split_clauses("replace the salt and pepper with sugar and the cup with a glass")
    assert [(c.source, c.target) for c in got] == [("salt and pepper", "sugar"), ("cup", "a glass")]


def test_square_brackets_mark_the_edited_words_and_are_left_out():
    from oir_agent.text.aligner import align_prompts

    a = align_prompts("a cat sitting on a wooden bench", "a cat sitting on a [metal] bench")
    assert a.target_prompt == "a cat sitting on a metal bench"
    assert [(p.source, p.target) for p in a.pairs] == [("wooden bench", "metal bench")]
    assert any("square brackets" in w for w in a.warnings)
    g = align_prompts("a dog running on the beach", "a [watercolor painting of a] dog running on the beach")
    assert [(p.target, p.kind) for p in g.pairs] == [("a watercolor painting of a dog running on the beach", "global")]
    assert not any("square" in w for w in align_prompts("a cat", "a dog").warnings)


def test_words_added_on_a_changed_noun_are_part_of_its_change():
    from oir_agent.errors import AlignmentError
    from oir_agent.text.aligner import align_prompts

    a = align_prompts("a bare table in a kitchen", "a table with a vase in a kitchen")
    assert [(p.source, p.target, p.kind, p.mask_phrase) for p in a.pairs] == [
        ("bare table", "table with a vase", "attribute", "table")]
    assert a.pairs[0].guided_prompt == "a table with a vase in a kitchen"
    with pytest.raises(AlignmentError, match="a bare table"):  # an addition to an unchanged noun: refused, and
        align_prompts("a table in a kitchen", "a table with a vase in a kitchen")  # the example given works


def test_brackets_in_both_prompts_are_their_words():
    from oir_agent.text.aligner import align_prompts

    a = align_prompts("a poster [limited edition] of a cat", "a poster [limited edition] of a dog")
    assert a.target_prompt == "a poster [limited edition] of a dog" and not any("square" in w for w in a.warnings)
