"""A draft as residents download it: plain text, or a .docx laid out as the published draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from legis.exporters.official import OfficialDocument
from legis.exporters.wordxml import clean


@dataclass
class DraftText:
    """The text of one version, in reading order; ``entries`` are headings and articles."""

    title: str
    stage: str = ""                  # 征求意见稿, 草案修改稿 …
    description: str = ""            # the draft's 说明, printed before the articles
    preamble: str = ""
    entries: list[tuple] = field(default_factory=list)
    # ("heading", "第一章　总则") or ("article", "第一条", caption or "", [款 …])


def _article_lines(label: str, caption: str, paragraphs: list[str]) -> list[str]:
    head = f"{label}　{f'【{caption}】' if caption else ''}{paragraphs[0] if paragraphs else ''}"
    return [head, *paragraphs[1:]]


def _lines(data: DraftText) -> list[tuple[str, str]]:
    """(kind, text) lines: title, stage, 说明, preamble, then headings and article paragraphs."""
    lines = [("title", data.title)]
    if data.stage:
        lines.append(("stage", f"（{data.stage}）"))
    # The 说明 goes before the articles: after them, a reader (or legis itself) would take it
    # for more paragraphs of the last article.
    if data.description.strip():
        lines.append(("para", "草案说明："))
        lines += [("para", t.strip()) for t in data.description.splitlines() if t.strip()]
    for text in data.preamble.splitlines():
        if text.strip():
            lines.append(("para", text.strip()))
    for entry in data.entries:
        if entry[0] == "heading":
            lines.append(("heading", entry[1]))
        else:
            lines += [("para", line) for line in _article_lines(*entry[1:])]
    return lines


def to_text(data: DraftText) -> bytes:
    """UTF-8 text with a byte-order mark and Windows line ends, so Notepad on an old PC shows it right."""
    out = []
    for kind, text in _lines(data):
        if kind in {"heading", "stage"}:
            out += ["", text, ""] if kind == "heading" else [text, ""]
        elif kind == "title":
            out += [text]
        else:
            out.append(text)
    return ("\ufeff" + "\r\n".join(out).strip() + "\r\n").encode("utf-8")


def to_docx(data: DraftText) -> bytes:
    """A .docx in the house layout of an official document (GB/T 9704 page and fonts)."""
    doc = OfficialDocument()
    for kind, text in _lines(data):
        text = clean(text)
        if kind == "title":
            doc.title(text)
        elif kind == "stage":
            doc.centered(text)
        elif kind == "heading":
            doc.heading1(text)
        else:
            doc.para(text)
    return doc.to_bytes()
