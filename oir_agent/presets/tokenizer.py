"""A byte-level CLIP tokenizer built on the fly (no download), with whole-word merges for common words."""

from __future__ import annotations

from transformers import CLIPTokenizer

# Words that become one token each, so that ordinary prompts stay far below 77 tokens.
COMMON_WORDS = """a an the of on in at and with to from by for near under over behind next left right top
bottom front back photo picture image painting drawing view close up red blue green yellow orange purple pink
white black gray grey brown gold silver round square circle triangle small big large tall old new wooden glass
metal stone cat cats dog dogs bird car cars tree trees house man woman child bowl plate table cup glass apple
apples banana cake bread rice fried dumplings chopsticks knife fork spoon flower flowers hat tiger lion horse
cow sheep boat lake sea river desert forest mountain sky grass road street city beach snow water field garden
background sitting standing lying its is are two three""".split()


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible map from bytes to printable unicode symbols."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def build_byte_tokenizer(words: list[str] | None = None) -> CLIPTokenizer:
    """Vocab = 256 byte symbols, the same with </w>, one merge chain per common word, and the specials."""
    symbols = list(bytes_to_unicode().values())
    vocab: dict[str, int] = {}
    for s in symbols + [s + "</w>" for s in symbols]:
        vocab.setdefault(s, len(vocab))
    merges: list[tuple[str, str]] = []
    ranks: dict[tuple[str, str], int] = {}
    for word in sorted(set(words if words is not None else COMMON_WORDS)):
        # Glue what the merges so far leave of this word, left to right; later merges rank lower,
        # so words handled earlier keep tokenising to one token.
        pieces = _apply_bpe(list(word[:-1]) + [word[-1] + "</w>"], ranks)
        left = pieces[0]
        for right in pieces[1:]:
            merged = left + right
            vocab.setdefault(merged, len(vocab))
            ranks[(left, right)] = len(merges)
            merges.append((left, right))
            left = merged
    for special in ("<|startoftext|>", "<|endoftext|>"):
        vocab[special] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=merges, model_max_length=77)


def _apply_bpe(pieces: list[str], ranks: dict[tuple[str, str], int]) -> list[str]:
    """Byte-pair merging as the BPE model does it: repeatedly merge the best-ranked adjacent pair."""
    while len(pieces) > 1:
        best = min(range(len(pieces) - 1), key=lambda i: ranks.get((pieces[i], pieces[i + 1]), 1 << 30))
        if (pieces[best], pieces[best + 1]) not in ranks:
            break
        pieces = pieces[:best] + [pieces[best] + pieces[best + 1]] + pieces[best + 2:]
    return pieces
