"""Words and their parts of speech (jieba, with its bundled dictionary): which nouns a span
of a comment holds, for the contrast check's "a content word traded for another"."""

from __future__ import annotations

import logging
from functools import lru_cache

# Parts of speech read as nouns: what a comment is about (消防/卫生, 业主/街道, 北门/东门).
# Verbs, adjectives and adverbs are reworded all the time (出门/外出, 看不懂/理解不了);
# their opposites are axes (data/axes.txt).
_NOUNS = ("n", "s")


@lru_cache(maxsize=1)
def _cutter():
    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


@lru_cache(maxsize=65536)
def _tagged(text: str) -> tuple[tuple[int, int, str, bool], ...]:
    """(start, end, word, is a noun) of each word of a text."""
    out, at = [], 0
    for pair in _cutter().cut(text, HMM=False):
        word, flag = pair.word, pair.flag
        out.append((at, at + len(word), word, flag.startswith(_NOUNS) and len(word) > 1
                    or flag.startswith(_NOUNS) and "\u4e00" <= word <= "\u9fff"))
        at += len(word)
    return tuple(out)


def nouns(text: str) -> frozenset[str]:
    """The nouns of a text."""
    return frozenset(word for _, _, word, noun in _tagged(text) if noun)


def nouns_at(text: str, start: int, end: int) -> frozenset[str]:
    """The nouns of a text that overlap its span [start, end)."""
    if start == end:
        return frozenset()
    return frozenset(word for s, e, word, noun in _tagged(text) if noun and s < end and e > start)
