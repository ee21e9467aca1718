"""WordprocessingML written as text: big tables built row by row as strings, spliced into a .docx.

python-docx builds a table cell by cell through the object API (``add_row`` and
``cell.text``), which is slow and keeps every node of a 100,000-row table in
memory. Here a table is a stream of XML text: the document is saved by
python-docx with a marker paragraph where each table goes, and the table is
written straight into ``word/document.xml`` while the archive is copied.
"""

from __future__ import annotations

import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Characters XML 1.0 forbids (residents paste all sorts of things).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ROWS_PER_CHUNK = 500
_ROW_START = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"


def clean(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return _INVALID_XML.sub("", text)


def escape(text: str) -> str:
    """Text made safe for an XML text node or attribute."""
    # Chained replace runs in C; str.translate with a dict looks up every character.
    return (_INVALID_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def twips(mm: float) -> int:
    """Millimetres in twentieths of a point, the unit of widths in WordprocessingML."""
    return round(mm * 1440 / 25.4)


def rfonts(font: str) -> str:
    """A ``w:rFonts`` element naming ``font`` for Latin *and* East Asian text."""
    f = escape(font)
    return (f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}" w:cs="{f}" '
            'w:hint="eastAsia"/>')


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: str = "left"          # w:jc value of the column's paragraphs: left / center / right


@dataclass(frozen=True)
class Span:
    """A row whose one cell spans every column: a group heading inside a table."""

    text: str


@dataclass(frozen=True)
class Merged:
    """A cell that reads as one with the cells below it (``open_below``): no rule between.

    Drawn as separate cells without the border between them rather than with vMerge:
    LibreOffice keeps a vMerge group on one page, leaving half-empty pages before long
    groups.
    """

    text: str
    open_below: bool = False


@dataclass(frozen=True)
class Continued:
    """An empty cell continuing the :class:`Merged` cell above it."""

    open_below: bool = False


@dataclass(frozen=True)
class Rich:
    """Cell text in pieces, each ``(text, mark)``: mark "ins" (bold, underlined: words added
    or changed), "del" (struck through: words removed) or "" (plain)."""

    pieces: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CellStyle:
    """Paragraph style id, font and half-point size used for one kind of cell."""

    style_id: str
    font: str
    size_pt: float
    shade: str | None = None     # background fill, e.g. "E7E6E6"


class TableXml:
    """Serialises one table: ``start()`` (properties, grid, header row), ``row()``, ``END``."""

    END = "</w:tbl>"

    def __init__(self, columns: Sequence[Column], *, body: CellStyle, head: CellStyle,
                 group: CellStyle | None = None, repeat_header: bool = True,
                 keep_together: bool = False) -> None:
        self.columns = list(columns)
        self.widths = [twips(c.width_mm) for c in self.columns]
        self.total = sum(self.widths)
        self.repeat_header = repeat_header
        # keepNext on every row's paragraphs but the last holds a short table (and its
        # 合计 row) on one page; a long one would only be pushed around.
        self.keep_together = keep_together
        # Everything around a cell's text is fixed per column: build it once.
        self._open = [self._cell_open(w, c.align, body) for w, c in zip(self.widths, self.columns)]
        self._kept = [self._cell_open(w, c.align, body, keep=True)
                      for w, c in zip(self.widths, self.columns)]
        # Cells of a Merged group, by (top open, bottom open).
        self._merged = {(top, bottom): [self._cell_open(w, c.align, body, merge=(top, bottom))
                                        for w, c in zip(self.widths, self.columns)]
                        for top in (False, True) for bottom in (False, True)}
        self._head_open = [self._cell_open(w, "center", head, keep=keep_together)
                           for w in self.widths]
        self._group_open = self._cell_open(self.total, "left", group or head, span=len(self.widths))
        self._close = "</w:t></w:r></w:p></w:tc>"
        # A line break in a cell starts a new paragraph (each 款 its own): a <w:br/> would
        # stretch the broken line of a justified paragraph across the cell.
        self._para_break = [self._new_paragraph(c.align, body) for c in self.columns]
        self._marks = {"": "</w:t></w:r><w:r>" + self._rpr(body) + '<w:t xml:space="preserve">',
                       "ins": "</w:t></w:r><w:r>" + self._rpr(body, "<w:b/><w:u w:val=\"single\"/>")
                       + '<w:t xml:space="preserve">',
                       "del": "</w:t></w:r><w:r>" + self._rpr(body, "<w:strike/>")
                       + '<w:t xml:space="preserve">'}
        self._pending: list[str] | None = None
        # A plain row as one bytes template: its cells' escaped texts (UTF-8) go in the %s.
        self._template = (_ROW_START + "".join(
            o.replace("%", "%%") + "%s" + self._close for o in self._open)
            + "</w:tr>").encode("utf-8")
        self._para_break_utf8 = [b.encode("utf-8") for b in self._para_break]

    @staticmethod
    def _rpr(style: CellStyle, extra: str = "") -> str:
        half = round(style.size_pt * 2)
        return (f'<w:rPr>{rfonts(style.font)}{extra}<w:sz w:val="{half}"/>'
                f'<w:szCs w:val="{half}"/></w:rPr>')

    def _rich(self, value: Rich, column: int) -> str:
        out = []
        for text, mark in value.pieces:
            for i, line in enumerate(text.split("\n")):
                if i:
                    out.append(self._para_break[column])
                if line:
                    out.append(self._marks[mark] + escape(line))
        return "".join(out)

    def _cell_open(self, width: int, align: str, style: CellStyle, span: int = 1,
                   keep: bool = False, merge: tuple[bool, bool] | None = None) -> str:
        grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        vmerge = ""
        if merge and any(merge):
            vmerge = ("<w:tcBorders>" + ('<w:top w:val="nil"/>' if merge[0] else "")
                      + ('<w:bottom w:val="nil"/>' if merge[1] else "") + "</w:tcBorders>")
        shade = (f'<w:shd w:val="clear" w:color="auto" w:fill="{style.shade}"/>'
                 if style.shade else "")
        valign = "top" if merge else "center"
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{vmerge}{shade}'
                f'<w:vAlign w:val="{valign}"/></w:tcPr>'
                + self._paragraph_open(align, style, keep))

    def _paragraph_open(self, align: str, style: CellStyle, keep: bool = False) -> str:
        return (f'<w:p><w:pPr><w:pStyle w:val="{style.style_id}"/>'
                + ("<w:keepNext/>" if keep else "")
                + f'<w:jc w:val="{align}"/></w:pPr>'
                f'<w:r>{self._rpr(style)}<w:t xml:space="preserve">')

    def _new_paragraph(self, align: str, style: CellStyle) -> str:
        return "</w:t></w:r></w:p>" + self._paragraph_open(align, style)

    def _text(self, value: object, column: int) -> str:
        text = escape("" if value is None else str(value))
        if "\n" in text or "\r" in text:
            text = (text.replace("\r\n", "\n").replace("\r", "\n")
                    .replace("\n", self._para_break[column]))
        return text

    def start(self) -> str:
        border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        borders = "".join(border.format(side) for side in
                          ("top", "left", "bottom", "right", "insideH", "insideV"))
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        head_pr = ("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if self.repeat_header
                   else "<w:trPr><w:cantSplit/></w:trPr>")
        head = "".join(o + escape(c.title) + self._close
                       for o, c in zip(self._head_open, self.columns))
        return (f'<w:tbl><w:tblPr><w:tblW w:w="{self.total}" w:type="dxa"/>'
                f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
                '<w:tblLayout w:type="fixed"/><w:tblCellMar>'
                '<w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
                '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
                f'<w:tblGrid>{grid}</w:tblGrid><w:tr>{head_pr}{head}</w:tr>')

    def row(self, cells: Sequence[object] | Span, *, keep: bool = False) -> str:
        """One row, never split across pages; ``keep`` holds it on the page of the next row."""
        if isinstance(cells, Span):
            return (_ROW_START + self._group_open
                    + self._text(cells.text, 0) + self._close + "</w:tr>")
        close = self._close
        text = self._text
        if not keep and _SPECIAL.isdisjoint(map(type, cells)):
            # The common row (100,000 of them in a big appendix): plain values.
            return _ROW_START + "".join(
                o + text(v, i) + close for i, (o, v) in enumerate(zip(self._open, cells))
            ) + "</w:tr>"
        opens = self._kept if keep else self._open
        parts = [_ROW_START]
        for i, value in enumerate(cells):
            if isinstance(value, Continued):
                parts.append(self._merged[(True, value.open_below)][i] + close)
            elif isinstance(value, Rich):
                parts.append(opens[i] + self._rich(value, i) + close)
            elif isinstance(value, Merged):
                parts.append(self._merged[(False, value.open_below)][i] + text(value.text, i)
                             + close)
            else:
                parts.append(opens[i] + text(value, i) + close)
        parts.append("</w:tr>")
        return "".join(parts)

    def chunks(self, rows: Iterable[Sequence[object] | Span]) -> Iterator[bytes]:
        """The whole table as a few large pieces of UTF-8, so memory stays flat however
        long it is."""
        yield self.start().encode("utf-8")
        if self.keep_together:
            rows = list(rows)
            yield "".join(self.row(cells, keep=i < len(rows) - 1)
                          for i, cells in enumerate(rows)).encode("utf-8")
            yield self.END.encode("utf-8")
            return
        batch: list[Sequence[object] | Span] = []
        for cells in rows:
            batch.append(cells)
            if len(batch) >= _ROWS_PER_CHUNK:
                yield self.rows(batch)
                batch.clear()
        if batch:
            yield self.rows(batch)
        yield self.END.encode("utf-8")

    def rows(self, batch: Sequence[Sequence[object] | Span]) -> bytes:
        """Many rows at once as UTF-8: the same XML as :meth:`row` gives each.

        The plain rows' texts are escaped and encoded together, joined by a character
        residents do not type, and dropped into a bytes template per row: a chunk costs
        a few passes in C instead of several calls per cell, and the markup around the
        texts (most of a row) is never widened to a str of CJK text and encoded back.
        """
        width = len(self.widths)
        plain = [not isinstance(cells, Span) and len(cells) == width
                 and _SPECIAL.isdisjoint(map(type, cells)) for cells in batch]
        values = ["" if v is None else v if v.__class__ is str else str(v)
                  for cells, fast in zip(batch, plain) if fast for v in cells]
        joined = _JOIN.join(values)
        if joined.count(_JOIN) != len(values) - 1:      # typed after all: one row at a time
            return "".join(self.row(cells) for cells in batch).encode("utf-8")
        blob = escape(joined).encode("utf-8")
        if b"\r" in blob:
            blob = blob.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        texts = blob.split(_JOIN_UTF8)
        if b"\n" in blob:
            # A line break starts a new paragraph, written as the cell's column writes
            # one: the texts of each column are joined and replaced together.
            for column, paragraph in enumerate(self._para_break_utf8):
                cells = _JOIN_UTF8.join(texts[column::width])
                if b"\n" in cells:
                    texts[column::width] = cells.replace(b"\n", paragraph).split(_JOIN_UTF8)
        template = self._template
        out = []
        at = 0
        for cells, fast in zip(batch, plain):
            if fast:
                out.append(template % tuple(texts[at:at + width]))
                at += width
            else:
                out.append(self.row(cells).encode("utf-8"))
        return b"".join(out)


_SPECIAL = frozenset({Continued, Merged, Rich})
# Joins a chunk's cell texts for escaping (a private-use character: no keyboard types it;
# a chunk that holds one after all is written row by row).
_JOIN = "\ue000"
_JOIN_UTF8 = _JOIN.encode("utf-8")


def marker_paragraph(key: str) -> str:
    """The text of the placeholder paragraph that :func:`splice` replaces by a table."""
    return f"@@legis-table-{key}@@"


def splice(docx: bytes, tables: dict[str, Callable[[], Iterable[str | bytes]]],
           replace: dict[str, bytes] | None = None) -> bytes:
    """Copy the archive ``docx``, writing each table's XML where its marker paragraph was.

    ``tables`` maps a key given to :func:`marker_paragraph` to a function that
    yields the table's XML (text, or bytes in UTF-8); ``replace`` gives new contents for other parts.
    """
    replace = replace or {}
    out = BytesIO()
    # Level 1: a 100,000-row document.xml compresses three times faster than at the
    # default level 6, for a file about 15 % larger.
    with zipfile.ZipFile(BytesIO(docx)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                _write_document(src.read(info).decode("utf-8"), dst, tables)
            elif info.filename in replace:
                dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def _write_document(xml: str, dst: zipfile.ZipFile,
                    tables: dict[str, Callable[[], Iterable[str | bytes]]]) -> None:
    pieces: list[tuple[int, int, str]] = []
    for key in tables:
        placeholder = f"<w:p><w:r><w:t>{marker_paragraph(key)}</w:t></w:r></w:p>"
        at = xml.find(placeholder)
        if at < 0:
            raise ValueError(f"marker for table {key!r} not found in document.xml")
        pieces.append((at, at + len(placeholder), key))
    pieces.sort()

    def document() -> Iterator[bytes]:
        pos = 0
        for start, end, key in pieces:
            yield xml[pos:start].encode("utf-8")
            for chunk in tables[key]():
                yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            pos = end
        yield xml[pos:].encode("utf-8")

    with dst.open("word/document.xml", "w") as stream:
        _write_behind(stream, document())


def _write_behind(stream: IO[bytes], pieces: Iterator[bytes]) -> None:
    """Write ``pieces`` to ``stream`` from a second thread while the next ones are made.

    Deflating and the CRC (zlib lets go of the GIL for them) then run beside the Python
    that builds the rows, on a second core. At most a few pieces wait: memory stays flat.
    """
    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
    failed: list[BaseException] = []

    def drain() -> None:
        while (piece := waiting.get()) is not None:
            if not failed:
                try:
                    stream.write(piece)
                except Exception as exc:  # noqa: BLE001 (raised again in the caller's thread)
                    failed.append(exc)

    writer = threading.Thread(target=drain, name="docx-document-writer", daemon=True)
    writer.start()
    try:
        for piece in pieces:
            if failed:
                break
            waiting.put(piece)
    finally:
        waiting.put(None)
        writer.join()
    if failed:
        raise failed[0]
