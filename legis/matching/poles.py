"""Scales with two poles (data/poles.txt): a size or amount (极高 against 不足) and a
judgement (客观真实 against 刻板). Where two alike comments differ, one naming only the one
pole of a scale and the other only the other, they say opposite things, though no word of
one is the listed antonym of a word of the other."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from legis.matching.normalise import basic, load_lines
from legis.matching.wordsets import compile_words

_NONE = -1
# The reason of the judgement scale (a text judged good against one judged bad).
JUDGEMENT = "评价相反"


def _load() -> tuple[re.Pattern[str], dict[str, tuple[int, int]], list[str]]:
    side_of: dict[str, tuple[int, int]] = {}
    reasons: list[str] = []
    for line in load_lines("poles.txt"):
        reason, _, body = line.partition(":")
        sides = body.split("|")
        if reason.strip() == "-":
            for word in body.split():
                side_of[basic(word)] = (_NONE, 0)
            continue
        if len(sides) != 2 or not all(side.split() for side in sides):
            raise ValueError(f"poles.txt: expected '理由: words | words', got {line!r}")
        for side, words in enumerate(sides):
            for word in words.split():
                if basic(word) in side_of:
                    raise ValueError(f"poles.txt: {word!r} appears twice")
                side_of[basic(word)] = (len(reasons), side)
        reasons.append(reason.strip())
    return compile_words(sorted(side_of, key=lambda w: (-len(w), w))), side_of, reasons


_POLE, _SIDE_OF, _REASONS = _load()


@lru_cache(maxsize=1 << 16)
def _found(text: str) -> tuple[tuple[int, int, tuple[int, int]], ...]:
    # Read in the whole text, so a word the window cuts (小区 cut to 小) is still itself.
    return tuple((m.start(), m.end(), _SIDE_OF[m.group()]) for m in _POLE.finditer(text)
                 if _SIDE_OF[m.group()][0] != _NONE)


def shared_scales(a: str, b: str) -> bool:
    """Whether two texts both name a pole of one scale (anywhere)."""
    return not {key[0] for _, _, key in _found(a)}.isdisjoint(key[0] for _, _, key in _found(b))


def poles(text: str, left: int, right: int) -> Counter:
    """(scale, pole) of every pole word of a text that overlaps [left, right), words read
    longest first in the whole text."""
    return Counter(key for start, end, key in _found(text) if start < right and end > left)


def pole_reason(mine: Counter, theirs: Counter) -> str | None:
    """The reason when, on a scale, what one side names (``poles``) and the other does not
    is all at one pole and what the other names and the one does not is all at the other."""
    if mine == theirs:
        return None
    only_mine, only_theirs = mine - theirs, theirs - mine
    for scale in {s for s, _ in only_mine} & {s for s, _ in only_theirs}:
        sides_mine = {side for s, side in only_mine if s == scale}
        sides_theirs = {side for s, side in only_theirs if s == scale}
        if len(sides_mine) == len(sides_theirs) == 1 and sides_mine != sides_theirs \
                and not {side for s, side in mine if s == scale} & sides_theirs \
                and not {side for s, side in theirs if s == scale} & sides_mine:
            return _REASONS[scale]
    return None


def condemns(text: str) -> bool:
    """Whether a text names the bad pole of a judgement (错误, 大错特错, 荒谬 ...)."""
    return any(_REASONS[scale] == JUDGEMENT and side == 1 for _, _, (scale, side) in _found(text))
