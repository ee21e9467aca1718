"""Find personal data residents type inside their comments, and mask it.

Pure functions: no web, no database. The word lists are data (data/rules.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legis.exporters.masking import mask_name
from legis.privacy.rules import Rules, rules

PHONE, ID_CARD, EMAIL, BANK, ADDRESS, NAME, HANDLE, NUMBER = (
    "电话", "身份证号", "邮箱", "银行卡号", "住址", "姓名", "社交账号", "证件或账户号码")
KINDS = (NAME, PHONE, ID_CARD, ADDRESS, EMAIL, BANK, HANDLE, NUMBER)

# Same-length folding, so positions found in the probe are positions in the text.
_FOLD = str.maketrans(
    "０１２３４５６７８９＠．－＋ＸｘＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＹＺ",
    "0123456789@.-+XxABCDEFGHIJKLMNOPQRSTUVWYZ")
SEP = r"[\s\-—–－‐]"
MOBILE = re.compile(rf"(?<![\d.])(?:(?:\+|00)?86{SEP}?)?(1[3-9]\d){SEP}?(\d{{4}}){SEP}?(\d{{4}})(?![\d.])")
ID18 = re.compile(r"(?<![\d.])(\d{6})\s?(\d{8})\s?(\d{3}[\dXx])(?![\dA-Za-z])")
LONG = re.compile(r"(?<![\d.])\d{4}(?:\s?\d{2,4}){2,5}(?![\d.])")
LANDLINE = re.compile(
    rf"(?<![\d.])[（(]?(0(?:10|2\d|[3-9]\d{{2}}))[)）]?{SEP}{{0,2}}([2-9]\d{{6,7}})(?:(?:转|{SEP})\d{{1,5}})?(?![\d.])")
LABELLED = re.compile(rf"(?<![\d.])\d(?:{SEP}?\d){{6,11}}(?![\d.])")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
NAME_BEFORE_PHONE = re.compile(
    r"([\u4e00-\u9fff]{2,4})(?=[\s:：,，（(]{0,2}(?:电话|手机|联系电话)?[\s:：]{0,2}(?:\+?86)?1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4})")
PHONE_AHEAD = re.compile(r"\+?\d[\d\-]{6,}")
# What a pattern cannot match without, looked for first: most comments hold no digit, and a
# scan for one character is a fraction of a scan with a pattern that may start anywhere.
# Every number pattern and every place pattern but the building's needs a digit; a name
# before a phone needs the phone (NAME_BEFORE_PHONE was half of a comment's labelling).
ANY_DIGIT = re.compile(r"\d")
MOBILE_AHEAD = re.compile(r"1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}")
NOT_IN_NAMES = set("的了是在和与等这那个我你他她们就也都要会能可应把被对从向为有无不")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: where it is in the text and what replaces it."""

    kind: str
    start: int
    end: int
    replacement: str


def id_check_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check digit of an 18-digit resident ID number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _keep_ends(digits: str, head: int, tail: int = 4) -> str:
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def _labelled(pattern: re.Pattern, probe: str, start: int) -> bool:
    return bool(pattern.search(probe[max(0, start - 12):start]))


def _numbers(probe: str, r: Rules) -> list[Finding]:
    found: list[Finding] = []
    for m in ID18.finditer(probe):
        number = "".join(m.groups())
        plausible = number[6:8] in ("19", "20") and "01" <= number[10:12] <= "12"
        if id_check_ok(number) or (plausible and _labelled(r.id_label, probe, m.start())):
            found.append(Finding(ID_CARD, m.start(), m.end(), _keep_ends(number, 4)))
    for m in MOBILE.finditer(probe):
        digits = "".join(m.groups())
        found.append(Finding(PHONE, m.start(), m.end(), _keep_ends(digits, 3)))
    for m in LONG.finditer(probe):
        digits = re.sub(r"\s", "", m.group())
        if 16 <= len(digits) <= 19 and (luhn_ok(digits) or _labelled(r.bank_label, probe, m.start())):
            found.append(Finding(BANK, m.start(), m.end(), _keep_ends(digits, 4)))
        elif len(digits) >= 15:
            # No comment on a regulation needs a number this long: it is someone's.
            found.append(Finding(NUMBER, m.start(), m.end(), _keep_ends(digits, 0)))
    for m in LANDLINE.finditer(probe):
        area, local = m.group(1), m.group(2)
        found.append(Finding(PHONE, m.start(), m.end(), f"{area}-{_keep_ends(local, 0)}"))
    for m in LABELLED.finditer(probe):
        if _labelled(r.phone_label, probe, m.start()):
            digits = re.sub(r"\D", "", m.group())
            found.append(Finding(PHONE, m.start(), m.end(), _keep_ends(digits, 0)))
    return found


def _names(text: str, r: Rules, digits: bool) -> list[Finding]:
    found: list[Finding] = []
    starts = [m.end() for m in r.name_intro.finditer(text)]
    if "我是" in text:   # both patterns start with it
        starts += [m.end() for m in r.name_after_de.finditer(text)]
        # 我是退休职工刘建华，: the last two or three characters of the clause.
        for m in r.name_clause.finditer(text):
            if m.group(1)[-1] in r.not_name_endings:
                continue
            starts += [m.end(1) - 3, m.end(1) - 2]
    for start in starts:
        name = _name_at(text, start, r)
        if name:
            found.append(Finding(NAME, start, start + len(name), mask_name(name)))
    # 王秀兰 13812345678 / 王秀兰（电话…）: a name right before a phone number.
    phones = digits and MOBILE_AHEAD.search(text) is not None
    for m in NAME_BEFORE_PHONE.finditer(text) if phones else ():
        for start in (m.start(1), m.start(1) + 1):
            name = _name_at(text, start, r)
            if name and start + len(name) == m.end(1):
                found.append(Finding(NAME, start, m.end(1), mask_name(name)))
                break
    # The same name again elsewhere in the text ("王秀兰反映…").
    for name in {text[f.start:f.end] for f in found}:
        for m in re.finditer(re.escape(name), text):
            found.append(Finding(NAME, m.start(), m.end(), mask_name(name)))
    return found


def _name_at(text: str, start: int, r: Rules) -> str | None:
    """A surname and one or two given characters at ``start``, ended by punctuation or a known word."""
    if any(text.startswith(word, start) for word in r.not_names):
        return None
    surname_length = 2 if text[start:start + 2] in r.compound_surnames else 1
    if surname_length == 1 and text[start:start + 1] not in r.surnames:
        return None
    for given in (2, 1):
        end = start + surname_length + given
        part = text[start + surname_length:end]
        if len(part) < given or not all("\u4e00" <= ch <= "\u9fff" for ch in part):
            continue
        if part in r.not_given or part[0] in r.not_given or set(part) & NOT_IN_NAMES:
            continue
        # A number right after the name is its phone: 联系人王秀兰13812345678.
        if end == len(text) or text.startswith(r.followers, end) or PHONE_AHEAD.match(text, end):
            return text[start:end]
    return None


def _places(text: str, r: Rules, digits: bool) -> list[Finding]:
    found = []
    patterns = (r.building, r.lane, r.room, r.lived, r.address_label) if digits else (
        r.building, r.address_label)
    for pattern in patterns:
        for m in pattern.finditer(text):
            found.append(Finding(ADDRESS, m.start(2), m.end(2), "***"))
    return found


def find(text: str) -> list[Finding]:
    """Every piece of personal data in ``text``, in order, without overlaps."""
    if not text:
        return []
    r = rules()
    probe = text.translate(_FOLD)
    # Folding maps digits to digits only: the text has one where the probe has.
    digits = ANY_DIGIT.search(probe) is not None
    candidates = [Finding(EMAIL, m.start(), m.end(), f"{m.group()[0]}***@{m.group().split('@', 1)[1]}")
                  for m in EMAIL_RE.finditer(probe)] if "@" in probe else []
    candidates += [Finding(HANDLE, m.start(1), m.end(1), "***") for m in r.handle.finditer(probe)]
    if digits:
        candidates += _numbers(probe, r)
    candidates += _places(probe, r, digits)
    # Names are read in the probe too: a phone written in full-width digits (王秀兰１３８…)
    # still marks the name before it; folding leaves Chinese characters where they are.
    candidates += _names(probe, r, digits)
    chosen: list[Finding] = []
    taken: list[tuple[int, int]] = []
    # Earlier rules win an overlap (an ID number is not also a phone number).
    for finding in candidates:
        if finding.end > finding.start and all(
                finding.end <= a or finding.start >= b for a, b in taken):
            chosen.append(finding)
            taken.append((finding.start, finding.end))
    return sorted(chosen, key=lambda f: f.start)


def mask(text: str) -> str:
    """``text`` with every piece of personal data replaced: 电话138****5678, 王某, 3号楼***."""
    findings = find(text)
    if not findings:
        return text
    out, at = [], 0
    for f in findings:
        out.append(text[at:f.start])
        out.append(f.replacement)
        at = f.end
    out.append(text[at:])
    return "".join(out)


def kinds(text: str) -> list[str]:
    """The kinds of personal data in ``text``, in a fixed order (empty when there is none)."""
    present = {f.kind for f in find(text)}
    return [k for k in KINDS if k in present]


def label(text: str) -> str:
    """What a comment stores: the kinds joined (姓名、电话), "" when the text holds none."""
    return "、".join(kinds(text))


def public_text(text: str, flagged: str | None = None) -> str:
    """The text as the public and masked exports see it; ``flagged`` "" skips a text already scanned clean."""
    return text if flagged == "" else mask(text)
