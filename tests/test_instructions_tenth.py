"""Readings found by the tenth probe (docs/DECISIONS.md, "A tenth probe"): requests as chat users phrase them
(degrees, shades, 'should', 'switch', 'tint', 'in place of'), things people and animals do said as a bare verb,
containers and piles a value brings or replaces, a place named as a modifier, and a credit said with a medium."""

from __future__ import annotations

import pytest

from oir_agent.errors import AlignmentError
from oir_agent.text.clauses import is_action, split_clauses
from oir_agent.text.instructions import parse_instruction

DOG = "a brown dog sitting on a green lawn"


def target(instruction: str, source: str) -> str:
    return parse_instruction(instruction, source_prompt=source).target_prompt


@pytest.mark.parametrize("instruction, source, expected", [
    # the second clause's colour was read as the verb of 'the walls' ('the walls grey': a statement)
    ("make the roof blue and the walls grey", "a house with a red roof and white walls",
     "a house with a blue roof and grey walls"),
    ("make the roof blue and the walls yellow", "a house with a red roof and white walls",
     "a house with a blue roof and yellow walls"),
    ("make the car blue and the truck grey", "a red car and a white truck", "a blue car and a grey truck"),
])
def test_a_colour_after_a_coordinated_object_is_no_verb(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    # 'a little smaller' was a noun phrase: 'a brown little smaller sitting'
    ("make the dog a little smaller", "a small brown dog sitting on a green lawn"),
    ("make the dog a tiny bit bigger", "a big brown dog sitting on a green lawn"),
    ("make the dog somewhat bigger", "a big brown dog sitting on a green lawn"),
    ("make the dog a little more fluffy", "a fluffy brown dog sitting on a green lawn"),
    # 'a little' before a noun is an article and a size: the value as written
    ("make the dog a little puppy", "a brown little puppy sitting on a green lawn"),
])
def test_a_degree_before_a_comparative_says_nothing_more(instruction, expected):
    assert target(instruction, DOG) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a comparative shade is said of the object's hue, which stays ('darker' on a brown dog was 'a dark dog')
    ("make the dog darker", DOG, "a dark brown dog sitting on a green lawn"),
    ("make the dog a bit lighter", DOG, "a light brown dog sitting on a green lawn"),
    ("make the car brighter", "a red car parked on a street", "a bright red car parked on a street"),
    ("make the car darker", "a light blue car parked on a street", "a dark blue car parked on a street"),
    # the comparative of the prompt's own colour ('greener' was added before 'green')
    ("make the lawn greener", DOG, "a brown dog sitting on a greener lawn"),
    # no hue to shade, or the base word: as before
    ("make the lamp brighter", "a dim lamp on a nightstand", "a bright lamp on a nightstand"),
    ("make the dog dark", DOG, "a dark dog sitting on a green lawn"),
])
def test_a_comparative_shade_keeps_the_hue(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    ("switch the dog to a cat", "a brown cat sitting on a green lawn"),
    ("tint the lawn yellow", "a brown dog sitting on a yellow lawn"),
    ("put a cat in place of the dog", "a brown cat sitting on a green lawn"),
    ("edit the dog so it is a cat", "a brown cat sitting on a green lawn"),
    ("the dog should sleep", "a brown dog sleeping on a green lawn"),
])
def test_more_ways_to_say_a_change(instruction, expected):
    assert target(instruction, DOG) == expected


@pytest.mark.parametrize("instruction", ["she should wear a white dress", "the woman should wear a white dress",
                                         "she needs to wear a white dress"])
def test_should_with_a_verb_is_what_they_are_to_be_doing(instruction):
    assert target(instruction, "a woman with long blonde hair wearing a red dress") == \
        "a woman with long blonde hair wearing a white dress"


def test_should_be_is_not_rewritten_as_a_verb():
    assert split_clauses("the dog should be white")[0].target == "white dog"


@pytest.mark.parametrize("verb", ["swim", "eat", "climb", "dive", "read", "skate", "scream", "bathe", "trot"])
def test_things_one_does_are_actions_whatever_the_parser_tags_them(verb):
    # the small parser tags these a noun or an adjective after 'make the dog': 'a swim penguin'
    assert is_action("the dog", verb)


@pytest.mark.parametrize("word", ["fluffy", "brown", "clean", "calm", "open"])
def test_looks_stay_looks(word):
    assert not is_action("the dog", word)


@pytest.mark.parametrize("instruction, source, expected", [
    ("make the penguin swim", "a penguin standing on an iceberg", "a penguin swimming on an iceberg"),
    ("make the dog eat", "a dog sitting on a sofa", "a dog eating on a sofa"),
    # 'them' with one plural object: what that object does ('two play basketball playing soccer')
    ("make them play basketball", "two children playing soccer in a field", "two children playing basketball in a field"),
    ("have them play tennis", "two children playing soccer in a field", "two children playing tennis in a field"),
])
def test_a_bare_verb_changes_what_the_object_does(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a value with its own container replaces the prompt's ('a plate of bowl of ramen')
    ("make it a bowl of ramen", "a plate of spaghetti with tomato sauce", "a bowl of ramen with tomato sauce"),
    ("make the coffee a glass of wine", "a cup of coffee on a wooden table", "a glass of wine on a wooden table"),
    ("make it a plate of sushi", "a plate of spaghetti with tomato sauce", "a plate of sushi with tomato sauce"),
    # one thing for a pile of many replaces the pile ('a pile of a laptop')
    ("turn the books into a laptop", "a pile of books on a desk next to a lamp", "a laptop on a desk next to a lamp"),
    ("replace the plates with a cake", "a stack of plates on a table", "a cake on a table"),
])
def test_containers_and_piles(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a place that names the next noun keeps that noun's preposition ('in a garden counter')
    ("change the kitchen to a garden", "a bowl of fruit on a kitchen counter", "a bowl of fruit on a garden counter"),
    ("change the park to a beach", "a man sitting on a park bench", "a man sitting on a beach bench"),
    ("change the bus to a train", "a man standing at a bus stop", "a man standing at a train stop"),
    # the place itself still takes its own
    ("change the kitchen to a garden", "a dog in a kitchen", "a dog in a garden"),
])
def test_a_place_named_as_a_modifier(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    ("make it a painting in the style of Monet", "a painting of a bird perched on a branch, in the style of Monet"),
    ("make it an oil painting by Van Gogh", "an oil painting of a bird perched on a branch, by Van Gogh"),
    ("make it a watercolor painting", "a watercolor painting of a bird perched on a branch"),
])
def test_a_credit_said_with_a_new_medium_follows_what_the_picture_shows(instruction, expected):
    assert target(instruction, "a bird perched on a branch") == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # the wish said before 'X, not Y' went into the prompt ('I want a dog sitting on a bench')
    ("I want a dog, not a cat", "a cat sitting on a bench", "a dog sitting on a bench"),
    ("I'd like a dog, not a cat", "a cat sitting on a bench", "a dog sitting on a bench"),
    ("blue, not red", "a red car on a road", "a blue car on a road"),
])
def test_a_value_and_what_it_was_after_a_wish(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # the parser made the noun a modifier of the participle ('wolf howling'): the wolf did nothing
    ("make the wolf sit", "a wolf howling at the full moon", "a wolf sitting at the full moon"),
    ("make the giraffe drink water", "a giraffe eating leaves from a tall tree",
     "a giraffe drinking water from a tall tree"),
    # a thing one does followed by a look is no action ('the ice skate' is the object)
    ("make the ice skates blue", "a pair of ice skates on a bench", "a pair of blue ice skates on a bench"),
])
def test_actions_the_parser_hides(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a plural object and a two-word plural it becomes ('the fries onion' was the object)
    ("make the fries onion rings", "a plate with a burger and fries", "a plate with a burger and onion rings"),
    # a pattern noun is a look, not a verb
    ("make the stripes polka dots", "a knitted scarf with stripes", "a knitted scarf with polka-dots"),
])
def test_plural_and_pattern_values(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # gold, like silver, is a metal as well as a colour: it replaces the object's material
    ("make it gold", "a bronze statue of a horse in a square", "a gold statue of a horse in a square"),
    ("make the table gold", "a wooden table", "a gold table"),
    ("make the car gold", "a red car on a road", "a gold car on a road"),
    ("make the ring silver", "a gold ring on a table", "a silver ring on a table"),
    ("change her hair color to platinum blonde", "a woman with brown hair", "a woman with platinum blonde hair"),
])
def test_metals(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a vase, a box or a basket holds the object: it is not where the scene is ('a red rose in a garden on a table')
    ("put the cat in a forest", "a cat sleeping in a basket in a garden", "a cat sleeping in a basket in a forest"),
    ("change the box to a basket", "a cat in a box", "a cat in a basket"),
])
def test_a_container_is_no_place(instruction, source, expected):
    assert target(instruction, source) == expected


def test_the_background_of_an_object_in_a_container_is_refused_with_what_to_send():
    with pytest.raises(AlignmentError) as e:
        target("make the background a garden", "a red rose in a vase on a table")
    assert e.value.code == "no-slot" and e.value.suggestion["source_prompt"]


@pytest.mark.parametrize("instruction, source, expected", [
    # what a view shows changes ('with mountains of the city')
    ("change the view to mountains", "a cat sitting on a windowsill with a view of the city",
     "a cat sitting on a windowsill with a view of the mountains"),
    ("change the view to mountains", "a cabin with a view of a lake", "a cabin with a view of mountains"),
    ("make the view a desert", "a balcony with a panoramic view of the mountains",
     "a balcony with a panoramic view of the desert"),
])
def test_a_view_changes_what_it_shows(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    # 'the setting' or 'the scene' with a noun phrase of no other class: where the scene is
    ("make the setting a train station", "a man sitting in a train station"),
    ("change the setting to a train station", "a man sitting in a train station"),
    ("make the scene a beach", "a man sitting on a beach"),
    # a value of another class keeps its class
    ("change the scene to a painting", "a painting of a man sitting in a cafe"),
    ("change the setting to night", "a man sitting in a cafe at night"),
])
def test_the_setting_or_scene_is_where_it_is(instruction, expected):
    assert target(instruction, "a man sitting in a cafe") == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a word that says how a picture is made goes before the picture's noun ('a 3D of a cat')
    ("make it 3D", "a photo of a cat on a sofa", "a 3D photo of a cat on a sofa"),
    ("make it acrylic", "an oil painting of a harbor", "an acrylic painting of a harbor"),
    ("make it charcoal", "a pencil sketch of a tree", "a charcoal sketch of a tree"),
    # '... art' takes no article ('a pixel art of a cat')
    ("make it digital art", "a photo of a cat on a sofa", "digital art of a cat on a sofa"),
    ("turn the photo into pixel art", "a photo of a goldfish in a bowl", "pixel art of a goldfish in a bowl"),
    # a movement's adjective is a painting's style, as the movement is
    ("make it cubist", "a painting of a cat on a sofa", "a cubist painting of a cat on a sofa"),
    ("make it impressionist", "a photo of a cat on a sofa", "an impressionist painting of a cat on a sofa"),
    ("make it a photo", "a watercolor of a barn", "a photo of a barn"),
])
def test_media_said_by_a_modifier_or_a_movement(instruction, source, expected):
    assert target(instruction, source) == expected


def test_a_person_in_ist_is_no_movement():
    with pytest.raises(AlignmentError):
        target("make it an artist", "a painting of a cat on a sofa")


@pytest.mark.parametrize("instruction, expected", [
    # 'on fire' is a state ('fire in a field', 'a house on a fire')
    ("make the house on fire", "a burning house in a field"),
    ("set the house on fire", "a burning house in a field"),
    ("set fire to the house", "a burning house in a field"),
    ("set it on fire", "a burning house in a field"),
    ("make it look abandoned", "an abandoned house in a field"),
])
def test_fire_and_ruin_are_states(instruction, expected):
    assert target(instruction, "a house in a field") == expected


def test_a_preposition_on_is_no_state_word():
    # 'set it on fire' on a title replaced every 'on' of its places
    with pytest.raises(AlignmentError):
        target("set it on fire", "Summer Night on the South Beach at Skagen by Peder Severin Krøyer")
    assert target("turn the headlights off", "a car with its headlights on") == "a car with its headlights off"


@pytest.mark.parametrize("instruction, source, expected", [
    # what a group does, its members do ('a group of running people walking in a park')
    ("make the people run", "a group of people walking in a park", "a group of people running in a park"),
    ("make the cows run", "a herd of cows grazing in a field", "a herd of cows running in a field"),
])
def test_a_group_does_what_its_members_do(instruction, source, expected):
    assert target(instruction, source) == expected


def test_them_all_is_them():
    # 'a group of all wear hats': now the addition it is, refused with what to send
    with pytest.raises(AlignmentError) as e:
        target("make them all wear hats", "a group of people walking in a park")
    assert e.value.code == "unsupported"


@pytest.mark.parametrize("instruction, source, expected", [
    ("make it on paper", "oil on canvas painting of a harbor", "oil on paper painting of a harbor"),
    ("have it be on canvas", "a watercolor on paper of a bird", "a watercolor on canvas of a bird"),
])
def test_the_support_of_the_one_medium_that_names_one(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    ("make the car burgundy", "a burgundy car on a road"),
    ("make the car emerald", "an emerald car on a road"),
])
def test_more_colour_names(instruction, expected):
    assert target(instruction, "a red car on a road") == expected


def test_a_state_of_a_thing_takes_no_poses_place():
    # 'a dog burning on the beach': 'burning' had replaced 'running', both filed as states
    assert target("set it on fire", "a dog running on the beach") == "a burning dog running on the beach"
    assert target("make it awake", "a dog sleeping on a sofa") == "a dog awake on a sofa"
    assert target("make it on", "a lamp switched off on a desk") == "a lamp switched on on a desk"


@pytest.mark.parametrize("instruction, source, expected", [
    # two colours and a pattern are one look ('a white striped lighthouse': the red went to a second clause)
    ("make the lighthouse red and white striped", "a lighthouse on a rocky coast at night",
     "a red and white striped lighthouse on a rocky coast at night"),
    ("make the cat orange and white", "a black and white cat on a sofa", "an orange and white cat on a sofa"),
    # a look of another class after 'and' is a second change of the same object, as before
    ("make the bus shorter and green", "a yellow bus on a street", "a short green bus on a street"),
])
def test_coordinated_looks(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # a kind's whole name goes ('a top cap')
    ("make the hat a cap", "a man with a mustache wearing a top hat", "a man with a mustache wearing a cap"),
    ("make the top hat blue", "a man with a mustache wearing a top hat", "a man with a mustache wearing a blue top hat"),
])
def test_kind_names_of_things_worn(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # how a pose is done is not where ('on its back' replaced 'on the grass')
    ("make the dog lie on its back", "a dog sitting on the grass", "a dog lying on its back on the grass"),
    ("make the cat stand on its hind legs", "a cat sitting on a sofa", "a cat standing on its hind legs on a sofa"),
    ("make the girl jump in the air", "a girl standing in a field", "a girl jumping in the air in a field"),
    # a new place still replaces the old one
    ("make the dog sleep on the floor", "a dog sitting on the grass", "a dog sleeping on the floor"),
    # where one looks or faces is an action ('an away woman')
    ("make her look away", "a woman looking at the camera", "a woman looking away"),
    ("make her look to the left", "a woman looking at the camera", "a woman looking to the left"),
    ("make the dog face right", "a dog facing left", "a dog facing right"),
    # a body part's state after it ('his open arms crossed')
    ("make the boy's arms open", "a boy with his arms crossed", "a boy with his arms open"),
])
def test_poses_said_with_the_body(instruction, source, expected):
    assert target(instruction, source) == expected


def test_twins_changed_alike_keep_a_pair_each():
    # 'make the dogs black' on two dogs: each dog its own pair and mask (the second was dropped as the first named
    # again), and no warning that the counts differ
    a = parse_instruction("make the dogs black", source_prompt="a dog on the left and a dog on the right")
    assert a.target_prompt == "a black dog on the left and a black dog on the right"
    assert [p.id for p in a.pairs] == ["dog (left)", "dog (right)"] and not a.warnings
    # one thing named again is one pair
    assert len(parse_instruction("make the cat black", source_prompt="a cat on a sofa, the cat is sleeping").pairs) == 1


@pytest.mark.parametrize("instruction, source, expected", [
    ("make the dogs cats", "a dog on the left and a dog on the right", "a cat on the left and a cat on the right"),
    ("make one cat black", "a cat sitting on a fence", "a black cat sitting on a fence"),
    ("swap them", "a car next to a truck", "a truck next to a car"),
    ("swap the two", "a red square and a blue circle", "a blue circle and a red square"),
    ("swap their places", "a cat and a dog on a sofa", "a dog and a cat on a sofa"),
])
def test_plural_references_and_swapping_them(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source", [
    ("make one cat black", "two cats sitting on a fence"),
    ("swap them", "a red cup and a blue cup and a green cup on a table"),
])
def test_which_one_or_which_two_unsaid_is_refused(instruction, source):
    with pytest.raises(AlignmentError) as e:
        target(instruction, source)
    assert e.value.code in ("ambiguous", "no-slot")


@pytest.mark.parametrize("instruction, source, expected", [
    # the one thing worn where the new one goes is what changes (it was refused as an addition)
    ("make him wear a tuxedo", "a man in a blue suit standing in an office", "a man in a blue tuxedo standing in an office"),
    ("he should wear a tuxedo", "a man in a blue suit standing in an office", "a man in a blue tuxedo standing in an office"),
    ("make her wear a green gown", "a woman in a red dress dancing", "a woman in a green gown dancing"),
    ("make him wear a crown", "a man with a hat", "a man with a crown"),
    # a plural takes no article, with kept modifiers too ('in a blue jeans')
    ("let him wear jeans", "a man in a blue suit standing in an office", "a man in blue jeans standing in an office"),
    ("replace the suit with jeans", "a man in a blue suit standing in an office",
     "a man in blue jeans standing in an office"),
])
def test_what_one_wears(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source", [
    ("let the man wear sunglasses", "a man with a hat"),  # sunglasses replace no hat: an addition
    ("make him wear a hat", "a boy with a backpack walking to school"),
])
def test_a_thing_worn_elsewhere_is_an_addition(instruction, source):
    with pytest.raises(AlignmentError):
        target(instruction, source)


@pytest.mark.parametrize("instruction, expected", [
    # the picture described as it should be is the target prompt ('a photo of' as benchmarks write prompts)
    ("a dog sitting on a bench", "a dog sitting on a bench"),
    ("target: a dog sitting on a bench", "a dog sitting on a bench"),
    ("A photo of a dog sitting on a bench.", "a dog sitting on a bench"),
    # 'as if', an era, 'render ... at'
    ("Make it appear as if it's snowing.", "a cat sitting on a bench in the snow"),
    ("Make the image look like it was taken in the 1970s.", "a cat sitting on a bench, in 1970s style"),
    ("Render the scene at night.", "a cat sitting on a bench at night"),
    ("Make the scene during a tornado", "a cat sitting on a bench in the tornado"),
])
def test_requests_as_instruction_models_write_them(instruction, expected):
    assert target(instruction, "a cat sitting on a bench") == expected


def test_a_sentence_unlike_the_prompt_is_still_refused():
    with pytest.raises(AlignmentError) as e:
        target("a red car parked on a street", "a cat sitting on a bench")
    assert e.value.code == "unreadable"


@pytest.mark.parametrize("instruction, source, expected", [
    # what a thing is made of changes where the prompt says it ('a plastic chair made of wood')
    ("make the chair plastic", "a chair made of wood", "a chair made of plastic"),
    ("change the material of the chair to metal", "a chair made of wood", "a chair made of metal"),
    ("make the table made of glass", "a wooden table made of oak", "a table made of glass"),
    # a bare material word is a material, not the thing it also names ('a glass made of clay')
    ("make it glass", "a vase made of clay on a shelf", "a vase made of glass on a shelf"),
    ("make the sofa fabric", "a leather sofa in a living room", "a fabric sofa in a living room"),
    # a kind's two-word name is what the object becomes ('tea iced coffee')
    ("make the coffee iced tea", "a tall glass of iced coffee", "a tall glass of iced tea"),
    ("make the cloud heart shaped", "a fluffy white cloud in a blue sky",
     "a fluffy heart-shaped white cloud in a blue sky"),
])
def test_materials_kinds_and_shapes(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # 'the style' is the picture's style, never the word 'style' ('in the monet of van gogh')
    ("change the style to monet", "a painting of a lighthouse by the sea in the style of van gogh",
     "a painting of a lighthouse by the sea in the style of monet"),
    ("change the artist to monet", "a painting of a lighthouse by the sea in the style of van gogh",
     "a painting of a lighthouse by the sea in the style of monet"),
    ("change the style to watercolor", "an oil painting of a mountain landscape", "a watercolor of a mountain landscape"),
    # a style word is a style ('an anime of a cat'; 'make it cyberpunk' was refused)
    ("make it anime", "a cat sitting on a bench", "a cat sitting on a bench, in anime style"),
    ("change the style to cyberpunk", "a dog running on the beach", "a dog running on the beach, in cyberpunk style"),
    ("make it cyberpunk", "a photo of a dog on the beach", "a cyberpunk photo of a dog on the beach"),
    ("make it anime", "a photo of a cat on a bench", "anime of a cat on a bench"),
])
def test_the_style_and_style_words(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    # what it no longer is, then what it is: the second is the change ('a no long blue car', 'a make the car blue car')
    ("the car is no longer red, it is blue", "a blue car on a road"),
    ("the car should not be red anymore but green", "a green car on a road"),
    ("don't make it red, make it blue", "a blue car on a road"),
    ("instead of red, make the car blue", "a blue car on a road"),
])
def test_what_it_no_longer_is_then_what_it_is(instruction, expected):
    assert target(instruction, "a red car on a road") == expected


@pytest.mark.parametrize("instruction, source, expected", [
    ("colorize the photo", "a black and white photo of a street", "a color photo of a street"),
    ("make it look cinematic", "a dog on a beach", "a dog on a beach, in cinematic style"),
    ("make it moody", "a dog on a beach", "a dog on a beach, in moody style"),
    # 'it' on a picture is what the picture shows ('photo' was said to be missing from the prompt)
    ("make it blue", "a photo of a red mug on a table", "a photo of a blue mug on a table"),
    ("make it brighter", "a photo of a street at noon", "a photo of a bright street at noon"),
])
def test_looks_of_the_picture(instruction, source, expected):
    assert target(instruction, source) == expected


def test_a_light_is_no_place():
    # 'give the scene a golden hour lighting' replaced the beach
    with pytest.raises(AlignmentError):
        target("give the scene a golden hour lighting", "a dog on a beach")


@pytest.mark.parametrize("instruction, expected", [
    # an object picked by where it is ('a dog sitting a wolf': 'the one on the floor' replaced the floor)
    ("make the one on the floor a wolf", "a cat sleeping on a sofa and a wolf sitting on the floor"),
    ("make the one on the sofa black", "a black cat sleeping on a sofa and a dog sitting on the floor"),
    ("make the animal on the sofa a rabbit", "a rabbit sleeping on a sofa and a dog sitting on the floor"),
    # 'that is VERBing' picks it as the participle does
    ("make the cat that is sleeping orange", "an orange cat sleeping on a sofa and a dog sitting on the floor"),
])
def test_an_object_picked_by_where_it_is_or_what_it_does(instruction, expected):
    assert target(instruction, "a cat sleeping on a sofa and a dog sitting on the floor") == expected


@pytest.mark.parametrize("instruction, source, expected", [
    # the pronouns of the one person whose gender changed follow ('a man and her dog')
    ("make the woman a man", "a woman and her dog walking on a beach", "a man and his dog walking on a beach"),
    ("make her a boy", "a girl with her arms crossed", "a boy with his arms crossed"),
    ("make the man a woman", "a man reading his newspaper", "a woman reading her newspaper"),
    # two people: whose 'her' it is, the prompt does not say: left as it is
    ("make the man a boy", "a man and a woman with her dog", "a boy and a woman with her dog"),
])
def test_pronouns_follow_a_changed_gender(instruction, source, expected):
    assert target(instruction, source) == expected


@pytest.mark.parametrize("instruction, expected", [
    ("chnage the car to a bus", "a bus parked on a street"),
    ("replase the car with a bus", "a bus parked on a street"),
    ("mkae the car red", "a red car parked on a street"),
    ("trun the car into a bus", "a bus parked on a street"),
])
def test_a_typo_of_the_editing_verb(instruction, expected):
    assert target(instruction, "a car parked on a street") == expected


def test_a_real_word_near_a_verb_is_no_typo():
    # 'wake' is a letter from 'make', 'burn' from 'turn': never read as them
    assert target("wake the cat", "a cat sleeping on a sofa") == "a cat awake on a sofa"
    with pytest.raises(AlignmentError):
        target("burn the house", "a house in a field")


def test_articles_are_fixed_only_where_a_change_could_break_them():
    # found by the property test: 'winter' on the prompt 'A' gave the target 'An in winter', which its pair's target
    # 'A in winter' is not in: the whole target's articles were 'fixed', the untouched source's too
    for source in ("A", "A A"):  # ('A A' gave 'An A in winter')
        a = parse_instruction("winter", source_prompt=source)
        assert a.target_prompt == f"{source} in winter"
        assert all(p.target.lower() in a.target_prompt.lower() for p in a.pairs)
    # articles are still fixed where a change breaks them
    assert target("make the pear an apple", "a pear on a table") == "an apple on a table"
    assert target("replace the cat with an owl and the mat with a rug", "a cat on a mat") == "an owl on a rug"


@pytest.mark.parametrize("instruction, source, expected", [
    # a look of a part said of its owner changes the part the prompt names ('a gray-haired woman with red hair')
    ("make her gray haired", "a young woman with red hair", "a young woman with gray hair"),
    ("make him blue eyed", "a man with brown eyes", "a man with blue eyes"),
    ("make her older and gray haired", "a young woman with freckles and red hair smiling",
     "an old woman with freckles and gray hair smiling"),
    ("make her gray haired", "a young woman smiling", "a gray-haired young woman smiling"),
    # a new feeling takes the old one's place where the prompt says it with a participle ('a sad woman ... smiling')
    ("make her look sad", "a young woman with freckles and red hair smiling",
     "a young woman with freckles and red hair looking sad"),
    ("make him happy", "a boy crying on a bench", "a boy looking happy on a bench"),
    ("make the baby sad", "a smiling baby in a crib", "a sad baby in a crib"),
])
def test_parts_and_feelings_said_of_the_person(instruction, source, expected):
    assert target(instruction, source) == expected
