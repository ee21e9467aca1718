"""How a resident reads a draft: its outline, the pages a long draft is split into, search by word."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from legis.models import Article, DraftVersion, Heading
from legis.services.drafts import articles_of, headings_of

# A draft longer than this is read chapter by chapter; a shorter one stays one page.
PAGE_ARTICLES = 40
# A run of articles under no smaller heading is cut into pages of this many.
CHUNK_ARTICLES = 20
MAX_QUERY = 50


@dataclass
class Part:
    """One page of a long draft: a chapter (or part of one), with its articles."""

    number: int
    title: str
    articles: list[Article]
    blocks: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def span(self) -> str:
        if not self.articles:     # a version with no articles yet (made outside the import)
            return ""
        first, last = self.articles[0].label, self.articles[-1].label
        return first if first == last else f"{first}—{last}"


@dataclass
class Reading:
    """A version laid out for reading: outline, pages, and on which page each article is."""

    articles: list[Article]
    outline: list[dict[str, Any]]
    parts: list[Part]
    part_of: dict[int, int]          # article id -> page number

    @property
    def paged(self) -> bool:
        return len(self.parts) > 1


def chain(headings: dict[int, Heading], heading_id: int | None) -> list[Heading]:
    """The headings above an article, outermost first."""
    found: list[Heading] = []
    while heading_id is not None and heading_id in headings:
        found.append(headings[heading_id])
        heading_id = headings[heading_id].parent_id
    return found[::-1]


def blocks(headings: dict[int, Heading], articles: list[Article]) -> list[tuple[str, Any]]:
    """Headings interleaved with articles: each heading before its first article.

    A page that starts inside a 编 repeats the 编 above its first chapter, so
    the reader always sees where they are.
    """
    out: list[tuple[str, Any]] = []
    previous: list[int] = []
    for article in articles:
        above = chain(headings, article.heading_id)
        ids = [h.id for h in above]
        common = 0
        while common < min(len(ids), len(previous)) and ids[common] == previous[common]:
            common += 1
        for depth, heading in enumerate(above[common:], start=common):
            out.append(("heading", {"heading": heading, "depth": depth}))
        previous = ids
        out.append(("article", article))
    return out


def outline(headings: dict[int, Heading], articles: list[Article]) -> list[dict[str, Any]]:
    """Top-level headings with their children and the first and last article under each."""
    under: dict[int, list[Article]] = {}
    for article in articles:
        for heading in chain(headings, article.heading_id):
            under.setdefault(heading.id, []).append(article)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for heading in sorted(headings.values(), key=lambda h: h.ordinal):
        inside = under.get(heading.id)
        if not inside:
            continue
        node = {"heading": heading, "first": inside[0], "last": inside[-1], "children": []}
        nodes[heading.id] = node
        parent = nodes.get(heading.parent_id) if heading.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def _split(headings: dict[int, Heading], articles: list[Article], depth: int) -> list[tuple[str, list[Article]]]:
    """Consecutive runs of articles under the same heading at ``depth``, long runs split further."""
    runs: list[tuple[Heading | None, list[Article]]] = []
    for article in articles:
        above = chain(headings, article.heading_id)
        key = above[depth] if len(above) > depth else None
        if runs and runs[-1][0] is key:
            runs[-1][1].append(article)
        else:
            runs.append((key, [article]))
    pieces: list[tuple[str, list[Article]]] = []
    for heading, run in runs:
        deeper = any(len(chain(headings, a.heading_id)) > depth + 1 for a in run)
        if len(run) > PAGE_ARTICLES and heading is not None and deeper:
            pieces += _split(headings, run, depth + 1)
        elif len(run) > PAGE_ARTICLES:
            for start in range(0, len(run), CHUNK_ARTICLES):
                piece = run[start:start + CHUNK_ARTICLES]
                title = f"{heading.label} {heading.title}".strip() if heading else ""
                pieces.append((title, piece))
        else:
            title = f"{heading.label} {heading.title}".strip() if heading else ""
            pieces.append((title, run))
    return pieces


def lay_out(headings: list[Heading], articles: list[Article]) -> Reading:
    """Outline and pages of one version: one page up to PAGE_ARTICLES articles, else by chapter."""
    by_id = {h.id: h for h in headings}
    pieces = [("", articles)] if len(articles) <= PAGE_ARTICLES else _split(by_id, articles, 0)
    parts = []
    for number, (title, run) in enumerate(pieces, start=1):
        part = Part(number=number, title=title, articles=run, blocks=blocks(by_id, run))
        if not part.title:
            part.title = part.span
        parts.append(part)
    part_of = {a.id: part.number for part in parts for a in part.articles}
    return Reading(articles=articles, outline=outline(by_id, articles), parts=parts, part_of=part_of)


def part_of_article(session: Session, *, article: Article) -> int:
    """The page of its draft an article is read on (1 for an article of an earlier version)."""
    version = session.get(DraftVersion, article.version_id)
    if version is None or not version.is_current:
        return 1
    laid_out = lay_out(headings_of(session, version=version), articles_of(session, version=version))
    return laid_out.part_of.get(article.id, 1)


@dataclass
class Hit:
    """An article that contains the words searched for, its text cut into marked and plain pieces."""

    article: Article
    part: int
    paragraphs: list[list[tuple[str, bool]]]   # per 款: (text, is_match) pieces


def query_terms(query: str) -> list[str]:
    """The words of a search box entry: split on spaces (full- or half-width), at most MAX_QUERY characters."""
    return [t for t in query.replace("\u3000", " ")[:MAX_QUERY].split() if t]


def _pieces(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    folded = text.lower()
    marks = [False] * len(text)
    for term in terms:
        needle = term.lower()
        start = folded.find(needle)
        while start >= 0:
            for i in range(start, min(start + len(needle), len(text))):
                marks[i] = True
            start = folded.find(needle, start + len(needle))
    pieces: list[tuple[str, bool]] = []
    for char, marked in zip(text, marks, strict=True):
        if pieces and pieces[-1][1] == marked:
            pieces[-1] = (pieces[-1][0] + char, marked)
        else:
            pieces.append((char, marked))
    return pieces


def search(reading: Reading, query: str) -> list[Hit]:
    """Articles containing every word of ``query`` (in their label, caption or text), in order."""
    terms = query_terms(query)
    if not terms:
        return []
    hits = []
    for article in reading.articles:
        whole = " ".join([article.label, article.caption or "", *article.paragraphs]).lower()
        if all(term.lower() in whole for term in terms):
            hits.append(Hit(
                article=article,
                part=reading.part_of.get(article.id, 1),
                paragraphs=[_pieces(p, terms) for p in article.paragraphs],
            ))
    return hits
