"""PDF with a text layer -> lines: page furniture dropped, lines wrapped at the page width joined.

pdfminer.six gives each printed line with its box, so the layout decides what a
line break means: a line that reaches the right margin continues on the next
line when that one starts at the left margin (a new 款 is indented). PDFs set
flush left fall back to punctuation: a full line that does not end a sentence
continues.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass

from legis.errors import DraftParseError
from legis.parsing.model import Line
from legis.parsing.pagination import SENTENCE_END, furniture, join_wrapped

_ARTICLE_START = re.compile(r"\s*第\s*[零〇一二三四五六七八九十百千\d]+\s*[条條]")
_OPENING = "《（(“‘〈「『【"
_NO_TEXT = (
    "这个 PDF 文件里没有可读取的文字（可能是扫描件或图片转成的 PDF）。"
    "请用 OCR 软件识别成文字后另存为 Word（.docx），或向起草部门索取 Word / 纯文本版本后再上传。"
)


@dataclass
class _Printed:
    """One printed line: its box on the page and its text."""

    x0: float
    x1: float
    size: float
    text: str


def read_pdf(data: bytes) -> tuple[list[Line], list[str]]:
    """The draft's lines from a PDF, and the running headers that were dropped."""
    pages = _pages(data)
    if not any(p.text.strip() for page in pages for p in page):
        raise DraftParseError(_NO_TEXT)
    masks, headers = furniture([[p.text for p in page] for page in pages])
    body = [printed for page, keep in zip(pages, masks, strict=True)
            for printed, kept in zip(page, keep, strict=True) if kept]
    return _join(body), headers


def _pages(data: bytes) -> list[list[_Printed]]:
    # Imported here: pdfminer is only needed when a PDF arrives.
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages: list[list[_Printed]] = []
    try:
        for layout in extract_pages(io.BytesIO(data), laparams=LAParams()):
            lines: list[tuple[float, float, _Printed]] = []
            for box in layout:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = line.get_text().replace("\n", "").strip()
                    if not text:
                        continue
                    sizes = [c.size for c in line if isinstance(c, LTChar)]
                    size = Counter(round(s, 1) for s in sizes).most_common(1)[0][0] if sizes else 0
                    lines.append((-line.y1, line.x0, _Printed(line.x0, line.x1, size, text)))
            lines.sort(key=lambda t: (round(t[0]), t[1]))
            pages.append([p for _, _, p in lines])
    except DraftParseError:
        raise
    except Exception as exc:  # noqa: BLE001 -- pdfminer raises many types for broken or locked files
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise DraftParseError(
                "这个 PDF 文件设置了密码或禁止读取内容。请去掉密码保护后再上传，或改用 Word（.docx）文件。"
            ) from None
        raise DraftParseError(
            "无法读取这个 PDF 文件（文件可能已损坏或不完整）。"
            "请重新下载或导出 PDF，或改用 Word（.docx）/ 纯文本（.txt）文件。"
        ) from None
    return pages


def _join(body: list[_Printed]) -> list[Line]:
    """Join body lines wrapped at the right margin; mark a large-type title."""
    if not body:
        return []
    weights: Counter[float] = Counter()
    for p in body:
        weights[p.size] += len(p.text)
    size = weights.most_common(1)[0][0] or 12.0
    normal = [p for p in body if abs(p.size - size) < 0.5]
    left = Counter(round(p.x0) for p in normal).most_common(1)[0][0]
    # The right margin is where most lines stop (a few overhang it with punctuation).
    right = Counter(round(p.x1) for p in normal).most_common(1)[0][0]
    starts = [p for p in normal if _ARTICLE_START.match(p.text)]
    indented = sum(1 for p in starts if p.x0 > left + size * 0.8)
    uses_indent = bool(starts) and indented * 2 > len(starts)

    out: list[Line] = []
    carry = False
    for i, p in enumerate(body):
        big = p.size > size * 1.15
        if carry:
            out[-1] = Line(join_wrapped(out[-1].text, p.text), out[-1].hint)
        else:
            out.append(Line(p.text, "title" if big and not out else None))
        nxt = body[i + 1] if i + 1 < len(body) else None
        if nxt is None:
            break
        if big:
            # A title in large type set over two lines.
            carry = abs(nxt.size - p.size) < 0.5 and out[-1].hint == "title"
            continue
        flush = nxt.x0 <= left + size * 0.5 and abs(nxt.size - size) < 0.5
        if abs(p.size - size) >= 0.5 or not flush:
            carry = False
        elif uses_indent:
            # A new 款 starts indented, so a flush-left line after a line that
            # reaches near the margin (a mark such as 《 or （ may be pushed to
            # the next line, taking a character or two with it) continues it.
            carry = p.x1 >= right - size * 4
        else:
            slack = 2.6 if nxt.text[:1] in _OPENING else 1.6
            carry = p.x1 >= right - size * slack and not SENTENCE_END.search(p.text)
    return out
