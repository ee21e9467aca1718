"""Warnings for article numbering problems: gaps, repeats, numbers out of order."""

from __future__ import annotations

from legis.numerals import article_label


def _label(key: tuple[int, int]) -> str:
    return article_label(*key)


def _span(keys: list[tuple[int, int]]) -> str:
    if len(keys) == 1:
        return _label(keys[0])
    if len(keys) == 2:
        return f"{_label(keys[0])}、{_label(keys[1])}"
    return f"{_label(keys[0])}至{_label(keys[-1])}"


def numbering_warnings(keys: list[tuple[int, int]]) -> list[str]:
    """Report, never fix, numbering problems in a sequence of (number, sub) article keys.

    Each article is compared with the highest key seen so far, so one stray
    number produces one warning rather than a cascade.
    """
    warnings: list[str] = []
    seen: set[tuple[int, int]] = set()
    last: tuple[int, int] | None = None
    for key in keys:
        if last is None:
            seen.add(key)
            last = key
            continue
        if key in seen:
            warnings.append(f"{_label(key)}重复出现（出现在{_label(last)}之后）")
            continue
        seen.add(key)
        if key < last:
            warnings.append(f"{_label(last)}之后是{_label(key)}，条文序号顺序颠倒")
            continue
        number, sub = key
        last_number, last_sub = last
        missing: list[tuple[int, int]] = []
        if sub == 0:
            missing = [(n, 0) for n in range(last_number + 1, number)]
        elif number == last_number:
            missing = [(number, s) for s in range(last_sub + 1, sub)]
        else:
            missing = [(n, 0) for n in range(last_number + 1, number + 1)]
            missing += [(number, s) for s in range(1, sub)]
        if missing:
            warnings.append(f"{_label(last)}之后是{_label(key)}，缺少{_span(missing)}")
        last = key
    return warnings
