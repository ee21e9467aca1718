"""Bigram sets of normalised comments, coded as sorted strings of one character per bigram."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

import numpy as np

# Bigram codes are characters from CODE_BASE on (above the surrogates; about a million).
CODE_BASE = 0x10000
CODE_SPACE = 0x110000 - CODE_BASE


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

    ``coded_bigrams`` gives the same codes for a whole batch of texts at once (numpy);
    this class is for texts that arrive later (``assign``).
    """

    _BASE = CODE_BASE
    _SIZE = CODE_SPACE

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


def coded_bigrams(flats: Sequence[str]) -> list[str]:
    """The coded bigram sets (see GramCoder) of a batch of texts (see ``coded_arrays``)."""
    return coded_arrays(flats)[0]


def coded_arrays(flats: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The coded bigram sets (see GramCoder) of a batch of texts as strings, and as arrays
    (see ``coded_values``)."""
    values, bounds = coded_values(flats)
    if not len(values):
        return [""] * len(flats), values, bounds
    text = values.astype(np.uint32).tobytes().decode("utf-32-le")
    return [text[a:b] for a, b in pairwise(bounds.tolist())], values, bounds


def code_of(values: np.ndarray, bounds: np.ndarray, text: int) -> str:
    """The coded bigram set of one text of ``coded_values`` as a string (see GramCoder):
    made when it is needed, so a large batch need not hold every text's string."""
    return values[bounds[text]:bounds[text + 1]].astype(np.uint32).tobytes().decode("utf-32-le")


def coded_values(flats: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The coded bigram sets (see GramCoder) of a batch of texts, computed on arrays of
    code points instead of per text in Python.

    Characters get dense numbers in code point order, so a bigram is one number
    a * (C + 1) + b + 1 for C characters, ordered as the strings are; a one-character
    text's gram is the character alone (a * (C + 1)). Codes go to the bigrams rarest
    first, ties by the bigram; here "rare" counts occurrences in the batch rather than
    texts (the same but for a bigram repeated inside a text), which spares a sort.

    Returns the codes of all texts one after the other (int32) and where each text's
    codes start (n + 1 bounds).
    """
    n = len(flats)
    lengths = np.fromiter(map(len, flats), dtype=np.int64, count=n)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(n + 1, dtype=np.int64)
    # One article of 400,000 comments holds some 40 million characters: arrays of one
    # number per character are narrow where the numbers fit and dropped once read, so
    # the peak stays a few of them (it was over a dozen, 1.8 GB).
    points = np.frombuffer("".join(flats).encode("utf-32-le"), dtype=np.uint32)
    number = np.zeros(int(points.max()) + 1, dtype=np.int64)
    number[points] = 1
    width = int(number.sum()) + 1
    np.cumsum(number, out=number)
    narrow = np.int32 if width * width < 1 << 31 else np.int64
    # Each character's number looked up in a narrow table: no wide array per character.
    ids = (number - 1).astype(narrow)[points]
    del points, number
    ends = np.cumsum(lengths)
    # A bigram starts at every character but the last of its text.
    starts = np.ones(total, dtype=bool)
    starts[ends[lengths > 0] - 1] = False
    first: np.ndarray = np.flatnonzero(starts[:-1]).astype(
        np.int32 if total < 1 << 31 else np.int64)
    del starts
    # ids[first] * width + ids[first + 1] + 1 computed in place (int32 stays int32).
    keys = ids[first]
    keys *= width
    first += 1
    keys += ids[first]
    keys += 1
    del first
    owners = np.repeat(np.arange(n, dtype=np.int32), np.maximum(lengths - 1, 0))
    single = np.flatnonzero(lengths == 1)
    if len(single):
        keys = np.concatenate([keys, ids[ends[single] - 1] * width])
        owners = np.concatenate([owners, single.astype(np.int32)])
    del ids
    # Rank of each bigram by (occurrences, bigram).
    dense = width * width <= 4 * len(keys) + (1 << 20)
    if dense:
        # Few characters for the text: count in a table of all bigrams, no sort.
        table = np.bincount(keys, minlength=width * width)
        grams = np.flatnonzero(table)
        counts = table[grams]
    else:
        grams, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    # A stable counting sort (radix) when the counts fit 16 bits.
    kind = np.uint16 if counts.max() < 1 << 16 else np.int64
    rank = np.empty(len(grams), dtype=np.int64)
    rank[np.argsort(counts.astype(kind), kind="stable")] = np.arange(len(grams))
    # Each bigram's code, computed in place, before the wide array below is made (the
    # keys and the table are gone by then).
    rank %= CODE_SPACE
    rank += CODE_BASE
    if dense:
        table[grams] = rank
        code = table.astype(np.int32)[keys]
        del table
    else:
        code = rank.astype(np.int32)[inverse.reshape(-1)]
        del inverse
    del keys
    # By text, then code; a bigram repeated in a text once. (Equal keys are equal values,
    # so the sort need not be stable: numpy's default sort is twice as fast here.)
    ordered = owners.astype(np.int64)
    del owners
    ordered <<= 21
    ordered |= code
    del code
    ordered.sort()
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    ordered = ordered[keep]
    del keep
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(ordered >> 21, minlength=n), out=bounds[1:])
    # Codes are under 2 ** 21: half the bytes of the int64 keys.
    values = np.bitwise_and(ordered, (1 << 21) - 1, out=ordered).astype(np.int32)
    return values, bounds
