"""One form for what residents write in many: the text a comment is compared by."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import opencc

from legis.numerals import DIGITS, cn_to_int

DATA_DIR = Path(__file__).parent / "data"

# OpenCC's "t2s" profile converts by phrase, then by character, from its own
# maintained dictionaries (see README-converter.md for why this package).
_T2S = opencc.OpenCC("t2s")

_CN_RUN = re.compile(
    "([零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]+)"
    "(?:点([零〇○一二三四五六七八九]+))?"
)
# A lone numeral character is a number only before a measure word (三日, 两年, 第一):
# otherwise 一 is part of a word (统一, 一律, 进一步) and must stay as it is.
_MEASURES = frozenset("日天年月周个次元米层楼号户辆只条款项岁人时倍台座栋间名位家级类种处份批期公斤")
_NUMERAL_IDIOMS = frozenset({"千万", "万万", "万一", "一一", "三三两两", "七七八八", "一五一十"})
_AR_WAN = re.compile(r"(\d+(?:\.\d+)?)([万亿])")
_AR_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_AR_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT = re.compile(r"(\d+(?:点\d+)?)%")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
_OCLOCK = re.compile(r"(?<=\d)点(?!\d)")
_SPLIT = re.compile(r"[\W_]+")
_SPACE = re.compile(r"\s+")
NUMBER = re.compile(r"\d+(?:点\d+)?")


def load_lines(name: str) -> list[str]:
    lines = []
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _load_folds() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in load_lines("folds.txt"):
        source, target = line.split()
        table[ord(source)] = target
    return table


_FOLDS = _load_folds()


def _cn_number(match: re.Match[str]) -> str:
    run, decimals = match.group(1), match.group(2)
    text, start, end = match.string, match.start(), match.end()
    if run in _NUMERAL_IDIOMS:
        return match.group(0)
    if len(run) == 1 and decimals is None:
        if run not in DIGITS and run != "十":
            return match.group(0)     # a lone 百/千/万 is a word (老百姓, 万元户)
        if text[start - 1:start] != "第" and not _measure_follows(text, end):
            return match.group(0)
    try:
        value = str(cn_to_int(run))
    except ValueError:
        return match.group(0)
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


def _numbers(text: str) -> str:
    """Chinese numerals and Arabic digits to one form: 三十日 = 30日, 一点五米 = 1.5米 = 1点5米."""
    text = _AR_THOUSANDS.sub("", text)
    text = _CLOCK.sub(_clock, text)
    text = _AR_WAN.sub(_ar_wan, text)
    text = _CN_RUN.sub(_cn_number, text)
    text = _OCLOCK.sub("时", text)          # 晚上十点 = 22时 = 22:00 reads one way
    text = _AR_DECIMAL.sub("点", text)
    return _PERCENT.sub(r"百分之\1", text)


def _basic_many(texts: Sequence[str]) -> list[str]:
    """NFKC, traditional to simplified, lower case, numbers and folds, for many texts at once."""
    # NFKC first: it turns full-width forms into the ones OpenCC's dictionaries hold.
    # One OpenCC call per batch: a call costs far more than the characters it converts.
    # White space goes first: residents type spaces anywhere (三 十 日, 建 议), so a space
    # is never a clause boundary. NFKC has already made U+3000 a plain space.
    flat = [_SPACE.sub("", unicodedata.normalize("NFKC", t)) for t in texts]
    out: list[str] = []
    step = 20_000
    for i in range(0, len(flat), step):
        converted = _T2S.convert("\n".join(flat[i:i + step])).split("\n")
        if len(converted) != len(flat[i:i + step]):     # never seen; stay correct if it happens
            converted = [_T2S.convert(t) for t in flat[i:i + step]]
        out.extend(converted)
    return [_numbers(t.lower()).translate(_FOLDS) for t in out]


def _wrapper_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = sorted({"".join(_SPLIT.split(_basic_many([w])[0])) for w in load_lines("wrappers.txt")},
                   key=lambda w: (-len(w), w))
    alternation = "|".join(re.escape(w) for w in words if w)
    reversed_alternation = "|".join(re.escape(w[::-1]) for w in words if w)
    # Suffixes are matched at the start of the reversed clause: an anchored match
    # is cheap, a search for "(...)+$" is not.
    return re.compile(f"(?:{alternation})+"), re.compile(f"(?:{reversed_alternation})+")


_PREFIX, _SUFFIX_REVERSED = _wrapper_patterns()


def _strip_wrappers(clause: str) -> str:
    m = _PREFIX.match(clause)
    if m:
        clause = clause[m.end():]
    if clause:
        reversed_clause = clause[::-1]
        m = _SUFFIX_REVERSED.match(reversed_clause)
        if m:
            clause = reversed_clause[m.end():][::-1]
    return clause


def _clauses(basic: str) -> list[str]:
    parts = [p for p in _SPLIT.split(basic) if p]
    kept = [c for c in map(_strip_wrappers, parts) if c]
    # A comment made only of wrappers ("谢谢！") keeps its words: it is still what was said.
    return kept or parts


def spaced_many(texts: Sequence[str]) -> list[str]:
    """Normalised texts with their clauses separated by one space (the form the matcher uses)."""
    return [" ".join(_clauses(b)) for b in _basic_many(texts)]


def normalise(text: str) -> str:
    """The comparison form of a comment: NFKC, simplified characters, one form of numbers,
    的/地/得 folded, no punctuation or white space, and no wrappers (我建议：, 谢谢！)."""
    return "".join(_clauses(_basic_many([text])[0]))


def normalise_many(texts: Iterable[str]) -> list[str]:
    """``normalise`` over many texts, converting characters in batches (much faster)."""
    return [s.replace(" ", "") for s in spaced_many(list(texts))]


def basic(text: str) -> str:
    """``normalise`` without splitting or stripping wrappers: for data words."""
    return "".join(_SPLIT.split(_basic_many([text])[0]))
