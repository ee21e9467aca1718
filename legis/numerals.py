"""Chinese numerals <-> integers, as used in article labels (第一千二百六十条) and in comments (三十日)."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
          "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
          "貳": 2, "參": 3, "陸": 6, "兩": 2}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
NUMERAL_CHARS = frozenset(DIGITS) | frozenset(UNITS) | frozenset(BIG_UNITS)

_CN_DIGITS = "零一二三四五六七八九"


def cn_to_int(text: str) -> int:
    """Value of a Chinese numeral such as 十二, 一百零五, 一千二百六十 or 二〇二四.

    Arabic digits (full- or half-width) are accepted too. Raises ValueError when
    ``text`` is not a numeral.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    ascii_text = text.translate(_FULLWIDTH_DIGITS)
    if ascii_text.isdigit():
        return int(ascii_text)
    if any(ch not in NUMERAL_CHARS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    # A run of plain digits with no units (二〇二四) reads digit by digit.
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = 0      # value of completed 万/亿 sections
    section = 0    # value inside the current section
    digit = None   # pending digit waiting for its unit
    for ch in text:
        if ch in DIGITS:
            # 零 only holds a place (一千零五); it must not swallow a following
            # unit, or 一千零十 would read as 1000 instead of 1010.
            digit = DIGITS[ch] or None
        elif ch in UNITS:
            # 十 at the start means 一十 (十二 = 12).
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            section += digit or 0
            if BIG_UNITS[ch] == 100_000_000:   # 亿 scales everything before it
                total = (total + section) * 100_000_000
            else:
                total += section * BIG_UNITS[ch]
            section = 0
            digit = None
    return total + section + (digit or 0)


def int_to_cn(number: int) -> str:
    """The Chinese numeral for 0 <= number < 100,000,000 as printed in labels (十二, 一百零五)."""
    if number < 0 or number >= 100_000_000:
        raise ValueError("out of range")
    if number == 0:
        return "零"
    if number >= 10_000:
        high, low = divmod(number, 10_000)
        tail = _below_10000(low, leading=False) if low else ""
        if low and low < 1000:
            tail = "零" + tail
        return _below_10000(high, leading=True) + "万" + tail
    return _below_10000(number, leading=True)


def _below_10000(number: int, *, leading: bool) -> str:
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, number = divmod(number, unit_value)
        if d == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        # 十二 rather than 一十二 at the very start of a number.
        if not (leading and not parts and unit == "十" and d == 1):
            parts.append(_CN_DIGITS[d])
        parts.append(unit)
    return "".join(parts)


def article_label(number: int, sub: int = 0) -> str:
    """The printed label of an article: 第十二条, 第十条之一."""
    label = f"第{int_to_cn(number)}条"
    if sub:
        label += f"之{int_to_cn(sub)}"
    return label


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
