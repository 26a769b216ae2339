"""The aligner on its development set (tests/data/aligner_cases.jsonl, 300 cases by category and mode) and the
behaviours the categories ask for: both modes agree, add/remove explained, category nouns resolved or warned."""

import pytest
from aligner_eval import load, predict, score

from oir_agent.errors import AlignmentError
from oir_agent.text.aligner import align_prompts
from oir_agent.text.instructions import parse_instruction


def test_dev_set_is_large_and_covers_every_category():
    cases = load()
    assert len(cases) >= 300
    categories = {c["category"] for c in cases}
    assert {"from-to", "category-noun", "compound-spelling", "attribute", "setting", "place", "filler",
            "prompt-preposition", "prompt-list", "multi"} <= categories
    assert all(sum(c["category"] == k for c in cases) >= 3 for k in categories)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_pair_f1_per_category_and_mode(split):
    result = score(load(split=split))
    low = {group: round(v["f1"], 3) for group, v in result.items() if v["f1"] < 0.95}
    assert low == {}, f"pair F1 under 0.95 on the {split} split: {low}"
    assert result["mode:instruction"]["errors"] == 0


def test_both_modes_agree():
    """An instruction applied to its source prompt aligns exactly like the resulting prompt pair."""
    for case in load():
        if case["mode"] != "instruction":
            continue
        a = parse_instruction(case["instruction"], source_prompt=case["source"])
        b = align_prompts(case["source"], a.target_prompt)
        assert [(p.source, p.target, p.guided_prompt) for p in a.pairs] == \
            [(p.source, p.target, p.guided_prompt) for p in b.pairs], case["instruction"]


@pytest.mark.parametrize("instruction, words", [
    ("add a hat to the dog", "adding an object is not an OIR edit"),
    ("please remove the cup", "removing an object is not an OIR edit"),
    ("replace the cat with a dog and add a ball", "adding an object"),
])
def test_add_and_remove_are_explained(instruction, words):
    with pytest.raises(AlignmentError, match=words):
        parse_instruction(instruction, source_prompt="a dog and a cat next to a cup on the grass")


def test_category_nouns_resolve_with_a_warning_or_refuse_when_ambiguous():
    a = parse_instruction("change the vehicle to a bus", source_prompt="a red car parked on the street")
    assert a.target_prompt == "a red bus parked on the street"  # the car's modifiers stay
    assert any("assumed 'vehicle' means 'car'" in w for w in a.warnings)
    with pytest.raises(AlignmentError, match="could mean"):
        parse_instruction("change the animal to a tiger", source_prompt="a cat and a dog on a sofa")


def test_attribute_of_the_same_class_replaces_the_old_value():
    a = parse_instruction("make the bus shorter and green", source_prompt="a long yellow bus on the road")
    assert a.target_prompt == "a short green bus on the road"
    a = parse_instruction("make the kettle matte", source_prompt="a glossy kettle on a stove")
    assert a.target_prompt == "a matte kettle on a stove"


def test_a_scene_setting_replaces_the_prompts_own_or_is_added_for_the_whole_picture():
    assert parse_instruction("make it winter", source_prompt="a cabin in autumn").target_prompt == "a cabin in winter"
    a = parse_instruction("make it winter", source_prompt="a cabin in the woods")
    assert a.target_prompt == "a cabin in the woods in winter"
    assert [(p.source, p.kind, p.mask_phrase) for p in a.pairs] == [("a cabin in the woods", "global", "the whole image")]


def test_predict_handles_both_modes():
    assert predict({"mode": "prompts", "source": "a cat", "target": "a dog"}) == [("cat", "dog")]
