"""Word automatic numbering (第%1条, （%1）) turned back into the printed labels."""

from __future__ import annotations

from docx.oxml.ns import qn

from legis.numerals import int_to_cn

_W = {name: qn(f"w:{name}") for name in (
    "abstractNum", "abstractNumId", "num", "numId", "lvl", "ilvl", "numFmt", "lvlText",
    "start", "suff", "lvlOverride", "startOverride", "pPr", "numPr", "style", "styleId",
    "val",
)}
_CHINESE = {"chineseCounting", "chineseCountingThousand", "ideographTraditional",
            "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand"}


def _int(element, default: int = 0) -> int:
    try:
        return int(element.get(_W["val"]))
    except (AttributeError, TypeError, ValueError):
        return default


class ListNumbering:
    """Counts numbered paragraphs in document order and renders their labels."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self.nums: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.seen_nums: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for abstract in root.iterchildren(_W["abstractNum"]):
            levels = {}
            for lvl in abstract.iterchildren(_W["lvl"]):
                fmt = lvl.find(_W["numFmt"])
                text = lvl.find(_W["lvlText"])
                suff = lvl.find(_W["suff"])
                levels[int(lvl.get(_W["ilvl"], "0"))] = (
                    fmt.get(_W["val"], "decimal") if fmt is not None else "decimal",
                    text.get(_W["val"], "") if text is not None else "",
                    _int(lvl.find(_W["start"]), 1),
                    suff.get(_W["val"], "tab") if suff is not None else "tab",
                )
            self.levels[abstract.get(_W["abstractNumId"])] = levels
        for num in root.iterchildren(_W["num"]):
            num_id = num.get(_W["numId"])
            self.nums[num_id] = num.find(_W["abstractNumId"]).get(_W["val"]) \
                if num.find(_W["abstractNumId"]) is not None else ""
            for override in num.iterchildren(_W["lvlOverride"]):
                start = override.find(_W["startOverride"])
                if start is not None:
                    self.overrides.setdefault(num_id, {})[
                        int(override.get(_W["ilvl"], "0"))] = _int(start, 1)
        for style in document.styles.element.iterchildren(_W["style"]):
            ppr = style.find(_W["pPr"])
            num_pr = ppr.find(_W["numPr"]) if ppr is not None else None
            if num_pr is not None and num_pr.find(_W["numId"]) is not None:
                self.style_num[style.get(_W["styleId"], "")] = (
                    num_pr.find(_W["numId"]).get(_W["val"]), _int(num_pr.find(_W["ilvl"])))

    def label(self, ppr, style_id: str | None) -> str:
        """The label Word shows before this paragraph ("第一条　"), or ""."""
        if not self.nums:
            return ""
        num_id, ilvl = None, 0
        num_pr = ppr.find(_W["numPr"]) if ppr is not None else None
        if num_pr is not None and num_pr.find(_W["numId"]) is not None:
            num_id = num_pr.find(_W["numId"]).get(_W["val"])
            ilvl = _int(num_pr.find(_W["ilvl"]))
        elif style_id in self.style_num:
            num_id, ilvl = self.style_num[style_id]
        abstract = self.nums.get(num_id or "")
        levels = self.levels.get(abstract or "")
        if not levels or ilvl not in levels:
            return ""
        fmt, text, start, suff = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""
        counters = self.counters.setdefault(abstract or "", {})
        if (num_id or "") not in self.seen_nums:
            self.seen_nums.add(num_id or "")
            for level, value in self.overrides.get(num_id or "", {}).items():
                counters[level] = value - 1
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        for level in range(9):
            if f"%{level + 1}" in text:
                value = counters.get(level, levels.get(level, ("", "", 1, ""))[2])
                level_fmt = levels.get(level, (fmt,))[0]
                text = text.replace(f"%{level + 1}", _format(value, level_fmt))
        return text + {"space": " ", "nothing": ""}.get(suff, "\u3000")


def _format(value: int, fmt: str) -> str:
    if fmt in _CHINESE:
        return int_to_cn(value)
    if fmt == "decimalFullWidth":
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return str(value)
