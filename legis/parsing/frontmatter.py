"""The front matter of a draft: its title (behind a consultation notice) and a 目录 to skip."""

from __future__ import annotations

import re

from legis.parsing.chinese import compact, key
from legis.parsing.model import Line

_DRAFT_SUFFIX = re.compile(r"[（(](草案|征求意见稿|送审稿|修订草案|修改稿)[^（）()]*[)）]")
_NOTICE_WORDS = re.compile(r"征求|征集|公告|通知")
# A stage (稿次) printed with the title: （征求意见稿）, （草案修改稿）, 二次审议稿, 送审稿 …
# Every stage name ends in 稿; 草案 alone belongs to the title.
_STAGE = re.compile(r"[（(]?([^（）()《》，。；：\s]{0,12}稿)[)）]?")
_TRAILING_STAGE = re.compile(r"\s*[（(]([^（）()《》，。；：\s]{0,12}稿)[)）]$")
_OPEN_MARKS = {"《": "》", "〈": "〉"}
_TOC_TAIL = re.compile(r"[.…·．・\-—_\d]+$")


def is_structural(kind: str) -> bool:
    """Whether a classified line starts the body (heading, article, 目录, 序言)."""
    return kind in ("article", "heading", "toc", "preface")


def _toc_key(text: str) -> str:
    return _TOC_TAIL.sub("", key(text))


def book_title(text: str, start: int = 0) -> tuple[int, int] | None:
    """Span of the first 《…》 at or after ``start``, nested 《》 and 〈〉 included."""
    begin = text.find("《", start)
    if begin < 0:
        return None
    stack: list[str] = []
    for i in range(begin, len(text)):
        c = text[i]
        if c in _OPEN_MARKS:
            stack.append(_OPEN_MARKS[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return begin, i + 1
    # Unbalanced (a mark lost in copying): up to the last 》 on the line.
    end = text.rfind("》")
    return (begin, end + 1) if end > begin else None


def _strip_book_marks(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if text.startswith("《") and book_title(text) == (0, len(text)):
        text = text[1:-1].strip()
    return text


def stage_of(text: str) -> str | None:
    """The stage name when a whole line is one: （征求意见稿） -> 征求意见稿."""
    match = _STAGE.fullmatch(compact(text))
    if match and (compact(text)[0] in "（(") == (compact(text)[-1] in ")）"):
        return match.group(1)
    return None


def split_stage(title: str) -> tuple[str, str]:
    """Title and stage: 某某条例（征求意见稿） -> (某某条例, 征求意见稿)."""
    match = _TRAILING_STAGE.search(title)
    if match and match.start() > 0:
        return title[:match.start()].rstrip(), match.group(1)
    return title, ""


def find_title(lines: list[Line], kinds: list,
               headers: list[str] | tuple = ()) -> tuple[str, str, int, list[str]]:
    """The draft's own title, its stage (征求意见稿 …, or ""), and the index where the body begins.

    ``headers`` are running headers dropped from the pages: a title that wraps
    onto a second line is joined when the header shows the whole of it.
    """
    title, start, warnings = _find_title(lines, kinds)
    for header in headers:
        whole = key(split_stage(_strip_book_marks(header))[0])
        while start < len(lines) and key(title) != whole and whole.startswith(key(title)) \
                and whole.startswith(key(title + lines[start].text)):
            title += lines[start].text.strip()
            start += 1
    title, stage = split_stage(title)
    if start < len(lines) and not is_structural(kinds[start][0]):
        found = stage_of(lines[start].text)
        if found:
            stage = stage or found
            start += 1
    # A stage line printed above the title, or the title with its stage above it
    # (a running header on a one-page file: 《某某条例》（征求意见稿）).
    for line in lines[:min(start, 3)]:
        named, named_stage = split_stage(line.text.strip())
        if named_stage and key(_strip_book_marks(named)) == key(title):
            stage = stage or named_stage
        stage = stage or stage_of(line.text) or ""
    return title, stage, start, warnings


def _find_title(lines: list[Line], kinds: list) -> tuple[str, int, list[str]]:
    warnings: list[str] = []
    # 附件1 / 附件： above the title of a draft sent as an attachment.
    lead = 0
    while lead < len(lines) - 1 and kinds[lead][0] == "appendix":
        lead += 1
    if lead:
        title, start, warnings = _find_title(lines[lead:], kinds[lead:])
        return title, start + lead, warnings
    if is_structural(kinds[0][0]):
        warnings.append("未找到草案标题（文件第一行就是章节或条文）")
        return "", 0, warnings
    title_at = None
    name = _notice_name(lines)
    if name is not None:
        target = key(name)
        for j in range(1, min(len(lines), 80)):
            if is_structural(kinds[j][0]):
                break
            if key(_strip_book_marks(lines[j].text)) == target:
                title_at = j
                break
        if title_at is None:
            start = next((j for j in range(len(lines)) if is_structural(kinds[j][0])), 0)
            return name, start, warnings
    else:
        for j, line in enumerate(lines):
            if is_structural(kinds[j][0]):
                break
            if line.hint == "title":
                title_at = j
                break
        if title_at is None:
            # A stage line (征求意见稿) printed above the title is not the title.
            title_at = 1 if len(lines) > 2 and stage_of(lines[0].text) \
                and not is_structural(kinds[1][0]) else 0
    title = _strip_book_marks(lines[title_at].text)
    start = title_at + 1
    if start < len(lines) and _DRAFT_SUFFIX.fullmatch(compact(lines[start].text)):
        title += compact(lines[start].text).replace("(", "（").replace(")", "）")
        start += 1
    return title, start, warnings


def _notice_name(lines: list[Line]) -> str | None:
    """For a consultation notice (关于公开征求《…》意见的公告), the name of the draft."""
    first = lines[0].text
    if not _NOTICE_WORDS.search(first) or "条" in first[:4]:
        return None
    for line in lines[:5]:
        span = book_title(line.text)
        if span:
            return line.text[span[0] + 1:span[1] - 1].strip()
    return None


def toc_range(lines: list[Line], kinds: list, start: int, first_article: int,
               warnings: list[str]) -> range | None:
    """The lines of a 目录 that repeats the headings before the body, to be skipped."""
    marker = next((i for i in range(start, first_article) if kinds[i][0] == "toc"), None)
    if marker is None:
        heads = [i for i in range(start, first_article) if kinds[i][0] == "heading"]
        if len(heads) < 2:
            return None
        first_key = _toc_key(lines[heads[0]].text)
        for j in heads[1:]:
            if _toc_key(lines[j].text) == first_key:
                return range(heads[0], j)
        return None
    entry = marker + 1
    if entry >= first_article:
        return range(marker, marker + 1)
    first_key = _toc_key(lines[entry].text)
    for j in range(entry + 1, first_article):
        if _toc_key(lines[j].text) == first_key:
            return range(marker, j)
    if kinds[entry][0] == "heading":
        label = kinds[entry][1][2]
        for j in range(entry + 1, first_article):
            if kinds[j][0] == "heading" and kinds[j][1][2] == label:
                return range(marker, j)
    warnings.append("找到了“目录”，但无法确定目录在哪里结束，目录中的标题可能被重复计入")
    return range(marker, marker + 1)
