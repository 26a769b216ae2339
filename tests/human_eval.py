"""Score instruction reading against human-written (caption, instruction, edited caption) records.

What the human changed is the word-level difference between the input and output captions (lowercased,
punctuation and articles ignored). What the instruction changes is the difference between the input and the target
prompt that `parse_instruction(edit, source_prompt=input)` builds. An answer is *right* when the two edited captions
are the same word sequence; a refusal (AlignmentError) is no answer. A wrong answer that is a part of the human's
change (every word it removes or adds, the human did too) is also counted as 'within human': the human's captions
often reword more than the instruction asks.

Categories by what the human did: `replace` (some words removed and some added: the replacement type),
`insert` (words only added: additions and restyles, which OIR does not do by changing a phrase), `delete`
(words only removed), `same` (no word changed).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path

ARTICLES = {"a", "an", "the"}


def words(text: str) -> list[str]:
    """Lowercased words, punctuation and articles dropped ('Black-bellied' -> 'black', 'bellied')."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower().replace("'s", " s")) if w not in ARTICLES]


def change(before: str, after: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The (removed words, added words) runs that turn `before` into `after`."""
    a, b = words(before), words(after)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [(tuple(a[i1:i2]), tuple(b[j1:j2])) for op, i1, i2, j1, j2 in ops if op != "equal"]


def category(record: dict) -> str:
    runs = change(record["input"], record["output"])
    if not runs:
        return "same"
    removed = any(r for r, _ in runs)
    added = any(a for _, a in runs)
    return "replace" if removed and added else "insert" if added else "delete"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def answer(record: dict) -> tuple[str, str | None]:
    """('right' | 'wrong' | 'refused', the target prompt or the refusal)."""
    from oir_agent.errors import AlignmentError
    from oir_agent.text.instructions import parse_instruction

    try:
        alignment = parse_instruction(record["edit"], source_prompt=record["input"])
    except AlignmentError as exc:
        return "refused", str(exc)
    if not alignment.pairs:
        return "refused", "no pairs"
    ok = words(alignment.target_prompt) == words(record["output"])
    return ("right" if ok else "wrong"), alignment.target_prompt


def within(record: dict, target_prompt: str) -> bool:
    """A wrong answer whose every removed and added word is among the human's: the instruction's change made, the
    human's extra rewording not (e.g. 'As pop art' on '... stock photo': ours photo -> pop art, human's stock photo
    -> pop art). Reported beside 'wrong', never counted as right."""
    human, ours = change(record["input"], record["output"]), change(record["input"], target_prompt)
    return ({w for a, _ in ours for w in a} <= {w for a, _ in human for w in a}
            and {w for _, b in ours for w in b} <= {w for _, b in human for w in b})


def score(records: list[dict]) -> dict[str, Counter]:
    """Counts of right / wrong / refused per category (and 'all'); 'within' counts the wrong answers that are a
    part of the human's change (`within`)."""
    out: dict[str, Counter] = {}
    for r in records:
        verdict, target = answer(r)
        for key in (category(r), "all"):
            out.setdefault(key, Counter())[verdict] += 1
            if verdict == "wrong" and within(r, target):
                out[key]["within"] += 1
    return out


def report(out: dict[str, Counter]) -> str:
    lines = [f"{'category':<10} {'n':>4} {'right':>6} {'wrong':>6} {'refused':>8} {'right/n':>8} {'right/answered':>15}"
             f" {'wrong within human':>19}"]
    for key in ("replace", "insert", "delete", "same", "all"):
        c = out.get(key)
        if not c:
            continue
        n = c['right'] + c['wrong'] + c['refused']
        answered = c["right"] + c["wrong"]
        lines.append(f"{key:<10} {n:>4} {c['right']:>6} {c['wrong']:>6} {c['refused']:>8} {c['right'] / n:>8.1%} "
                     f"{(c['right'] / answered if answered else float('nan')):>15.1%} {c['within']:>19}")
    return "\n".join(lines)
