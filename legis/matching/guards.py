"""Guards: two alike comments that differ in a number or a direction are different opinions."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from legis.matching.normalise import NUMBER, basic, load_lines

_EMPTY: frozenset = frozenset()


def _load_axes() -> tuple[re.Pattern[str], dict[str, tuple[int, int]]]:
    side_of: dict[str, tuple[int, int]] = {}
    for axis, line in enumerate(load_lines("directions.txt")):
        sides = line.split("|")
        if len(sides) < 2:
            raise ValueError(f"directions.txt: expected 'words | words', got {line!r}")
        for side, words in enumerate(sides):
            for word in words.split():
                word = basic(word)
                if word in side_of:
                    raise ValueError(f"directions.txt: {word!r} appears twice")
                side_of[word] = (axis, side)
    # Longest first, so 不予以 is read as itself and not as 予以.
    alternation = "|".join(re.escape(w) for w in sorted(side_of, key=lambda w: (-len(w), w)))
    return re.compile(alternation), side_of


_DIRECTION, _SIDE_OF = _load_axes()


def numbers_of(spaced: str) -> frozenset[str]:
    """The numbers a normalised comment names (clauses kept apart so 至30 | 5号楼 stay two)."""
    found = NUMBER.findall(spaced)
    return frozenset(found) if found else _EMPTY


def directions_of(spaced: str) -> frozenset[tuple[int, int]]:
    """(axis, side) for every direction word in a normalised comment."""
    found = _DIRECTION.findall(spaced)
    return frozenset(_SIDE_OF[w] for w in found) if found else _EMPTY


# What may start a number (a digit) or a direction word (its first two characters; every
# direction word has two or more): a text holding none of these names neither.
_BMP = "".join(map(chr, range(0x10000)))
_DIGIT = np.zeros(0x10000, dtype=bool)
_DIGIT[[ord(ch) for ch in re.findall(r"\d", _BMP)]] = True
del _BMP
_FIRST = np.zeros(0x10000, dtype=bool)
_FIRST[[ord(w[0]) for w in _SIDE_OF]] = True
_STARTS = np.unique([ord(w[0]) << 21 | ord(w[1]) for w in _SIDE_OF])
if min(map(len, _SIDE_OF)) < 2:
    raise ValueError("directions.txt: a direction word has one character")


def features_many(spaced: Sequence[str]) -> list[tuple[frozenset, frozenset]]:
    """(numbers_of(s), directions_of(s)) for many texts. Most texts name no number and no
    direction: the texts holding a digit or the first two characters of a direction word
    (a pair may straddle two texts: that only costs a search) are found for all at once on
    code point arrays, and only they are searched."""
    out: list[tuple[frozenset, frozenset]] = [(_EMPTY, _EMPTY)] * len(spaced)
    if not spaced:
        return out
    lengths = np.fromiter(map(len, spaced), dtype=np.int64, count=len(spaced))
    points = np.frombuffer("".join(spaced).encode("utf-32-le", "surrogatepass"),
                           dtype=np.uint32)
    bmp = np.minimum(points, 0xFFFF)
    first = np.flatnonzero(_FIRST[bmp[:-1]])
    pairs = (points[first].astype(np.int64) << 21) | points[first + 1]
    at = np.minimum(np.searchsorted(_STARTS, pairs), len(_STARTS) - 1)
    marked = np.concatenate([np.flatnonzero(_DIGIT[bmp] | (points > 0xFFFF)),
                             first[_STARTS[at] == pairs]])
    if len(marked):
        owners = np.searchsorted(np.cumsum(lengths), marked, side="right")
        for n in np.unique(owners).tolist():
            text = spaced[n]
            out[n] = (numbers_of(text), directions_of(text))
    return out


def _nested(a: frozenset, b: frozenset) -> bool:
    # One side may add to the other (a template plus "我家住3号楼"), but if each names
    # something the other does not (30日 vs 60日), they say different things.
    return a <= b or b <= a


def compatible(numbers_a: frozenset, directions_a: frozenset,
               numbers_b: frozenset, directions_b: frozenset) -> bool:
    """False when two comments differ in a number or take opposite directions on an axis."""
    if numbers_a is not numbers_b and not _nested(numbers_a, numbers_b):
        return False
    if directions_a is directions_b or not directions_a or not directions_b:
        return True
    axes_a = {axis for axis, _ in directions_a}
    for axis in axes_a.intersection(axis for axis, _ in directions_b):
        sides_a = {side for ax, side in directions_a if ax == axis}
        sides_b = {side for ax, side in directions_b if ax == axis}
        if not (sides_a <= sides_b or sides_b <= sides_a):
            return False
    return True
