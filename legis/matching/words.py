"""Words and their parts of speech (jieba, with its bundled dictionary and tag table):
which nouns a span of a comment holds, for the contrast check's "a noun traded for
another". Only a few characters around the span are segmented: it is fast enough to do
for each pair that gets that far."""

from __future__ import annotations

import logging
from functools import lru_cache

# Parts of speech read as nouns: what a comment is about (消防/卫生, 业主/街道, 北门/东门).
# Verbs, adjectives and adverbs are reworded all the time (出门/外出, 看不懂/理解不了);
# their opposites are axes (data/axes.txt).
_NOUNS = ("n", "s")
# Characters of text either side of a span segmented with it.
AROUND = 4


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    import jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    return jieba.dt, jieba.posseg.dt.word_tag_tab


@lru_cache(maxsize=65536)
def _nouns_of(window: str, start: int, end: int) -> frozenset[str]:
    tokenizer, tags = _jieba()
    found, at = [], 0
    for word in tokenizer.lcut(window, HMM=False):
        if at < end and at + len(word) > start and tags.get(word, "x").startswith(_NOUNS):
            found.append(word)
        at += len(word)
    return frozenset(found)


def nouns_at(text: str, start: int, end: int) -> frozenset[str]:
    """The nouns of a text that overlap its span [start, end) (the words found by
    segmenting the span with AROUND characters either side)."""
    if start == end:
        return frozenset()
    left = max(0, start - AROUND)
    return _nouns_of(text[left:end + AROUND], start - left, end - left)
