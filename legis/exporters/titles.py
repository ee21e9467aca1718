"""Titles broken over lines where a reader expects it, with lines of similar length."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "title_breaks.txt"
_OTHER_BREAK = 40
_INSIDE_BOOK_TITLE = 5   # added for a break inside 《…》: the draft's name is read whole
_EXTRA_LINE = 5          # one line more than the fewest, for a break a reader expects


@lru_cache(maxsize=1)
def break_rules() -> tuple[tuple[str, int, str], ...]:
    """(words, cost, "before" | "after") from data/title_breaks.txt."""
    rules = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, cost, where = line.split()
        if where not in ("before", "after"):
            raise ValueError(f"title_breaks.txt: {line!r}: expected before or after")
        rules.append((word, int(cost), where))
    return tuple(rules)


_NO_LINE_START = "》）」』，。、；：？！"
_NO_LINE_END = "《（「『"


def title_lines(text: str, width: int) -> list[str]:
    """``text`` in as few lines of at most ``width`` characters as possible, broken where
    a reader expects it and with lines of similar length (the last not the longest stub)."""
    text = " ".join(text.split())
    if len(text) <= width or width < 4:
        return [text]
    cost = [_OTHER_BREAK] * (len(text) + 1)          # cost of breaking before position i
    for word, penalty, where in break_rules():
        start = text.find(word)
        while start >= 0:
            at = start + len(word) if where == "after" else start
            cost[at] = min(cost[at], penalty)
            start = text.find(word, start + 1)
    depth = 0
    for i in range(1, len(text)):
        depth += (text[i - 1] == "《") - (text[i - 1] == "》")
        if depth > 0:
            cost[i] += _INSIDE_BOOK_TITLE
        if text[i] in _NO_LINE_START or text[i - 1] in _NO_LINE_END:
            cost[i] = 1000
    lines_needed = -(-len(text) // width)
    best: tuple[float, list[int]] | None = None

    def search(start: int, cuts: list[int], left: int, spent: float) -> None:
        """Cuts for the rest from ``start`` in ``left`` lines; ``spent`` is the cost so far
        (branches that cannot beat the best found, or cannot fit, are not followed)."""
        nonlocal best
        if len(text) - start > left * width or (best is not None and spent >= best[0]):
            return
        if left == 1:
            bounds = [0, *cuts, len(text)]
            lengths = [b - a for a, b in pairwise(bounds)]
            # Where a line breaks matters more than how even the lines are: 「…（草案）》」
            # over 「征求意见情况的报告」 is the form readers know, though uneven.
            score = spent + (max(lengths) - min(lengths)) * 0.2
            if best is None or score < best[0]:
                best = (score, list(cuts))
            return
        for cut in sorted(range(start + 1, min(start + width, len(text) - 1) + 1),
                          key=lambda c: cost[c]):
            search(cut, [*cuts, cut], left - 1, spent + cost[cut])

    # The fewest lines, or one more when that breaks where a reader expects it
    # (「东湖街道代表之家关于 / 《…（草案）》 / 征求意见情况的报告」 rather than a cut
    # inside the draft's name).
    for count in range(lines_needed, lines_needed + 3):
        search(0, [], count, 0 if best is None else _EXTRA_LINE * (count - lines_needed))
        if best is not None and count > lines_needed:
            break
    if best is None:
        return [text]
    bounds = [0, *best[1], len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]
