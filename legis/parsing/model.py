"""The result of parsing a draft: plain dataclasses and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

HEADING_LEVELS = ("编", "分编", "章", "节")


class Line(NamedTuple):
    """One line (paragraph) of source text, with a layout hint from Word styles or Markdown.

    ``hint`` is "title" (Word Title style, Markdown ``#``), "heading" (Heading 1-9,
    a bold centred paragraph, Markdown ``##``…) or None.
    """

    text: str
    hint: str | None = None


@dataclass(frozen=True)
class ParsedHeading:
    """A 编/分编/章/节 heading; ``path`` holds the full strings of its ancestors and itself."""

    level: str
    label: str
    title: str
    number: int
    path: tuple[str, ...]

    @property
    def full(self) -> str:
        """The heading as printed in a path: 第一章 总则."""
        return self.path[-1] if self.path else heading_string(self.label, self.title)


@dataclass
class ParsedArticle:
    """One 条: its number (and 之X sub-number), caption, heading path and 款/项/目 lines."""

    number: int
    sub: int
    label: str
    caption: str | None
    path: tuple[str, ...]
    text: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class ParsedDraft:
    """A whole draft split into title, preamble, headings and articles.

    ``stage`` is the 稿次 printed with the title (征求意见稿, 二次审议稿 …), or "".
    """

    title: str
    preamble: str
    headings: list[ParsedHeading]
    articles: list[ParsedArticle]
    warnings: list[str] = field(default_factory=list)
    stage: str = ""


def heading_string(label: str, title: str) -> str:
    """第一章 + 总则 -> 第一章 总则; 一、 + 一般规定 -> 一、一般规定."""
    if not label or not title:
        return label or title
    if label.endswith(("、", ".", "．")):
        return label + title
    return f"{label} {title}"


def to_json(parsed: ParsedDraft, file: str | None = None) -> dict:
    """The draft as plain JSON-able data (the shape the CLI prints and the API returns)."""
    return {
        "file": file,
        "title": parsed.title,
        "stage": parsed.stage,
        "preamble": parsed.preamble,
        "headings": [
            {"level": h.level, "label": h.label, "title": h.title, "number": h.number,
             "path": list(h.path)}
            for h in parsed.headings
        ],
        "articles": [
            {"number": a.number, "sub": a.sub, "label": a.label, "caption": a.caption,
             "path": list(a.path), "text": a.text, "paragraphs": list(a.paragraphs)}
            for a in parsed.articles
        ],
        "warnings": list(parsed.warnings),
    }
