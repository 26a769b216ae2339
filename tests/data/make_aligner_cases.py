"""Writes aligner_cases.jsonl: the aligner's development set, written by this project from the categories of
editing wording public benchmarks use (PIE-Bench-style source prompt + instruction, InstructPix2Pix-style caption
+ edit, OIR-Bench-style multi-object prompt pairs). No case is copied from a public file.

    python tests/data/make_aligner_cases.py      # rewrites tests/data/aligner_cases.jsonl

Each line: {"id", "split" (dev | test: every third case is held out), "mode" (instruction | prompts), "category",
"source", "instruction" or "target", "pairs" [[source words, target words], ...]}. Gold pairs name the words that
differ; determiners and shared modifiers do not matter when scoring (benchmarks/bench_aligner.py --eval).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).with_name("aligner_cases.jsonl")

# (source prompt, object words in it, what it becomes)
OBJECTS = [
    ("a brown horse standing in a field", "horse", "zebra"),
    ("a cat sleeping on a sofa", "cat", "dog"),
    ("a red car parked on the street", "car", "bus"),
    ("an apple on a wooden table", "apple", "pear"),
    ("a bowl of soup on the counter", "soup", "salad"),
    ("a man playing a guitar on stage", "guitar", "violin"),
    ("a vase of roses on a windowsill", "roses", "tulips"),
    ("a small boat on a calm lake", "boat", "swan"),
    ("a little girl holding a balloon", "balloon", "kite"),
    ("a cup of coffee next to a laptop", "laptop", "book"),
    ("a wooden chair in an empty room", "chair", "armchair"),
    ("a lion resting under a tree", "lion", "tiger"),
]
FORMS_OBJECT = ["replace the {x} with a {y}", "change the {x} to a {y}", "turn the {x} into a {y}",
                "swap the {x} for a {y}", "please replace the {x} in the image with a {y}", "make the {x} a {y}",
                "can you change the {x} into a {y}", "the {x} should be a {y}", "use a {y} instead of the {x}"]

FROM_TO = [  # (source, what, from, to, gold source words, gold target words)
    ("a brown horse standing in a field", "animal", "horse", "zebra"),
    ("a white bird sitting on a branch", "bird's colour", "white", "black"),
    ("a lake in summer surrounded by trees", "season", "summer", "winter"),
    ("a red car parked on the street", "car", "red", "blue"),
    ("a cat sleeping on a sofa", "animal", "cat", "fox"),
    ("a glass of milk on a table", "drink", "milk", "juice"),
    ("a wooden house on a hill", "house", "wooden", "stone"),
    ("a city street at night", "time", "night", "day"),
]
FORMS_FROM_TO = ["change the {what} from {a} to {b}", "change the {what} in the picture from {a} to {b}",
                 "switch the {what} from {a} to {b}", "turn the {what} from {a} into {b}"]

CATEGORY_NOUN = [  # (source, category noun, member in source, new)
    ("a red car parked on the street", "vehicle", "car", "bus"),
    ("an apple on a wooden table", "fruit", "apple", "pear"),
    ("a dog running on the beach", "animal", "dog", "wolf"),
    ("a vase of tulips on a shelf", "flowers", "tulips", "sunflowers"),
    ("a pizza on a plate", "food", "pizza", "burger"),
    ("a woman playing the piano", "instrument", "piano", "harp"),
    ("a small cottage in the woods", "building", "cottage", "castle"),
    ("a boy wearing a jacket", "clothing", "jacket", "sweater"),
]
FORMS_CATEGORY = ["change the {cat} to a {y}", "change the {cat} into a {y}", "replace the {cat} with a {y}",
                  "turn the {cat} into a {y}"]

COMPOUNDS = [  # (source, instruction's spelling, source spelling, new)
    ("a teddybear on a bed", "teddy bear", "teddybear", "robot"),
    ("a man wearing a t-shirt", "t shirt", "t-shirt", "jacket"),
    ("a bowl of popcorn on a couch", "pop-corn", "popcorn", "candy"),
    ("a vase of rose on a table", "roses", "rose", "lily"),
    ("two puppies on the grass", "puppy", "puppies", "kitten"),
    ("a sunflower in a pot", "sun flower", "sunflower", "cactus"),
]
FORMS_COMPOUND = ["change the {x} to a {y}", "replace the {x} with a {y}", "turn the {x} into a {y}"]

ATTRIBUTES = [  # (source, object, instruction attribute(s), gold source words, gold target words)
    ("a long yellow bus on the road", "bus", "shorter and green", "long yellow", "short green"),
    ("a glossy kettle on a stove", "kettle", "matte", "glossy", "matte"),
    ("an open umbrella on the sand", "umbrella", "folded", "open", "folded"),
    ("a smiling man in a suit", "man", "look sad", "smiling", "sad"),
    ("a big dog on a porch", "dog", "small", "big", "small"),
    ("a red apple on a plate", "apple", "green", "red", "green"),
    ("a wooden table in a kitchen", "table", "glass", "wooden", "glass"),
    ("a tall tree in a park", "tree", "shorter", "tall", "short"),
    ("a happy child on a swing", "child", "look angry", "happy", "angry"),
    ("a clean car in a garage", "car", "dirty", "clean", "dirty"),
    ("a young woman reading a book", "woman", "old", "young", "old"),
    ("a full glass on the bar", "glass", "empty", "full", "empty"),
]
FORMS_ATTRIBUTE = ["make the {x} {a}", "please make the {x} {a}", "can you make the {x} {a}"]

SETTING = [  # (source, instruction, gold source, gold target)
    ("a cabin in autumn", "make it winter", "autumn", "winter"),
    ("a street on a sunny day", "make it rainy", "sunny", "rainy"),
    ("a beach at sunset", "make it night", "sunset", "night"),
    ("a garden in spring", "change the season to autumn", "spring", "autumn"),
    ("a city skyline at night", "make it day", "night", "day"),
    ("a field on a foggy morning", "make the weather sunny", "foggy", "sunny"),
    ("a lake in summer", "turn the scene into winter", "summer", "winter"),
    ("a mountain village in winter", "make it summer", "winter", "summer"),
]
PLACE = [  # (source, instruction, gold source, gold target)
    ("a dog lying on a carpet", "put the dog on a beach", "carpet", "beach"),
    ("a cat sitting on a chair", "put the cat on a bed", "chair", "bed"),
    ("a vase standing on a table", "place the vase on a shelf", "table", "shelf"),
    ("a man standing in a kitchen", "put the man in a garden", "kitchen", "garden"),
    ("a bird perched on a fence", "move the bird onto a branch", "on fence", "onto branch"),  # the preposition
    ("a car parked in a garage", "put the car on a highway", "in garage", "on highway"),      # changes too
]
MULTI = [  # instructions with two changes: (source, instruction, pairs)
    ("a bowl of dumplings on the left and chopsticks on the right",
     "replace the dumplings with fried rice and the chopsticks with a knife",
     [["dumplings", "fried rice"], ["chopsticks", "knife"]]),
    ("a cat on a sofa next to a lamp", "change the cat to a dog and the lamp to a plant",
     [["cat", "dog"], ["lamp", "plant"]]),
    ("a red apple and a yellow banana on a table", "make the apple green and replace the banana with a pear",
     [["red", "green"], ["banana", "pear"]]),
    ("a man holding an umbrella in the rain", "replace the man with a woman, then make the umbrella red",
     [["man", "woman"], ["umbrella", "red umbrella"]]),
    ("a dog and a cat sleeping on a rug", "turn the dog into a fox and the cat into a rabbit",
     [["dog", "fox"], ["cat", "rabbit"]]),
    ("a mug of tea beside a croissant", "swap the tea for coffee and the croissant for a muffin",
     [["tea", "coffee"], ["croissant", "muffin"]]),
]
PROMPT_PAIRS = [  # (source, target, pairs)
    ("a bowl of dumplings on the left and chopsticks on the right",
     "a bowl of fried rice on the left and a knife on the right", [["dumplings", "fried rice"], ["chopsticks", "knife"]]),
    ("a cat and a dog on a sofa", "a tiger and a dog on a sofa", [["cat", "tiger"]]),
    ("a red car next to a blue house", "a green car next to a yellow house", [["red", "green"], ["blue", "yellow"]]),
    ("a round cake on a plate", "a square cake on a plate", [["round", "square"]]),
    ("an apple and an orange in a basket", "a pear and a lemon in a basket", [["apple", "pear"], ["orange", "lemon"]]),
    ("a man riding a horse on a beach", "a woman riding a camel on a beach", [["man", "woman"], ["horse", "camel"]]),
    ("a wooden boat on a lake at sunset", "a metal boat on a lake at sunset", [["wooden", "metal"]]),
    ("a laptop and a coffee cup on a desk", "a book and a tea cup on a desk", [["laptop", "book"], ["coffee", "tea"]]),
    ("a black cat sitting on a white chair", "a black dog sitting on a white chair", [["cat", "dog"]]),
    ("a bird on a branch with red flowers", "a squirrel on a branch with red flowers", [["bird", "squirrel"]]),
    ("a small house near a big tree", "a small castle near a big tree", [["house", "castle"]]),
    ("a glass of water and a slice of bread", "a glass of wine and a slice of cheese", [["water", "wine"],
                                                                                       ["bread", "cheese"]]),
    ("a girl with a yellow umbrella in the rain", "a girl with a red umbrella in the rain", [["yellow", "red"]]),
    ("two cats on a bed", "two dogs on a bed", [["cats", "dogs"]]),
    ("a teapot and a cup on a tray", "a kettle and a cup on a tray", [["teapot", "kettle"]]),
    ("a brown bear in a forest", "a white bear in a forest", [["brown", "white"]]),
    ("a pizza and a salad on a table", "a burger and a salad on a table", [["pizza", "burger"]]),
    ("a man in a blue shirt holding a phone", "a man in a red shirt holding a book", [["blue", "red"],
                                                                                      ["phone", "book"]]),
]


MORE_OBJECTS = [  # other objects, other verbs and sentence shapes than OBJECTS
    ("a teapot on a kitchen shelf", "teapot", "clock"),
    ("a penguin standing on the ice", "penguin", "seal"),
    ("a red bicycle leaning against a wall", "bicycle", "motorcycle"),
    ("a plate of pancakes with syrup", "pancakes", "waffles"),
    ("an owl sitting in a hollow tree", "owl", "eagle"),
    ("a white sailboat on the ocean", "sailboat", "yacht"),
    ("a basket of strawberries on the grass", "strawberries", "cherries"),
    ("a soldier holding a flag", "flag", "sword"),
]
FORMS_MORE = ["exchange the {x} for a {y}", "transform the {x} into a {y}", "convert the {x} to a {y}",
              "the {x} needs to become a {y}", "could you swap out the {x} for a {y}", "i want the {x} to be a {y}",
              "substitute a {y} for the {x}", "let the {x} be a {y}"]
PREPOSITIONS = [  # prompt pairs whose change is not a noun phrase
    ("a man with arms raised on a hill", "a man with arms crossed on a hill", [["raised", "crossed"]]),
    ("a lamp hanging above the table", "a lamp hanging below the table", [["above", "below"]]),
    ("a cat sitting on a rooftop at night", "a cat sitting in a tunnel at night", [["on rooftop", "in tunnel"]]),
    ("a girl looking left in a garden", "a girl looking up in a garden", [["left", "up"]]),
    ("a dog sleeping inside a box", "a dog sleeping behind a box", [["inside", "behind"]]),
    ("a man walking into the sea", "a man walking out of the sea", [["into", "out of"]]),
]
FILLER = [  # the same edits wrapped in what people type around them
    ("a cat sleeping on a sofa", "could you please replace the cat in the picture with a dog", "cat", "dog"),
    ("a red car parked on the street", "i'd like you to change the car in this photo to a truck", "car", "truck"),
    ("an apple on a wooden table", "go ahead and turn the apple into an orange for me", "apple", "orange"),
    ("a brown horse standing in a field", "just make the horse in the image a camel", "horse", "camel"),
    ("a vase of roses on a windowsill", "can you please swap the roses for daisies", "roses", "daisies"),
    ("a cup of coffee next to a laptop", "please, replace the coffee with tea", "coffee", "tea"),
    ("a little girl holding a balloon", "now change the balloon in the scene to an umbrella", "balloon", "umbrella"),
    ("a lion resting under a tree", "kindly turn the lion in the photo into a leopard", "lion", "leopard"),
]
LISTS = [
    ("a table with apples and pears", "a table with cups and plates", [["apples", "cups"], ["pears", "plates"]]),
    ("a shelf with books and candles", "a shelf with plants and photos", [["books", "plants"], ["candles", "photos"]]),
    ("a field of cows and sheep", "a field of horses and goats", [["cows", "horses"], ["sheep", "goats"]]),
]


def cases() -> list[dict]:
    out = []

    def add(category, source, pairs, instruction=None, target=None):
        case = {"id": len(out), "split": "test" if len(out) % 3 == 2 else "dev", "category": category,
                "mode": "instruction" if instruction else "prompts", "source": source, "pairs": pairs}
        case["instruction" if instruction else "target"] = instruction or target
        out.append(case)

    for k, (src, x, y) in enumerate(OBJECTS):
        for j in range(3):  # three wordings per object, rotating through the forms
            form = FORMS_OBJECT[(k + 4 * j) % len(FORMS_OBJECT)]
            add("object", src, [[x, y]], instruction=form.format(x=x, y=y))
    for src, what, a, b in FROM_TO:
        for form in FORMS_FROM_TO:
            add("from-to", src, [[a, b]], instruction=form.format(what=what, a=a, b=b))
    for src, cat, member, y in CATEGORY_NOUN:
        for form in FORMS_CATEGORY:
            add("category-noun", src, [[member, y]], instruction=form.format(cat=cat, y=y))
    for src, spelled, _, y in COMPOUNDS:
        for form in FORMS_COMPOUND:
            add("compound-spelling", src, [[_, y]], instruction=form.format(x=spelled, y=y))
    for src, x, a, gs, gt in ATTRIBUTES:
        for form in FORMS_ATTRIBUTE:
            add("attribute", src, [[gs, gt]], instruction=form.format(x=x, a=a))
    for src, instruction, gs, gt in SETTING:
        for wording in (instruction, f"please {instruction}", f"{instruction} in the image"):
            add("setting", src, [[gs, gt]], instruction=wording)
    for src, instruction, gs, gt in PLACE:
        for wording in (instruction, f"can you {instruction}", f"{instruction} please"):
            add("place", src, [[gs, gt]], instruction=wording)
    for src, instruction, pairs in MULTI:
        for wording in (instruction, f"please {instruction}", instruction.replace(" and ", ", and ", 1)):
            add("multi", src, pairs, instruction=wording)
    for k, (src, x, y) in enumerate(MORE_OBJECTS):
        for j in range(3):
            form = FORMS_MORE[(k + 3 * j) % len(FORMS_MORE)]
            add("object-wording", src, [[x, y]], instruction=form.format(x=x, y=y))
    for src, instruction, x, y in FILLER:
        add("filler", src, [[x, y]], instruction=instruction)
    for src, tgt, pairs in PREPOSITIONS:
        add("prompt-preposition", src, pairs, target=tgt)
        add("prompt-preposition", "a photo of " + src, pairs, target="a photo of " + tgt)
    for src, tgt, pairs in LISTS:
        add("prompt-list", src, pairs, target=tgt)
        add("prompt-list", "a photo of " + src, pairs, target="a photo of " + tgt)
    for src, tgt, pairs in PROMPT_PAIRS:
        add("prompt-pair", src, pairs, target=tgt)
        add("prompt-pair", src.capitalize() + ".", pairs, target=tgt.capitalize() + ".")
    return out


if __name__ == "__main__":
    rows = cases()
    OUT.write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"wrote {len(rows)} cases to {OUT}")
