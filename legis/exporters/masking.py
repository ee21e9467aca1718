"""Masking of residents' personal data (PIPL): one implementation for every export and the web."""

from __future__ import annotations

import re

_DIGIT = re.compile(r"[0-9]")

# Two-character surnames; a name starting with one keeps both characters (欧阳某).
COMPOUND_SURNAMES = frozenset(
    ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "呼延", "万俟", "闻人", "澹台", "公冶", "申屠", "太史", "钟离", "赫连", "百里", "第五", "拓跋", "完颜"]
)
# What residents type when they do not want to give a name; nothing to mask.
_NOT_A_NAME = frozenset({"匿名", "无", "不留名", "-", "—", "/"})


def mask_phone(phone: str | None) -> str | None:
    """Hide the middle of a phone number: ``13812345678`` -> ``138****5678``.

    Only the digits are kept in the result (spaces, dashes and a leading +86/86
    country code are dropped). Numbers of 11 or more digits keep the first three
    and last four; shorter ones keep only the last four (or two); text without
    digits is replaced entirely, because it may still identify someone.
    """
    if phone is None:
        return None
    if len(phone) == 11 and phone.isascii() and phone.isdigit():
        # The usual case (a mobile number typed as digits), the same result as below.
        return phone[:3] + "****" + phone[7:]
    text = phone.strip()
    if not text:
        return ""
    digits = "".join(_DIGIT.findall(text))
    if text.startswith("+86") or (len(digits) == 13 and digits.startswith("86")):
        digits = digits[2:]
    n = len(digits)
    if n == 0:
        return "****"
    if n >= 11:
        return digits[:3] + "*" * (n - 7) + digits[-4:]
    keep = 4 if n >= 7 else min(2, n - 1)
    return "*" * (n - keep) + digits[n - keep:]


def mask_name(name: str | None) -> str | None:
    """Keep the surname only: ``王小明`` -> ``王某``, ``欧阳娜娜`` -> ``欧阳某``.

    Non-Chinese names keep their first letter (``John Smith`` -> ``J***``);
    placeholders such as 匿名 are returned unchanged.
    """
    if name is None:
        return None
    text = name.strip()
    if not text or text in _NOT_A_NAME:
        return text
    if not _is_cjk(text[0]):
        return text[0] + "***"
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        return text[:2] + "某"
    return text[0] + "某"


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"

