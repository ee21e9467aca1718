"""Render a draft as the text a reader copies out of its printed PDF (for tests)."""

from __future__ import annotations

import unicodedata


def _fit(text: str, room: float) -> int:
    """How many characters of ``text`` fill ``room`` ems (Latin letters and digits are half wide)."""
    used = 0.0
    for i, c in enumerate(text):
        used += 1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5
        if used > room:
            return i
    return len(text)


def copied_text(title: str, paragraphs: list[str], *, chars: int = 28, lines_per_page: int = 22,
                header: str | None = None, footer: str = "— {n} —", keep_indent: bool = True,
                headings: tuple[str, ...] = ()) -> str:
    """The title, then paragraphs wrapped at ``chars`` (first line indented two characters).

    With ``keep_indent`` the indent survives as two full-width spaces (as Word-made
    PDFs copy); without it only the shorter first line shows it (as pdftotext gives).
    Every page starts with ``header`` and ends with ``footer`` (n, total), pages
    separated by a form feed.
    """
    rows: list[str] = [title]
    for para in paragraphs:
        if para in headings:
            rows.append(para)
            continue
        room, first = chars - 2, True
        while para:
            cut = _fit(para, room)
            rows.append(("\u3000\u3000" if first and keep_indent else "") + para[:cut])
            para, room, first = para[cut:], chars, False
    chunks = [rows[i:i + lines_per_page] for i in range(0, len(rows), lines_per_page)]
    pages = []
    for n, chunk in enumerate(chunks, start=1):
        lines = ([header, ""] if header else []) + chunk + ["", footer.format(n=n, total=len(chunks))]
        pages.append("\n".join(lines) + "\n")
    return "\f".join(pages)
