"""A small lexicon for instructions: attribute classes (a new value replaces the old one of the same class),
comparatives, and category nouns ("the vehicle" standing for the car in the source prompt).

Deliberately small and general: classes of words editing instructions use, not examples. Anything outside it
falls back to the parser (spaCy POS tags) and, where the aligner has to guess, a warning says what it assumed.
"""

from __future__ import annotations

# Basic colour words (also what the parser-free fallback knows as colours).
COLOURS = {"red", "blue", "green", "yellow", "orange", "purple", "pink", "white", "black", "gray", "grey", "brown",
           "gold", "golden", "silver", "cyan", "magenta", "violet", "beige", "teal", "turquoise", "navy"}

ATTRIBUTE_CLASSES: dict[str, frozenset[str]] = {
    "colour": frozenset(COLOURS | {"colorful", "colourful", "multicolored", "dark", "light", "pale", "bright",
                                   "blonde", "blond", "brunette", "auburn", "crimson", "scarlet", "maroon", "ivory",
                                   "khaki", "indigo", "lilac", "mauve", "amber", "dim", "burgundy", "azure", "cobalt",
                                   "emerald", "ochre", "fuchsia", "chartreuse", "taupe", "periwinkle", "vermilion",
                                   "cerulean"}),
    "size": frozenset({"big", "small", "large", "tiny", "huge", "little", "giant", "long", "short", "tall", "wide",
                       "narrow", "thick", "thin", "fat", "slim", "high", "low"}),
    "material": frozenset({"wooden", "metal", "metallic", "glass", "plastic", "stone", "marble", "golden", "silver",
                           "gold", "fabric", "cloth", "felt", "corduroy", "nylon", "polyester",
                           "paper", "leather", "wool", "woolen", "woollen", "cotton", "ceramic", "concrete", "brick",
                           "steel", "iron", "velvet", "denim", "silk", "bronze", "copper", "rubber", "crystal",
                           "canvas", "linen", "suede", "wicker", "rattan", "bamboo", "straw", "porcelain", "clay",
                           "terracotta", "lace", "aluminum", "aluminium", "chrome", "jade", "cardboard", "wax",
                           "granite", "tin", "lego", "wood", "oak", "mahogany", "sandstone", "tweed", "quartz", "obsidian",
                           "pewter", "brass", "titanium"}),
    "finish": frozenset({"glossy", "matte", "shiny", "dull", "polished", "rough", "smooth", "rusty", "clean",
                         "dirty", "wet", "dry", "furry", "fluffy", "messy", "tidy", "untidy", "neat", "cluttered",
                         "spotless", "filthy", "grimy"}),
    "shape": frozenset({"square", "round", "circular", "oval", "elliptical", "rectangular", "triangular",
                        "spherical", "cubic", "hexagonal", "octagonal", "curved", "pointed", "heart-shaped",
                        "star-shaped", "conical", "cylindrical", "curly", "wavy", "straight", "frizzy"}),
    "pattern": frozenset({"striped", "spotted", "checkered", "chequered", "plaid", "tartan", "dotted", "polka-dot",
                          "floral", "paisley", "houndstooth", "plain", "patterned", "camouflage", "zigzag",
                          "calico", "tabby", "tortoiseshell", "brindle", "dappled", "piebald", "speckled", "mottled"}),
    "state": frozenset({"open", "closed", "folded", "unfolded", "broken", "whole", "full", "empty", "lit", "unlit",
                        "on", "off", "switched-on", "switched-off", "melted", "frozen", "burning", "sliced", "peeled",
                        "cooked", "raw", "ripe",
                        "rotten", "fresh", "wilted", "blooming", "ruined", "standing", "sitting", "busy",
                        "crowded", "deserted",
                        "lying", "running", "flying", "sleeping", "jumping", "walking", "awake", "asleep",
                        "repaired", "mended", "stretching", "yawning", "crouching", "kneeling", "leaping",
                        "crawling", "squatting", "lounging", "perched", "resting", "posing", "bowing", "meditating",
                        "melting", "glowing", "smoking", "steaming", "wilting", "shining", "sparkling",
                        "abandoned", "derelict", "dilapidated", "overgrown", "flooded", "destroyed", "damaged",
                        "wrecked", "crumbling", "collapsed", "burnt", "burned", "crossed", "outstretched", "raised",
                        "clasped", "extended"}),
    "emotion": frozenset({"happy", "sad", "angry", "smiling", "crying", "laughing", "surprised", "scared", "calm",
                          "serious", "frowning", "tired", "excited", "bored", "grumpy", "cheerful", "neutral",
                          "joyful", "joyous", "melancholic", "gloomy", "shocked", "worried", "confused", "sleepy",
                          "frightened", "furious", "content"}),
    # age, and the period a thing's style belongs to: one class ('make it modern' on 'a Rococo interior')
    "age": frozenset({"young", "old", "elderly", "adult", "teenage", "aged", "new", "ancient", "modern",
                      "medieval", "victorian", "gothic", "baroque", "rococo", "renaissance", "futuristic", "retro",
                      "vintage", "antique", "colonial", "prehistoric", "contemporary", "classical", "rustic",
                      "minimalist", "traditional", "old-fashioned"}),
    # where a thing or its style comes from ('Japanese animation' -> 'Scandinavian animation')
    "origin": frozenset({"american", "african", "arabic", "asian", "australian", "brazilian", "british", "celtic",
                         "chinese", "dutch", "egyptian", "english", "european", "french", "german", "greek",
                         "indian", "irish", "italian", "japanese", "korean", "mexican", "moroccan", "nordic",
                         "norwegian", "persian", "portuguese", "roman", "russian", "scandinavian", "scottish",
                         "spanish", "swedish", "thai", "tibetan", "turkish", "vietnamese", "viking", "mayan",
                         "aztec", "native", "polish", "danish", "finnish", "hawaiian", "caribbean", "parisian"}),
    # what a food tastes of ('a strawberry cake' -> 'a chocolate cake')
    "flavour": frozenset({"chocolate", "vanilla", "strawberry", "caramel", "lemon", "mint", "pistachio", "matcha",
                          "raspberry", "blueberry", "coconut", "hazelnut", "cinnamon", "mocha", "butterscotch",
                          "toffee", "pepperoni", "margherita", "hawaiian"}),
    # how warm a thing or a light is ('warm lighting' -> 'cold lighting', 'hot coffee' -> 'iced coffee' is a kind)
    "temperature": frozenset({"warm", "cold", "hot", "icy", "chilly", "lukewarm", "iced", "chilled"}),
    # whether a thing is in the open or under a roof ('an outdoor court' -> 'an indoor court')
    "siting": frozenset({"indoor", "outdoor", "open-air", "underground"}),
    "season": frozenset({"spring", "summer", "autumn", "fall", "winter"}),
    "weather": frozenset({"sunny", "rainy", "snowy", "foggy", "misty", "cloudy", "stormy", "windy", "clear", "calm",
                          "rough", "choppy", "turbulent",
                          "snow", "rain", "fog", "mist", "storm", "snowstorm", "thunderstorm", "hail", "hailstorm",
                          "blizzard", "sunshine", "tornado", "hurricane", "sandstorm", "drizzle", "typhoon",
                          "monsoon", "downpour"}),
    "time": frozenset({"day", "night", "daytime", "nighttime", "morning", "evening", "sunset", "sunrise", "dawn",
                       "daylight", "moonlight",
                       "dusk", "noon", "midnight", "twilight", "afternoon", "midday", "night-time", "nightfall",
                       "daybreak"}),
}
SETTING_CLASSES = ("season", "weather", "time")  # "make it winter": the scene's season, not an object's attribute


_YOUNG = frozenset({"girl", "boy", "child", "kid", "baby", "toddler", "infant", "teenager", "teen", "schoolgirl",
                    "schoolboy", "youngster", "children", "kids", "girls", "boys", "babies", "toddlers", "teenagers"})
_GROWN = frozenset({"man", "woman", "adult", "lady", "gentleman", "grandmother", "grandfather", "grandma", "grandpa",
                    "men", "women", "adults", "ladies", "gentlemen", "elder", "senior", "pensioner", "retiree"})
AGE_WORDS = frozenset({"little", "young", "old", "elderly", "teenage", "adult", "baby", "aged", "grown", "grown-up",
                       "older", "younger"})  # what says a person's age


def age_group(noun: str) -> str | None:
    """'young' for a child's noun, 'grown' for an adult's, None for a noun that says no age ('person', 'chef')."""
    w = noun.lower()
    return "young" if w in _YOUNG else "grown" if w in _GROWN else None


def as_rivals(classes: frozenset[str]) -> frozenset[str]:
    """The classes a value of `classes` replaces in a thing's modifiers: its own, and said of a thing a season,
    weather or time of day replaces any of the three ('a snowy forest' + 'autumn' -> 'an autumn forest')."""
    return classes | frozenset(SETTING_CLASSES) if classes & frozenset(SETTING_CLASSES) else classes
# The nouns among the setting words ('in thick fog'): an adjective value for one needs a head ('in sunny weather').
# A weather said as a look ('a snowy street': snow) and as a verb ("it's raining": rain)
WEATHER_LOOKS = {"snow": "snowy", "rain": "rainy", "fog": "foggy", "mist": "misty", "storm": "stormy",
                 "cloud": "cloudy", "clouds": "cloudy", "sun": "sunny", "sunshine": "sunny", "wind": "windy"}
WEATHER_VERBS = {"raining": "rain", "snowing": "snow", "pouring": "heavy rain", "hailing": "hail",
                 "drizzling": "drizzle", "storming": "a storm"}
SETTING_NOUNS = frozenset({"snow", "rain", "fog", "mist", "storm", "snowstorm", "thunderstorm", "hail", "hailstorm",
                           "blizzard", "sunshine", "tornado", "hurricane", "sandstorm", "drizzle", "typhoon",
                           "monsoon", "downpour", "day", "night", "daytime", "nighttime", "morning", "evening",
                           "sunset", "sunrise", "dawn", "dusk", "noon", "midnight", "twilight", "afternoon", "midday",
                           "night-time", "nightfall", "daybreak", "spring", "summer", "autumn", "fall", "winter"})
SETTING_HEADS = {"weather": "weather", "time": "light", "season": "season"}
# words that name a setting's class only
SETTING_HEAD_WORDS = frozenset({"lighting", "light", "weather", "season", "time", "scene", "setting"})

# The preposition a place takes when an instruction says only "to" ("move the bench to a beach" -> "on a beach"):
# surfaces take "on", surroundings "in"; a place in neither keeps the prompt's own preposition.
ON_PLACES = frozenset({"beach", "table", "street", "road", "grass", "lawn", "floor", "sofa", "couch", "bench",
                       "shelf", "hill", "hillside", "mountain", "rock", "roof", "bridge", "desk", "bed", "carpet",
                       "rug", "sand", "ice", "stage", "plate", "tray", "counter", "dock", "pier", "boat", "path",
                       "sidewalk", "runway", "highway", "field", "moon", "cliff", "branch", "log", "ground"})
IN_PLACES = frozenset({"park", "forest", "garden", "room", "kitchen", "city", "desert", "water", "sea", "ocean",
                       "lake", "river", "pool", "jungle", "space", "sky", "house", "office", "garage", "library",
                       "museum", "classroom", "studio", "cave", "village", "town", "meadow", "swamp", "snow",
                       "rain", "fog", "woods", "bathroom", "bedroom", "hallway", "church", "box", "basket",
                       "bowl", "cup", "vase", "nest", "cage", "tunnel", "alley", "market", "restaurant", "setting",
                       "environment", "landscape", "country", "world", "region"})
PLACES = ON_PLACES | IN_PLACES


def is_place(word: str) -> bool:
    """A kind of place, singular or plural ('park', 'mountains')."""
    w = word.lower()
    return w in PLACES or w.rstrip("s") in PLACES


# Names of kinds that begin with a word the rules would read as a modifier ('hot', 'orange', 'golden'): replacing
# the object replaces the whole name ('a hot air balloon' + 'a blimp' -> 'a blimp', not 'a hot blimp').
KIND_NAMES = frozenset({
    "hot air balloon", "hot dog", "orange juice", "apple juice", "red wine", "white wine", "golden retriever",
    "polar bear", "grizzly bear", "brown bear", "black bear", "red panda", "giant panda", "ice cream", "french fries",
    "green tea", "black tea", "blue jay", "red fox", "arctic fox", "great white shark", "white shark", "killer whale",
    "blue whale", "sea lion", "sea turtle", "fire truck", "fire engine", "police car", "school bus", "red carpet",
    "blue jeans", "green beans", "sweet potato", "hot sauce", "bald eagle", "snow leopard", "black panther",
    "guinea pig", "german shepherd", "great dane", "swiss cheese", "brown rice", "white rice", "red velvet cake",
    "rubber duck", "hot chocolate", "iced coffee", "iced tea", "sweet pepper", "red pepper", "green pepper", "blue cheese",
    "top hat", "baseball cap", "cowboy hat", "bow tie", "high heels", "red maple", "white oak", "silver birch",
})


COMPARATIVES = {"shorter": "short", "longer": "long", "taller": "tall", "bigger": "big", "smaller": "small",
                "larger": "large", "wider": "wide", "narrower": "narrow", "thicker": "thick", "thinner": "thin",
                "darker": "dark", "brighter": "bright", "lighter": "light", "older": "old", "younger": "young",
                "happier": "happy", "sadder": "sad", "higher": "high", "lower": "low", "fatter": "fat",
                "cleaner": "clean", "dirtier": "dirty", "shinier": "shiny", "smoother": "smooth", "rougher": "rough",
                "paler": "pale", "deeper": "deep", "greener": "green", "redder": "red", "bluer": "blue",
                "whiter": "white", "blacker": "black", "yellower": "yellow", "pinker": "pink", "greyer": "grey",
                "grayer": "gray", "browner": "brown"}
# How light or strong a colour is: 'darker' on a brown dog is a darker brown (phrases.attribute_target)
SHADES = frozenset({"dark", "light", "pale", "bright", "deep", "dim", "vivid", "dull", "muted", "faded"})

# Where a worn thing goes, for things not worn on the body ('make him wear sunglasses' on 'a man with a hat' adds
# them: a hat is no body garment for sunglasses to replace)
WORN_AT = {**dict.fromkeys(("hat", "cap", "helmet", "crown", "beanie", "hood", "tiara", "headband", "turban"), "head"),
           **dict.fromkeys(("glasses", "sunglasses", "goggles", "mask", "monocle"), "face"),
           **dict.fromkeys(("shoes", "boots", "sneakers", "sandals", "heels", "slippers", "socks"), "feet"),
           **dict.fromkeys(("scarf", "tie", "necklace", "collar"), "neck"),
           **dict.fromkeys(("gloves", "mittens", "ring", "watch", "bracelet"), "hands")}


def worn_at(phrase: str) -> str:
    """Where the thing a phrase names is worn: its head noun's place in WORN_AT, else 'body'."""
    words = phrase.lower().split()
    return WORN_AT.get(words[-1], "body") if words else "body"


# Kinds of common animals, so that 'the dog' finds 'a golden retriever' and 'the bird' 'a robin'
DOG_KINDS = frozenset({"retriever", "poodle", "labrador", "terrier", "bulldog", "beagle", "husky", "corgi",
                       "dachshund", "chihuahua", "spaniel", "collie", "pug", "doberman", "rottweiler", "greyhound",
                       "dalmatian", "schnauzer", "mastiff", "sheepdog", "shepherd", "pomeranian", "shiba", "puppy"})
BIRD_KINDS = frozenset({"parrot", "eagle", "owl", "pigeon", "sparrow", "crow", "robin", "seagull", "hawk", "falcon",
                        "duck", "swan", "goose", "penguin", "flamingo", "peacock", "hummingbird", "bluebird",
                        "cardinal", "woodpecker", "finch", "kingfisher", "heron", "stork", "toucan", "raven"})
CATEGORIES: dict[str, frozenset[str]] = {
    "animal": frozenset({"cat", "dog", "horse", "cow", "sheep", "goat", "pig", "bird", "lion", "tiger", "bear",
                         "zebra", "giraffe", "elephant", "monkey", "rabbit", "fox", "wolf", "deer", "duck", "owl",
                         "eagle", "parrot", "penguin", "fish", "frog", "mouse", "squirrel", "panda", "kitten",
                         "puppy", "camel", "chicken", "hen", "swan", "goose", "butterfly", "snake", "turtle", "pony",
                         "bunny", "donkey", "lamb", "hamster", "koala", "kangaroo", "hedgehog", "raccoon", "otter",
                         "seal", "dolphin", "whale", "shark", "octopus", "crab", "lobster", "chipmunk", "bat"})
    | DOG_KINDS | BIRD_KINDS,
    "dog": frozenset({"dog"}) | DOG_KINDS,
    "bird": frozenset({"bird"}) | BIRD_KINDS,
    "pet": frozenset({"cat", "dog", "kitten", "puppy", "rabbit", "hamster", "parrot", "fish", "goldfish"}),
    "vehicle": frozenset({"car", "truck", "bus", "van", "bike", "bicycle", "motorcycle", "motorbike", "scooter",
                          "train", "tram", "boat", "ship", "plane", "airplane", "helicopter", "taxi", "jeep",
                          "tractor", "ambulance", "sailboat", "yacht", "canoe"}),
    "fruit": frozenset({"apple", "banana", "orange", "pear", "grape", "grapes", "lemon", "lime", "peach", "plum",
                        "cherry", "cherries", "strawberry", "strawberries", "watermelon", "melon", "pineapple",
                        "mango", "kiwi", "berries", "blueberries", "raspberries", "coconut", "apricot", "fig"}),
    "vegetable": frozenset({"carrot", "potato", "tomato", "onion", "broccoli", "cabbage", "lettuce", "pepper",
                            "cucumber", "pumpkin", "corn", "eggplant", "mushroom", "garlic", "beans", "peas"}),
    "flower": frozenset({"rose", "roses", "tulip", "tulips", "lily", "lilies", "daisy", "daisies", "sunflower",
                         "sunflowers", "orchid", "lotus", "poppy", "poppies", "lavender", "dandelion"}),
    "food": frozenset({"pizza", "burger", "hamburger", "sandwich", "cake", "donut", "doughnut", "pasta", "noodles",
                       "rice", "soup", "salad", "steak", "sushi", "dumplings", "bread", "cookie", "cookies",
                       "pie", "taco", "hotdog", "croissant", "muffin", "cupcake", "pancakes", "eggs", "fries",
                       "shrimp", "prawns", "salmon", "tuna", "lobster", "crab", "meatballs", "sausage", "sausages",
                       "bacon", "cheese", "tofu", "oatmeal", "cereal", "waffles", "omelette", "curry", "ramen",
                       "burrito", "bagel", "chips", "popcorn", "ice cream", "spaghetti", "lasagna", "dessert"}),
    "drink": frozenset({"coffee", "tea", "juice", "milk", "wine", "beer", "water", "soda", "cocktail", "smoothie"}),
    "furniture": frozenset({"chair", "table", "sofa", "couch", "bed", "desk", "bench", "stool", "shelf", "cabinet",
                            "armchair", "wardrobe", "dresser"}),
    "instrument": frozenset({"guitar", "piano", "violin", "drum", "drums", "flute", "trumpet", "saxophone", "cello",
                             "harp"}),
    "building": frozenset({"house", "castle", "church", "tower", "skyscraper", "cabin", "barn", "temple", "palace",
                           "cottage", "hut", "lighthouse", "bridge", "mansion", "mosque", "cathedral", "chapel",
                           "ranch", "farmhouse", "villa", "hospital", "school", "factory", "hotel", "museum",
                           "library", "treehouse", "pagoda", "shed", "igloo", "windmill", "office building"}),
    "room": frozenset({"room", "bedroom", "living room", "kitchen", "bathroom", "dining room", "office", "classroom",
                       "ballroom", "hallway", "attic", "basement", "nursery", "study", "lobby", "library", "studio",
                       "cellar", "garage"}),
    "settlement": frozenset({"village", "town", "city", "metropolis", "campsite", "hamlet", "camp", "suburb",
                             "town square"}),
    "landform": frozenset({"valley", "mountain", "mountains", "volcano", "hill", "hills", "lake", "beach", "meadow",
                           "garden", "forest", "desert", "canyon", "field", "island", "river", "waterfall", "cliff",
                           "glacier", "jungle", "swamp", "coast", "prairie", "savanna", "salt flats", "dunes",
                           "lagoon", "fjord", "marsh", "pond"}),
    "tree": frozenset({"oak", "pine", "palm", "maple", "birch", "willow", "tree", "trees"}),
    "clothing": frozenset({"shirt", "t-shirt", "jacket", "coat", "dress", "hat", "cap", "scarf", "sweater",
                           "hoodie", "jeans", "skirt", "suit", "shoes", "boots", "sneakers", "gloves", "tie",
                           "tuxedo", "gown", "uniform", "blouse", "trousers", "pants", "shorts", "robe", "kimono",
                           "vest", "cardigan", "blazer", "overalls", "pajamas", "raincoat", "armor", "armour",
                           "chainmail", "bikini", "swimsuit", "apron", "cloak", "cape", "poncho", "sari", "kilt",
                           "leggings", "tunic", "parka", "costume", "outfit", "sundress", "tracksuit"}),
    "hairstyle": frozenset({"ponytail", "ponytails", "braid", "braids", "bun", "pigtails", "bob", "mohawk",
                            "dreadlocks", "afro", "updo", "mullet", "cornrows", "plaits", "topknot", "buzzcut"}),
    "person": frozenset({"man", "woman", "boy", "girl", "child", "kid", "person", "lady", "gentleman", "baby",
                         "teenager", "player", "chef", "doctor", "soldier", "dancer", "student", "businessman",
                         "businesswoman", "nurse", "teacher", "farmer", "worker", "athlete", "singer", "musician",
                         "astronaut", "knight", "pirate", "cowboy", "king", "queen", "prince", "princess", "bride",
                         "groom", "clown", "toddler", "policeman", "policewoman", "firefighter", "fisherman",
                         "surfer", "skier", "hiker", "runner", "cyclist", "grandmother", "grandfather", "mother",
                         "father", "actress", "actor", "monk", "priest", "wizard", "witch"}),
    "footwear": frozenset({"sneakers", "boots", "sandals", "heels", "loafers", "slippers", "trainers", "clogs",
                           "flip-flops", "shoes"}),
    "toy": frozenset({"teddy", "teddybear", "doll", "ball", "robot", "kite", "puzzle", "lego", "yoyo"}),
    "container": frozenset({"cup", "mug", "glass", "bottle", "bowl", "jar", "vase", "basket", "box", "bucket",
                            "plate", "pot", "kettle", "teapot"}),
    # last: these are landforms first; 'the water' names one of them ('make the water green' on 'a boat on the sea')
    "water": frozenset({"ocean", "sea", "lake", "river", "pond", "stream", "pool", "lagoon", "bay", "creek",
                        "canal"}),
}
# A pattern named by its noun, and the word a prompt describes a thing with ('the stripes' of 'a striped shirt')
PATTERN_NOUNS = {"stripes": "striped", "spots": "spotted", "dots": "dotted", "polka-dots": "polka-dot",
                 "checks": "checkered", "checkers": "checkered", "squares": "checkered", "florals": "floral",
                 "flowers": "floral", "zigzags": "zigzag", "speckles": "speckled"}
# Things said without 'a' ('with rice', not 'with a rice'): a value of one of these takes no article of the prompt's
MASS_NOUNS = frozenset({"rice", "tofu", "pasta", "spaghetti", "soup", "bread", "cheese", "meat", "beef", "pork",
                        "bacon", "cereal", "oatmeal", "popcorn", "ice cream", "sushi", "coffee", "tea", "milk",
                        "water", "juice", "wine", "beer", "soda", "honey", "chocolate", "butter", "jam", "yogurt",
                        "cream", "sugar", "salt", "flour", "sand", "snow", "grass", "ice", "gravel", "mud", "lava",
                        "smoke", "fire", "steam", "foam", "cotton", "wool", "paper", "gold", "silver"})
CATEGORY_ALIASES = {"vehicles": "vehicle", "animals": "animal", "fruits": "fruit", "flowers": "flower",
                    "plant": "flower", "creature": "animal", "dish": "food", "meal": "food", "beverage": "drink",
                    "item": None, "object": None, "thing": None, "shoes": "footwear", "shoe": "footwear",
                    "outfit": "clothing", "clothes": "clothing", "attire": "clothing", "garment": "clothing",
                    "hairstyle": "hairstyle", "haircut": "hairstyle", "hairdo": "hairstyle"}


# Words for one thing: a reference in one of them finds the prompt's other ("the kitty" -> "cat")
SYNONYM_GROUPS = (
    {"cat", "kitty", "feline", "housecat"}, {"dog", "doggy", "doggie", "canine", "pooch", "hound"},
    {"car", "automobile", "auto"}, {"bicycle", "bike", "cycle"}, {"motorcycle", "motorbike"},
    {"sofa", "couch", "settee"}, {"television", "tv"}, {"child", "kid"}, {"woman", "lady"}, {"man", "guy"},
    {"airplane", "plane", "aeroplane", "aircraft"}, {"photo", "photograph", "picture"}, {"hat", "cap"},
    {"mug", "cup"}, {"rabbit", "bunny"}, {"sneakers", "trainers"}, {"trousers", "pants"},
    {"phone", "smartphone", "cellphone"}, {"background", "backdrop"},
)


def synonyms(word: str) -> list[str]:
    """The other words for what `word` names (SYNONYM_GROUPS; plural references by their singular), sorted."""
    w = word.lower()
    for key in (w, w[:-1] if w.endswith("s") else w):
        for group in SYNONYM_GROUPS:
            if key in group:
                return sorted(group - {key})
    return []


def base_form(word: str) -> str:
    """'shorter' -> 'short'; any other word as it is (lower case)."""
    w = word.lower()
    return COMPARATIVES.get(w, w)


def attribute_classes(word: str) -> tuple[str, ...]:
    """Every class a word belongs to, in ATTRIBUTE_CLASSES' order ('calm': an emotion and a weather; most words
    have one); a word ending in -colored, or colours joined by hyphens, is a colour."""
    w = base_form(word)
    found = tuple(name for name, words in ATTRIBUTE_CLASSES.items() if w in words)
    parts = [p for p in w.split("-") if p not in ("and", "")]
    if not found and len(parts) > 1 and all(p in ATTRIBUTE_CLASSES["colour"] for p in parts):
        return ("colour",)  # 'black-and-white', 'blue-green': colours joined into one word
    return found or (("colour",) if w.endswith(("colored", "coloured")) else ())


def attribute_class(word: str) -> str | None:
    """A word's first class (None: no attribute word)."""
    classes = attribute_classes(word)
    return classes[0] if classes else None


def is_attribute_word(word: str) -> bool:
    return attribute_class(word) is not None


def category_members(noun: str) -> frozenset[str] | None:
    """The nouns a category noun stands for ('vehicle' -> car, bus, ...); None when `noun` is no category."""
    n = noun.lower()
    if n in CATEGORY_ALIASES:
        name = CATEGORY_ALIASES[n]
        return None if name is None else CATEGORIES[name]
    return CATEGORIES.get(n)


IRREGULAR_SINGULARS = {"geese": "goose", "mice": "mouse", "children": "child", "men": "man", "women": "woman",
                       "people": "person", "oxen": "ox", "feet": "foot", "teeth": "tooth", "wolves": "wolf",
                       "calves": "calf", "knives": "knife", "leaves": "leaf", "loaves": "loaf"}


def category_of(word: str) -> str | None:
    """The first category the word (or its form without a final 's', or an irregular plural's singular) is a member
    of ('shrimp' -> 'food', 'geese' -> 'animal')."""
    w = IRREGULAR_SINGULARS.get(word.lower(), word.lower())
    return next((name for name, members in CATEGORIES.items() if w in members or w.rstrip("s") in members), None)


def known_word(word: str) -> bool:
    """Is the word one the lexicon files anywhere (an attribute, a member of a category, a place, a weather)?"""
    w = word.lower()
    return is_attribute_word(w) or w in PLACES or w in SETTING_NOUNS or category_of(w) is not None


def one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped ('cangle' / 'candle', 'mountian' / 'mountain')."""
    a, b = a.lower(), b.lower()
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
            and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:k] + long[k + 1:] == short for k in range(len(long)))
