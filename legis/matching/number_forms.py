"""Chinese numerals and Arabic digits to one form (三十日 = 30日, 一点五米 = 1点5米, 10:30 =
10时30分), on many comments joined into one string."""

from __future__ import annotations

import re

from legis.numerals import DIGITS, cn_to_int

_NUMERALS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_DECIMALS = "零〇○一二三四五六七八九"
# A lone numeral character is a number only before a measure word (三日, 两年, 第一):
# otherwise 一 is part of a word (统一, 一律, 进一步) and must stay as it is.
_MEASURES = frozenset("日天年月周个次元米层楼号户辆只条款项岁人时倍台座栋间名位家级类种处份批期公斤")
# A run of numeral characters, and its decimals. _cn_number leaves most lone numeral
# characters as they are (一 in 统一, 进一步), so the pattern lets through only the lone
# characters it may change (after 第, before a measure word or 点; see _measure_follows):
# the others cost no Python call. The runs found are the same, since a lone character
# is followed by no other numeral character. The conditions are look-arounds after the
# first character, so the pattern starts with a character set (searched for fast).
_LONE = "".join(ch for ch in _NUMERALS if ch in DIGITS or ch == "十")
_CN_RUN = re.compile(
    f"([{_NUMERALS}](?:[{_NUMERALS}]+|(?=点[{_DECIMALS}])|(?<=第.)(?<=[{_LONE}])"
    f"|(?<=[{_LONE}])(?=[{''.join(sorted(_MEASURES))}]|分[钟贝]|小时)"
    f"|(?<=[{_LONE.replace('一', '')}])(?=点)))"
    f"(?:点([{_DECIMALS}]+))?"
)
_NUMERAL_IDIOMS = frozenset({"千万", "万万", "万一", "一一", "三三两两", "七七八八", "一五一十"})
_AR_WAN = re.compile(r"(\d+(?:\.\d+)?)([万亿])")
# The "(?<=\d)" of these three is checked by _after_digit: a pattern that starts with a
# literal is searched for far faster than one that starts with a look-behind, and each
# match is one character, so turning one down never hides another.
_AR_DECIMAL = re.compile(r"\.(?=\d)")                    # (?<=\d)\.(?=\d)
_AR_THOUSANDS = re.compile(r",(?=\d{3}(?!\d))")          # (?<=\d),(?=\d{3}(?!\d))
_OCLOCK = re.compile(r"点(?!\d)")                         # (?<=\d)点(?!\d)
_PERCENT = re.compile(r"(\d+(?:点\d+)?)%")
# A fraction written with a slash (2/3) reads as 三分之二 does once numerals are digits.
_FRACTION = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
# 半个月 = 0.5个月 (半 before a measure of time or count).
_HALF = re.compile("(?<![\\d一二两三四五六七八九十])半(?=个|年|天|日|小时|月|斤|米)")
# 三分之二 = 3分之2 (百分之 is a percentage and stays as it is).
_CN_FRACTION = re.compile("(?<![百千万])([一二两三四五六七八九十]+)分之([一二两三四五六七八九十]+)")


def _cn_fraction(match: re.Match[str]) -> str:
    try:
        return f"{cn_to_int(match.group(1))}分之{cn_to_int(match.group(2))}"
    except ValueError:
        return match.group(0)
_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
# A colon before a digit (a pattern starting with a literal, searched for fast); whether a
# digit comes before it is checked per match (see _has_clock).
_COLON_DIGIT = re.compile(r":\d")

def _cn_number(match: re.Match[str]) -> str:
    whole = match.group(0)
    known = _READ.get(whole)
    if known is not None:
        return known
    run, decimals = match.group(1), match.group(2)
    if len(run) == 1 and decimals is None:
        if run not in DIGITS and run != "十":
            return whole     # a lone 百/千/万 is a word (老百姓, 万元户)
        text, start, end = match.string, match.start(), match.end()
        if text[start - 1:start] != "第" and not _measure_follows(text, end):
            return whole
        value = _LONE_READ.get(run)
        if value is None:
            value = _LONE_READ[run] = _read_numeral(run, None)
        return value
    # A longer run reads the same wherever it is: remembered (a bounded table).
    value = _read_numeral(run, decimals)
    if len(_READ) < 100_000:
        _READ[whole] = value
    return value


_READ: dict[str, str] = {}
_LONE_READ: dict[str, str] = {}     # a lone numeral character that is a number (三日)


def _read_numeral(run: str, decimals: str | None) -> str:
    if run in _NUMERAL_IDIOMS:
        return run + ("点" + decimals if decimals else "")
    try:
        value = str(cn_to_int(run))
    except ValueError:
        return run + ("点" + decimals if decimals else "")
    if decimals:
        value += "点" + "".join(str(DIGITS[ch]) for ch in decimals)
    return value


def _measure_follows(text: str, end: int) -> bool:
    nxt = text[end:end + 1]
    if nxt == "分":          # 三分钟, 六分贝 but not 十分 (very) or 三分之一
        return text[end + 1:end + 2] in ("钟", "贝")
    if nxt == "点":          # 十点 (o'clock) but not 一点 (a little)
        return text[end - 1:end] != "一"
    if nxt == "小":
        return text[end + 1:end + 2] == "时"
    return nxt in _MEASURES


def _ar_wan(match: re.Match[str]) -> str:
    number = float(match.group(1)) * (10_000 if match.group(2) == "万" else 100_000_000)
    return str(int(number)) if number.is_integer() else match.group(0)


def _clock(match: re.Match[str]) -> str:
    hours, minutes = match.groups()
    return f"{int(hours)}时" + ("" if minutes == "00" else f"{int(minutes)}分")


def _after_digit(replacement: str):
    def replace(match: re.Match[str]) -> str:
        start = match.start()
        return replacement if start and match.string[start - 1].isdecimal() else match.group()
    return replace


_DROP_AFTER_DIGIT = _after_digit("")
_POINT_AFTER_DIGIT = _after_digit("点")
_HOUR_AFTER_DIGIT = _after_digit("时")


def _has_clock(text: str) -> bool:
    """Whether a digit, a colon and a digit follow each other (10:30): only then is the
    clock pattern, which starts with a look-behind and is slow to search for, run."""
    return any(m.start() and text[m.start() - 1].isdecimal() for m in _COLON_DIGIT.finditer(text))


def numbers(text: str) -> str:
    """Chinese numerals and Arabic digits to one form: 三十日 = 30日, 一点五米 = 1.5米 = 1点5米.

    Passes that cannot match (no % in the text, no 万 or 亿 ...) are skipped: the text
    is usually many comments joined."""
    text = _AR_THOUSANDS.sub(_DROP_AFTER_DIGIT, text)
    if "半" in text:
        text = _HALF.sub("0点5", text)
    if "分之" in text:
        text = _CN_FRACTION.sub(_cn_fraction, text)
    if _has_clock(text):
        text = _CLOCK.sub(_clock, text)
    if "万" in text or "亿" in text:
        text = _AR_WAN.sub(_ar_wan, text)
    text = _CN_RUN.sub(_cn_number, text)
    text = _OCLOCK.sub(_HOUR_AFTER_DIGIT, text)     # 晚上十点 = 22时 = 22:00 reads one way
    text = _AR_DECIMAL.sub(_POINT_AFTER_DIGIT, text)
    if "%" in text:
        text = _PERCENT.sub(r"百分之\1", text)
    if "/" in text:
        text = _FRACTION.sub(r"\2分之\1", text)
    return text
