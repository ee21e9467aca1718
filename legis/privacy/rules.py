"""The word lists of the personal-data finder, read once from data/rules.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from legis.exporters.masking import COMPOUND_SURNAMES

DATA = Path(__file__).resolve().parent / "data" / "rules.toml"
DIGITS_CN = "0-9一二三四五六七八九十百零〇两"


def _alternation(words: list[str]) -> str:
    # Longest first, so 手机号码 wins over 手机.
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Rules:
    phone_label: re.Pattern
    id_label: re.Pattern
    bank_label: re.Pattern
    handle: re.Pattern
    building: re.Pattern
    lane: re.Pattern
    room: re.Pattern
    lived: re.Pattern
    address_label: re.Pattern
    name_intro: re.Pattern
    name_after_de: re.Pattern
    name_clause: re.Pattern
    not_name_endings: frozenset[str]
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    followers: tuple[str, ...]
    not_given: frozenset[str]
    not_names: tuple[str, ...]


@cache
def rules() -> Rules:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    # A label may be followed by a colon, 是/为 or spaces before the value.
    gap = r"[\s:：是为]{0,3}"
    label_end = rf"(?:{gap})$"
    # A building is numbered (3, 三) or lettered (A座).
    n = f"(?:[{DIGITS_CN}]+|[A-Za-z])"
    buildings = _alternation(data["building_suffixes"])
    pieces = _alternation(data["building_suffixes"] + data["unit_suffixes"])
    rooms = _alternation(data["room_suffixes"])
    lanes = _alternation(data["lane_suffixes"])
    rest = rf"(?:[\s\-—－]?[{DIGITS_CN}]+(?:{pieces})?)+"
    return Rules(
        phone_label=re.compile(rf"(?:{_alternation(data['phone_labels'])}){label_end}"),
        id_label=re.compile(rf"(?:{_alternation(data['id_labels'])}){label_end}"),
        bank_label=re.compile(rf"(?:{_alternation(data['bank_labels'])}){label_end}"),
        handle=re.compile(rf"(?:{_alternation(data['handle_labels'])}){gap}"
                          r"([A-Za-z][A-Za-z0-9_\-]{5,19}|\d{5,12})(?![A-Za-z0-9_])"),
        # 3号楼502 / 5栋2单元301室: the building is kept, the rest is the home.
        building=re.compile(rf"({n}(?:{buildings}))({rest})"),
        # 幸福路128弄5号301室 / 长江路12号301室: the lane or number is kept.
        lane=re.compile(rf"(\d+(?:{lanes}|号))((?:[\s\-—－]?\d+(?:{pieces})?)*[\s\-—－]?\d+(?:{rooms}))"),
        # 502室 on its own; 3-2-501 (building-unit-room) after 住/家住 or before 室.
        room=re.compile(rf"(?<![\d{DIGITS_CN}])()(\d{{3,4}}(?:{rooms})|\d{{1,3}}-\d{{1,2}}-\d{{3,4}}(?:{rooms}))"),
        lived=re.compile(r"(?:住|住在|家住)[^\d，。,；;\n]{0,12}?()(\d{1,3}-\d{1,2}-\d{3,4})(?!\d)"),
        # 住址：… — the whole clause after an address label.
        address_label=re.compile(rf"(?:{_alternation(data['address_labels'])})[：:]\s*()([^，。；;,\n]{{2,40}})"),
        name_intro=re.compile(rf"(?:{_alternation(data['name_intros'])})[\s:：]{{0,2}}"),
        name_after_de=re.compile(r"我是[^，。,；;！？!?\n]{0,30}?的"),
        # The whole 我是… clause, for a name closing it.
        name_clause=re.compile(r"我是([^，。,；;！？!?\n：:（(]{2,30})(?=[，。,；;！？!?\n（(]|$)"),
        not_name_endings=frozenset(data["not_name_endings"]),
        surnames=frozenset("".join(data["surnames"].split())),
        compound_surnames=COMPOUND_SURNAMES,
        followers=tuple(data["name_followers"]),
        not_given=frozenset(data["not_given_names"]),
        not_names=tuple(data["not_names"]),
    )
