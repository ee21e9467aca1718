"""What a printed page adds to text copied out of it: page numbers, running headers, wrapped lines."""

from __future__ import annotations

import re
from collections import Counter

# "— 3 —", "- 3 -", "3", "第3页", "第3页 共20页", "共20页 第3页", "3/20", "Page 3 of 20".
PAGE_NUMBER = re.compile(
    r"[-—–－―~·•]*\d{1,4}[-—–－―~·•]*"
    r"|第\d{1,4}页([,，/]?共\d{1,4}页)?"
    r"|共\d{1,4}页[,，/]?第\d{1,4}页"
    r"|\d{1,4}/\d{1,4}"
    r"|page\d{1,4}(of\d{1,4})?",
    re.IGNORECASE,
)
# What ends a 款 or 项 (or a sentence inside one), possibly followed by a closing quote.
SENTENCE_END = re.compile(r"[。；：！？!?;:][”’」』）)]?$")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
# A heading on its own line (第二章 基金使用): centred in print, so never a line's continuation.
_HEADING_LINE = re.compile(r"\s*第\s*[零〇一二三四五六七八九十百\d]+\s*(编|章|节|分编)\s+\S{1,20}\s*")
_INDENT = re.compile(r"(\u3000+| {2,}|\t+)\S")
# A line that opens an article ("第二十一条　…": the number then a space) never continues the
# line before it; nor, after a finished sentence, does one opening an item ((一), 1.).
_ARTICLE_START = re.compile(r"\s*第\s*[零〇一二三四五六七八九十百千\d]+\s*条(之[一二三四五六七八九十]+)?[\s\u3000]")
_ITEM_START = re.compile(r"\s*([（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])")
# How many lines next to a page break may hold a running header or footer.
_EDGE_LINES = 2


def is_page_number(text: str) -> bool:
    """Whether a whole line is a page number or a 第3页 共20页 footer."""
    return len(text) < 40 and bool(PAGE_NUMBER.fullmatch(_SPACE.sub("", text)))


def edge_key(text: str) -> str:
    """The line with spaces removed and numbers blanked, so "第3页" and "第4页" compare equal."""
    return _DIGITS.sub("#", _SPACE.sub("", text))


def repeated_edges(pages: list[list[str]]) -> set[str]:
    """Keys of lines that repeat at the top or bottom of three pages in five (two or more)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {edge_key(t) for t in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
        counts.update(k for k in edge if k)
    needed = max(2, -(-len(pages) * 3 // 5))
    return {k for k, n in counts.items() if n >= needed}


def furniture(pages: list[list[str]]) -> tuple[list[list[bool]], list[str]]:
    """Which lines of each page to keep (page numbers and running headers/footers go).

    ``pages`` holds each page's non-empty lines in reading order. Returns a keep
    flag per line and the running headers dropped. A header that equals the next
    line (a title repeated as its own running header) is kept once on the first page.
    """
    repeated = repeated_edges(pages)
    dropped: list[str] = []
    masks: list[list[bool]] = []
    for lines in pages:
        keep = [True] * len(lines)
        edges = set(range(min(_EDGE_LINES, len(lines))))
        edges |= set(range(max(0, len(lines) - _EDGE_LINES), len(lines)))
        for i in sorted(edges):
            text = lines[i]
            if is_page_number(text):
                keep[i] = False
            elif edge_key(text) in repeated:
                keep[i] = False
                if edge_key(text) not in map(edge_key, dropped):
                    dropped.append(text.strip())
        if not masks and lines and not keep[0] and len(lines) > 1 \
                and _SPACE.sub("", lines[1]) == _SPACE.sub("", lines[0]):
            keep[0] = True
        masks.append(keep)
    return masks, dropped


def strip_page_furniture(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """The pages without page numbers and running headers/footers, and the headers dropped."""
    masks, dropped = furniture(pages)
    kept = [[t for t, k in zip(lines, keep, strict=True) if k]
            for lines, keep in zip(pages, masks, strict=True)]
    return kept, dropped


def width(text: str) -> float:
    """Printed width in em: ASCII letters, digits and spaces are 1/2, anything else 1.

    In a Chinese draft everything but ASCII is set one em wide (also “” and —).
    """
    text = text.rstrip()
    return len(text) - len(text.encode("ascii", "ignore")) / 2


def join_wrapped(head: str, tail: str) -> str:
    """Glue a line to its continuation: no space between Chinese, one between Latin words."""
    head, tail = head.rstrip(), tail.lstrip()
    if head and tail and head[-1].isascii() and head[-1].isalnum() \
            and tail[0].isascii() and tail[0].isalnum():
        return f"{head} {tail}"
    return head + tail


def text_pages(text: str) -> list[list[str]]:
    """Split copied text into pages at form feeds and page-number lines (non-empty lines only)."""
    pages: list[list[str]] = []
    current: list[str] = []
    for chunk in text.split("\f"):
        for line in chunk.splitlines():
            if not line.strip():
                continue
            current.append(line)
            if is_page_number(line):
                pages.append(current)
                current = []
        if current:
            pages.append(current)
        current = []
    return pages


def unwrap(lines: list[str]) -> list[str]:
    """Join lines wrapped at a fixed width back into paragraphs, when the text shows the wrapping.

    The text shows it when many lines stop at the same width. A line that
    reaches that width (allowing for a first-line indent and a mark pushed to the
    next line) continues on the next one when:
    - the text keeps paragraph indents, and the next line is not indented; or
    - it does not, and the line does not end a sentence, or the next line is
      itself full (a new 款 would start indented, so shorter).
    """
    # The same test on character counts first, cheaply: most drafts have one
    # paragraph per line and stop here.
    sizes = sorted((len(t.strip()) for t in lines if len(t.strip()) >= 8), reverse=True)
    if len(sizes) < 4 or sum(1 for n in sizes if n >= sizes[len(sizes) // 20] * 0.8) * 10 < len(sizes):
        return lines
    widths = [width(t) for t in lines]
    long = sorted((w for w in widths if w >= 8), reverse=True)
    if len(long) < 4:
        return lines
    # Wrapped text has a width almost no line exceeds, and many lines reach it;
    # drafts with one paragraph per line have no such width.
    full = long[len(long) // 20]
    at_full = sum(1 for w in long if w >= full - 1.5)
    if at_full < 3 or at_full * 10 < len(long):
        return lines
    indents = [bool(_INDENT.match(t)) for t in lines]
    keeps_indents = sum(indents) * 10 >= len(lines)
    threshold = full - 4.5
    out: list[str] = []
    for i, (text, w) in enumerate(zip(lines, widths, strict=True)):
        if i and out and not _HEADING_LINE.fullmatch(text) \
                and _continues(lines[i - 1], widths[i - 1], text, w, indents[i], keeps_indents,
                               threshold, full):
            out[-1] = join_wrapped(out[-1], text)
        else:
            out.append(text.strip() if not keeps_indents else text)
    return out


def _continues(prev: str, prev_width: float, text: str, width_: float, indented: bool,
               keeps_indents: bool, threshold: float, full: float) -> bool:
    if not threshold <= prev_width <= full + 1.5:
        return False
    ended = SENTENCE_END.search(prev.rstrip())
    if _ARTICLE_START.match(text) or (ended and _ITEM_START.match(text)):
        return False
    if ended and width_ < threshold and not SENTENCE_END.search(text.rstrip()):
        # The last line of a 款 ends with its punctuation; a short line without
        # any after a finished sentence is a heading (附则, 附件一) or a label.
        return False
    if keeps_indents:
        return not indented
    return not ended or width_ >= full - 0.5


def clean_copied_text(text: str) -> tuple[list[str], list[str]]:
    """Text copied out of a PDF -> its lines without page furniture, wrapped lines joined.

    Returns the lines and the running headers that were dropped. Plain drafts
    with one paragraph per line pass through unchanged (apart from empty lines).
    """
    pages = text_pages(text)
    if len(pages) > 1 or any(is_page_number(p[-1]) for p in pages if p):
        pages, headers = strip_page_furniture(pages)
    else:
        headers = []
    lines = [line for page in pages for line in page]
    return unwrap(lines), headers
