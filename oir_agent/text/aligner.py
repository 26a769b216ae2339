"""Prompt aligner: a source/target prompt pair -> editing pairs with guided prompts (spaCy, no network).

1. Token diff of the two prompts (lowercase; a/an/the compare equal; punctuation ignored), clause by clause
   when the clauses were reordered.
2. Each changed region grows to whole noun phrases on both sides (kept consistent through the equal tokens),
   so "round" -> "square" becomes "round cake" -> "square cake" and "row of tables" stays one phrase.
3. Regions with something to edit on both sides become EditPairs; words only added or removed, or changes
   of relations ("on" -> "under") become warnings: OIR edits regions that exist in the image.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import AlignmentError
from ..types import EditPair
from . import lexicon, nlp, slots

MAX_CHARS = 1000  # longer than any prompt 77 tokens can carry; also keeps spaCy far from its length limit
MAX_WORDS = 75  # CLIP's text encoder reads 77 tokens including start/end; every word is >= 1 token


@dataclass
class Alignment:
    """Editing pairs of a prompt pair (or instruction), plus the prompts they relate and any warnings."""

    source_prompt: str
    target_prompt: str
    pairs: list[EditPair]
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from ..pair_ids import assign_ids

        self.pairs = assign_ids(self.pairs, self.source_prompt)

    def to_dict(self) -> dict[str, Any]:
        from ..diagnostics import AlignmentModel

        return AlignmentModel.model_validate(self, from_attributes=True).model_dump(mode="json")


def align_prompts(source_prompt: str, target_prompt: str) -> Alignment:
    """Editing pairs that turn `source_prompt` into `target_prompt`."""
    check_prompt(source_prompt, "source_prompt")
    check_prompt(target_prompt, "target_prompt")
    marked = unmarked(target_prompt) if unmarked(source_prompt) is None else None  # brackets in both prompts are
    # their words; only in the target, they mark what changed (as editing benchmarks write it)
    target_prompt = marked or target_prompt
    if " ".join(source_prompt.split()).lower() == " ".join(target_prompt.split()).lower():
        raise AlignmentError("source_prompt and target_prompt are the same: nothing to edit. Change the words of "
                             "the objects you want edited in target_prompt (e.g. 'a cat' -> 'a dog').")
    parser = nlp.get_parser()
    alignment = align_docs(parser.nlp(source_prompt), parser.nlp(target_prompt))
    if parser.warning:
        alignment.warnings.insert(0, parser.warning)
    if marked:
        alignment.warnings.append("square brackets were read as marks of the edited words and left out of the prompts "
                                  "('a [dog] on a sofa' -> 'a dog on a sofa').")
    if not alignment.pairs:
        detail = " ".join(alignment.warnings)
        raise AlignmentError("no editing pair found between the prompts: OIR needs an object or attribute of the "
                             "source prompt replaced by another in the target prompt, e.g. 'a red car' -> 'a blue "
                             f"car'. {detail}".strip())
    return alignment


_MARKED = re.compile(r"\[([^\[\]]*)\]")


def unmarked(prompt: str) -> str | None:
    """The prompt without square brackets that mark edited words ('a [dog] sitting' -> 'a dog sitting', as editing
    benchmarks write target prompts); None when it has none. Read so only when the source prompt has none."""
    if not _MARKED.search(prompt):
        return None
    return " ".join(_MARKED.sub(r"\1", prompt).split())


def check_prompt(prompt: Any, name: str) -> None:
    """A prompt the aligner and the text encoder can use: non-empty, one sentence of at most ~75 words."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise AlignmentError(f"{name} is empty: describe the image in a short sentence, e.g. 'a cat on a sofa'.")
    if len(prompt) > MAX_CHARS:
        raise AlignmentError(f"{name} is {len(prompt):,} characters; the text encoder reads about 77 tokens: keep "
                             f"it under {MAX_CHARS:,} characters, one sentence naming the objects.")
    words = len(prompt.split())
    if words > MAX_WORDS:
        raise AlignmentError(f"{name} has {words} words, more than the text encoder's 77-token window can hold; "
                             "shorten it to one sentence that names the objects to edit (words past the window "
                             "would be silently ignored).")


# --- core, on parsed (or blank) spaCy Docs -----------------------------------------------------------------
@dataclass
class _Region:
    s0: int
    s1: int
    t0: int
    t1: int
    actor: int | None = None  # a new action with its own object: the source noun that acts (the pair's mask)


def align_docs(src, tgt) -> Alignment:
    """Alignment of two spaCy Docs (parsed or blank); the logic behind align_prompts."""
    regions, emap = _diff(src, tgt)
    regions = _grow_all(src, tgt, regions, emap)
    regions = _merge_verb_regions(src, tgt, regions)
    regions = _merge_phrase_regions(src, tgt, regions)
    regions = _merge_attached_additions(src, tgt, regions, emap)
    pairs, warnings = [], []
    for region in regions:
        pair, warning = _to_pair(src, tgt, region, emap)
        if pair is not None:
            pairs.append(pair)
        if warning:
            warnings.append(warning)
    target_prompt = tgt.text
    added = [_text(tgt, r.t0, r.t1) for r in regions if not any(nlp.is_content(t) for t in src[r.s0:r.s1])]
    if pairs and added and all(p.kind == "global" for p in pairs) and all(slots.is_global_phrase(a) for a in added):
        # 'a portrait of a girl' -> 'a painting of a girl by Rembrandt': the medium changed and a credit was added,
        # both about the whole picture: one whole-image pair (the added words were ignored with a warning)
        pairs = [EditPair(source=src.text, target=tgt.text, guided_prompt=tgt.text, mask_phrase=slots.WHOLE_IMAGE,
                          kind="global", source_span=(0, len(src.text)), target_span=(0, len(tgt.text)))]
        warnings = [w for w in warnings if not any(repr(a) in w for a in added)]
    if not pairs and added and len(added) == len(regions) and all(slots.is_global_phrase(a) for a in added):
        # 'a horse in a field' -> '... at night' / 'in the style of Van Gogh': the added words are about the whole
        # picture, so the whole picture is the pair (its source is the source prompt; no detector is asked)
        pairs = [EditPair(source=src.text, target=tgt.text, guided_prompt=tgt.text, mask_phrase=slots.WHOLE_IMAGE,
                          kind="global", source_span=(0, len(src.text)), target_span=(0, len(tgt.text)))]
        warnings = [f"{' / '.join(repr(a) for a in added)} is added for the whole picture: one whole-image pair, "
                    "the source prompt -> the target prompt."]
    return Alignment(source_prompt=src.text, target_prompt=target_prompt, pairs=one_global_pair(src.text, tgt.text,
                                                                                            pairs), warnings=warnings)


def one_global_pair(source: str, target: str, pairs: list[EditPair]) -> list[EditPair]:
    """Several changes of the whole picture and nothing else ('... black and white portraits, Black and White
    Portraits' + 'in color'; 'in winter at night'): one whole-image pair, source prompt -> target prompt, not several
    pairs with the same whole-image mask."""
    if len(pairs) < 2 or any(p.kind != "global" for p in pairs):
        return pairs
    return [EditPair(source=source, target=target, guided_prompt=target, mask_phrase=slots.WHOLE_IMAGE,
                     kind="global", source_span=(0, len(source)), target_span=(0, len(target)))]


def _key(tok) -> str:
    return "<det>" if tok.lower_ in nlp.ARTICLES else tok.lower_


def _words(doc, start: int = 0, end: int | None = None) -> list[int]:
    end = len(doc) if end is None else end
    return [t.i for t in doc[start:end] if not (t.is_punct or t.is_space)]


def _segments(doc) -> list[tuple[int, int]]:
    """Clauses: token spans split at 'and', ',', ';' (for detecting reordered clauses)."""
    spans, start = [], 0
    for tok in doc:
        if tok.lower_ in ("and", ",", ";"):
            if tok.i > start:
                spans.append((start, tok.i))
            start = tok.i + 1
    if start < len(doc):
        spans.append((start, len(doc)))
    return spans


def _diff(src, tgt) -> tuple[list[_Region], dict[int, int]]:
    """Changed regions (doc token indices) and the map of equal source tokens to target tokens."""
    seg_s, seg_t = _segments(src), _segments(tgt)
    blocks = [((0, len(src)), (0, len(tgt)))]
    if 2 <= len(seg_s) == len(seg_t) <= 6:
        blocks = _match_segments(src, tgt, seg_s, seg_t) or blocks
    regions, emap = [], {}
    for (a0, a1), (b0, b1) in blocks:
        ia, ib = _words(src, a0, a1), _words(tgt, b0, b1)
        ka, kb = [_key(src[i]) for i in ia], [_key(tgt[i]) for i in ib]
        ops = difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes()
        pending = None
        for k, (tag, i1, i2, j1, j2) in enumerate(ops):
            if tag == "equal" and pending and i2 - i1 == 1 and ka[i1] == "<det>" and k + 1 < len(ops) and not (
                    any(nlp.is_content(t) for t in src[pending.s0:pending.s1])
                    and any(nlp.is_content(t) for t in tgt[pending.t0:pending.t1])):
                # 'at night in the rain' -> 'on a sunny day': an article between a change that is no pair on its
                # own ('at night in' -> 'on') and the next change is no anchor; the two are one change
                pending = _Region(pending.s0, ia[i1] + 1, pending.t0, ib[j1] + 1)
                continue
            if tag == "equal":
                for di in range(i2 - i1):
                    emap[ia[i1 + di]] = ib[j1 + di]
                if pending:
                    regions.append(pending)
                    pending = None
                continue
            s0 = ia[i1] if i1 < len(ia) else (ia[-1] + 1 if ia else a0)
            s1 = ia[i2 - 1] + 1 if i2 > i1 else s0
            t0 = ib[j1] if j1 < len(ib) else (ib[-1] + 1 if ib else b0)
            t1 = ib[j2 - 1] + 1 if j2 > j1 else t0
            if pending:  # adjacent non-equal opcodes form one region
                pending = _Region(min(pending.s0, s0), max(pending.s1, s1), min(pending.t0, t0), max(pending.t1, t1))
            else:
                pending = _Region(s0, s1, t0, t1)
        if pending:
            regions.append(pending)
    return regions, emap


def _match_segments(src, tgt, seg_s, seg_t):
    """Pair clauses by content when the target reorders them; None when the order is unchanged."""
    def keys(doc, span):
        return [_key(doc[i]) for i in _words(doc, *span)]

    ks, kt = [keys(src, s) for s in seg_s], [keys(tgt, t) for t in seg_t]
    sim = [[difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() for b in kt] for a in ks]
    identity = sum(sim[i][i] for i in range(len(ks)))
    best = max(itertools.permutations(range(len(kt))), key=lambda p: sum(sim[i][p[i]] for i in range(len(ks))))
    if list(best) == list(range(len(kt))) or sum(sim[i][best[i]] for i in range(len(ks))) < identity + 0.5:
        return None
    return [(seg_s[i], seg_t[best[i]]) for i in range(len(ks))]


def _phrase_bounds(doc, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown to the noun phrases it touches, without their leading determiners."""
    lo, hi = start, end
    for c0, c1 in nlp.noun_chunks(doc):
        if c0 < end and start < c1 or (start == end and c0 <= start < c1 and start > c0):
            while c0 < c1 - 1 and nlp.is_determiner(doc[c0]):
                c0 += 1
            lo, hi = min(lo, c0), max(hi, c1)
    return lo, hi


def _grow_all(src, tgt, regions: list[_Region], emap: dict[int, int]) -> list[_Region]:
    inverse = {v: k for k, v in emap.items()}
    changed = True
    while changed:
        changed = False
        grown = []
        for r in regions:
            new = _grow(src, tgt, r, emap, inverse)
            changed |= (new.s0, new.s1, new.t0, new.t1) != (r.s0, r.s1, r.t0, r.t1)
            grown.append(new)
        regions = _merge_overlaps(grown)
    return regions


def _grow(src, tgt, r: _Region, emap, inverse) -> _Region:
    s0, s1, t0, t1 = r.s0, r.s1, r.t0, r.t1
    if s1 > s0:
        g0, g1 = _phrase_bounds(src, s0, s1)
        t0 = min([t0] + [emap[i] for i in range(g0, s0) if i in emap])
        t1 = max([t1] + [emap[i] + 1 for i in range(s1, g1) if i in emap])
        s0, s1 = g0, g1
    if s1 == s0 and t1 > t0 and t1 < len(tgt) and t1 in inverse and tgt[t1].pos_ in ("NOUN", "PROPN") \
            and all(lexicon.is_attribute_word(tgt[j].text) for j in range(t0, t1)) \
            and _phrase_bounds(tgt, t0, t1)[1] <= t1:  # 'a gold smartphone' parsed as 'a gold' and 'smartphone':
        s0, s1, t1 = inverse[t1], inverse[t1] + 1, t1 + 1  # a look the lexicon knows, inserted before a noun, is its
        # modifier whatever the parse says
    if t1 > t0:
        g0, g1 = _phrase_bounds(tgt, t0, t1)
        s_before = [inverse[j] for j in range(g0, t0) if j in inverse]
        s_after = [inverse[j] + 1 for j in range(t1, g1) if j in inverse]
        if s1 == s0 and (s_before or s_after):  # an insertion inside an existing phrase: it edits that phrase
            s0 = min(s_before) if s_before else s0
            s1 = max(s_after) if s_after else s1
        else:
            s0 = min([s0] + s_before)
            s1 = max([s1] + s_after)
        t0, t1 = g0, g1
    return _Region(s0, s1, t0, t1)


def _merge_overlaps(regions: list[_Region]) -> list[_Region]:
    out: list[_Region] = []
    for r in sorted(regions, key=lambda r: (r.s0, r.t0)):
        if out and (r.s0 < out[-1].s1 or r.t0 < out[-1].t1):
            last = out[-1]
            out[-1] = _Region(min(last.s0, r.s0), max(last.s1, r.s1), min(last.t0, r.t0), max(last.t1, r.t1))
        else:
            out.append(r)
    return out


def _merge_verb_regions(src, tgt, regions: list[_Region]) -> list[_Region]:
    """A changed verb/adjective whose subject noun changes too ('cat sitting' -> 'dog lying') is one edit."""
    if not nlp.is_parsed(src):
        return regions
    merged = list(regions)
    for r in regions:
        tokens = src[r.s0:r.s1]
        if r not in merged or not len(tokens) or any(t.pos_ in ("NOUN", "PROPN") for t in tokens):
            continue
        head = _subject_of(src, r)
        owner = next((o for o in merged if o is not r and head is not None and o.s0 <= head < o.s1), None)
        if owner is not None and _adjacent(owner, r):
            merged.remove(r)
            i = merged.index(owner)
            merged[i] = _Region(min(owner.s0, r.s0), max(owner.s1, r.s1), min(owner.t0, r.t0), max(owner.t1, r.t1))
            continue
        complement = next((o for o in merged if o is not r and _adjacent(o, r) and _new_complement(src, tgt, r, o)),
                          None)
        if complement is not None and head is not None:  # 'holding an umbrella' -> 'looking at the camera': one new
            merged.remove(complement)  # action of the actor, not an umbrella that becomes a camera
            i = merged.index(r)
            merged[i] = _Region(min(complement.s0, r.s0), max(complement.s1, r.s1), min(complement.t0, r.t0),
                                max(complement.t1, r.t1), actor=head)
    return merged


def _new_complement(src, tgt, verb: _Region, o: _Region) -> bool:
    """Whether region `o` is the changed verb's own object (direct, or through its preposition) on both sides,
    with another head noun: the verb and its object change together, as one new action."""
    def object_head(doc, v0, v1, o0, o1):
        verbs = {t.i for t in doc[v0:v1] if t.pos_ in ("VERB", "AUX")}
        for t in doc[o0:o1]:
            if t.pos_ in ("NOUN", "PROPN") and (t.dep_ == "dobj" and t.head.i in verbs
                                                or t.dep_ == "pobj" and t.head.head.i in verbs):
                return t
        return None
    if o.s0 < verb.s1 or o.t0 < verb.t1:  # the object follows its verb
        return False
    a, b = object_head(src, verb.s0, verb.s1, o.s0, o.s1), object_head(tgt, verb.t0, verb.t1, o.t0, o.t1)
    return a is not None and b is not None and a.lemma_.lower() != b.lemma_.lower()


def _merge_phrase_regions(src, tgt, regions: list[_Region]) -> list[_Region]:
    """'on a rooftop' -> 'in a tunnel' changes a preposition and its object: one edit of the whole phrase."""
    if not nlp.is_parsed(src) or len(regions) < 2:
        return regions
    out = list(regions)
    for r in regions:
        if r not in out or r.s1 <= r.s0 or any(nlp.is_content(t) for t in src[r.s0:r.s1]):
            continue
        lo, hi, _ = _phrase_around(src, r.s0, r.s1)
        inside = [o for o in out if o is not r and lo <= o.s0 and o.s1 <= hi]
        for o in inside:
            out.remove(o)
            i = out.index(r)
            r = out[i] = _Region(min(r.s0, o.s0), max(r.s1, o.s1), min(r.t0, o.t0), max(r.t1, o.t1))
    return out


def _merge_attached_additions(src, tgt, regions: list[_Region], emap: dict[int, int]) -> list[_Region]:
    """'a bare table' -> 'a table with a vase': words only added in the target ('with a vase') that hang on a noun
    whose own description changes ('bare table' -> 'table') are part of that change, not an addition on their own.
    An addition to an unchanged noun stays an addition (refused)."""
    if not nlp.is_parsed(tgt) or len(regions) < 2:
        return regions
    inverse = {v: k for k, v in emap.items()}
    out = list(regions)
    for r in regions:
        if r not in out or r.t1 <= r.t0 or any(nlp.is_content(t) for t in src[r.s0:r.s1]):
            continue
        root = tgt[nlp.chunk_root(tgt, r.t0, r.t1)]
        while root.head.i != root.i and r.t0 <= root.head.i < r.t1:
            root = root.head
        owner_noun = inverse.get(root.head.i) if root.head.pos_ in ("NOUN", "PROPN") else None
        owner = next((o for o in out if o is not r and owner_noun is not None and o.s0 <= owner_noun < o.s1
                      and any(nlp.is_content(t) for t in src[o.s0:o.s1])), None)
        if owner is None:
            continue
        out.remove(r)
        i = out.index(owner)
        out[i] = _Region(min(owner.s0, r.s0), max(owner.s1, r.s1), min(owner.t0, r.t0), max(owner.t1, r.t1),
                         actor=owner.actor)
    return out


def _adjacent(a: _Region, b: _Region) -> bool:
    return (abs(a.s1 - b.s0) <= 1 or abs(b.s1 - a.s0) <= 1) and (abs(a.t1 - b.t0) <= 1 or abs(b.t1 - a.t0) <= 1)


def _subject_of(doc, r: _Region) -> int | None:
    """The noun a changed verb or predicate adjective describes."""
    root = doc[nlp.chunk_root(doc, r.s0, r.s1)]
    if root.dep_ in ("acl", "amod", "relcl") and root.head.pos_ in ("NOUN", "PROPN"):
        return root.head.i
    verb = root.head if root.dep_ in ("acomp", "attr", "xcomp", "advmod") else root
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child.i
    return None


def _strip(doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading determiners/punctuation and trailing punctuation."""
    while start < end and (nlp.is_determiner(doc[start]) or doc[start].is_punct or doc[start].lower_ in ("and", ",")):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("and",)):
        end -= 1
    return start, end


def _text(doc, start: int, end: int) -> str:
    return doc.text[doc[start].idx: doc[end - 1].idx + len(doc[end - 1].text)] if end > start else ""


def _span(doc, start: int, end: int) -> tuple[int, int]:
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _to_pair(src, tgt, r: _Region, emap: dict[int, int]) -> tuple[EditPair | None, str | None]:
    a0, a1 = _strip(src, r.s0, r.s1)
    b0, b1 = _strip(tgt, r.t0, r.t1)
    has_src = any(nlp.is_content(t) for t in src[a0:a1])
    has_tgt = any(nlp.is_content(t) for t in tgt[b0:b1])
    src_text, tgt_text = _text(src, a0, a1), _text(tgt, b0, b1)
    if src_text and [t.lower_ for t in src[a0:a1] if t.pos_ != "PRON"] == [t.lower_ for t in tgt[b0:b1]
                                                                          if t.pos_ != "PRON"]:
        return None, None  # 'his newspaper' -> 'her newspaper', 'he leads' -> 'she leads': the object is the same
    if (not has_src or not has_tgt) and src_text and tgt_text and nlp.is_parsed(src) and nlp.is_parsed(tgt):
        pair = _phrase_change(src, tgt, a0, a1, b0, b1)  # 'above the table' -> 'below the table', 'looking left/up'
        if pair is not None:
            return pair, None
    if not has_src and not has_tgt:
        if src_text or tgt_text:
            return None, (f"changed {src_text or '(nothing)'!r} -> {tgt_text or '(nothing)'!r} is not an object or "
                          "attribute: OIR edits the regions of objects, so this change was ignored.")
        return None, None
    if not has_src:
        return None, (f"{tgt_text!r} is only added in the target prompt: OIR edits regions that exist in the image, "
                      "so words with no counterpart in the source prompt are ignored; replace an existing object "
                      "instead, with the source prompt saying what is there now (e.g. 'a bare table' -> 'a table with a vase').")
    if not has_tgt:
        return None, (f"{src_text!r} is only removed in the target prompt: OIR edits regions into something else "
                      "and cannot simply erase them; say what should be there instead.")
    # Replacement for the guided prompt: include the article when it changes with the noun (a -> an, the -> a).
    rs0, rt0 = r.s0, r.t0
    if rs0 > 0 and rt0 > 0 and src[rs0 - 1].lower_ in nlp.ARTICLES and tgt[rt0 - 1].lower_ in nlp.ARTICLES \
            and src[rs0 - 1].lower_ != tgt[rt0 - 1].lower_:
        rs0, rt0 = rs0 - 1, rt0 - 1
    rs1, rt1 = r.s1, r.t1
    rs0, rs1 = _trim_separators(src, rs0, rs1)
    rt0, rt1 = _trim_separators(tgt, rt0, rt1)
    s_char, t_char = _span(src, rs0, rs1), _span(tgt, rt0, rt1)
    guided = src.text[: s_char[0]] + tgt.text[t_char[0]: t_char[1]] + src.text[s_char[1]:]
    kind, mask_phrase = _kind_and_mask(src, tgt, a0, a1, b0, b1, r, emap)
    if slots.is_global(src_text, tgt_text, src.text, _span(src, a0, a1)[0]):
        kind, mask_phrase = "global", slots.WHOLE_IMAGE  # the medium, style or setting of the whole picture
    return EditPair(source=src_text, target=tgt_text, guided_prompt=guided, mask_phrase=mask_phrase, kind=kind,
                    source_span=_span(src, a0, a1), target_span=_span(tgt, b0, b1)), None


def _phrase_around(doc, start: int, end: int) -> tuple[int, int, int | None]:
    """The smallest whole phrase containing a changed function word, and the noun it is about: a preposition with
    its object ('above the table'), a particle or adverb with its verb ('looking left')."""
    lo, hi, anchor = start, end, None
    for tok in doc[start:end]:
        if tok.dep_ != "prt" and (tok.pos_ == "ADP" or tok.dep_ in ("prep", "agent")):
            edge = list(tok.subtree)
            lo, hi = min(lo, edge[0].i), max(hi, edge[-1].i + 1)
            head = tok.head
            while head.pos_ in ("ADV", "ADP", "PART") and head.head.i != head.i:  # 'away from': what 'away' is of
                lo, head = min(lo, head.i), head.head
            if head.pos_ in ("VERB", "AUX") and head.i < lo:  # 'looking away from the camera': with its verb
                lo = head.i
            anchor = head.i
        elif tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX"):  # 'looking left': with its verb
            lo, hi = min(lo, tok.head.i, tok.i), max(hi, tok.head.i + 1, tok.i + 1)
            anchor = tok.head.i
    if anchor is None and lo > 0 and doc[lo - 1].pos_ == "VERB":  # a misparsed particle: take the verb before it
        lo, anchor = lo - 1, lo - 1
    if anchor is None:
        return lo, hi, None
    head = doc[anchor]
    if head.pos_ in ("NOUN", "PROPN"):
        return lo, hi, head.i
    if head.dep_ in ("acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN"):
        return lo, hi, head.head.i
    subject = next((c.i for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return lo, hi, subject


def _phrase_change(src, tgt, a0, a1, b0, b1) -> EditPair | None:
    """A pair for a change of prepositions, particles or adverbs: the whole phrase on each side, masked by the
    object it is about (OIR edits that object's region)."""
    s0, s1, anchor = _phrase_around(src, a0, a1)
    t0, t1, _ = _phrase_around(tgt, b0, b1)
    if anchor is None or not any(nlp.is_content(t) or t.pos_ in ("ADP", "ADV") for t in src[s0:s1]):
        return None
    c0, c1 = _phrase_bounds(src, anchor, anchor + 1)
    mask = _text(src, *_strip(src, c0, c1))
    s_char, t_char = _span(src, s0, s1), _span(tgt, t0, t1)
    guided = src.text[: s_char[0]] + tgt.text[t_char[0]: t_char[1]] + src.text[s_char[1]:]
    return EditPair(source=_text(src, s0, s1), target=_text(tgt, t0, t1), guided_prompt=guided, mask_phrase=mask,
                    kind="attribute", source_span=s_char, target_span=t_char)


def _trim_separators(doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_punct or doc[start].lower_ == "and"):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ == "and"):
        end -= 1
    return start, end


def _kind_and_mask(src, tgt, a0, a1, b0, b1, r: _Region, emap: dict[int, int]) -> tuple[str, str]:
    """("attribute", head noun) when the object stays and only its description changes, else ("object", phrase)."""
    rs, rt = nlp.chunk_root(src, a0, a1), nlp.chunk_root(tgt, b0, b1)
    src_nouns = [t for t in src[a0:a1] if t.pos_ in ("NOUN", "PROPN")] if nlp.is_parsed(src) else list(src[a0:a1])
    if nlp.is_parsed(src) and (not src_nouns or r.actor is not None):  # a verb or predicate adjective changed
        subject = _subject_of(src, r) if r.actor is None else r.actor  # (with its object): describe its subject
        if subject is not None:
            c0, c1 = _phrase_bounds(src, subject, subject + 1)
            return "attribute", _text(src, *_strip(src, c0, c1))
        return "attribute", _text(src, a0, a1)
    same_head = src[rs].lower_ == tgt[rt].lower_ or (src[rs].lemma_ and src[rs].lemma_ == tgt[rt].lemma_
                                                     and nlp.is_parsed(src))
    if same_head:
        start = rs
        # unchanged compounds stay ("mountain bicycle"); a changed one is the attribute ("leather sofa" -> "sofa")
        while start > a0 and nlp.is_parsed(src) and src[start - 1].dep_ == "compound" and (start - 1) in emap:
            start -= 1
        head = src[rs].lemma_.lower() or src[rs].lower_
        twins = sum((t.lemma_.lower() or t.lower_) == head for t in src if t.pos_ in ("NOUN", "PROPN"))
        if twins > 1 and nlp.is_parsed(src):  # 'a black cat ... and a gray cat': the head alone names both; the
            return "attribute", _text(src, a0, a1)  # old description says which ('black cat')
        return "attribute", _text(src, start, rs + 1)
    return "object", _object_mask_phrase(src, a0, a1)


def _object_mask_phrase(doc, start: int, end: int) -> str:
    """What a detector should look for: the phrase up to its first verb, without leading numbers; for a phrase
    opening with a preposition ('in front of a brick wall', 'next to a lamp'), the object of its last one."""
    if nlp.is_parsed(doc) and end > start and (doc[start].pos_ == "ADP" or doc[start].pos_ == "ADV" and any(
            t.dep_ == "prep" and t.head.i == start for t in doc[start:end])):  # 'next to': an adverb with its 'to'
        objects = [t for t in doc[start:end] if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN")]
        if objects:
            c0, c1 = _phrase_bounds(doc, objects[-1].i, objects[-1].i + 1)
            return _text(doc, *_strip(doc, max(c0, start), min(c1, end)))
    if nlp.is_parsed(doc):
        for i in range(start, end):
            if doc[i].pos_ in ("VERB", "AUX") and i > start:
                end = i
                break
        while start < end - 1 and (doc[start].pos_ in ("NUM", "ADP") or doc[start].lower_ in nlp.DETERMINERS):
            start += 1  # 'in a park': a detector looks for the park
    return _text(doc, *_strip(doc, start, end))
