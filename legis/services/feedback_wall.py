"""The 回音壁 a page at a time: a draft's published opinions cut into pages of about PER_PAGE,
an article's opinions kept together unless one article alone fills more than a page."""

from __future__ import annotations

from dataclasses import dataclass

from legis.errors import NotFound
from legis.services.dispositions import Row, WallEntry

PER_PAGE = 100


@dataclass
class WallPage:
    totals: Row
    entries: list[WallEntry]
    number: int
    pages: int


def paginate(entries: list[WallEntry], per_page: int = PER_PAGE) -> list[list[WallEntry]]:
    """Entries in pages: whole articles while they fit, a long article split across pages
    (each piece keeps the article's label, so a page never starts with unnamed opinions)."""
    pages: list[list[WallEntry]] = [[]]
    room = per_page
    for entry in entries:
        opinions = entry.opinions
        if room < len(opinions) <= per_page:
            pages.append([])       # the whole article fits on a page of its own
            room = per_page
        while opinions:
            if room == 0:
                pages.append([])
                room = per_page
            taken, opinions = opinions[:room], opinions[room:]
            pages[-1].append(WallEntry(entry.label, taken))
            room -= len(taken)
    return [page for page in pages if page] or [[]]


def page_of(wall: tuple[Row, list[WallEntry]], *, number: int,
            per_page: int = PER_PAGE) -> WallPage:
    """Page ``number`` (from 1) of a wall; NotFound past the last page."""
    totals, entries = wall
    pages = paginate(entries, per_page)
    if not 1 <= number <= len(pages):
        raise NotFound(f"回音壁共{len(pages)}页，没有第{number}页。请从第1页开始查看。")
    return WallPage(totals, pages[number - 1], number, len(pages))
