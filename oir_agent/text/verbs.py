"""Verb, pose and state changes: 'make the dog sit' on 'a dog lying on the sofa' -> 'a dog sitting on the sofa'.

The pair is the source's own verbal phrase of the object (its participle, 'lying', or the verb it is the subject
of, 'a boy smiling'), read from the parse; the new verb takes that verb's form (-ing, -s or as given). Words of the
old phrase that the new one says again (an adverb, a 'at the sky' when the new one says 'at the camera') go.
"""

from __future__ import annotations

import re

from . import lexicon, nlp

VOWELS = "aeiou"
DIRECTIONS = frozenset({"at", "to", "toward", "towards", "into", "onto", "up", "down", "away", "around", "through",
                        "across", "out", "off", "along", "past"})  # where an action goes, not where it is
PLACES = frozenset({"on", "in", "at", "inside", "under", "beneath", "below", "near", "beside", "by", "behind", "above",
                    "among", "atop", "outside", "underneath"})  # where an action happens
_POSSESSIVES = frozenset({"its", "his", "her", "their", "my", "your", "one's"})
# Ways one faces or looks, said after the verb ('facing left')
FACINGS = frozenset({"left", "right", "forward", "forwards", "backward", "backwards", "ahead", "sideways", "away", "up",
                     "down"})
# Words for many of a kind ('a group of people', 'a herd of cows'): what the group does, its members do
GROUPS = frozenset({"group", "groups", "crowd", "herd", "flock", "pack", "team", "family", "couple", "pair", "bunch",
                    "school", "swarm", "troop", "band", "gang", "line", "row", "pride", "colony", "litter"})
# Things people and animals do, said with no object: the small parser tags many of them a noun or an adjective
# after 'make the dog' ('make the penguin swim' gave 'a swim penguin'); the lexicon's poses and expressions
# ('sit', 'smile') are found through their -ing forms. Words that are as often something else ('fish', 'lean',
# 'type') are left out.
ACTIONS = frozenset({
    "swim", "climb", "dive", "eat", "drink", "read", "write", "fight", "skate", "ski", "surf", "beg", "hover",
    "glide", "soar", "march", "scream", "whistle", "squat", "trot", "bathe", "paddle", "dance", "sing", "play",
    "run", "walk", "jump", "fly", "hide", "swing", "cook", "paint", "pray", "wave", "kneel", "crawl", "roll",
    "sniff", "stretch", "hunt", "graze", "howl", "roar", "bite", "chase", "fetch", "float", "sink", "drift",
    "peck", "jog", "hop", "leap", "bow", "nap", "rest", "pose", "frown", "shout", "yell", "clap", "point",
    "bend", "crouch", "sprint", "gallop", "wash", "splash", "row", "sail", "bark", "meow", "purr", "growl",
    "yawn", "sneeze", "kiss", "hug", "wink", "blink", "stare", "gaze", "listen", "think", "shiver", "relax",
    "lounge", "sunbathe", "drive", "ride", "cycle", "hike", "skip", "spin", "juggle", "knit", "sew", "study",
    "laugh", "cry", "smile", "sleep", "sit", "stand", "lie", "pounce", "perch", "nest", "scratch",
    "lick", "chew", "sip", "feed", "pet", "hold", "carry", "throw", "catch", "kick", "punch", "box", "face",
    "breathe",
})


# Ways of being at rest: one does not rest toward anything, so an old direction goes with the old action ('a cat
# looking out of a window' + 'sleep' -> 'a cat sleeping', not 'sleeping out of a window'); where it is stays
RESTS = frozenset({"sleep", "sit", "lie", "stand", "rest", "nap", "kneel", "crouch", "squat", "relax", "lounge",
                   "sunbathe", "perch", "nest", "doze", "wait", "pose", "yawn"})


# Actions aimed 'at' something ('looking at the camera', 'barking at a cat'): there 'at' says where the action goes
_AIMED = frozenset({"look", "stare", "gaze", "glance", "peer", "point", "wave", "bark", "growl", "shout", "yell",
                    "laugh", "smile", "hiss", "aim", "wink", "glare"})


_AGENT_KINDS = ("person", "animal", "dog", "bird", "pet")  # what can do things itself
WEARING = frozenset({"wear", "dress"})  # verbs of what one has on, which go on beside any action


def is_verb_phrase(text: str) -> bool:
    """Does `text` start with a base-form verb ('sit', 'look at the camera')? Adjectives and nouns do not."""
    p = nlp.get_parser()
    if not p.parsed or not text.strip():
        return False
    doc = p.nlp(f"to {text}")
    return len(doc) > 1 and doc[1].tag_ == "VB" and doc[0].tag_ == "TO"


def ing(verb: str) -> str:
    """sit -> sitting, lie -> lying, smile -> smiling, cry -> crying, open -> opening."""
    v = verb.lower()
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        return v[:-1] + "ing"
    groups = sum(1 for k, c in enumerate(v) if c in VOWELS and (k == 0 or v[k - 1] not in VOWELS))
    if groups == 1 and len(v) >= 3 and v[-1] not in VOWELS + "wxy" and v[-2] in VOWELS and v[-3] not in VOWELS:
        return v + v[-1] + "ing"
    return v + "ing"


_POSE_INGS = frozenset(ing(v) for v in ACTIONS)


def base(participle: str) -> str:
    """holding -> hold, lying -> lie: the verb of an -ing form, by the parser (the word itself without one)."""
    p = nlp.get_parser()
    if not p.parsed:
        return participle
    return p.nlp(f"he is {participle.lower()}")[-1].lemma_


def is_pose(word: str) -> bool:
    """A state that is something one does ('sitting', 'running', 'asleep'), not a state of a thing ('burning',
    'open'): one does not take the other's place."""
    w = word.lower()
    return w in _POSE_INGS or w in ("perched", "awake", "asleep", "seated")


def third_person(verb: str) -> str:
    v = verb.lower()
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and len(v) > 1 and v[-2] not in VOWELS:
        return v[:-1] + "ies"
    return v + "s"


def verb_span(prompt: str, noun_start: int, noun_end: int, value: str,
              participle: str | None = None) -> tuple[int, int, str, str | None] | None:
    """(start, end, replacement, object) of the verbal phrase of the object at [noun_start, noun_end), or None when
    the prompt says nothing the object does. `object` is the old verb's direct object when the new verb is a bare
    word ('a man reading a book' + 'sleep'): whether the book goes with the reading or stays is the caller's to
    ask. A new phrase with its own complement ('look at the camera') replaces the old verb's object with it, and one
    that says where ('run on the snow') replaces where the old one happened ('running in a field'). `participle`:
    the new verb's past participle as the instruction wrote it, for a prompt whose verb is one ('parked')."""
    found = _actions(prompt, noun_start, noun_end, value)
    if found is None:
        return None
    doc, verbs = found
    words = value.split()
    same = [t for t in verbs if t.lemma_.lower() == words[0].lower()]
    posed = [t for t in verbs if lexicon.attribute_class(ing(t.lemma_)) == "state"] \
        if lexicon.attribute_class(ing(words[0])) == "state" else []
    resting = words[0].lower() in RESTS
    if words[0].lower() not in WEARING and any(t.lemma_.lower() not in WEARING for t in verbs):
        verbs = [t for t in verbs if t.lemma_.lower() not in WEARING]  # 'run' on 'a woman wearing a coat walking':
        # what she wears is no action the new one replaces
    doing = [t for t in verbs if t.lemma_.lower() not in RESTS] if not resting else []
    if doing and len(doing) < len(verbs):  # 'write' on 'a man sitting at a desk typing on a laptop': an activity
        verbs = doing  # takes the old activity's place; how one sits or stands while doing it stays
    verb = same[0] if same else posed[0] if posed else verbs[0]  # the action the prompt names again, if it does
    # ('keep sitting'); a new pose takes the old pose's place ('run' on '... wearing a raincoat walking': walking)
    if verb.tag_ == "VBG":
        words[0] = ing(words[0])
    elif verb.tag_ == "VBZ":
        words[0] = third_person(words[0])
    elif verb.tag_ == "VBN" and participle:
        words[0] = participle
    elif verb.tag_ == "VBN" and verb.dep_ == "acl":  # 'a bird perched on a branch' + 'sing': 'a bird singing'
        words[0] = ing(words[0])
    how = len(words) > 2 and words[1].lower() in PLACES and (words[2].lower() in _POSSESSIVES
                                                               or words[-1].lower() in ("air", "midair", "mid-air"))
    # 'lie on its back', 'stand on its hind legs', 'jump in the air': how, not where (the old place stays)
    new_preps = {w.lower() for w in words[1:]} - ({words[1].lower()} if how else set())
    new_place = len(words) > 1 and words[1].lower() in PLACES - DIRECTIONS and not how  # 'look at the camera' says
    # no place
    end = verb.idx + len(verb.text)
    kept_object = None
    for child in verb.children:  # what the new phrase says again goes: 'looking away' -> 'looking at the camera'
        if child.i <= verb.i or child.left_edge.i != _next_index(doc, end):  # 'holding an umbrella': from 'an'
            continue
        if child.dep_ == "dobj":  # the old action's object: its noun phrase, not what hangs on it ('in the park')
            last = _held_end(child)  # but with what it holds ('a cup of coffee')
            if len(words) > 1:
                end = last.idx + len(last.text)
            else:
                kept_object = doc[child.left_edge.i: last.i + 1].text
        elif child.dep_ in ("advmod", "prt", "acomp", "xcomp") and len(words) > 1 \
                or child.dep_ in ("xcomp", "advcl") and len(words) == 1 and resting \
                and child.tag_ == "VB" \
                or child.dep_ == "prep" and (child.lower_ in new_preps or child.lower_ in DIRECTIONS
                                             and words[1:2] and words[1].lower() in DIRECTIONS
                                             or new_place and child.lower_ in PLACES
                                             or child.lower_ in PLACES and _names_again(child, words)
                                             or len(words) == 1 and resting
                                             and (child.lower_ in DIRECTIONS - PLACES
                                                  or child.lower_ == "at" and verb.lemma_.lower() in _AIMED)):
            # 'looking at the camera' + 'look to the left': a new direction replaces the old one, a new place the
            # old place; where the object is ('lying on the sofa', 'in the rain') stays when the new phrase does
            # not say
            where = {w.i for p in child.subtree if p.dep_ == "prep" and p.lower_ in PLACES and p.i > child.i
                     and child.dep_ in ("xcomp", "advcl") for w in p.subtree}  # ('to catch a ball in a backyard':
            end = max(end, max(t.idx + len(t.text) for t in child.subtree if t.i not in where))  # where stays)
    nxt = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ == "from" and nxt.idx >= end and nxt.head.i == verb.i and len(words) == 1 \
            and resting:  # 'fishing from a small boat' + 'sleep': one rests on the
        end, words = nxt.idx + len(nxt.text), words + ["on"]  # place one acted from ('sleeping on a small boat')
    if nxt is not None and nxt.lower_ in FACINGS and nxt.idx >= end and any(w.lower() in FACINGS for w in words[1:]):
        end = nxt.idx + len(nxt.text)  # 'facing left' + 'face right': the parser hangs 'left' on the noun
    return verb.idx, end, " ".join(words), kept_object


def _names_again(prep, words: list[str]) -> bool:
    """Whether the new phrase names the old place's noun again ('standing in a field' + 'run through the field'): the
    old place is said anew, and goes (not 'running through the field in a field')."""
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return obj is not None and obj.lower_ in {w.lower() for w in words[2:]}


def _held_end(noun):
    """The last token of a noun phrase with what it holds or is made of ('a cup of coffee', 'a bowl of ripe
    apples'); the noun itself when nothing hangs on it by 'of'."""
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" and c.i == noun.i + 1), None)
    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return obj if obj is not None else noun


def _actions(prompt: str, noun_start: int, noun_end: int, value: str):
    """(the prompt's parse, the verbs of the object at [noun_start, noun_end)), or None when it does nothing."""
    p = nlp.get_parser()
    if not p.parsed:
        return None
    doc = p.nlp(prompt)
    nouns = [t for t in doc if t.idx >= noun_start and t.idx + len(t.text) <= noun_end]
    if not nouns:
        return None
    noun = nouns[-1]
    verbs = [t for t in noun.children if t.dep_ in ("acl", "relcl") and t.pos_ in ("VERB", "AUX")]
    worn = all(t.lemma_.lower() in WEARING for t in verbs)  # none, or only what it wears
    if noun.dep_ == "nsubj" and noun.head.pos_ == "VERB" and noun.head not in verbs \
            and (worn or noun.head.tag_ == "VBG") and not _describes_other(doc, noun, noun.head):
        verbs = verbs + [noun.head]  # ('a woman wearing a coat walking in the snow', 'a girl sitting on a bench
        # reading a book': the walking, the reading are hers)
    verbs += [t for v in list(verbs) for t in v.subtree if t.dep_ == "acl" and t.tag_ == "VBG" and t.i > v.i
              and t.head.dep_ == "pobj" and t.head.head.head.i == v.i
              and lexicon.category_of(t.head.text) not in _AGENT_KINDS]  # 'a man sitting at a desk typing on a
    # laptop': the parser hangs the typing on the desk, which cannot type
    if not verbs:  # 'a woman in a red dress dancing': the parser hung the participle on the dress
        verbs = [t for t in noun.subtree if t.i > noun.i and t.dep_ == "acl" and t.tag_ == "VBG"]
    group = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    if not verbs and group is not None and group.lower_ in GROUPS:  # 'a group of people walking': the parser
        verbs = [t for t in group.children if t.i > noun.i and t.dep_ in ("acl", "relcl") and t.pos_ == "VERB"]
        # hangs what the people do on the group
    if not verbs and len(value.split()) == 1:  # 'a smiling girl' + 'cry' -> 'a crying girl' (one word fits before)
        verbs = [t for t in noun.children if t.i < noun.i and t.dep_ == "amod" and t.tag_ == "VBG"]
    verbs += [c for v in list(verbs) for c in v.children if c.tag_ == "VBG" and c.i > v.i
              and c.dep_ in ("dobj", "advcl", "xcomp", "conj")]  # 'wearing a raincoat walking in the rain': the
    # parser hangs the second participle on the first; it is the subject's too
    return (doc, verbs) if verbs else None


def same_action_object(prompt: str, noun_start: int, noun_end: int, value: str) -> tuple[int, int, str] | None:
    """'read a newspaper' on 'a man reading a book': the action stays and only its object changes: (start, end) of
    the old object ('a book') and the new one ('a newspaper'); None unless the object already does that action
    to an object of its own."""
    found = _actions(prompt, noun_start, noun_end, value) if value.split() else None
    new = new_object(value)
    if found is None or new is None:
        return None
    doc, verbs = found
    verb = next((t for t in verbs if t.lemma_.lower() == value.split()[0].lower()), None)
    old = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None) if verb is not None else None
    if old is None or doc[old.left_edge.i].lower_ in ("her", "his", "its", "their"):
        return None
    held = re.search(r"\bof\b", new, re.I) or old.lower_ not in lexicon.CATEGORIES["container"]
    last = _held_end(old) if held else old  # 'a cup of coffee' + 'a glass of wine', 'a book of poems' + 'a
    return doc[old.left_edge.i].idx, last.idx + len(last.text), new  # newspaper': the whole; 'a cup' + 'a mug': the
    # container only (what it holds stays with it)


def _describes_other(doc, noun, verb) -> bool:
    """'a girl with her arms crossed': a past participle right after another noun describes that noun (the arms),
    though the parser may make the first noun its subject."""
    before = doc[verb.i - 1] if verb.i > 0 else None
    return verb.tag_ in ("VBD", "VBN") and before is not None and before.i != noun.i and before.pos_ in ("NOUN", "PROPN")


def _next_index(doc, char: int) -> int:
    for t in doc:
        if t.idx >= char:
            return t.i
    return len(doc)


def new_object(phrase: str) -> str | None:
    """The noun phrase a new verb phrase takes as its object ('wear a hat' -> 'a hat', 'play with a ball' -> 'a
    ball'); None for a bare verb, one that only says where or which way ('sit on the grass', 'look at the
    camera'), or one whose object is the subject's own ('raise her arms')."""
    p = nlp.get_parser()
    if not p.parsed or len(phrase.split()) < 2:
        return None
    doc = p.nlp(f"they {phrase}")
    verb = doc[1]
    for t in doc[2:]:
        if t.dep_ == "dobj" and t.head.i == verb.i or t.dep_ == "pobj" and t.head.lower_ == "with" \
                and t.head.head.i == verb.i:
            if doc[t.left_edge.i].lower_ in ("her", "his", "its", "their", "my", "your"):
                return None  # 'raise her arms': the subject's own part, not a new object
            return doc[t.left_edge.i:_held_end(t).i + 1].text  # with what it holds: 'a glass of wine'
    return None
