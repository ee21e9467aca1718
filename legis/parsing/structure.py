"""Lines -> ParsedDraft: title, notice, 目录, preamble, 编/分编/章/节 headings, 条 with 款/项/目."""

from __future__ import annotations

import re
from typing import Any

from legis.errors import DraftParseError
from legis.numerals import cn_to_int
from legis.parsing.chinese import compact, key, to_simplified
from legis.parsing.frontmatter import find_title, split_stage, toc_range
from legis.parsing.model import (
    Line,
    ParsedArticle,
    ParsedDraft,
    ParsedHeading,
    heading_string,
)
from legis.parsing.numbering import numbering_warnings

_NUM = "零〇○Ｏ一二两兩三四五六七八九十百千0-9０-９"
_ARTICLE = re.compile(rf"第\s*([{_NUM}]+)\s*[条條](?:\s*之\s*([{_NUM}]+))?")
_HEADING = re.compile(rf"第\s*([{_NUM}]+)\s*(分编|分編|编|編|章|节|節)")
_SECTION = re.compile(r"([一二三四五六七八九十百]+)、\s*(.+)")
_CAPTION = re.compile(r"(?:（([^（）]{1,30})）|\(([^()]{1,30})\)|〖([^〖〗]{1,30})〗|【([^【】]{1,30})】)")
# What follows a label that is only mentioned, not printed as a label:
# 第十二条规定的…, 第三条第二款, 第五条、第六条, 第八条修改为…
_MENTION_FOLLOW = set("规第的所中、，。；：和与及或至到款项以有也对未修改增删作即之等所列")
_APPENDIX = re.compile(r"附[件表录錄][一二三四五六七八九十\d０-９]*[：:]?")
_DATE_LINE = re.compile(
    r"[（(].*[〇零一二三四五六七八九\d]{4}\s*年.*[)）]"
    r"|[〇零一二三四五六七八九\d]{4}\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月.*"
    r"(通过|通過|公布|公佈|施行|修正|修订|修訂|批准|发布|發佈|印发|頒佈|颁布|修改).*"
)
_DELETED = re.compile(r"(已)?(删去|删除|废止)")
_HTML_COMMENT = re.compile(r"<!--.*?-->")
_MD_HEADING = re.compile(r"#{1,6}\s*")
_RULE = re.compile(r"[-*_=]{3,}")
_LEVEL_ORDER = {"编": 0, "分编": 1, "章": 2, "节": 3}
_LEVEL_NAME = {"编": "编", "編": "编", "分编": "分编", "分編": "分编", "章": "章", "节": "节", "節": "节"}


def clean_lines(lines: list[Line]) -> list[Line]:
    """Strip whitespace, Markdown marks (#, **) and HTML comments; drop empty lines."""
    out: list[Line] = []
    for text, hint in lines:
        text = text.replace("\u200b", "").replace("\ufeff", "")
        if "<!--" in text:
            text = _HTML_COMMENT.sub("", text)
        text = text.strip()
        if text.startswith("#"):
            match = _MD_HEADING.match(text)
            if match is not None:
                if hint is None:
                    hint = "title" if match.group().strip() == "#" else "heading"
                text = text[match.end():]
        if "**" in text:
            text = text.replace("**", "")
        text = text.strip()
        if text and not _RULE.fullmatch(text):
            out.append(Line(text, hint))
    return out


def _classify(line: Line) -> tuple[str, Any]:
    """Kind of one line: article / heading / toc / preface / appendix / hinted / text."""
    text = line.text
    if text.startswith("第"):
        match = _ARTICLE.match(text)
        if match:
            found = _article(text, match)
            if found is not None:
                return "article", found
        match = _HEADING.match(text)
        if match:
            found = _heading(text, match)
            if found is not None:
                return "heading", found
    if len(text) <= 12:
        k = key(text)
        if k in ("目录", "目次"):
            return "toc", None
        if k == "序言":
            return "preface", None
        if k == "附则":
            return "heading", ("", 0, "", "附则")
        if _APPENDIX.fullmatch(k):
            return "appendix", k.rstrip("：:")
    if line.hint in ("heading", "strong"):
        match = _SECTION.fullmatch(text)
        if match and len(text) <= 40:
            try:
                number = cn_to_int(match.group(1))
            except ValueError:
                number = 0
            return "heading", ("章", number, match.group(1) + "、", key(match.group(2)))
        if line.hint == "heading":
            return "hinted", key(text)
    return "text", None


def _article(text: str, match: re.Match) -> tuple | None:
    try:
        number = cn_to_int(match.group(1))
        sub = cn_to_int(match.group(2)) if match.group(2) else 0
    except ValueError:
        return None
    rest = text[match.end():]
    stripped = rest.lstrip()
    caption = None
    cap = _CAPTION.match(stripped)
    if cap:
        inner = next(g for g in cap.groups() if g is not None).strip()
        square = cap.group(3) is not None or cap.group(4) is not None
        # 第一百九十九条（删去） is the whole text of a repealed article, not a caption.
        deleted = not stripped[cap.end():].strip() and _DELETED.fullmatch(inner)
        if not deleted and (square or (inner and not re.search(r"[。，；：]", inner)
                                       and not _is_numeral(inner))):
            caption = inner
            stripped = stripped[cap.end():].lstrip()
    strong = not rest or rest[0].isspace() or cap is not None
    if not strong and rest[0] in _MENTION_FOLLOW:
        return None
    label = "第" + to_simplified(compact(match.group(1))) + "条"
    if sub:
        label += "之" + to_simplified(compact(match.group(2)))
    return number, sub, label, caption, stripped, strong


def _is_numeral(text: str) -> bool:
    try:
        cn_to_int(text)
    except ValueError:
        return False
    return True


def _heading(text: str, match: re.Match) -> tuple | None:
    rest = text[match.end():]
    title = key(rest)
    if len(title) > 40 or "。" in title or "；" in title:
        return None
    if rest and not rest[0].isspace() and title[0] in _MENTION_FOLLOW:
        return None
    try:
        number = cn_to_int(match.group(1))
    except ValueError:
        return None
    level = _LEVEL_NAME[match.group(2)]
    label = "第" + to_simplified(compact(match.group(1))) + level
    return level, number, label, title


class _Builder:
    """Walks classified lines once, keeping the heading stack and the open article."""

    def __init__(self) -> None:
        self.preamble: list[str] = []
        self.preface = False
        self.headings: list[ParsedHeading] = []
        self.stack: list[ParsedHeading] = []
        self.articles: list[ParsedArticle] = []
        self.current: ParsedArticle | None = None
        self.warnings: list[str] = []
        self.appendix: str | None = None
        self.appendices: list[str] = []
        self.orphans: list[str] = []

    def heading(self, level: str, number: int, label: str, title: str) -> None:
        self._close_orphans()
        self.current = None
        while self.stack and _LEVEL_ORDER[self.stack[-1].level] >= _LEVEL_ORDER[level]:
            self.stack.pop()
        path = tuple(h.path[-1] for h in self.stack) + (heading_string(label, title),)
        heading = ParsedHeading(level=level, label=label, title=title, number=number, path=path)
        self.stack.append(heading)
        self.headings.append(heading)

    def top_level(self) -> str:
        return self.stack[0].level if self.stack else "章"

    def article(self, number: int, sub: int, label: str, caption: str | None, first: str) -> None:
        self._close_orphans()
        self.current = ParsedArticle(
            number=number, sub=sub, label=label, caption=caption,
            path=tuple(h.path[-1] for h in self.stack), text="",
            paragraphs=[first] if first else [],
        )
        self.articles.append(self.current)

    def text(self, text: str) -> None:
        if self.current is not None:
            self.current.paragraphs.append(text)
        elif not self.articles:
            # Before the first article (also under a heading, as a 序言 may be): preamble.
            self.preamble.append(text)
        else:
            self.orphans.append(text)

    def _close_orphans(self) -> None:
        if self.orphans:
            where = self.stack[-1].path[-1] if self.stack else "正文"
            snippet = self.orphans[0][:20]
            self.warnings.append(
                f"{where}下有 {len(self.orphans)} 段文字不属于任何条文（“{snippet}…”），未导入"
            )
            self.orphans = []


def parse_lines(  # noqa: C901 (one pass, one state machine)
        raw_lines: list[Line], headers: list[str] | tuple = ()) -> ParsedDraft:
    """Split cleaned-or-raw lines into a ParsedDraft; raises DraftParseError without articles.

    ``headers`` are running headers already dropped from the pages; a stage they
    name (《…》（征求意见稿）) becomes the draft's stage when the text names none.
    """
    lines = clean_lines(raw_lines)
    if not lines:
        raise DraftParseError("文件是空的，没有任何文字。请检查是否选错了文件。")
    kinds = [_classify(line) for line in lines]
    title, stage, start, warnings = find_title(lines, kinds, headers)
    for header in headers:
        stage = stage or split_stage(header)[1]
    first_article = next(
        (i for i in range(start, len(lines)) if kinds[i][0] == "article" and kinds[i][1][5]),
        None,
    )
    if first_article is None:
        first_article = next((i for i in range(start, len(lines)) if kinds[i][0] == "article"),
                             None)
    if first_article is None:
        raise DraftParseError(
            "没有找到任何条文。草案的每一条应以“第一条”“第二条”（或“第1条”）开头另起一行；"
            "请检查文件内容是否是法规草案正文。"
        )
    skip = toc_range(lines, kinds, start, first_article, warnings)
    builder = _Builder()
    builder.warnings = warnings
    dates_at = -1
    i = start
    n = len(lines)
    while i < n:
        if skip is not None and i in skip:
            i = skip.stop
            continue
        text = lines[i].text
        kind, data = kinds[i]
        if builder.appendix is not None:
            if kind == "appendix":
                builder.appendix = data
                builder.appendices.append(data)
                builder.heading(builder.top_level(), 0, "", data)
            i += 1
            continue
        if kind == "article":
            number, sub, label, caption, first, strong = data
            if strong or _expected(builder.articles, number, sub):
                builder.article(number, sub, label, caption, first)
                i += 1
                continue
            kind = "text"
        if kind == "heading":
            level, number, label, name = data
            if not level:
                level = builder.top_level()
            if not name and i + 1 < n and kinds[i + 1][0] in ("text", "hinted") \
                    and len(lines[i + 1].text) <= 20:
                name = key(lines[i + 1].text)
                i += 1
            builder.heading(level, number, label, name)
        elif kind == "preface" and not builder.articles:
            builder.preface = True
            builder.preamble = []
        elif kind == "appendix" and builder.articles:
            builder.current = None
            builder.appendix = data
            builder.appendices.append(data)
            builder.heading(builder.top_level(), 0, "", data)
        elif kind == "hinted" and (builder.articles or builder.headings):
            builder.heading("章", 0, "", data)
        elif kind == "toc":
            pass
        else:
            if not builder.articles and not builder.headings and not builder.preface \
                    and _DATE_LINE.fullmatch(text):
                dates_at = len(builder.preamble)
                builder.preamble.append("")
            else:
                builder.text(text)
        i += 1
    builder._close_orphans()
    if builder.appendices:
        warnings.append(f"条文之后的{'、'.join(builder.appendices)}不是条文，其内容未导入")
    preamble = builder.preamble
    if dates_at >= 0 and not builder.preface:
        # Short lines before the adoption dates are subtitles (民法典 / 总则), not preamble.
        preamble = [p for j, p in enumerate(preamble) if j > dates_at or len(p) > 15]
    articles = builder.articles
    for article in articles:
        article.text = "\n".join(article.paragraphs)
    warnings.extend(numbering_warnings([(a.number, a.sub) for a in articles]))
    return ParsedDraft(
        title=title,
        stage=stage,
        preamble="\n".join(p for p in preamble if p),
        headings=builder.headings,
        articles=articles,
        warnings=warnings,
    )


def _expected(articles: list[ParsedArticle], number: int, sub: int) -> bool:
    """Whether an unseparated label (第二条为了…) is the next article in sequence."""
    if not articles:
        return number == 1 and sub == 0
    last = articles[-1]
    return (number, sub) in ((last.number + 1, 0), (last.number, last.sub + 1))
