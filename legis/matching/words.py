"""Words and their parts of speech (rjieba: jieba's dictionary and tagger, compiled; the
project already uses it for draft addresses): which nouns a span of a comment holds, for
the contrast check's "a noun traded for another". Only a few characters around the span
are tagged."""

from __future__ import annotations

from functools import lru_cache

import rjieba

# Parts of speech read as nouns: what a comment is about (消防/卫生, 业主/街道, 北门/东门).
# Verbs, adjectives and adverbs are reworded all the time (出门/外出, 看不懂/理解不了);
# their opposites are axes (data/axes.txt).
_NOUNS = ("n", "s")
# Characters of text either side of a span segmented with it.
AROUND = 4


@lru_cache(maxsize=65536)
def _nouns_of(window: str, start: int, end: int) -> frozenset[str]:
    found, at = [], 0
    for word, tag in rjieba.tag(window):
        if at < end and at + len(word) > start and tag.startswith(_NOUNS):
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


def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """The words of a text in order with their rjieba tags (spaces are words of their own).

    Not cached: its one reader (lexicon.lexical_negations) is cached by the same text, so a
    cache here was never hit and held the words of every text read (a hot article's
    largest cache)."""
    return tuple(rjieba.tag(text))


# Parts of speech read as predicates (what a negation turns around): verbs, adjectives.
_PREDICATES = ("v", "a")


@lru_cache(maxsize=4096)
def predicates(clause: str) -> tuple[tuple[str, str | None], ...]:
    """The words of a clause in order, each with "p" when it is a predicate of two
    characters or more (a verb or an adjective), "v" when it is a one-character one,
    else None. Kept for a few thousand clauses only: lexicon._clause_polarities, its
    main reader, is cached by the same clause; the contrast check's readers of a clause
    one comment adds (contrast._added_against, _taken_before) are not."""
    return tuple((word, ("p" if len(word) >= 2 else "v") if tag.startswith(_PREDICATES) else None)
                 for word, tag in rjieba.tag(clause))


# A noun phrase names a party or a thing (卫生健康部门, 二楼以上住户): its last word is a
# noun, and no word of it is a pronoun, preposition, conjunction, particle, numeral or
# adverb (those make a clause of it: 我们小区有很多老年人).
_HEADS = ("n", "s", "j")
_NOT_IN_PHRASE = ("r", "p", "c", "u", "m", "d", "q", "y", "e")


@lru_cache(maxsize=65536)
def noun_phrase(text: str) -> bool:
    """Whether a short text is one noun phrase (as rjieba tags it)."""
    tags = [tag for _, tag in rjieba.tag(text)]
    return bool(tags) and tags[-1].startswith(_HEADS) and \
        not any(tag.startswith(_NOT_IN_PHRASE) for tag in tags)


# Parts of speech of proper names: a person (nr), a place (ns), a body (nt).
_NAMES = ("nr", "ns", "nt")


# Texts whose names and idioms are kept: whole comments are the keys, so a larger cache
# is the memory of a hot article (its 400k merge must stay under 1 GiB).
TEXTS_KEPT = 1 << 13


@lru_cache(maxsize=TEXTS_KEPT)
def names(text: str) -> frozenset[str]:
    """The proper names of a text (two characters or more) as rjieba tags them. The
    tagger reads some common words as names (养犬, 顾客): read only in a clause already
    known to say what a clause of the other comment says."""
    return frozenset(word for word, tag in rjieba.tag(text) if tag in _NAMES and len(word) >= 2)


@lru_cache(maxsize=TEXTS_KEPT)
def idioms(text: str) -> tuple[tuple[int, int, str], ...]:
    """The four-character idioms (成语, rjieba tag "i") of a text: (start, end, idiom)."""
    out, at = [], 0
    for word, tag in tagged(text):
        if tag == "i" and len(word) == 4:
            out.append((at, at + 4, word))
        at += len(word)
    return tuple(out)
