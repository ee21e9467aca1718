"""Candidate leaders for a comment: an inverted index of character bigrams over leader prefixes."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain
from math import ceil

# Each leader is indexed under the rarest PREFIX_FRACTION of its bigrams, and a comment
# probes with all of its bigrams. A leader sharing at least (1 - PREFIX_FRACTION) of its
# bigrams with the comment shares one of its prefix bigrams, so it is found (unless all of
# those are in over MAX_POSTING leaders' prefixes); and a common bigram (建议, 小区) is in
# few leaders' prefixes, so posting lists stay short as an article grows.
PREFIX_FRACTION = 0.6
# Candidates verified per comment, most shared bigrams first.
CANDIDATE_LIMIT = 8
# A candidate sharing fewer bigrams than this share of the shorter text is not verified:
# near duplicates share far more (no recall lost on the labelled or synthetic sets).
MIN_SHARED = 0.25
# Posting lists longer than this are not read (the bigram is common among leaders; the
# rarer bigrams of a true match are found through shorter lists).
MAX_POSTING = 256


def grams_of(flat: str) -> set[str]:
    """The character bigrams of a normalised comment (the character itself when it is one)."""
    if len(flat) < 2:
        return {flat} if flat else set()
    return {flat[i:i + 2] for i in range(len(flat) - 1)}


def document_frequency(gram_sets: Iterable[set[str]]) -> Counter[str]:
    """How many comments hold each bigram: what 'rare' means for the prefixes."""
    df: Counter[str] = Counter()
    for grams in gram_sets:
        df.update(grams)
    return df


class GramCoder:
    """Writes a bigram set as a sorted string of one character per bigram.

    Codes are handed out rarest bigram first, so a code string lists its bigrams from
    the rarest (the prefix the index wants) to the most common. And rapidfuzz compares
    the sets at C speed: the Indel distance of two sorted strings without repeats counts
    the bigrams they do not share, so fuzz.ratio of two codes is the Dice coefficient of
    the sets, whatever the order of the clauses.
    """

    _BASE = 0x10000          # above the surrogates; about a million codes
    _SIZE = 0x110000 - 0x10000

    def __init__(self, df: Mapping[str, int]):
        # By frequency, ties by the bigram itself (two plain sorts beat one on tuples).
        ordered = sorted(df)
        ordered.sort(key=df.__getitem__)
        # Past a million distinct bigrams codes repeat: two bigrams then count as one,
        # which makes a score a little generous, never an error.
        self._codes = {g: chr(self._BASE + i % self._SIZE) for i, g in enumerate(ordered)}

    def _new(self, gram: str) -> str:
        code = chr(self._BASE + len(self._codes) % self._SIZE)
        self._codes[gram] = code
        return code

    def code(self, grams: set[str]) -> str:
        codes = self._codes
        try:
            return "".join(sorted(map(codes.__getitem__, grams)))
        except KeyError:      # bigrams first seen after the coder was made (assign)
            return "".join(sorted(codes.get(g) or self._new(g) for g in grams))


class LeaderIndex:
    """Posting lists from bigram code to the leaders whose prefix holds it."""

    def __init__(self) -> None:
        self._postings: defaultdict[str, list[int]] = defaultdict(list)
        self._lengths: list[int] = []

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, code: str, length: int) -> int:
        """Index a new leader by its coded bigrams; returns its number (0, 1, ...)."""
        leader = len(self._lengths)
        self._lengths.append(length)
        postings = self._postings
        for gram in code[:max(1, ceil(len(code) * PREFIX_FRACTION))]:   # rarest first
            postings[gram].append(leader)
        return leader

    def candidates(self, code: str, length: int, min_length_ratio: float) -> list[int]:
        """Leaders sharing prefix bigrams with a comment, most shared first (ties: oldest)."""
        postings = self._postings
        # A bigram in very many leaders' prefixes says little and costs much: skip it.
        hits = Counter(chain.from_iterable(
            [p for p in map(postings.get, code) if p is not None and len(p) <= MAX_POSTING]))
        if not hits:
            return []
        lengths = self._lengths
        low, high = length * min_length_ratio, length / min_length_ratio
        fitting = [(-n, leader) for leader, n in hits.items() if low <= lengths[leader] <= high]
        return [leader for _, leader in heapq.nsmallest(CANDIDATE_LIMIT, fitting)]
