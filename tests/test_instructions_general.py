"""The general reading of instructions (issue: instructions as people write them): a reference resolved against
the source prompt (objects, possessives, class nouns, pronouns, implicit references by the value's class),
modifiers surviving by class, verb and state changes, global pairs, and refusals that say what to send instead."""

from __future__ import annotations

import pytest

from oir_agent.errors import AlignmentError
from oir_agent.text.aligner import align_prompts
from oir_agent.text.instructions import parse_instruction


def pairs(instruction, source):
    a = parse_instruction(instruction, source_prompt=source)
    return a.target_prompt, [(p.source, p.target, p.kind) for p in a.pairs]


@pytest.mark.parametrize("instruction, source, target", [
    # possessive and "of" attributes
    ("Change the horse's color to gray", "a brown horse in a field", "a gray horse in a field"),
    ("change the colour of the horse to gray", "a brown horse in a field", "a gray horse in a field"),
    ("make the horse's colour gray", "a brown horse in a field", "a gray horse in a field"),
    # background and setting slots as the reference
    ("Give it a green background", "a vase on a white background", "a vase on a green background"),
    ("make the background green", "a vase on a white background", "a vase on a green background"),
    # a new noun phrase with its own determiner replaces the phrase's noun modifiers; adjectives stay
    ("Change the street to a forest", "a woman walking down a cobblestone street", "a woman walking down a forest"),
    ("replace the car with a bus", "a red car on a road", "a red bus on a road"),
    ("Make the vase a lamp", "a vase on a table", "a lamp on a table"),
    ("turn the mural into a 3D illustration", "a mural on a wall", "a 3D illustration on a wall"),
    # "one" keeps the head noun
    ("change the path to a snowy one", "a gravel path in a park", "a snowy path in a park"),
    ("make the path a snowy one", "a gravel path in a park", "a snowy path in a park"),
    # ... and so does a value with the same head and modifiers of its own
    ("change the path to a snowy path", "a gravel path in a park", "a snowy path in a park"),
    ("make the barn an old wooden barn", "a red barn on a hill", "an old red wooden barn on a hill"),
    ("make the farmhouse a modern farmhouse", "an old stone farmhouse", "a modern stone farmhouse"),
    # a reference spelled as one word finds the prompt's open compound, and the other way round
    ("replace the lunchbox with a wooden chest", "a lunch box on a desk", "a wooden chest on a desk"),
    ("replace the teddybear with a robot", "a teddy-bear on a bed", "a robot on a bed"),
    ("replace the lunch box with a basket", "a lunchbox on a desk", "a basket on a desk"),
    # shape is a class of its own
    ("make the table round", "a square wooden table", "a round wooden table"),
    ("make it oval", "a rectangular mirror on a wall", "an oval mirror on a wall"),
    # a new adjective replaces the old one of its class (pattern, colour, size, state)
    ("make the rug striped", "a plaid rug", "a striped rug"),
    ("make the rug checkered", "a plaid rug on the floor", "a checkered rug on the floor"),
    ("make the cat orange and white", "a black and white cat", "an orange and white cat"),
    # implicit reference: the one phrase of the value's class
    ("Change to a soccer team", "a baseball team on a field", "a soccer team on a field"),
    ("make it winter", "a cabin in autumn", "a cabin in winter"),
    ("make it afternoon", "a misty morning on a lake", "a misty afternoon on a lake"),
    ("make it night", "a harbour in the morning", "a harbour at night"),
    ("make the weather sunny", "a harbour in thick fog", "a harbour in sunny weather"),
    ("make it a watercolor painting", "a photo of a harbour", "a watercolor painting of a harbour"),
    ("as a pencil sketch", "a photo of a harbour", "a pencil sketch of a harbour"),
    ("by Lisa Frank", "a city in the clouds by John Smith", "a city in the clouds by Lisa Frank"),
    ("change the artist to Salvador Dali", "a city in the clouds by John Smith", "a city in the clouds by Salvador Dali"),
    ("make it a modern hospital", "an old hospital by the sea", "a modern hospital by the sea"),
    # pronouns
    ("make her old", "a girl in a red dress", "an old woman in a red dress"),
    # verbs, poses and states
    ("make the dog sit", "a dog lying on the sofa", "a dog sitting on the sofa"),
    ("make the boy cry", "a boy smiling at a dog", "a boy crying at a dog"),
    ("open the bear's mouth", "a bear with its mouth closed", "a bear with its mouth open"),
    # places: "to" takes the preposition of the new place (a surface: on; surroundings: in)
    ("Move the bench to a beach", "a bench in a park", "a bench on a beach"),
    ("put the dog on a beach", "a dog lying on a carpet", "a dog lying on a beach"),
    # ... and so does a place named as the object: 'in a park' -> 'on a beach', 'on a branch' -> 'in a cage'
    ("change the park to a beach", "a bench in a park", "a bench on a beach"),
    ("replace the branch with a cage", "a bird on a branch", "a bird in a cage"),
    ("change the shirt to a coat", "a man in a red shirt", "a man in a red coat"),  # no place: as written
    # the class written as a compound ('the roof colour'): its value replaces the old one of that class, even a
    # colour the lexicon does not know
    ("change the roof color to blue", "a house with a red roof", "a house with a blue roof"),
    ("change her hair colour to chartreuse", "a woman with brown hair", "a woman with chartreuse hair"),
    ("change the color of the car to chartreuse", "a red car", "a chartreuse car"),
    ("change the table material to marble", "a wooden table", "a marble table"),
    ("change the colour chart to a map", "a red car with a colour chart", "a red car with a map"),  # an object
    # "give X Y": the value names the part it changes by its head noun
    ("give her short hair", "a woman with long hair", "a woman with short hair"),
    ("give the cat huge whiskers", "a cat with short whiskers", "a cat with huge whiskers"),
    # a setting noun for a named object is what it becomes, not a modifier ('snow grass')
    ("change the grass to snow", "a small white dog on the grass", "a small white dog in the snow"),
    # a new action with its own complement replaces the old verb with its object (the object's noun phrase only)
    ("make the girl look at the camera", "a girl holding an umbrella in the rain",
     "a girl looking at the camera in the rain"),
    ("make the man eat an apple", "a man reading a book in the park", "a man eating an apple in the park"),
    ("make him walk", "a man running in a park", "a man walking in a park"),  # a person pronoun acts too
    ("make her cry", "a smiling girl", "a crying girl"),  # a participle before the noun: one word fits there
    ("make the old man sit", "an old man standing by a door", "an old man sitting by a door"),  # 2-word object
    ("make the teddy bear made of lego", "a teddy bear on a bed", "a lego teddy bear on a bed"),  # not 'bear' (verb)
    # a bare noun after 'of' stays bare; a counted one takes the value's article
    ("change the pizza to a burger", "a slice of pizza on a plate", "a slice of burger on a plate"),
    ("replace the cats with a dog", "a photo of cats", "a photo of a dog"),
    # new surroundings replace the old as a whole, preposition included; without the word, the scene's one place
    ("change the background to a forest", "a vase on a white background", "a vase in a forest"),
    ("change the background to a brick wall", "a vase on a white background", "a vase in front of a brick wall"),
    ("change the background to a beach", "a cat sitting in the grass", "a cat sitting on a beach"),
    ("change the background to a forest", "a man standing in front of a building", "a man standing in a forest"),
    ("change the background to a forest", "a white background with a vase", "a forest with a vase"),
    ("change the background to green", "a vase on a white background", "a vase on a green background"),
    # a run of nouns before the object is a list of tags, not its kind; one noun modifier is its kind
    ("Replace the snowstorm with a sand storm", "trees sunset sky lake snow storm mountains",
     "trees sunset sky lake sand storm mountains"),
    # a setting's class noun in the value names the class only; the head comes back where the prompt needs one
    ("Change it to midday lighting", "a lake at sunrise", "a lake at midday"),
    ("make it sunny weather", "a harbour in thick fog", "a harbour in sunny weather"),
    # the scene's time is no modifier of its medium ('Night Painting')
    ("make it a daguerreotype", "Street Light At Night Painting", "Street Light At Night daguerreotype"),
    # in a title, a capitalized noun before the object may be a name and stays (not across a separator)
    ("change the street to a running path", "Bourbon Street 2009 Print", "Bourbon running path 2009 Print"),
    ("change to antique art", "An Introduction To Futurist Art", "An Introduction To antique art"),  # anew; a title: no article
    # a value replaces the prompt's one word of its kind: buildings, settlements, landforms
    ("turn into a campsite", "a small village at night", "a small campsite at night"),
    ("Make it a mansion instead", "an old temple in the jungle", "an old mansion in the jungle"),
    ("transform into a meadow", "Painting - Carmel Mission Garden", "Painting - Carmel Mission meadow"),
    # 'made of' / 'out of' names a material, even a word the lexicon files as a colour
    ("make the chair out of gold", "a cat sitting on a wooden chair", "a cat sitting on a gold chair"),
    ("make the bag canvas", "a brown leather bag", "a brown canvas bag"),
    # coordinated values of one class are one value
    ("make the photo colorful", "a black and white photo of a man", "a colorful photo of a man"),
    # the reference's participle, written after the noun in the prompt
    ("change the sitting cat to a standing cat", "a cat sitting on a wooden chair", "a cat standing on a wooden chair"),
    # a pose or expression the prompt does not describe becomes the object's state
    ("make the dog smile", "a photo of a dog", "a photo of a smiling dog"),
    ("turn the sunset into a sunrise", "a house by a lake at sunset", "a house by a lake at sunrise"),  # bare
    # a new direction replaces the old one; where the object is stays
    ("make the cat look to the left", "a cat looking at the camera", "a cat looking to the left"),
    ("make the dog look at the camera", "a dog lying on the sofa", "a dog looking at the camera on the sofa"),
    # a noun after the object is no verb ('skyline'): the verb reading needs the instruction's own parse
    ("make the city skyline blue", "a city skyline at night", "a blue city skyline at night"),
    # a category noun's attribute lands on the member the prompt names
    ("make the flowers red", "a vase of sunflowers on a table", "a vase of red sunflowers on a table"),
    ("make the hair straight", "a woman with curly hair", "a woman with straight hair"),  # shape of hair
    ("make the street empty", "a taxi on a busy street", "a taxi on an empty street"),  # state
    # a noun compound finds its 'of' phrase; a value repeating the prompt's frame is not said twice
    ("change the coffee cup to a wine glass", "a woman with a cup of coffee", "a woman with a wine glass"),
    ("replace the ramen with a bowl of spaghetti", "a bowl of ramen", "a bowl of spaghetti"),
    ("make it a bowl of spaghetti", "a bowl of ramen on a table", "a bowl of spaghetti on a table"),
    ("make it a photo of a dog", "a photo of a cat on a mat", "a photo of a dog on a mat"),
    # a style's period is an age ('modern' replaces 'Rococo'); where a style comes from is a class of its own
    ("convert the interior to be modern", "a scene in a rococo interior", "a scene in a modern interior"),
    ("make the garden english", "a japanese garden", "an english garden"),
    # a copyright mark credits the author; a file-name-like token's parts are words
    ("By Yiannis Moralis", "a harbour at dawn © Fabrice Silly", "a harbour at dawn © Yiannis Moralis"),
    ("Change to digital art.", "amazing-old-doors-photography-40", "amazing-old-doors-digital art-40"),
    # the medium named by a medium word the prompt does not use: the prompt's own medium
    # what a medium is laid on is part of it ('oil on paper'); a noun naming the medium's kind too ('stock photo')
    ("Turn the painting into a sand sculpture", "The Forum at Pompeii, oil on paper",
     "The Forum at Pompeii, sand sculpture"),
    ("make it a photograph", "a harbour at dawn, acrylic on a wood panel", "a harbour at dawn, photograph"),
    ("As pop art", "a fort on the Ganges at sunset, stock photo", "a fort on the Ganges at sunset, pop art"),
    ("make it a charcoal drawing", "a girl by a window, studio portrait", "a girl by a window, charcoal drawing"),
    # the second half of a hyphenated word is not a medium ('self-portrait'); a portrait is one
    ("Change to a marker drawing", "Self-portrait Painting by Anna Bain", "Self-portrait marker drawing by Anna Bain"),
    ("make it a flash photograph", "Portrait of a Seated Lady", "flash photograph of a Seated Lady"),
    # an object's own modifiers reach past a noun naming its kind ('sports car'); new ones take their English place
    ("make the car red", "a blue sports car on a road", "a red sports car on a road"),
    ("make the truck blue", "a red fire truck", "a blue fire truck"),
    ("make the car red", "a big sports car", "a big red sports car"),
    ("make the wallpaper scandinavian", "japanese animation wallpapers", "scandinavian animation wallpapers"),
    # a two-word object before a noun phrase is the prompt's object, not an object and a verb ('bear a robot')
    ("make the teddy bear a robot", "a teddy bear on a bed", "a robot on a bed"),
    ("make the man eat an apple", "a man reading a book in the park", "a man eating an apple in the park"),
    # a flavour is a class; a bare plural noun after 'make X' is what X becomes; a verb is no modifier of its object
    ("can you make the cake chocolate", "a strawberry cake on a plate", "a chocolate cake on a plate"),
    ("make the glasses sunglasses", "a man wearing glasses", "a man wearing sunglasses"),
    ("replace the glasses with sunglasses", "a man wearing glasses", "a man wearing sunglasses"),
    # a gapped clause borrows the linking verb of the one before it
    ("the dumplings become fried rice, the chopsticks a knife", "a plate of dumplings with chopsticks",
     "a plate of fried rice with a knife"),
    ("the cat should be a dog and the sofa a bed", "a cat on a sofa", "a dog on a bed"),
    # a participle the small parser reads as a noun ('a kitten playing'): the object is the kitten
    ("make the kitten a puppy", "a kitten playing with yarn", "a puppy playing with yarn"),
    # 'make X look like Y' / 'look Y' for a named object; 'look at' stays an action
    ("make the dog look like a wolf", "a dog in the snow", "a wolf in the snow"),
    ("make the old car look new", "an old car on a road", "a new car on a road"),
    # '-colored' is a colour; 'dim' is a brightness; the shoes are the prompt's footwear; a scene's class word goes;
    # an art movement is a painting's style, in the prompt's medium phrase
    ("make the trees autumn colored", "a path through green trees", "a path through autumn colored trees"),
    ("make the lamp brighter", "a dim lamp on a nightstand", "a bright lamp on a nightstand"),
    ("make the shoes red", "a pair of white sneakers on the floor", "a pair of red sneakers on the floor"),
    ("turn this into a winter scene", "a cabin by a lake", "a cabin by a lake in winter"),
    ("change the painting style to impressionism", "a photo of a river at dawn",
     "an impressionist painting of a river at dawn"),
    # the picture's colour mode is the whole picture's, never an object's colour; every mention changes
    ("make it black and white", "a red car on a street", "a red car on a street, in black and white"),
    ("make it in color", "a black and white photo of a street", "a color photo of a street"),
    ("make it in color", "Tree's Picture Black and white By Martin Rak", "Tree's Picture in color By Martin Rak"),
    ("in vibrant color", "black and white portraits, Black and White Portraits of the Homeless",
     "vibrant color portraits, vibrant color Portraits of the Homeless"),
    # an expression is the face's: it replaces the prompt's expression, and stands beside a pose or an action
    ("Make the woman smile", "a woman with a neutral expression standing in a garden",
     "a woman with a smiling expression standing in a garden"),
    ("make the girl smile", "a girl sitting on a bench", "a smiling girl sitting on a bench"),
    ("make the girl smile", "a girl reading a book", "a smiling girl reading a book"),
    ("make the boy cry", "a boy laughing in the park", "a boy crying in the park"),
    # 'instead of' after a whole clause says what it was; 'a ... one' keeps the head noun of a longer reference;
    # a reference with where it is ('the flowers in the vase') is its own noun
    ("Make the bus yellow instead of red", "a red bus on a city street", "a yellow bus on a city street"),
    ("Transform the sunny sky into a stormy one", "a farmhouse under a sunny sky", "a farmhouse under a stormy sky"),
    ("Make the flowers in the vase sunflowers", "a vase of roses on a table", "a vase of sunflowers on a table"),
    # a noun that says its person is young names the grown-up one when the value makes them old
    ("make the boy older", "a young boy playing with a ball", "an old man playing with a ball"),
    ("make her old", "a girl reading a book", "an old woman reading a book"),
    ("make the girl happy", "a sad girl", "a happy girl"),
    # a word in two classes ('calm': an emotion, and the sea's weather) replaces an old word of either
    ("make the ocean calm", "a stormy ocean with a lighthouse", "a calm ocean with a lighthouse"),
    ("make the man calm", "an angry man on a bench", "a calm man on a bench"),
    # a medium with its artist: each to the prompt's own phrase
    ("make it a watercolor by Monet", "a harbour at dawn, photo by John Smith", "a harbour at dawn, watercolor by Monet"),
    # a new credit takes the old artist's life dates with the name (a single year may date the work: it stays)
    ("make it by Monet", "a garden by John Smith (1859-1936), oil on canvas", "a garden by Monet, oil on canvas"),
    ("make it by Monet", "a garden by John Smith (born 1950)", "a garden by Monet"),
    ("As a photograph by Ansel Adams.", "'The Garden' by Abbott Graves (1859–1936), oil on canvas",
     "'The Garden' by Ansel Adams, photograph"),
    ("make it by Monet", "a garden by John Smith (1900), oil on canvas", "a garden by Monet (1900), oil on canvas"),
    # what covers an object, unnamed in the prompt: its colour is the object's; named, it is the part's
    ("make the cat's fur white", "a cat sitting on a chair", "a white cat sitting on a chair"),
    ("make the cat's fur white", "a cat with grey fur", "a cat with white fur"),
    ("change the car's paint to blue", "a red car on a road", "a blue car on a road"),
    # the value before 'instead of' / 'rather than', wishes and questions, 'put Y where X is', 'so that X is Y'
    ("I want a dog instead of the cat", "a cat on a chair", "a dog on a chair"),
    ("What would it look like with a dog instead of the cat?", "a cat on a chair", "a dog on a chair"),
    ("Instead of a cat, show a dog", "a cat on a chair", "a dog on a chair"),
    ("a dog rather than a cat", "a cat on a chair", "a dog on a chair"),
    ("Put a dog where the cat is", "a cat on a chair", "a dog on a chair"),
    ("trade out the cat for a dog", "a cat on a chair", "a dog on a chair"),
    # a linking verb after a pronoun (the face she has takes the feeling); a past participle is a state; a
    # coordinated value stays as written
    ("make her look surprised", "a woman with a calm face", "a woman with a surprised face"),
    ("make him look like a cartoon character", "a portrait of a man", "a portrait of a cartoon character"),
    ("make the house look abandoned", "a house by a lake", "an abandoned house by a lake"),
    ("make the car red and sporty", "a red car", "a red and sporty car"),
    ("make the creek dark and possessed", "a quiet creek", "a quiet dark and possessed creek"),
    ("Can the cat be a dog?", "a cat on a chair", "a dog on a chair"),
    ("Edit the image so the cat is a dog", "a cat on a chair", "a dog on a chair"),
    # another word for the prompt's object finds it
    ("Turn the kitty into a puppy", "a cat on a chair", "a puppy on a chair"),
    ("make the sofa red", "a man on a couch", "a man on a red couch"),
    # a pronoun after an object's change is about the new object; 'keep ...' and ', not X,' change nothing
    ("change the cat to a dog and make it brown", "a cat on a chair", "a brown dog on a chair"),
    ("change the cat to a dog and make it winter", "a cat on a chair in summer", "a dog on a chair in winter"),
    ("make the dog black but keep the collar red", "a white dog with a red collar", "a black dog with a red collar"),
    ("the collar, not the dog, should be blue", "a white dog with a red collar", "a white dog with a blue collar"),
    # a quantifier names each object: a list, or the members of a category the prompt names
    ("make both the cat and the chair red", "a cat on a chair", "a red cat on a red chair"),
    ("make both animals white", "a cat and a dog on a sofa", "a white cat and a white dog on a sofa"),
    ("turn all the animals into rabbits", "a cat and a dog on a sofa", "a rabbit and a rabbit on a sofa"),
    # a medium word that is the prompt's verb is no medium
    ("make it a watercolor", "a photo of a woman painting a fence", "a watercolor of a woman painting a fence"),
])
def test_instruction_forms(instruction, source, target):
    assert pairs(instruction, source)[0] == target


@pytest.mark.parametrize("instruction, source, kind", [
    ("make it night", "a harbour in the morning", "global"),
    ("make it a watercolor painting", "a photo of a harbour", "global"),
    ("make the weather sunny", "a harbour in thick fog", "global"),
    ("by Lisa Frank", "a city in the clouds by John Smith", "global"),
    ("make the dog sit", "a dog lying on the sofa", "attribute"),
    ("replace the cat with a dog", "a cat on a mat", "object"),
])
def test_pair_kinds(instruction, source, kind):
    a = parse_instruction(instruction, source_prompt=source)
    assert [p.kind for p in a.pairs] == [kind]
    if kind == "global":
        assert a.pairs[0].mask_phrase == "the whole image"


def test_a_new_action_is_one_pair_about_the_object_that_acts():
    a = parse_instruction("make the girl look at the camera", source_prompt="a girl holding an umbrella in the rain")
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == [
        ("holding an umbrella", "looking at the camera", "girl")]  # not 'umbrella' -> 'camera': the girl acts
    assert a.pairs[0].guided_prompt == a.target_prompt


@pytest.mark.parametrize("source, target, expected", [
    ("a girl holding an umbrella in the rain", "a girl looking at the camera in the rain",
     [("holding an umbrella", "looking at the camera", "girl")]),
    ("a man reading a book on a bench", "a man eating an apple on a bench",
     [("reading a book", "eating an apple", "man")]),
    # not one action: the verb alone, or the object's own description, or the verb and a later phrase
    ("a man riding a horse", "a man feeding a horse", [("riding", "feeding", "man")]),
    ("a boy holding a red kite", "a boy flying a red kite", [("holding", "flying", "boy")]),
    ("a cat sitting on a red chair", "a cat lying on a blue chair",
     [("sitting", "lying", "cat"), ("red chair", "blue chair", "chair")]),
])
def test_prompt_pairs_door_takes_a_new_action_as_one_pair_too(source, target, expected):
    a = align_prompts(source, target)
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == expected


def test_several_whole_picture_changes_are_one_global_pair():
    a = parse_instruction("change the season to winter and make it night", source_prompt="a cabin in summer by day")
    assert [(p.source, p.target, p.kind, p.mask_phrase) for p in a.pairs] == [
        ("a cabin in summer by day", a.target_prompt, "global", "the whole image")]
    assert "winter" in a.target_prompt and "night" in a.target_prompt and not a.warnings
    a = parse_instruction("make it black and white", source_prompt="a red car on a street")
    assert [(p.kind, p.mask_phrase) for p in a.pairs] == [("global", "the whole image")]
    a = parse_instruction("make the cat black and make it winter", source_prompt="a white cat in summer")
    assert [p.kind for p in a.pairs] == ["attribute", "global"]  # an object's change stays its own pair


def test_a_noun_the_parser_reads_as_a_past_verb_is_the_object_and_twins_are_masked_by_their_description():
    a = align_prompts("a single red rose in a glass vase", "a single red tulip in a glass vase")
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == [
        ("single red rose", "single red tulip", "single red rose")]  # not 'single red': 'rose' is no verb here
    a = parse_instruction("make the cat on the left white", source_prompt="a black cat on the left and a gray cat "
                                                                           "on the right")
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == [("black cat", "white cat", "black cat")]
    a = parse_instruction("make the cat white", source_prompt="a black cat on a sofa")
    assert a.pairs[0].mask_phrase == "cat"  # one cat: its head noun


@pytest.mark.parametrize("source, target, expected", [
    # a three-word preposition names no object; the place's own object is the mask
    ("a woman posing in front of a brick wall", "a woman posing on a beach",
     [("in front of a brick wall", "on a beach", "brick wall")]),
    ("a cat next to a lamp", "a cat on a bed", [("next to a lamp", "on a bed", "lamp")]),
    ("a cat in front of a lamp", "a cat on top of a lamp", [("in front of a lamp", "on top of a lamp", "cat")]),
    ("a row of tables", "a tank", [("row of tables", "tank", "row of tables")]),
])
def test_place_phrases_pair_as_one_with_the_place_as_mask(source, target, expected):
    a = align_prompts(source, target)
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == expected


def test_a_bare_new_verb_on_a_transitive_one_asks_whether_its_object_stays():
    with pytest.raises(AlignmentError) as exc:
        parse_instruction("make the man sleep", source_prompt="a man reading a book in the park")
    err = exc.value
    assert err.code == "ambiguous" and "'a book'" in str(err)
    assert [r["target_prompt"] for r in err.suggestion["readings"]] == [
        "a man sleeping in the park", "a man reading a book and sleeping in the park"]


def test_mentions_of_one_thing_all_change_in_one_pair():
    a = parse_instruction("replace the cat with a dog", source_prompt="a cat on a mat; the cat is sleeping")
    assert a.target_prompt == "a dog on a mat; the dog is sleeping"  # the later mention keeps its 'the'
    assert [(p.source, p.target) for p in a.pairs] == [("cat", "dog")]
    assert a.pairs[0].guided_prompt == a.target_prompt and not a.warnings


def test_a_reference_naming_two_objects_lists_each():
    with pytest.raises(AlignmentError) as exc:
        parse_instruction("replace the cat with a dog", source_prompt="a cat on the left and a cat on the right")
    err = exc.value
    assert err.code == "ambiguous"
    assert [r["target_prompt"] for r in err.suggestion["readings"]] == [
        "a dog on the left and a cat on the right", "a cat on the left and a dog on the right"]
    # by position it is one object
    assert parse_instruction("replace the cat on the right with a dog", source_prompt="a cat on the left and a cat "
                             "on the right").target_prompt == "a cat on the left and a dog on the right"


def test_ambiguous_reference_lists_every_reading():
    with pytest.raises(AlignmentError) as exc:
        parse_instruction("make it a dog", source_prompt="a cat and a horse in a field")
    err = exc.value
    assert err.code == "ambiguous" and "'cat'" in str(err) and "'horse'" in str(err)
    readings = err.suggestion["readings"]
    assert [r["target_prompt"] for r in readings] == ["a dog and a horse in a field", "a cat and a dog in a field"]
    from oir_agent.text.aligner import align_prompts

    for r in readings:  # each reading is a complete retry that works
        assert len(align_prompts(r["source_prompt"], r["target_prompt"]).pairs) == 1


@pytest.mark.parametrize("instruction, target", [
    ("make it snowy", "a car on a road in the desert in snowy weather"),
    ("make it rain", "a car on a road in the desert in the rain"),
    ("make it night", "a car on a road in the desert at night"),
    ("make it winter", "a car on a road in the desert in winter"),
])
def test_a_setting_the_prompt_does_not_state_is_added_for_the_whole_picture(instruction, target):
    a = parse_instruction(instruction, source_prompt="a car on a road in the desert")
    assert a.target_prompt == target
    assert [(p.source, p.target, p.kind) for p in a.pairs] == [("a car on a road in the desert", target, "global")]


def test_a_medium_is_added_before_a_sentence_that_describes_the_picture():
    # the prompt door reads the same change as one whole-image pair
    for instruction, target in [("make it a watercolor", "a watercolor of a cat on a mat"),
                                ("turn it into a pencil sketch", "a pencil sketch of a cat on a mat")]:
        a = parse_instruction(instruction, source_prompt="A cat on a mat")
        assert a.target_prompt == target
        assert [(p.kind, p.mask_phrase) for p in a.pairs] == [("global", "the whole image")]


def test_refusal_without_a_slot_suggests_prompts_that_work():
    with pytest.raises(AlignmentError) as exc:  # a title: people put a new medium in different places
        parse_instruction("make it a watercolor", source_prompt="Fallen Leaves, Valley View")
    err = exc.value
    assert err.code == "no-slot"
    from oir_agent.text.aligner import align_prompts

    target = "a watercolor of Fallen Leaves, Valley View"
    assert err.suggestion == {"source_prompt": "Fallen Leaves, Valley View", "target_prompt": target}
    retry = align_prompts(err.suggestion["source_prompt"], err.suggestion["target_prompt"])  # a whole-image pair
    assert [(p.source, p.target, p.kind) for p in retry.pairs] == [("Fallen Leaves, Valley View", target, "global")]


@pytest.mark.parametrize("instruction, source", [
    ("Change to a soccer team", "a cat on a mat"),
    ("turn into a campsite", "a lake at night"),
    ("swap with an eagle", "a kite on a branch"),
    ("Mix with a kitten", "a puppy on a sofa"),
    ("Combine with a castle", "a lake at dawn"),
    ("Taken with a DSLR", "two men drinking"),
    ("relocate to Dubai", "Annecy"),
    ("move to the beach", "a dog and a cat"),
])
def test_refusals_never_blame_the_instructions_verb(instruction, source):
    with pytest.raises(AlignmentError) as exc:
        parse_instruction(instruction, source_prompt=source)
    verb = instruction.split()[0]
    assert f"mentions {verb!r}" not in str(exc.value) and f"mentions '{verb.lower()}'" not in str(exc.value)
    assert source in (exc.value.suggestion or {}).get("source_prompt", "")  # what to send instead, in their words


@pytest.mark.parametrize("instruction, source, target", [
    ("move to Sweden", "Winter in Prague, oil on canvas", "Winter in Sweden, oil on canvas"),
    ("relocate it to a beach", "a red bicycle in a park", "a red bicycle on a beach"),
    ("move them to an urban setting", "two dancers on a stage", "two dancers in an urban setting"),
    ("in Paris instead", "a cafe in Rome at night", "a cafe in Paris at night"),
    ("take everything to the desert", "a camel in a zoo at night", "a camel in the desert at night"),
])
def test_moving_the_whole_scene_changes_its_one_place(instruction, source, target):
    assert pairs(instruction, source)[0] == target


def test_moving_the_scene_with_two_places_lists_both():
    with pytest.raises(AlignmentError) as exc:
        parse_instruction("move to Sweden", source_prompt="a man in Rome and a woman in Paris")
    err = exc.value
    assert err.code == "ambiguous" and [r["target_prompt"] for r in err.suggestion["readings"]] == [
        "a man in Sweden and a woman in Paris", "a man in Rome and a woman in Sweden"]


def test_implicit_reference_needs_a_source_prompt():
    with pytest.raises(AlignmentError) as exc:
        parse_instruction("make it winter")
    assert exc.value.code == "needs-source" and "source_prompt" in str(exc.value)


def test_additions_and_removals_stay_refused():
    for text in ("add a comet in the sky", "remove the cup", "make the cup disappear", "without the cup",
                 "there should be a comet in the sky", "let there be a comet"):
        with pytest.raises(AlignmentError):
            parse_instruction(text, source_prompt="a cup on a table under the sky")


def test_human_written_dev_half_does_not_regress():
    """The human-written dev instructions (tests/data/instructions_human, InstructPix2Pix): floors at this
    session's measured figures, so a change that loses right answers or adds wrong ones fails."""
    from pathlib import Path

    from human_eval import load, score

    out = score(load(Path(__file__).parent / "data" / "instructions_human" / "dev.jsonl"))
    replace, insert = out["replace"], out["insert"]
    assert replace["right"] >= 92, replace  # measured 2026-12-08 (fifth session): 93 right, 33 wrong, 66 refused
    assert replace["right"] / (replace["right"] + replace["wrong"]) >= 0.73, replace
    assert insert["wrong"] <= 14, insert  # additions and restyles: few wrong edits (of 172; measured 14: 'as a
    # Pixar movie' is the picture's style, where the person wrote 'Pixar movie of ...'; 'during a tornado' is added
    # at the end of a title, where the person put it after its first noun)


def test_global_pair_end_to_end_on_tiny(editor):
    """A whole-image pair runs through the engine: whole-image mask, a searched step, counted cost, kind global."""
    from conftest import scene

    from oir_agent import OIRConfig

    r = editor.edit(scene(), source_prompt="a photo of a red circle and a blue square in the morning",
                    instruction="make it night", config=OIRConfig(num_inference_steps=4))
    d = r.to_dict()
    (p,) = d["pairs"]
    assert (p["kind"], p["mask"]["provider"], p["mask"]["area_fraction"]) == ("global", "whole-image", 1.0)
    assert p["search"]["steps"] == [1, 2, 3, 4] and p["optimal_step"] in p["search"]["steps"]
    assert d["cost"]["unet_sample_evals"] > 0 and not any("covers 100" in w for w in d["warnings"])
    # nothing is outside a whole-image mask: the preservation term is 0 for every candidate, so the step is the
    # shallowest one on the edit plateau
    assert all(b == 0.0 for b in p["search"]["s_background"])


@pytest.mark.parametrize("instruction, source, target, expected", [
    ("swap the red square and the blue circle", "a red square on the left and a blue circle on the right",
     "a blue circle on the left and a red square on the right",
     [("red square", "blue circle"), ("blue circle", "red square")]),
    ("swap their colours", "a red square on the left and a blue circle on the right",
     "a blue square on the left and a red circle on the right",
     [("red square", "blue square"), ("blue circle", "red circle")]),
    ("swap their shapes", "a red square on the left and a blue circle on the right",
     "a red circle on the left and a blue square on the right",
     [("red square", "red circle"), ("blue circle", "blue square")]),
    ("make the red one blue and the blue one red", "a red cup and a blue cup on a table",
     "a blue cup and a red cup on a table", [("red cup", "blue cup"), ("blue cup", "red cup")]),
    ("replace the cat with a dog and the dog with a cat", "a cat and a dog on a sofa", "a dog and a cat on a sofa",
     [("cat", "dog"), ("dog", "cat")]),
])
def test_chains_and_swaps_resolve_against_the_source(instruction, source, target, expected):
    a = parse_instruction(instruction, source_prompt=source)
    assert a.target_prompt == target
    assert [(p.source, p.target) for p in a.pairs] == expected
    # each pair's guided prompt is the source prompt with only that pair changed
    for p in a.pairs:
        assert p.guided_prompt == source[:p.source_span[0]] + p.target + source[p.source_span[1]:]


def test_swap_with_something_new_is_a_replacement():
    a = parse_instruction("swap the candle with a sword", source_prompt="a girl with a candle")
    assert a.target_prompt == "a girl with a sword"


@pytest.mark.parametrize("instruction, target", [
    ("change the left dog into a cat and the right one into a fox", "a cat on the left and a fox on the right"),
    ("make the dog on the right black", "a dog on the left and a black dog on the right"),
    ("make the left dog black", "a black dog on the left and a dog on the right"),
])
def test_twins_addressed_by_their_position(instruction, target):
    a = parse_instruction(instruction, source_prompt="a dog on the left and a dog on the right")
    assert a.target_prompt == target


def test_a_change_of_direction_is_the_verbs_phrase():
    """'looking away from the camera' -> 'looking at the camera': only function words change; the pair is the verb's
    whole phrase, masked by the one who looks."""
    a = parse_instruction("have the girl look at the camera", source_prompt="a girl looking away from the camera")
    assert a.target_prompt == "a girl looking at the camera"
    assert [(p.source, p.target, p.mask_phrase) for p in a.pairs] == [
        ("looking away from the camera", "looking at the camera", "girl")]


@pytest.mark.parametrize("source, target", [
    ("a horse running in a field", "a horse running in a field at night"),
    ("a horse running in a field", "a horse running in a field in the style of van gogh"),
    ("a cat sitting on a chair", "a watercolor painting of a cat sitting on a chair"),
    ("a photo of a mountain lake", "a photo of a mountain lake in winter"),
    ("a harbour", "a harbour on a foggy day"),
])
def test_a_phrase_added_for_the_whole_picture_is_one_whole_image_pair(source, target):
    from oir_agent.text.aligner import align_prompts

    a = align_prompts(source, target)
    assert [(p.source, p.target, p.kind, p.mask_phrase, p.guided_prompt) for p in a.pairs] == [
        (source, target, "global", "the whole image", target)]


@pytest.mark.parametrize("source, target", [
    ("a cat", "a cat with sunglasses"),  # an object added: still no pair
    ("a man in a suit", "a man in a suit and tie"),
])
def test_an_added_object_is_still_no_pair(source, target):
    from oir_agent.text.aligner import align_prompts

    with pytest.raises(AlignmentError, match="only added"):
        align_prompts(source, target)


@pytest.mark.parametrize("instruction, source, target", [
    # a plain copula with a new noun phrase: what the thing is to be
    ("The actress is an elephant.", "portrait of an actress by an old master", "portrait of an elephant by an old master"),
    ("the cat is a dog", "a cat on a sofa", "a dog on a sofa"),
    ("The cars are a pair of bicycles", "two cars on a street", "a pair of bicycles on a street"),
    # a value with "instead" and nothing named: the reference is found by the value's class
    ("a dog instead", "a cat on a sofa", "a dog on a sofa"),
    ("show a palace instead", "a castle on a hill", "a palace on a hill"),
    ("Use a dog instead.", "a cat sleeping on a sofa", "a dog sleeping on a sofa"),
])
def test_copula_and_instead_forms(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # a copula with an adjective: the object's attribute of that class
    ("the car is blue", "a red car parked on the street", "a blue car parked on the street"),
    ("now the car is green", "a red car parked on the street", "a green car parked on the street"),
    ("the dog is happy", "a tired dog lying on the floor", "a happy dog lying on the floor"),
    ("the desk is made of glass", "a cup of coffee on a wooden desk", "a cup of coffee on a glass desk"),
    # a statement of what the object does: its verbal phrase, in the prompt's verb form
    ("the dog is sleeping", "a dog sitting on a couch", "a dog sleeping on a couch"),
    ("the dog sleeps", "a dog sitting on a couch", "a dog sleeping on a couch"),
    ("she is dancing in the rain", "a woman walking in the rain", "a woman dancing in the rain"),
    # ... and a new place in it replaces where the old action happened, whatever its preposition
    ("the horse runs on a beach", "a white horse running in a field", "a white horse running on a beach"),
    ("let the horse run on the snow", "a white horse running in a field", "a white horse running on the snow"),
    ("the dog is lying on a bed", "a dog sitting on a couch", "a dog lying on a bed"),
    ("the car should be parked in a garage", "a red car parked on the street", "a red car parked in a garage"),
    # a trailing 'not X' says what is not meant
    ("make the car blue, not red", "a red car parked on the street", "a blue car parked on the street"),
])
def test_statements_of_what_a_thing_is_or_does(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # the colours of a group the prompt names twice
    ("swap the colors of the apples", "a green apple next to a red apple on a blue plate",
     "a red apple next to a green apple on a blue plate"),
    # what covers an object: its look where the prompt does not name it, the named one where it does
    ("give the cat orange fur", "a cat sitting on a wooden table", "an orange cat sitting on a wooden table"),
    ("give the cat orange fur", "a cat with white fur sitting on a table", "a cat with orange fur sitting on a table"),
    ("give him sunglasses instead of glasses", "a man with a beard wearing glasses",
     "a man with a beard wearing sunglasses"),
    # a person pronoun before a verb is the one who acts; a verb that the next words place is a verb
    ("have her dance on a beach", "a woman in a red dress dancing in a ballroom",
     "a woman in a red dress dancing on a beach"),
    ("make the dog sleep on the floor", "a dog sitting on a couch", "a dog sleeping on the floor"),
    ("make her dress blue", "a woman in a red dress", "a woman in a blue dress"),
    # a noun naming another's kind stays singular; a framed value on that kind changes the kind
    ("make the sunflowers tulips", "a sunflower field under a blue sky", "a tulip field under a blue sky"),
    ("make it a field of lavender", "a sunflower field under a blue sky", "a lavender field under a blue sky"),
    # a thing that cannot take a pose: the word the parser took for a verb is the new object
    ("make the tea coffee", "a cup of tea on a saucer", "a cup of coffee on a saucer"),
    # a colour mode with a medium: each to the prompt's own phrase; 'black and white' is one value
    ("make it a color photo", "a black and white photo of a horse", "a color photo of a horse"),
    ("turn it into a color painting", "a sepia photo of an old street", "a color painting of an old street"),
    ("make it a black and white photo", "a photo of a horse", "a black and white photo of a horse"),
    # the background of a subject in front of (or against) something is that thing
    ("make the background blue", "a man standing against a white wall", "a man standing against a blue wall"),
    # 'both' / 'all the' with a noun the prompt names twice: each mention, told apart by its own modifiers
    ("change both cups to glasses", "a red cup and a blue cup on a table", "a red glass and a blue glass on a table"),
    ("make both cups green", "a red cup and a blue cup on a table", "a green cup and a green cup on a table"),
    # more verbs and class nouns
    ("recolor the horse to black", "a brown horse in a field", "a black horse in a field"),
    ("set the background to green", "a vase on a white background", "a vase on a green background"),
    ("change the cat's colors to orange and white", "a black and white cat", "an orange and white cat"),
    ("give the rug a floral pattern", "a plaid rug on the floor", "a floral rug on the floor"),
    ("give the car a blue color", "a red car on a street", "a blue car on a street"),
    # a copula with a place: where the object is
    ("the bench should be on a beach", "a bench in a park", "a bench on a beach"),
    # what a container holds; what a thing is made of, singular before its noun; clothing by its class
    ("fill the glass with milk", "a glass of red wine on a table", "a glass of milk on a table"),
    ("the house is made of bricks", "a small wooden house by a lake", "a small brick house by a lake"),
    ("dress him in a tuxedo", "a man wearing a blue shirt", "a man wearing a blue tuxedo"),
    # a part named by its owner; a state of the object's own part; an expression is an emotion
    ("Make the leaves of the tree red", "a tree with green leaves", "a tree with red leaves"),
    ("Make the bird open its wings", "a bird with closed wings on a branch", "a bird with open wings on a branch"),
    ("Change the woman's expression to angry", "a smiling woman in a red coat", "an angry woman in a red coat"),
    ("make the tulips bloom", "a field of closed tulips", "a field of blooming tulips"),
    # a value with the same head names its kind anew: the prompt's noun naming the old kind goes (not a capital)
    ("Change the juice to apple juice", "a glass of orange juice", "a glass of apple juice"),
    # courtesies around the request; 'paint it'; a class noun for what someone wears
    ("Please, replace the cat with a dog. Thanks!", "a cat sitting on a wooden table", "a dog sitting on a wooden table"),
    ("Hi, make the car blue, thank you", "a red car on a street", "a blue car on a street"),
    ("paint it blue", "a red car on a street", "a blue car on a street"),
    ("change his outfit to a tuxedo", "a man in a suit", "a man in a tuxedo"),
    # questions, preferences, a verb before an arrow, 'Y, not X'
    ("What would it look like if the cat were a dog?", "a cat sitting on a table", "a dog sitting on a table"),
    ("I'd prefer a blue car", "a red car on a street", "a blue car on a street"),
    ("Turn cat→dog", "a cat sitting on a table", "a dog sitting on a table"),
    ("dog, not cat", "a cat sitting on a table", "a dog sitting on a table"),
    # a named style: the prompt's artist credit, else added for the whole picture (a style word keeps its class)
    ("in the style of Picasso", "a painting of a bridge by Monet", "a painting of a bridge by Picasso"),
    ("in the style of Monet", "a photo of a bridge", "a photo of a bridge, in the style of Monet"),
    ("Monet style", "a photo of a bridge", "a photo of a bridge, in the style of Monet"),
    ("in the style of an old photograph", "a photo of a forest at noon", "an old photograph of a forest at noon"),
    # a bare verb whose -ing form is a known pose or expression is an action, whatever the parser tags it
    ("make the horse run", "a horse standing in a field", "a horse running in a field"),
    ("make the woman frown", "a woman smiling at the camera", "a woman frowning at the camera"),
    # a state of an own part where the prompt names it ('her eyes open'); else the action ('raise her arms')
    ("make the girl close her eyes", "a girl with her eyes open", "a girl with her eyes closed"),
    ("make the woman raise her arms", "a woman standing in a field", "a woman raising her arms in a field"),
    # a count is the noun phrase's determiner: a new one replaces it
    ("make it five apples", "three apples on a plate", "five apples on a plate"),
    # a list of objects without 'both' is each of them ('black and white' stays one value)
    ("change the cat and the dog into rabbits", "a cat and a dog on a rug", "a rabbit and a rabbit on a rug"),
    ("make the cat black and white", "a cat and a dog on a rug", "a black and white cat and a dog on a rug"),
    ("swap the horses' colors", "a white horse and a black horse", "a black horse and a white horse"),
    # verbs that say the size or look an object ends with; degrees say how much
    ("shrink the tree", "a small dog next to a big tree", "a small dog next to a small tree"),
    ("make the dog twice as big", "a small dog next to a big tree", "a big dog next to a big tree"),
    # an object pronoun is followed by what it is made to do
    ("make him play tennis", "a young boy playing soccer on a field", "a young boy playing tennis on a field"),
    # 'looks' / 'seems' as copulas; 'looks like' as 'becomes'; 'looks at' is an action, not a place
    ("the cat looks angry", "a cat on a bed", "an angry cat on a bed"),
    ("the cat looks like a lion", "a cat on a bed", "a lion on a bed"),
    ("the dog looks at the camera", "a dog looking away", "a dog looking at the camera"),
    # colours joined by hyphens are one colour word
    ("make the cat orange", "a black-and-white cat on a mat", "an orange cat on a mat"),
    ("cut her hair short", "a girl with long brown hair", "a girl with short brown hair"),
    # a time or weather takes none of the old object's look; a pronoun keeps the clause's preposition
    ("replace the sky with a starry night", "a castle under a blue sky", "a castle under a starry night"),
    ("put him in space", "a man on a beach", "a man in space"),
    # twins told apart by their own participle; a category noun with a position
    ("make the running dog brown", "a dog sitting and a dog running", "a dog sitting and a brown dog running"),
    ("change the animal on the right to a fox", "a cat on the left and a dog on the right",
     "a cat on the left and a fox on the right"),
])

def test_groups_surfaces_pronouns_and_kinds(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction", ["the cat is wearing a hat", "make the cat wear a hat",
                                         "have the cat play with a ball"])
def test_a_new_action_that_brings_a_new_object_is_an_addition(instruction):
    """'wearing a hat' on 'a cat sitting on a table' adds a hat and need not end the sitting (it was read as the
    sitting replaced): refused, with the replacement reading as a ready retry."""
    with pytest.raises(AlignmentError, match="adds") as err:
        parse_instruction(instruction, source_prompt="a cat sitting on a table")
    assert err.value.code == "unsupported"
    retry = err.value.suggestion["readings"][0]["target_prompt"]
    assert retry.startswith("a cat ") and "sitting" not in retry
    # the old action's own object replaced is no addition
    assert parse_instruction("the man is holding a book", source_prompt="a man holding a cup").target_prompt == \
        "a man holding a book"


def test_a_noun_the_chunker_skips_is_still_a_phrase_in_the_prompt_door():
    """spaCy's noun chunks leave out a noun that is a conjunct of a verb ('a dog sitting and a brown cat running'), so
    an adjective added to it was 'only added' and the pair refused."""
    from oir_agent.text.aligner import align_prompts

    pairs = align_prompts("a dog sitting and a cat running", "a dog sitting and a brown cat running").pairs
    assert [(p.source, p.target) for p in pairs] == [("cat", "brown cat")]


@pytest.mark.parametrize("instruction", [
    "1. replace the cat with a dog 2. make the table glass",
    "- replace the cat with a dog\n- make the table glass",
    "1) Replace the cat with a dog\n2) Make the table glass",
    "replace the cat with a dog while keeping everything else the same, and make the table glass",
    "Replace the cat with a dog, keeping the rest unchanged; make the table glass",
])
def test_lists_and_what_stays_as_a_client_writes_them(instruction):
    """List markers and 'while keeping everything else the same' were read into the value ('a dog 2', 'a dog while
    keeping everything else the same')."""
    alignment = parse_instruction(instruction, source_prompt="a cat sitting on a wooden table")
    assert alignment.target_prompt == "a dog sitting on a glass table"
    assert [(p.source, p.target) for p in alignment.pairs] == [("cat", "dog"), ("wooden table", "glass table")]


def test_what_stays_and_what_the_scene_has_are_no_refusals():
    """'without touching the dog' says what stays (was read as an object 'without touching'); 'there is a
    hailstorm' is the scene's weather, not an added object."""
    alignment = parse_instruction("make the cat black without touching the dog", source_prompt="a cat and a dog")
    assert alignment.target_prompt == "a black cat and a dog"
    assert parse_instruction("There is a hailstorm.", source_prompt="a pier at sunrise").target_prompt == \
        "a pier at sunrise in the hailstorm"


def test_a_medium_with_a_credit_the_prompt_lacks_is_one_whole_picture_pair():
    """'a painting by Rembrandt' on 'a portrait of ...': the medium in place and the credit after the picture; the
    added credit was dropped from the pair with an 'only added' warning."""
    alignment = parse_instruction("make it a painting by Rembrandt", source_prompt="a portrait of a girl with freckles")
    assert alignment.target_prompt == "a painting of a girl with freckles by Rembrandt"
    assert [p.kind for p in alignment.pairs] == ["global"] and not alignment.warnings
    assert alignment.pairs[0].guided_prompt == alignment.target_prompt


def test_a_named_style_added_for_the_whole_picture_is_one_global_pair():
    alignment = parse_instruction("make it in the style of Monet", source_prompt="a photo of a bridge over a river")
    assert [p.kind for p in alignment.pairs] == ["global"]
    assert alignment.pairs[0].mask_phrase == "the whole image"


def test_objects_and_a_whole_picture_change_in_one_instruction_stay_separate_pairs():
    """'... and make it night' after two object changes: the added phrase for the whole picture sits right after the
    table, and was merged with it into one pair ('wooden table' -> 'wooden chair at night')."""
    alignment = parse_instruction("replace the cat with a dog and the table with a chair and make it night",
                                  source_prompt="a cat sitting on a wooden table")
    assert alignment.target_prompt == "a dog sitting on a wooden chair at night"
    kinds = {(p.source, p.target): p.kind for p in alignment.pairs}
    assert kinds[("cat", "dog")] == "object" and kinds[("wooden table", "wooden chair")] == "object"
    assert kinds[("a cat sitting on a wooden table", "a cat sitting on a wooden table at night")] == "global"


def test_a_position_the_prompt_cannot_place_is_refused():
    """'the cat on the left' on 'two cats': no reading picks one (it was once both cats replaced by one dog)."""
    for instruction in ("change the cat on the left to a dog", "make the left cat black"):
        with pytest.raises(AlignmentError, match="does not say where each is") as err:
            parse_instruction(instruction, source_prompt="two cats sitting on a bench")
        assert err.value.code == "ambiguous"
    # one cat: the position adds nothing, and placed twins are told apart by it
    assert parse_instruction("change the cat on the left to a dog", source_prompt="a cat sitting on a bench"
                             ).target_prompt == "a dog sitting on a bench"
    assert parse_instruction("make the cat on the right white", source_prompt="a cat on the left and a cat on the "
                             "right").target_prompt == "a cat on the left and a white cat on the right"


def test_a_compound_noun_the_parser_splits_is_one_object():
    """'teddy bear': the parser makes 'teddy' the subject of 'bear' (and 'bear' a verb in the instruction); both
    doors pair the whole noun."""
    alignment = parse_instruction("make the teddy bear pink", source_prompt="a teddy bear on a bed")
    assert alignment.target_prompt == "a pink teddy bear on a bed"
    assert [(p.source, p.target) for p in alignment.pairs] == [("teddy bear", "pink teddy bear")]


def test_filling_a_container_the_prompt_leaves_empty_is_refused_with_a_retry():
    with pytest.raises(AlignmentError, match="does not say what the glass holds") as err:
        parse_instruction("fill the glass with milk", source_prompt="an empty glass on a table")
    assert err.value.code == "no-slot" and err.value.suggestion


def test_the_reading_does_not_depend_on_the_processs_hash_seed():
    """'a sunny day' is weather and time of day; the class was picked from a set, so 'make it a sunny day' gave
    'in sunny day' or '... in thick fog in the sunny day' depending on PYTHONHASHSEED. Now the class the prompt
    states wins, in every process (and a weather with a time of day is one phrase: 'on a sunny day')."""
    import os
    import subprocess
    import sys

    code = ("from oir_agent.text.instructions import parse_instruction as p;"
            "print(p('make it a sunny day', source_prompt='a harbour in thick fog').target_prompt)")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("0", "2")}
    assert outs == {"a harbour on a sunny day"}, outs


def test_a_thing_that_acts_keeps_the_verb_reading():
    for instruction, source in (("make the robot dance", "a robot on a table"),  # a toy can be posed
                                ("make the background blue", "a dog running on the beach")):  # no 'in front of'
        with pytest.raises(AlignmentError):
            parse_instruction(instruction, source_prompt=source)


def test_swapping_a_group_the_prompt_lacks_names_the_group():
    with pytest.raises(AlignmentError, match="colours of the pears"):
        parse_instruction("swap the colors of the pears", source_prompt="a green apple next to a red apple")


def test_a_stated_verb_is_never_read_as_a_new_object():
    """'the car is parked' on 'a red car on a street' gave 'a red park' (a lifeless thing's verb was taken for a new
    object); a statement's verb comes from the instruction's own parse, so the prompt's lack of an action is refused."""
    with pytest.raises(AlignmentError, match="does not say what 'car' is doing"):
        parse_instruction("the car is parked", source_prompt="a red car on a street")


@pytest.mark.parametrize("instruction, source, target", [
    ("horns are too big", "Big Horn Sheeps", None),  # a complaint names no value: refused
    ("the teapot needs to become a clock", "a teapot on a shelf", "a clock on a shelf"),  # a verb of wanting: the
    # copula form's, not a pose
    ("the cat is replaced by a dog", "a cat on a sofa", "a dog on a sofa"),  # an editing verb: the replace form's
])
def test_statements_that_are_no_new_action(instruction, source, target):
    if target is None:
        with pytest.raises(AlignmentError):
            parse_instruction(instruction, source_prompt=source)
    else:
        assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source", [
    ("there is a dog", "a cat on a sofa"),  # an addition, not a copula with a reference
    ("it is a dog", "a cat on a sofa and a bird on a tree"),  # 'it' cannot tell which: no guess
])
def test_copula_forms_that_name_nothing_are_refused(instruction, source):
    with pytest.raises(AlignmentError):
        parse_instruction(instruction, source_prompt=source)


@pytest.mark.parametrize("instruction, source, target", [
    # inside a token joined by '-' or '_', the value takes the token's form
    ("make Evie a cat", "wallpaper-Evie-Frye-1920x1080", "wallpaper-cat-Frye-1920x1080"),
    ("replace the candle with a red sword", "girl-with-candle-1911.jpg", "girl-with-red-sword-1911.jpg"),
    ("swap the candle for a sword", "girl-with-a-candle-self-portrait-1911.jpg", "girl-with-a-sword-self-portrait-1911.jpg"),
    # a joined word before the object stays whole (the parser splits 'cat-like' into three tokens)
    ("replace the robot with a dog", "a cat-like robot", "a cat-like dog"),
    ("make the girl a boy", "a red-haired girl", "a red-haired boy"),
])
def test_joined_words_keep_their_form(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_an_activity_is_no_medium():
    """An -ing word a verb takes as its bare object is the activity: no medium to restyle (refused in a caption with
    names, added before a sentence that describes the picture)."""
    with pytest.raises(AlignmentError, match="no medium or style word"):
        parse_instruction("as a minoan mural", source_prompt="Wrobel started painting with watercolors at the age of 12.")
    assert parse_instruction("as a minoan mural", source_prompt="a man who loves painting").target_prompt == \
        "a minoan mural of a man who loves painting"
    assert parse_instruction("make it a photo", source_prompt="He started a painting of a cat").target_prompt == \
        "He started a photo of a cat"


@pytest.mark.parametrize("instruction, source, target", [
    # a title's nouns go without articles, and so does the value that replaces one
    ("make it a metropolis", "Commissioned | Town & Country | Fashion Week",
     "Commissioned | metropolis & Country | Fashion Week"),
    ("Make it a modern hospital", "Old Hospital by Thor Ingibergsson - Landscapes",
     "modern hospital by Thor Ingibergsson - Landscapes"),
    # ... but a determiner the title has is replaced as anywhere
    ("replace the donkey with a horse", "Small Boy On A Donkey Near A Palm Plantation",
     "Small Boy On a horse Near A Palm Plantation"),
    ("replace the donkey with a horse", "a boy on a donkey near a palm tree", "a boy on a horse near a palm tree"),
])
def test_values_in_titles_take_no_article(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # a new action takes the form of the prompt's participle: after the noun, -ing ('perched' -> 'singing')
    ("make the bird sing", "a bird perched on a branch", "a bird singing on a branch"),
    ("make the woman stand", "a woman seated at a table", "a woman standing at a table"),
    # the same action with a new object: only the object changes
    ("make the man read a newspaper", "a man sitting on a bench reading a book",
     "a man sitting on a bench reading a newspaper"),
    ("have the boy play a violin", "a boy playing a guitar in the park", "a boy playing a violin in the park"),
    # a pronoun names the person or thing, never the prompt's own possessive
    ("make her a boy", "a girl with her arms crossed", "a boy with his arms crossed"),
    ("make her a man", "a woman and her dog on a beach", "a man and his dog on a beach"),
    # realism is a photograph's look: it replaces the prompt's medium
    ("make it realistic", "a cartoon of a dog playing with a ball", "a realistic photo of a dog playing with a ball"),
    ("make it look photorealistic", "an anime drawing of a girl", "a photorealistic photo of a girl"),
])
def test_actions_pronouns_and_realism(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source", [
    ("make her wave", "a girl with her arms crossed"),  # 'crossed' is the arms', not something the girl does
    ("make the background a beach", "a cat sitting on a wooden bench"),  # a bench is an object, not the scene
    ("change the background to a city", "a man riding in a car"),
])
def test_no_action_or_scene_to_change_is_refused_naming_the_object(instruction, source):
    with pytest.raises(AlignmentError) as exc:
        parse_instruction(instruction, source_prompt=source)
    assert exc.value.code == "no-slot"
    assert "'her'" not in str(exc.value)


@pytest.mark.parametrize("instruction, source, target", [
    # 'them' with a value whose class names nothing: the prompt's one plural object
    ("make them waffles", "a stack of pancakes with syrup", "a stack of waffles with syrup"),
    ("make them black", "two cats sitting on a couch", "two black cats sitting on a couch"),
    ("make them sunglasses", "a man wearing glasses", "a man wearing sunglasses"),
    # 'it' with a new look: what a sentence describing the picture is about
    ("make it red", "a mug with a heart on it", "a red mug with a heart on it"),
    ("make it fluffy", "a cat sitting on a bench", "a fluffy cat sitting on a bench"),
    # a verb's object takes the value's determiner; a place of the same kind keeps the prompt's preposition
    ("replace the sunglasses with a bow tie", "a cat wearing sunglasses on a beach chair",
     "a cat wearing a bow tie on a beach chair"),
    ("change the wheat field to a corn field", "a red barn in a wheat field", "a red barn in a corn field"),
])
def test_pronouns_by_what_the_prompt_has(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source", [
    ("make them red", "children playing with balls in a park"),  # two plural objects: either could be meant
    ("make it red", "a man riding a horse"),  # a person is no 'it', and the horse is not what the sentence is about
])
def test_a_pronoun_that_could_mean_either_is_refused(instruction, source):
    with pytest.raises(AlignmentError):
        parse_instruction(instruction, source_prompt=source)


def test_taking_something_off_is_a_removal():
    with pytest.raises(AlignmentError, match="removing an object is not an OIR edit"):
        parse_instruction("take off the sunglasses", source_prompt="a cat wearing sunglasses on a beach chair")


@pytest.mark.parametrize("instruction, target", [
    # 'covered in X' is a look of the object, said before it as one word (a plural as its singular)
    ("make the car covered in snow", "a snow-covered car parked on the street"),
    ("the car should be covered in snow", "a snow-covered car parked on the street"),
    ("make the car snow-covered", "a snow-covered car parked on the street"),
    ("make the car covered with flowers", "a flower-covered car parked on the street"),
])
def test_covered_in_is_a_look(instruction, target):
    assert parse_instruction(instruction, source_prompt="a car parked on the street").target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # what a container holds goes with it when the new object holds nothing; a new container keeps it
    ("replace the cup with a book", "a woman holding a cup of coffee in a cafe", "a woman holding a book in a cafe"),
    ("She should be holding a book instead of a cup", "a woman holding a cup of coffee in a cafe",
     "a woman holding a book in a cafe"),
    ("replace the cup with a glass", "a woman holding a cup of coffee in a cafe",
     "a woman holding a glass of coffee in a cafe"),
    ("make the glass full of milk", "a glass of wine on a table", "a glass of milk on a table"),
    # a statement whose object the prompt names already changes that object, not what the subject does
    ("the man is wearing a red shirt", "a man in a blue shirt standing next to a red car",
     "a man in a red shirt standing next to a red car"),
    # the new place's own noun takes the preposition, not the one after it; a plural takes no 'a'
    ("change the hill to a cliff by the sea", "a castle on a hill", "a castle on a cliff by the sea"),
    ("turn the castle into ruins", "a castle on a hill", "ruins on a hill"),
    ("make the sky full of stars", "a castle under a sky", "a castle under a star-filled sky"),
])
def test_containers_statements_and_places(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # a state verb names the state the object ends in; a state or finish word replaces the old one of its class
    ("blow out the candle", "a lit candle on a table", "an unlit candle on a table"),
    ("repair the vase", "a broken vase on the floor", "a repaired vase on the floor"),
    ("make the baby awake", "a sleeping baby in a crib", "an awake baby in a crib"),
    ("make the kitchen messy", "a clean kitchen", "a messy kitchen"),
    # the same head noun of another kind; a new look goes before the noun that names the kind
    ("make the pine trees birch trees", "a lake surrounded by pine trees", "a lake surrounded by birch trees"),
    ("make the trees bare", "a lake surrounded by pine trees", "a lake surrounded by bare pine trees"),
    ("make the table wooden", "a cat on a kitchen table", "a cat on a wooden kitchen table"),
])
def test_states_finishes_and_kinds(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_shaving_is_a_removal():
    with pytest.raises(AlignmentError, match="removing an object is not an OIR edit"):
        parse_instruction("shave the mustache", source_prompt="a man with a mustache")


@pytest.mark.parametrize("instruction, source, target", [
    # weather said as a verb, a time said as when the picture was taken: the scene's setting
    ("Make it look like it's raining", "a woman standing on a city street",
     "a woman standing on a city street in the rain"),
    ("it's snowing", "a dog sitting in a park", "a dog sitting in a park in the snow"),
    ("Make the image look like it was taken at night", "a photo of a dog sitting in a park",
     "a photo of a dog sitting in a park at night"),
    ("Transform the scene into an autumn setting", "a mountain lake at sunrise", "a mountain lake at sunrise in autumn"),
    # a coat pattern is the animal's look; a noun after the object's first word may continue its name
    ("Change the cat's fur to calico", "a cat lying on a windowsill", "a calico cat lying on a windowsill"),
    ("Make the kitchen counter marble", "a bowl of fruit on a kitchen counter", "a bowl of fruit on a marble kitchen counter"),
    ("make the car bright red", "a red car", "a bright red car"),
])
def test_settings_said_as_events_and_longer_names(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source", [("make it nicer please", "a mug with a heart on it"),
                                                 ("make them prettier", "two cats on a sofa")])
def test_a_judgement_is_no_look_to_give_a_pronoun(instruction, source):
    with pytest.raises(AlignmentError):
        parse_instruction(instruction, source_prompt=source)


def test_a_capitalised_title_phrase_takes_no_article():
    a = parse_instruction("Make it a modern hospital", source_prompt="Old Hospital by Jon Smith - landscapes ( clouds, sky )")
    assert a.target_prompt == "modern hospital by Jon Smith - landscapes ( clouds, sky )"


@pytest.mark.parametrize("instruction, source, target", [
    # 'them' / 'both of them' on a prompt that lists objects: each of them
    ("turn them into robots", "a man and a woman walking in a park", "a robot and a robot walking in a park"),
    ("make both of them puppies", "a cat and a dog sitting on a couch", "a puppy and a puppy sitting on a couch"),
    ("make them black", "a cat and a dog sitting on a couch", "a black cat and a black dog sitting on a couch"),
    # hair and eyes the prompt does not name: said of their owner
    ("change the woman's hair to red", "a man and a woman walking in a park",
     "a man and a red-haired woman walking in a park"),
    ("make her hair blonde", "a girl reading a book", "a blonde-haired girl reading a book"),
    ("make its eyes green", "a cat on a sofa", "a green-eyed cat on a sofa"),
])
def test_lists_of_objects_and_parts_said_of_their_owner(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source", [
    ("make them white", "a cat and a dog on a couch with two pillows"),  # the pillows, or the cat and the dog
    ("make her eyes green", "a girl holding a cat"),  # the girl's or the cat's
])
def test_a_reference_with_two_readings_is_refused(instruction, source):
    with pytest.raises(AlignmentError):
        parse_instruction(instruction, source_prompt=source)


@pytest.mark.parametrize("instruction, source, target", [
    # a portrait is what the picture shows: the medium the prompt names beside it is the reference
    ("make it a photograph", "Portrait of a young woman, oil painting", "Portrait of a young woman, photograph"),
    ("make it a photograph", "Portrait of a young woman", "photograph of a young woman"),
    # a medium of several words before a sentence that describes the picture
    ("render it as a low poly 3d model", "a lion in the savanna", "a low poly 3d model of a lion in the savanna"),
])
def test_genres_and_long_media(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("make the boy ride a horse instead", "a boy riding a bike down a hill", "a boy riding a horse down a hill"),
    ("make the snow sand", "a dog and a cat playing in the snow", "a dog and a cat playing on the sand"),  # snow
    # does not act, so 'sand' is no verb
])
def test_instead_at_the_end_and_things_that_do_not_act(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # a name takes no article, and 'make X NAME' names what X becomes
    ("Change the man into Iron Man", "a man in a business suit", "Iron Man in a business suit"),
    ("make the statue Abraham Lincoln", "a statue in a park", "Abraham Lincoln in a park"),
    # more parts said of their owner
    ("Make the dog's ears bigger", "a dog on a sofa", "a big-eared dog on a sofa"),
    ("make his beard gray", "a man in a suit", "a gray-bearded man in a suit"),
])
def test_names_and_more_parts(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    # a kind of dog or bird is what 'the dog', 'the bird', 'the animal' finds
    ("change the dog to a poodle", "a golden retriever playing fetch", "a poodle playing fetch"),
    ("make the bird a parrot", "a robin on a branch", "a parrot on a branch"),
    ("make both dogs white", "a poodle and a beagle on a lawn", "a white poodle and a white beagle on a lawn"),
    ("make the golden retriever black", "a golden retriever playing fetch", "a black retriever playing fetch"),
])
def test_kinds_of_animals(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_people_by_their_role_and_verbs_of_ending():
    assert parse_instruction("make him laugh", source_prompt="a businessman talking on the phone").target_prompt == \
        "a laughing businessman talking on the phone"
    assert parse_instruction("have the cake covered with sprinkles", source_prompt="a cake on a plate").target_prompt \
        == "a sprinkle-covered cake on a plate"
    with pytest.raises(AlignmentError):  # 'stop' says when, not what: no new object called 'stop'
        parse_instruction("make the rain stop", source_prompt="a girl dancing in the rain")


def test_instead_of_an_old_look_replaces_it():
    assert parse_instruction("make the street wet instead of snowy", source_prompt="a snowy street at night") \
        .target_prompt == "a wet street at night"


def test_them_with_two_groups_lists_both_readings():
    with pytest.raises(AlignmentError) as exc:
        parse_instruction("make them white", source_prompt="a cat and a dog on a couch with two pillows")
    assert exc.value.code == "ambiguous"
    assert [r["target_prompt"] for r in exc.value.suggestion["readings"]] == [
        "a white cat and a white dog on a couch with two pillows", "a cat and a dog on a couch with two white pillows"]


@pytest.mark.parametrize("instruction", ["REPLACE THE CAT WITH A DOG", "replace the cat with a dog 🐶", "cat=dog",
                                         "cat ➡ dog"])
def test_shouting_emoji_and_arrows(instruction):
    assert parse_instruction(instruction, source_prompt="a cat sitting on a bench").target_prompt == \
        "a dog sitting on a bench"


@pytest.mark.parametrize("instruction, source, target", [
    ("make the water green", "a sailboat on the ocean", "a sailboat on the green ocean"),  # the water: the ocean
    ("make the water rough", "a small boat on a calm lake", "a small boat on a rough lake"),  # a sea state
])
def test_the_water_is_the_body_of_water(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_a_kind_names_no_capitalised_part_of_a_name():
    with pytest.raises(AlignmentError):  # 'River' is part of the title's name
        parse_instruction("Make the river water cloudy", source_prompt="Big Li River Landscape Painting")


@pytest.mark.parametrize("instruction, source, target", [
    ("make it in the style of a Japanese woodblock print", "a photo of a cat on a windowsill",
     "a Japanese woodblock print of a cat on a windowsill"),  # a medium named as a style is the medium
    ("in origami style", "a cat on a windowsill", "a cat on a windowsill, in origami style"),  # said after it
])
def test_styles_that_name_a_medium(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("change the snow to rain", "a snowy street at night", "a rainy street at night"),  # weather said as a look
    ("replace the fog with sunshine", "a foggy harbour", "a sunny harbour"),
])
def test_weather_said_as_the_look_of_a_place(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("put him in a library", "a man in a blue suit standing in an office", "a man in a blue suit standing in a library"),
    ("put her in a forest", "a woman in a red dress dancing in a ballroom", "a woman in a red dress dancing in a forest"),
    ("move her to the beach", "a woman in a red dress dancing in a ballroom",
     "a woman in a red dress dancing on the beach"),
    ("put the child in a tent", "a child in pajamas sleeping in a bed", "a child in pajamas sleeping in a tent"),
])
def test_what_someone_wears_is_not_where_they_are(instruction, source, target):
    # 'in a blue suit' is clothing, and the place phrase ends before the participle ('suit standing' is no place)
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_clothing_alone_is_no_place_to_move_from():
    with pytest.raises(AlignmentError, match="does not say where"):
        parse_instruction("put him in a library", source_prompt="a man in a blue suit")


@pytest.mark.parametrize("instruction, source, target", [
    ("change the dog's pose to sitting", "a dog running on the beach", "a dog sitting on the beach"),
    ("change the dog's posture to lying down", "a dog running on the beach", "a dog lying down on the beach"),
    ("change the pose of the dog to a sitting position", "a dog running on the beach", "a dog sitting on the beach"),
    ("change the cat's action to jumping", "a cat sitting on a wooden bench", "a cat jumping on a wooden bench"),
])
def test_a_pose_or_action_named_as_an_attribute_is_the_verb(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction", ["change the scene to a city park", "change the setting to a city park",
                                         "set the scene in a city park", "set it in a city park"])
def test_a_place_for_the_scene_is_where_it_is(instruction):
    assert parse_instruction(instruction, source_prompt="a dog running on the beach").target_prompt == \
        "a dog running in a city park"


def test_setting_something_on_fire_names_no_place():
    # 'on fire' is a state of the thing (tenth probe), never a place ('a dog running on fire') nor a pose's stand-in
    assert parse_instruction("set it on fire", source_prompt="a dog running on the beach").target_prompt == \
        "a burning dog running on the beach"


@pytest.mark.parametrize("instruction, source, target", [
    ("make it a cat running on the beach", "a dog running on the beach", "a cat running on the beach"),
    ("it should be a dog sitting on the beach", "a dog running on the beach", "a dog sitting on the beach"),
])
def test_a_value_that_describes_the_picture_again_is_the_target(instruction, source, target):
    a = parse_instruction(instruction, source_prompt=source)
    assert a.target_prompt == target and len(a.pairs) == 1


def test_a_noun_phrase_that_shares_words_is_still_an_object_value():
    # no place and no action: 'a giant red torii gate' describes the object, not the picture
    a = parse_instruction("make it a giant red torii gate", source_prompt="Red torii gate in the northern sea of Japan")
    assert a.target_prompt.endswith("in the northern sea of Japan")


@pytest.mark.parametrize("instruction", ["Instruction: make the bench red", "Edit request: make the bench red",
                                         "they want the bench to be red", "the user wants the bench to be red"])
def test_labels_and_wishes_said_of_someone_else(instruction):
    assert parse_instruction(instruction, source_prompt="a cat sitting on a wooden bench").target_prompt == \
        "a cat sitting on a red wooden bench"


@pytest.mark.parametrize("instruction, source, target", [
    ("apply a vintage filter", "a dog running on the beach", "a dog running on the beach, in vintage style"),
    ("give it a cyberpunk look", "a dog running on the beach", "a dog running on the beach, in cyberpunk style"),
    ("add a van gogh style", "a dog running on the beach", "a dog running on the beach, in van gogh style"),
    ("apply a vintage filter", "a photo of a dog", "a photo of a dog, in vintage style"),  # stays a photo
    ("add a sepia filter", "a photo of a dog", "a sepia photo of a dog"),  # a colour mode
    ("make it black and white", "a photo of a red car", "a black and white photo of a red car"),
    ("make it monochrome", "an oil painting of a harbor", "a monochrome oil painting of a harbor"),
])
def test_looks_filters_and_colour_modes_for_the_whole_picture(instruction, source, target):
    a = parse_instruction(instruction, source_prompt=source)
    assert a.target_prompt == target and [p.kind for p in a.pairs] == ["global"]


def test_adding_an_object_is_still_refused():
    with pytest.raises(AlignmentError, match="adding an object"):
        parse_instruction("add a spoiler", source_prompt="a red car")


@pytest.mark.parametrize("instruction, source, target", [
    ("make her a little boy", "a little girl blowing bubbles in a garden", "a little boy blowing bubbles in a garden"),
    ("make the people children", "a group of people standing in front of a building",
     "a group of children standing in front of a building"),  # an irregular plural value
])
def test_what_a_person_or_group_becomes(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("change the background to a city", "a horse grazing in a meadow with mountains in the background",
     "a horse grazing in a meadow with a city in the background"),
    ("make the background a volcano", "a lake with a castle in the background", "a lake with a volcano in the background"),
    ("change the background to the ocean", "a dog on the grass, trees in the background",
     "a dog on the grass, the ocean in the background"),
    ("make the background dark", "a lake with a castle in the background", "a lake with a castle in the dark background"),
])
def test_what_the_background_shows_is_the_background(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("make the hydrant blue", "a dog sitting next to a fire hydrant", "a dog sitting next to a blue fire hydrant"),
    ("make the hydrant blue", "a fire hydrant on a sidewalk", "a blue fire hydrant on a sidewalk"),
])
def test_a_noun_the_parser_reads_as_an_adverb_is_the_phrase_noun(instruction, source, target):
    a = parse_instruction(instruction, source_prompt=source)
    assert a.target_prompt == target and [(p.source, p.target) for p in a.pairs] == [
        ("fire hydrant", "blue fire hydrant")]


def test_words_that_end_a_phrase_as_adverbs_stay_adverbs():
    a = parse_instruction("make the dog small", source_prompt="a big dog next to a small cat")
    assert [(p.source, p.target) for p in a.pairs] == [("big dog", "small dog")]


@pytest.mark.parametrize("instruction, source, target", [
    ("make it sit", "a dog lying on the grass", "a dog sitting on the grass"),
    ("make it fly", "a pink flamingo standing in water", "a pink flamingo flying in water"),
])
def test_it_with_an_action_is_the_animal_the_picture_is_about(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_it_with_an_unknown_word_is_not_read_as_an_action():
    # 'cyberpunk' is no action of the cat; since the tenth probe it is a style word (it was refused before)
    assert parse_instruction("make it cyberpunk", source_prompt="a cat sitting on a windowsill").target_prompt == \
        "a cat sitting on a windowsill, in cyberpunk style"
    with pytest.raises(AlignmentError):
        parse_instruction("make it zorbly", source_prompt="a cat sitting on a windowsill")


@pytest.mark.parametrize("instruction, source, target", [
    ("change the sign to say closed", "a store front with a sign that says open",
     "a store front with a sign that says closed"),
    ("change the number of candles to ten", "a birthday cake with five candles", "a birthday cake with ten candles"),
    ("make the juice apple juice", "a tall glass of orange juice", "a tall glass of apple juice"),
])
def test_what_a_sign_says_how_many_and_the_kind_named_with_the_noun(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("change the countertop to wood", "a kitchen with a marble countertop", "a kitchen with a wood countertop"),
    ("make the statue brass", "a bronze statue in a park", "a brass statue in a park"),
])
def test_materials_said_as_nouns(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("change the balloon to a blimp", "a hot air balloon floating over a valley", "a blimp floating over a valley"),
    ("change the juice to wine", "a glass of orange juice", "a glass of wine"),
    ("change the dog to a husky", "a golden retriever in a park", "a husky in a park"),
    ("change the wine to beer", "a glass of red wine on a table", "a glass of beer on a table"),
    ("change the truck to an ambulance", "a red fire truck on a street", "a red ambulance on a street"),  # red stays
])
def test_a_kind_name_goes_whole(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source, target", [
    ("change the fruit to apples", "a bowl of oranges", "a bowl of apples"),  # a category names a plural member
    ("change the animals to dogs", "two cats on a sofa", "two dogs on a sofa"),
    ("change the man's expression to smiling", "a man with a serious face", "a man with a smiling face"),
])
def test_categories_of_plurals_and_the_stated_expression(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("source, target", [("a dog next to a fire hydrant", "a dog next to a red fire hydrant"),
                                            ("a fire hydrant on a sidewalk", "a red fire hydrant on a sidewalk")])
def test_prompt_pairs_name_the_whole_noun_the_parser_misreads(source, target):
    assert [(p.source, p.target, p.mask_phrase) for p in align_prompts(source, target).pairs] == [
        ("fire hydrant", "red fire hydrant", "fire hydrant")]


@pytest.mark.parametrize("instruction, source, target", [
    ("change the soffa to a chair", "a cat on a sofa", "a cat on a chair"),
    ("make the umbrela red", "a woman holding an umbrella", "a woman holding a red umbrella"),
])
def test_a_misspelt_reference_finds_the_one_word_a_letter_away(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction, source", [
    ("change the horse to a cow", "a house on a hill"),  # a known word is no misspelling
    ("change the stripes to a cat", "a man wearing a striped shirt"),  # a look is no misspelt object (a pattern
    # value for 'the stripes' is the pattern: tests/test_instructions_ninth.py)
])
def test_words_that_are_not_misspellings_stay_refused(instruction, source):
    with pytest.raises(AlignmentError):
        parse_instruction(instruction, source_prompt=source)


def test_one_edit_apart():
    from oir_agent.text.lexicon import one_edit_apart

    assert one_edit_apart("cangle", "candle") and one_edit_apart("soffa", "sofa") and one_edit_apart("mountian",
                                                                                                      "mountain")
    assert not one_edit_apart("candle", "candle") and not one_edit_apart("cat", "dogs") and \
        not one_edit_apart("mountian", "fountains")


@pytest.mark.parametrize("instruction, source, target", [
    ("tulips please", "a vase with red roses on a table", "a vase with red tulips on a table"),
    ("cat", "a dog running on the beach", "a cat running on the beach"),
    ("at night", "a dog running on the beach", "a dog running on the beach at night"),
    ("I'd prefer tulips", "a vase with red roses on a table", "a vase with red tulips on a table"),
])
def test_a_value_alone_finds_what_it_replaces(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


@pytest.mark.parametrize("instruction", ["NONE", "nothing", "no change"])
def test_asking_for_no_change_is_said_so(instruction):
    with pytest.raises(AlignmentError, match="asks for no change") as exc:
        parse_instruction(instruction, source_prompt="a dog running on the beach")
    assert exc.value.code == "no-change"


@pytest.mark.parametrize("instruction, source", [("make one of the cats black", "two cats sitting on a bench"),
                                                 ("make one of the cats orange", "a black cat and a white cat")])
def test_one_of_a_group_is_refused_with_what_to_name(instruction, source):
    with pytest.raises(AlignmentError, match="does not say which one") as exc:
        parse_instruction(instruction, source_prompt=source)
    assert exc.value.code == "ambiguous"


@pytest.mark.parametrize("instruction", ["change `cat` to `dog`", "replace the cat with a dog :)",
                                         "pls replace the cat w/ a dog", "make it so the cat is a dog",
                                         "change the image so that the cat becomes a dog"])
def test_chat_writing(instruction):
    assert parse_instruction(instruction, source_prompt="a cat sitting on a wooden bench").target_prompt == \
        "a dog sitting on a wooden bench"


def test_i_want_it_to_look_like():
    assert parse_instruction("I want it to look like a painting", source_prompt="a cat sitting on a wooden bench") \
        .target_prompt == "a painting of a cat sitting on a wooden bench"


@pytest.mark.parametrize("instruction, source, target", [
    ("turn on the lamp", "a lamp on a desk", "a switched-on lamp on a desk"),
    ("turn the tv off", "a tv in a living room", "a switched-off tv in a living room"),
    ("wake the cat up", "a cat sleeping on a bed", "a cat awake on a bed"),
    ("make the pizza pepperoni", "a pizza on a wooden board", "a pepperoni pizza on a wooden board"),
])
def test_switching_waking_and_toppings(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_two_changes_of_a_one_word_prompt_align_as_one():
    # found by the property test: both clauses changed the prompt's one token; the first pair's target was not in
    # the target prompt
    a = parse_instruction("a into red and winter with a", source_prompt="a%WINTER")
    assert all(p.target.lower() in a.target_prompt.lower() for p in a.pairs)


@pytest.mark.parametrize("instruction, source, target", [
    ("make its fur brown", "a dog wagging its tail", "a brown dog wagging its tail"),  # its fur: the dog's look
    ("turn off its headlights", "a car with its headlights on", "a car with its headlights off"),
])
def test_its_fur_and_a_state_said_after_the_noun(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_a_medium_named_by_its_noun_takes_its_kind_word_in_a_title():
    assert parse_instruction("make the mural a 3D illustration", source_prompt="Wall Mural - The Golden Temple") \
        .target_prompt == "3D illustration - The Golden Temple"


def test_an_action_the_parser_joined_to_its_subject():
    # 'dog chase' read as one noun; the prompt's 'chasing' says it is the dog's action, with a new object
    assert parse_instruction("make the dog chase a rabbit", source_prompt="a black dog chasing a white cat in a garden") \
        .target_prompt == "a black dog chasing a rabbit in a garden"


@pytest.mark.parametrize("instruction, source", [("make it a big it", "a cat on it"),
                                                 ("make them the red them", "a cat with them")])
def test_a_value_ending_in_a_pronoun_does_not_go_round(instruction, source):
    with pytest.raises(AlignmentError):  # it recursed without end (found by the property test)
        parse_instruction(instruction, source_prompt=source)


@pytest.mark.parametrize("instruction, source, target", [
    ("make it daytime", "a snowy village at night", "a snowy village in the daytime"),
    ("make it dusk", "a foggy forest in the morning", "a foggy forest at dusk"),
    ("make it afternoon", "a harbor in the evening", "a harbor in the afternoon"),
])
def test_a_new_time_takes_its_own_preposition(instruction, source, target):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == target


def test_a_reference_with_its_own_place_before_to():
    # 'change X in Y to Z': the lazy split at 'in' gave the value 'the vase to tulips'
    assert parse_instruction("change the flowers in the vase to tulips", source_prompt="a table with a vase of flowers") \
        .target_prompt == "a table with a vase of tulips"


def test_a_replacement_said_inside_a_new_medium():
    a = parse_instruction("make it an oil painting with a dog instead of the cat",
                          source_prompt="a cat sitting on a wooden bench")
    assert a.target_prompt == "an oil painting of a dog sitting on a wooden bench" and len(a.pairs) == 2


@pytest.mark.parametrize("instruction, source", [("the car should not be red, make it blue", "a red car on a road"),
                                                 ("not red but blue", "a red car on a road")])
def test_what_it_should_not_be_beside_what_it_should(instruction, source):
    assert parse_instruction(instruction, source_prompt=source).target_prompt == "a blue car on a road"


def test_an_instruction_that_changes_nothing_says_so():
    with pytest.raises(AlignmentError, match="leaves the source prompt") as exc:
        parse_instruction("make the car red", source_prompt="a red car on a road")  # (a comparative of the word
    assert exc.value.code == "no-change"  # the prompt has is a change now: tests/test_instructions_ninth.py)
