"""Word (.docx) -> lines: body paragraphs and table cells in document order, with style hints."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import docx
from docx.oxml.ns import qn

from legis.errors import DraftParseError
from legis.parsing.decode import decode_text
from legis.parsing.docx_numbering import ListNumbering
from legis.parsing.model import Line
from legis.parsing.safezip import check_office_zip

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _ALT_CHUNK = qn("w:sdt"), qn("w:sdtContent"), qn("w:altChunk")
_R, _T, _TAB, _BR, _CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_PPR, _PSTYLE, _JC, _RPR, _B = qn("w:pPr"), qn("w:pStyle"), qn("w:jc"), qn("w:rPr"), qn("w:b")
_VAL, _STYLE_ID, _NAME, _RID = qn("w:val"), qn("w:styleId"), qn("w:name"), qn("r:id")
_FALSE = {"0", "false", "off"}

_LABEL_ONLY = re.compile(r"第\s*[零〇一二两三四五六七八九十百千\d０-９]+\s*[条條](?:之[一二三四五六七八九十]+)?")

ALT_CHUNK_REFUSAL = (
    "该 Word 文件的正文是嵌入的网页内容（altChunk），且无法读取，"
    "请在 Word 中打开后另存为 .docx 再上传"
)


def read_docx(data: bytes) -> list[Line]:
    """The lines of a .docx file; raises DraftParseError for damaged or hostile files."""
    check_office_zip(data, required="word/document.xml", kind="Word")
    try:
        document = docx.Document(io.BytesIO(data))
    # python-docx and lxml raise a dozen exception types for broken packages;
    # every one of them means the same thing to the user.
    except Exception:  # noqa: BLE001
        raise DraftParseError(
            "无法打开该 Word 文件（文件已损坏，或不是 Word 文档）。"
            "请在 Word 中打开并另存为 .docx 后再上传。"
        ) from None
    styles = _style_names(document)
    lines: list[Line] = []
    _walk(document.element.body, _Context(document, styles, ListNumbering(document)), lines)
    return lines


class _Context:
    def __init__(self, document, styles: dict[str, str], numbering: ListNumbering) -> None:
        self.document = document
        self.styles = styles
        self.numbering = numbering


def _style_names(document) -> dict[str, str]:
    # Resolving p.style per paragraph is an XPath search each time (seconds
    # for a long code); one pass over styles.xml is enough.
    names: dict[str, str] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        name = style.find(_NAME)
        names[style.get(_STYLE_ID, "")] = (name.get(_VAL, "") if name is not None else "").lower()
    return names


def _walk(container, context: _Context, lines: list[Line]) -> None:
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            lines.extend(_paragraph(child, context))
        elif tag == _TBL:
            for row in child.iterchildren(_TR):
                for cell in row.iterchildren(_TC):
                    _walk(cell, context, lines)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _walk(content, context, lines)
        elif tag == _ALT_CHUNK:
            lines.extend(_alt_chunk(child, context.document))


def _paragraph(p, context: _Context) -> list[Line]:
    hint = None
    centred = False
    style_id = None
    ppr = p.find(_PPR)
    if ppr is not None:
        pstyle = ppr.find(_PSTYLE)
        if pstyle is not None:
            style_id = pstyle.get(_VAL, "")
            name = context.styles.get(style_id, style_id.lower())
            if name == "title" or name == "标题":
                hint = "title"
            elif name.startswith(("heading", "标题")):
                hint = "heading"
        jc = ppr.find(_JC)
        centred = jc is not None and jc.get(_VAL) in ("center", "centre")
    parts: list[str] = []
    all_bold = True
    first_run = True
    for run in p.iter(_R):
        text = _run_text(run)
        if not text:
            continue
        bold = _is_bold(run)
        all_bold = all_bold and (bold or not text.strip())
        parts.append(text)
        # A label in its own bold run ("第一条" + "为了…") gets a separator so the
        # structure parser sees a label, not a mention.
        if first_run and bold and _LABEL_ONLY.fullmatch(text.strip()):
            parts.append("\u3000")
        first_run = False
    text = "".join(parts)
    if not text.strip():
        return []
    # 第%1条 from Word's automatic numbering is not in the text runs.
    text = context.numbering.label(ppr, style_id) + text
    if hint is None and centred and all_bold:
        hint = "heading"
    return [Line(piece, hint) for piece in text.split("\n") if piece.strip()]


def _run_text(run) -> str:
    out: list[str] = []
    for node in run.iterchildren():
        tag = node.tag
        if tag == _T:
            out.append(node.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
    return "".join(out)


def _is_bold(run) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    b = rpr.find(_B)
    return b is not None and b.get(_VAL, "true").lower() not in _FALSE


def _alt_chunk(element, document) -> list[Line]:
    """An embedded HTML (or plain text) part: read its text, refuse anything else."""
    try:
        part = document.part.related_parts[element.get(_RID)]
        blob, content_type = part.blob, part.content_type.lower()
    except (KeyError, AttributeError, TypeError):
        raise DraftParseError(ALT_CHUNK_REFUSAL + "。") from None
    if "html" in content_type:
        return html_lines(_decode_html(blob))
    if content_type.startswith("text/plain"):
        return [Line(line) for line in decode_text(blob).splitlines() if line.strip()]
    raise DraftParseError(ALT_CHUNK_REFUSAL + f"（嵌入内容的类型为 {content_type}）。")


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _decode_html(blob: bytes) -> str:
    match = _CHARSET.search(blob[:2048])
    if match and not blob.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return blob.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(blob)


_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "table", "ul", "ol", "section",
               "article", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_SKIP_TAGS = {"script", "style", "head", "title"}


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self._buffer: list[str] = []
        self._hint: str | None = None
        self._skip = 0

    def _flush(self) -> None:
        text = "".join(self._buffer)
        self._buffer = []
        for piece in text.split("\n"):
            if piece.strip():
                self.lines.append(Line(piece.strip(), self._hint))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "h1":
                self._hint = "title"
            elif tag in ("h2", "h3", "h4"):
                self._hint = "heading"

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("h1", "h2", "h3", "h4"):
                self._hint = None

    def handle_data(self, data):
        if not self._skip:
            # Source line breaks inside a block are just layout in HTML.
            self._buffer.append(data.replace("\r", "").replace("\n", ""))


def html_lines(html: str) -> list[Line]:
    """Block-level text of an HTML document, one Line per paragraph."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.lines
