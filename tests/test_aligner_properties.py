"""Property test of the aligner: any prompt pair or instruction either aligns or raises AlignmentError, whose
message is one line; pairs always name words of their prompts. OIR_HYPOTHESIS_EXAMPLES=10000 for a long run."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oir_agent.errors import AlignmentError
from oir_agent.text.aligner import align_prompts
from oir_agent.text.instructions import parse_instruction

EXAMPLES = int(os.environ.get("OIR_HYPOTHESIS_EXAMPLES", "300"))
WORDS = ["a", "an", "the", "two", "red", "blue", "big", "small", "wooden", "glossy", "cat", "dog", "car", "bus",
         "apple", "vehicle", "animal", "teddy", "bear", "teddybear", "t-shirt", "on", "in", "above", "below", "at",
         "with", "and", ",", "of", "sofa", "table", "beach", "carpet", "winter", "autumn", "night", "sunny",
         "replace", "change", "turn", "into", "to", "from", "make", "it", "put", "add", "remove", "please", "look",
         "sad", "smiling", "shorter", "instead", "for", "be", "should", "->", "the image", "looking", "left", "up"]
sentence = st.one_of(st.lists(st.sampled_from(WORDS), min_size=0, max_size=16).map(" ".join),
                     st.text(max_size=120))


def check(call):
    try:
        alignment = call()
    except AlignmentError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip()
        return
    for p in alignment.pairs:
        assert p.source.lower() in alignment.source_prompt.lower()
        assert p.target.lower() in alignment.target_prompt.lower()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentence, sentence)
def test_prompt_pairs_align_or_refuse_clearly(source, target):
    check(lambda: align_prompts(source, target))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentence, st.one_of(st.none(), sentence))
def test_instructions_align_or_refuse_clearly(instruction, source):
    check(lambda: parse_instruction(instruction, source_prompt=source))
