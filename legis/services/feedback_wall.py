"""The 回音壁 a page at a time: a draft's published opinions cut into pages of about PER_PAGE,
an article's opinions kept together unless one article alone fills more than a page. A page
is cut from the kept counts (figure_counts), so the first load after the results change
reads and masks only its own opinions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func
from sqlmodel import Session, select

from legis.errors import NotFound
from legis.models import STATE_PENDING, Article, Draft, Opinion, OpinionCount
from legis.services import figure_counts
from legis.services.dispositions import Row, WallEntry, public_opinion

PER_PAGE = 100


@dataclass
class WallPage:
    totals: Row
    entries: list[WallEntry]
    number: int
    pages: int


def cut(sizes: list[int], per_page: int = PER_PAGE) -> list[list[tuple[int, int, int]]]:
    """Entries of these sizes in pages of (entry, start, stop) pieces: whole entries while they
    fit, a long one split across pages (each piece keeps the entry's label, so a page never
    starts with unnamed opinions)."""
    pages: list[list[tuple[int, int, int]]] = [[]]
    room = per_page
    for index, size in enumerate(sizes):
        if room < size <= per_page:
            pages.append([])       # the whole article fits on a page of its own
            room = per_page
        start = 0
        while start < size:
            if room == 0:
                pages.append([])
                room = per_page
            stop = start + min(room, size - start)
            pages[-1].append((index, start, stop))
            room -= stop - start
            start = stop
    return [page for page in pages if page] or [[]]


def paginate(entries: list[WallEntry], per_page: int = PER_PAGE) -> list[list[WallEntry]]:
    """Entries in pages, cut as :func:`cut` says."""
    return [[WallEntry(entries[i].label, entries[i].opinions[start:stop]) for i, start, stop in page]
            for page in cut([len(e.opinions) for e in entries], per_page)]


def _no_such_page(pages: int, number: int) -> NotFound:
    return NotFound(f"回音壁共{pages}页，没有第{number}页。请从第1页开始查看。")


@dataclass(frozen=True)
class WallPlan:
    """Which opinions each page of a draft's 回音壁 shows, from the kept counts; the same for
    every page, so made once per state of the results."""

    keys: list[int]                          # article keys in draft order (0: 总体意见)
    labels: dict[int, str]
    pages: list[list[tuple[int, int, int]]]  # per page: (index in keys, start, stop)
    totals: Row


def plan(session: Session, *, draft: Draft, per_page: int = PER_PAGE) -> WallPlan | None:
    """The wall's pages from the kept counts: how many opinions each article shows, and the
    totals per state. None when the draft's counts are not kept (cut it from the whole wall)."""
    connection = session.connection()
    if not figure_counts.is_current(connection, draft_id=draft.id):
        return None
    sizes = figure_counts.supported_per_article(connection, draft_id=draft.id)
    articles = {a.id: a for a in session.exec(
        select(Article.id, Article.label, Article.ordinal).where(Article.id.in_(set(sizes) - {0})))}
    keys = sorted(sizes, key=lambda k: -1 if k == figure_counts.OVERALL else articles[k].ordinal)
    totals = Row("合计")
    for approved, state, n in session.exec(
            select(Opinion.approved, Opinion.state, func.count())
            .join(OpinionCount, and_(OpinionCount.opinion_id == Opinion.id, OpinionCount.point_key == 0))
            .where(Opinion.draft_id == draft.id, OpinionCount.comments > 0)
            .group_by(Opinion.approved, Opinion.state)).all():
        totals.counts[state if approved else STATE_PENDING] += n
    labels = {k: articles[k].label if k else "总体意见" for k in keys}
    return WallPlan(keys, labels, cut([sizes[k] for k in keys], per_page), totals)


def planned_page(session: Session, *, draft_id: int, plan: WallPlan, number: int) -> WallPage:
    """Page ``number`` of a planned wall: only its own opinions are read and masked."""
    if not 1 <= number <= len(plan.pages):
        raise _no_such_page(len(plan.pages), number)
    connection = session.connection()
    entries = []
    for index, start, stop in plan.pages[number - 1]:
        key = plan.keys[index]
        supporters = figure_counts.supported(connection, draft_id=draft_id, article_key=key,
                                             offset=start, limit=stop - start)
        opinions = {o.id: o for o in session.exec(
            select(Opinion.id, Opinion.approved, Opinion.text, Opinion.state, Opinion.reason,
                   Opinion.change_note).where(Opinion.id.in_(supporters)))}
        entries.append(WallEntry(plan.labels[key],
                                 [public_opinion(opinions[i], n) for i, n in supporters.items()]))
    return WallPage(plan.totals, entries, number, len(plan.pages))


def counted_page(session: Session, *, draft: Draft, number: int,
                 per_page: int = PER_PAGE) -> WallPage | None:
    """Page ``number`` cut from the kept counts; None when the draft's counts are not kept."""
    found = plan(session, draft=draft, per_page=per_page)
    return None if found is None else planned_page(session, draft_id=draft.id, plan=found, number=number)


def page_of(wall: tuple[Row, list[WallEntry]], *, number: int,
            per_page: int = PER_PAGE) -> WallPage:
    """Page ``number`` (from 1) of a wall; NotFound past the last page."""
    totals, entries = wall
    pages = paginate(entries, per_page)
    if not 1 <= number <= len(pages):
        raise _no_such_page(len(pages), number)
    return WallPage(totals, pages[number - 1], number, len(pages))
