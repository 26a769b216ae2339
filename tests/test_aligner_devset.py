"""Development set for the aligner with the real spaCy model: exact pairs and guided prompts."""

import pytest

from oir_agent import AlignmentError, align_prompts, parse_instruction

# (source prompt, target prompt, [(source, target, kind, mask_phrase, guided prompt), ...])
PROMPT_CASES = [
    ("a bowl of dumplings on the left and chopsticks on the right",
     "a bowl of fried rice on the left and a knife on the right",
     [("dumplings", "fried rice", "object", "dumplings", "a bowl of fried rice on the left and chopsticks on the right"),
      ("chopsticks", "knife", "object", "chopsticks", "a bowl of dumplings on the left and a knife on the right")]),
    ("a row of tables", "a tank", [("row of tables", "tank", "object", "row of tables", "a tank")]),
    ("a round cake", "a square cake", [("round cake", "square cake", "attribute", "cake", "a square cake")]),
    ("a cat sitting on a lake", "a cat sitting on a desert",
     [("lake", "desert", "object", "lake", "a cat sitting on a desert")]),
    ("an apple on the table", "a pear on the table", [("apple", "pear", "object", "apple", "a pear on the table")]),
    ("a pear on the table", "an orange on the table",
     [("pear", "orange", "object", "pear", "an orange on the table")]),
    ("The Cat is sleeping.", "the dog is sleeping", [("Cat", "dog", "object", "Cat", "The dog is sleeping.")]),
    ("a cat and a dog", "a tiger and a lion",
     [("cat", "tiger", "object", "cat", "a tiger and a dog"), ("dog", "lion", "object", "dog", "a cat and a lion")]),
    ("a cat on the left and a dog on the right", "a wolf on the right and a cat on the left",
     [("dog", "wolf", "object", "dog", "a cat on the left and a wolf on the right")]),
    ("a cake on a plate", "a chocolate cake on a plate",
     [("cake", "chocolate cake", "attribute", "cake", "a chocolate cake on a plate")]),
    ("a red car on the road", "a blue car on the road",
     [("red car", "blue car", "attribute", "car", "a blue car on the road")]),
    ("the cake is round", "the cake is square", [("round", "square", "attribute", "cake", "the cake is square")]),
    ("a man with a red hat", "a man with a blue hat",
     [("red hat", "blue hat", "attribute", "hat", "a man with a blue hat")]),
    ("a photo of two cats", "a photo of two dogs",
     [("two cats", "two dogs", "object", "cats", "a photo of two dogs")]),
    ("a cat sitting on a sofa", "a dog lying on a sofa",
     [("cat sitting", "dog lying", "object", "cat", "a dog lying on a sofa")]),
    ("a white horse running in a field", "a brown horse running in a field",
     [("white horse", "brown horse", "attribute", "horse", "a brown horse running in a field")]),
    ("a house under a blue sky", "a house under a cloudy sky",
     [("blue sky", "cloudy sky", "attribute", "sky", "a house under a cloudy sky")]),
    ("A wooden chair next to a lamp.", "A metal chair next to a plant.",
     [("wooden chair", "metal chair", "attribute", "chair", "A metal chair next to a lamp."),
      ("lamp", "plant", "object", "lamp", "A wooden chair next to a plant.")]),
    ("a boat on a lake at sunset", "a boat on a lake at night",
     [("sunset", "night", "global", "the whole image", "a boat on a lake at night")]),  # time of day: global
    ("a bird sitting on a branch", "an eagle sitting on a branch",
     [("bird", "eagle", "object", "bird", "an eagle sitting on a branch")]),
    ("apples in a basket", "oranges in a basket", [("apples", "oranges", "object", "apples", "oranges in a basket")]),
    ("a dog, a cat and a bird", "a dog, a rabbit and a bird",
     [("cat", "rabbit", "object", "cat", "a dog, a rabbit and a bird")]),
    ("a glass of milk next to cookies", "a glass of juice next to a cake",
     [("milk", "juice", "object", "milk", "a glass of juice next to cookies"),
      ("cookies", "cake", "object", "cookies", "a glass of milk next to a cake")]),
    ("a teddy bear on a bed", "a robot on a bed", [("teddy bear", "robot", "object", "teddy bear", "a robot on a bed")]),
    ("a tiger in the forest", "a tiger in the snow", [("forest", "snow", "object", "forest", "a tiger in the snow")]),
    ("a living room with a leather sofa", "a living room with a fabric sofa",
     [("leather sofa", "fabric sofa", "attribute", "sofa", "a living room with a fabric sofa")]),
    ("a slanted mountain bicycle on the road", "a slanted rusty mountain bicycle on the road",
     [("slanted mountain bicycle", "slanted rusty mountain bicycle", "attribute", "mountain bicycle",
       "a slanted rusty mountain bicycle on the road")]),
    ("a white horse and a brown dog in a field", "a black horse and a brown cat in a field",
     [("white horse", "black horse", "attribute", "horse", "a black horse and a brown dog in a field"),
      ("brown dog", "brown cat", "object", "brown dog", "a white horse and a brown cat in a field")]),
]

# (instruction, source prompt or None, target prompt, [(source, target, kind)])
INSTRUCTION_CASES = [
    ("replace the dumplings with fried rice and the chopsticks with a knife",
     "a bowl of dumplings on the left and chopsticks on the right",
     "a bowl of fried rice on the left and a knife on the right",
     [("dumplings", "fried rice", "object"), ("chopsticks", "knife", "object")]),
    ("change the color of the berries to purple", "a bowl of red berries on a table",
     "a bowl of purple berries on a table", [("red berries", "purple berries", "attribute")]),
    ("make the car red", "a blue car on a road", "a red car on a road", [("blue car", "red car", "attribute")]),
    ("turn the cat into a tiger, then swap the ball for a cup", "a cat playing with a ball",
     "a tiger playing with a cup", [("cat", "tiger", "object"), ("ball", "cup", "object")]),
    ("cat -> dog; sofa -> bench", "a cat on a sofa", "a dog on a bench",
     [("cat", "dog", "object"), ("sofa", "bench", "object")]),
    ("the apple to a pear", "an apple on the table", "a pear on the table", [("apple", "pear", "object")]),
    ("use a knife instead of the fork", "a fork and a spoon", "a knife and a spoon", [("fork", "knife", "object")]),
    ("substitute a pear for the apple", "an apple on the table", "a pear on the table",
     [("apple", "pear", "object")]),
    ("replace the salt and pepper with sugar", "salt and pepper on a table", "sugar on a table",
     [("salt and pepper", "sugar", "object")]),
    ("please change the sky to a sunset and make the grass brown", "a house under a blue sky with green grass",
     "a house under a sunset with brown grass",  # an object replacement keeps the object's modifiers, but a time
     # or weather takes none of them (was 'a blue sunset')
     [("blue sky", "sunset", "object"), ("green grass", "brown grass", "attribute")]),
    ("replace the cats with dogs", "two cats on a bed", "two dogs on a bed", [("two cats", "two dogs", "object")]),
    ("Replace the apple with an orange.", "an apple on the table", "an orange on the table",
     [("apple", "orange", "object")]),
    ("change the dog to a cat and the grass to sand", "a dog running on grass", "a cat running on sand",
     [("dog", "cat", "object"), ("grass", "sand", "object")]),
    ("swap the mug for a glass", "a mug of coffee on a desk", "a glass of coffee on a desk",
     [("mug", "glass", "object")]),
    ("make the sky pink", None, "a photo of a pink sky", [("sky", "pink sky", "attribute")]),
    ("replace the dumplings with fried rice and the chopsticks with a knife", None,
     "a photo of fried rice and a knife", [("dumplings", "fried rice", "object"), ("chopsticks", "knife", "object")]),
    ("the horse should be a zebra", "a horse in a field", "a zebra in a field", [("horse", "zebra", "object")]),
    ("make the flowers purple and the vase blue", "red flowers in a white vase", "purple flowers in a blue vase",
     [("red flowers", "purple flowers", "attribute"), ("white vase", "blue vase", "attribute")]),
    ("what if the bowl was red?", "a blue bowl of soup", "a red bowl of soup", [("blue bowl", "red bowl", "attribute")]),
    ("paint the car green", "a red car on the road", "a green car on the road", [("red car", "green car", "attribute")]),
    ("the cat is replaced by a dog", "a cat on a sofa", "a dog on a sofa", [("cat", "dog", "object")]),
    ("Make the dog a cat.", "a dog on a rug", "a cat on a rug", [("dog", "cat", "object")]),
    ("turn the sofa red", "a cat on a blue sofa", "a cat on a red sofa", [("blue sofa", "red sofa", "attribute")]),
    ("make the sky look stormy", "a boat under a sky", "a boat under a stormy sky", [("sky", "stormy sky", "attribute")]),
]


@pytest.mark.parametrize("source, target, expected", PROMPT_CASES, ids=[c[0][:30] for c in PROMPT_CASES])
def test_prompt_pairs(source, target, expected):
    a = align_prompts(source, target)
    got = [(p.source, p.target, p.kind, p.mask_phrase, p.guided_prompt) for p in a.pairs]
    assert got == expected
    for p in a.pairs:
        assert source[p.source_span[0]:p.source_span[1]] == p.source
        assert target[p.target_span[0]:p.target_span[1]] == p.target


@pytest.mark.parametrize("instruction, source, target_prompt, expected", INSTRUCTION_CASES,
                         ids=[c[0][:30] for c in INSTRUCTION_CASES])
def test_instructions(instruction, source, target_prompt, expected):
    a = parse_instruction(instruction, source_prompt=source)
    assert a.target_prompt == target_prompt
    assert [(p.source, p.target, p.kind) for p in a.pairs] == expected
    if source is None:
        assert any("no source_prompt given" in w for w in a.warnings)


def test_added_words_are_warnings_not_pairs():
    a = align_prompts("a cat and a ball on a sofa", "a cat wearing a hat and a cup on a sofa")
    assert [(p.source, p.target) for p in a.pairs] == [("ball", "cup")]
    assert any("'wearing a hat' is only added" in w for w in a.warnings)


def test_removed_words_are_warnings():
    a = align_prompts("a cat and a dog on a sofa", "a cat on a bench")
    assert [(p.source, p.target) for p in a.pairs] == [("sofa", "bench")]
    assert any("only removed" in w and "dog" in w for w in a.warnings)


def test_relation_change_is_a_pair_of_the_whole_phrase_masked_by_its_object():
    [pair] = align_prompts("a cat on the table", "a cat under the table").pairs
    assert (pair.source, pair.target, pair.mask_phrase) == ("on the table", "under the table", "cat")
    assert pair.guided_prompt == "a cat under the table"


def test_determiner_only_change_is_not_a_pair():
    with pytest.raises(AlignmentError, match="no editing pair"):
        align_prompts("a cat on the table", "the cat on a table")


@pytest.mark.parametrize("source, target, pattern", [
    ("", "a dog", "source_prompt is empty"),
    ("a cat", "   ", "target_prompt is empty"),
    ("a cat on a sofa", "A cat on a  sofa", "are the same: nothing to edit"),
    ("a cat " + "and a dog " * 40, "a cow " + "and a dog " * 40, "77-token window"),
])
def test_alignment_errors(source, target, pattern):
    with pytest.raises(AlignmentError, match=pattern):
        align_prompts(source, target)


@pytest.mark.parametrize("instruction, source, pattern", [
    ("", None, "instruction is empty"),
    ("do something nice", None, r"could not understand the instruction 'do something nice'.*replace X with Y"),
    ("replace the tiger with a lion", "a cat on a sofa", r"mentions 'tiger', which is not in the source prompt"),
])
def test_instruction_errors(instruction, source, pattern):
    with pytest.raises(AlignmentError, match=pattern):
        parse_instruction(instruction, source_prompt=source)

