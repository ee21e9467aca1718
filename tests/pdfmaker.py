"""A tiny PDF writer for tests: Chinese text placed at given positions, as a typesetter would.

It uses the standard Adobe-GB1 font STSong-Light (no font embedded, every
character one em wide), so tests can set exact indents, margins, running headers
and page numbers, and read the file back through the real PDF importer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

A4 = (595.0, 842.0)


@dataclass
class Page:
    """Text runs on one page: (x, y, size, text), y measured from the bottom."""

    runs: list[tuple[float, float, float, str]] = field(default_factory=list)

    def text(self, x: float, y: float, size: float, text: str) -> None:
        self.runs.append((x, y, size, text))


def _hex(text: str) -> str:
    return "".join(f"{ord(c):04X}" for c in text)


def make_pdf(pages: list[Page]) -> bytes:
    """The bytes of a PDF holding ``pages`` (an empty page list gives one blank page)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               b"/DescendantFonts [3 0 R] >>")
    pages_id = add(b"")  # filled in below
    add(b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 4 0 R /DW 1000 >>")
    add(b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
    kids = []
    for page in pages or [Page()]:
        ops = []
        for x, y, size, text in page.runs:
            ops.append(f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{_hex(text)}> Tj ET")
        stream = "\n".join(ops).encode("ascii")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>"
            % (pages_id, A4[0], A4[1], content, font)))
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    return bytes(out)


def typeset(title: str, paragraphs: list[str], *, chars: int = 28, size: float = 16,
            lines_per_page: int = 22, header: str | None = None, footer: str = "— {n} —",
            indent: int = 2, headings: tuple[str, ...] = ()) -> bytes:
    """Set a draft the way consultation drafts are printed: A4, ``chars`` per line, wrapped.

    Each paragraph's first line is indented by ``indent`` characters; lines in
    ``headings`` are centred; ``footer`` is formatted with n (page) and total.
    """
    left = 80.0
    rows: list[tuple[float, str]] = []   # (x, text)
    for para in paragraphs:
        if para in headings:
            rows.append((left + (chars - len(para)) * size / 2, para))
            continue
        room = chars - indent
        first = True
        while para:
            rows.append(((left + indent * size) if first else left, para[:room]))
            para = para[room:]
            first, room = False, chars
    pages: list[Page] = []
    chunks = [rows[i:i + lines_per_page] for i in range(0, len(rows), lines_per_page)] or [[]]
    for n, chunk in enumerate(chunks, start=1):
        page = Page()
        top = 842 - 140
        if header:
            page.text(left + (chars - len(header) * 0.625) * size / 2, 842 - 60, 10, header)
        if n == 1:
            page.text(left + (chars - len(title) * 22 / size) * size / 2, top, 22, title)
            top -= 50
        for i, (x, text) in enumerate(chunk):
            page.text(x, top - i * size * 1.75, size, text)
        page.text(left + chars * size / 2 - 30, 50, 14, footer.format(n=n, total=len(chunks)))
        pages.append(page)
    return make_pdf(pages)
