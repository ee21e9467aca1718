"""One page of an article's review: its opinions biggest first, a page at a time.

A hot article has thousands of comments in hundreds of opinions; the page reads only
what it shows. Opinion sizes come from one grouped count, the members shown from one
ranked query (a large opinion shows its first few, the rest a page at a time on
demand), contact points and decision histories for the shown opinions in one query each.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, union_all
from sqlmodel import Session, select

from legis.errors import NotFound
from legis.models import Article, Comment, ContactPoint, Disposition, Opinion

PAGE_SIZE = 25         # opinions per page
MEMBERS_SHOWN = 8      # members of each opinion shown before the rest is folded
MEMBERS_PAGE = 50      # members per page when staff open an opinion's members
PICKER_SIZE = 60       # the article's largest opinions offered in the picker besides the page's
ASIDE_SHOWN = 30       # excluded / withdrawn comments listed, newest first


@dataclass
class OpinionRow:
    """An opinion as the page shows it: ``comments`` are the members shown, ``supporters`` all."""

    opinion: Opinion
    supporters: int
    waiting: int
    comments: list[Comment] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    members_page: int = 1          # which page of members is shown (1: the first few)
    members_pages: int = 1
    opened: bool = False           # staff asked for this opinion's members page by page

    @property
    def folded(self) -> int:
        """Members not shown on this page."""
        return self.supporters - len(self.comments)


@dataclass
class ReviewPage:
    article: Article | None
    opinions: list[OpinionRow]
    total: int                     # opinions of the article
    page: int
    pages: int
    targets: list[tuple[int, str]]   # (id, text) offered in the move / merge picker
    targets_complete: bool           # the picker holds every opinion of the article
    histories: dict[int, list[Disposition]]
    excluded: list[Comment]
    excluded_count: int
    withdrawn: list[Comment]
    withdrawn_count: int
    unmerged: int


def _where(column, article_id: int | None):
    return column == article_id if article_id is not None else column.is_(None)


def _counted():
    return (Comment.withdrawn.is_(False), Comment.excluded.is_(False))


def opinion_sizes(session: Session, *, draft_id: int, article_id: int | None) -> list[tuple[int, int, int]]:
    """(opinion id, members, members awaiting confirmation) for every opinion of the article,
    biggest first: one grouped query, no comment row read."""
    members = func.count(Comment.id)
    waiting = func.coalesce(func.sum(case((Comment.awaiting_confirmation.is_(True), 1), else_=0)), 0)
    rows = session.exec(
        select(Opinion.id, members, waiting)
        .select_from(Opinion)
        .outerjoin(Comment, (Comment.opinion_id == Opinion.id) & Comment.withdrawn.is_(False)
                   & Comment.excluded.is_(False))
        .where(Opinion.draft_id == draft_id, _where(Opinion.article_id, article_id))
        .group_by(Opinion.id)
        .order_by(members.desc(), Opinion.id)).all()
    return [(int(i), int(n), int(w)) for i, n, w in rows]


def page_of(sizes: list[tuple[int, int, int]], opinion_id: int) -> int | None:
    """The page an opinion is on, or None when it is not an opinion of this article."""
    for position, (oid, _n, _w) in enumerate(sizes):
        if oid == opinion_id:
            return position // PAGE_SIZE + 1
    return None


def _first_members(session: Session, opinion_ids: list[int]) -> dict[int, list[Comment]]:
    """The first MEMBERS_SHOWN members of each opinion (awaiting confirmation first): one
    query, each opinion's share read through the opinion index and cut at MEMBERS_SHOWN."""
    if not opinion_ids:
        return {}
    firsts = union_all(*(
        select(Comment.id).where(Comment.opinion_id == oid, *_counted())
        .order_by(Comment.awaiting_confirmation.desc(), Comment.id).limit(MEMBERS_SHOWN)
        .subquery().select() for oid in opinion_ids)).subquery()
    found: dict[int, list[Comment]] = defaultdict(list)
    for comment in session.exec(
            select(Comment).where(Comment.id.in_(select(firsts.c.id)))
            .order_by(Comment.opinion_id, Comment.awaiting_confirmation.desc(), Comment.id)):
        found[comment.opinion_id].append(comment)
    return found


def members_page(session: Session, *, opinion_id: int, page: int) -> list[Comment]:
    """One page of an opinion's members, in the order the folded list continues."""
    return list(session.exec(
        select(Comment).where(Comment.opinion_id == opinion_id, *_counted())
        .order_by(Comment.awaiting_confirmation.desc(), Comment.id)
        .offset((page - 1) * MEMBERS_PAGE).limit(MEMBERS_PAGE)))


def _points(session: Session, opinion_ids: list[int]) -> dict[int, list[str]]:
    """Contact points of each opinion's members, most comments first: one grouped query."""
    counted: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if opinion_ids:
        for oid, name, n in session.exec(
                select(Comment.opinion_id, ContactPoint.name, func.count(Comment.id))
                .join(ContactPoint, ContactPoint.id == Comment.contact_point_id)
                .where(Comment.opinion_id.in_(opinion_ids), *_counted())
                .group_by(Comment.opinion_id, ContactPoint.name)).all():
            counted[oid].append((-int(n), name))
    return {oid: [name for _n, name in sorted(pairs)] for oid, pairs in counted.items()}


def histories(session: Session, opinion_ids: list[int]) -> dict[int, list[Disposition]]:
    """The decision history of each opinion, oldest first: one query for all of them."""
    found: dict[int, list[Disposition]] = {oid: [] for oid in opinion_ids}
    if opinion_ids:
        for row in session.exec(select(Disposition).where(Disposition.opinion_id.in_(opinion_ids))
                                .order_by(Disposition.id)):
            found[row.opinion_id].append(row)
    return found


def _aside(session: Session, draft_id: int, article_id: int | None) -> tuple[int, int, int]:
    """Comments of the article excluded, withdrawn and not yet merged: one pass, no rows read."""
    def flagged(*conditions):
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    excluded, withdrawn, unmerged = session.exec(select(
        flagged(Comment.excluded.is_(True), Comment.withdrawn.is_(False)),
        flagged(Comment.withdrawn.is_(True)),
        flagged(Comment.opinion_id.is_(None), *_counted()))
        .where(Comment.draft_id == draft_id, _where(Comment.article_id, article_id))).one()
    return int(excluded), int(withdrawn), int(unmerged)


def _listed(session: Session, draft_id: int, article_id: int | None, count: int, *flags) -> list[Comment]:
    if not count:
        return []
    return list(session.exec(
        select(Comment).where(Comment.draft_id == draft_id, _where(Comment.article_id, article_id), *flags)
        .order_by(Comment.id.desc()).limit(ASIDE_SHOWN)))


def review_page(session: Session, *, draft_id: int, article_id: int | None, page: int = 1,
                show: int | None = None, open_opinion: int | None = None,
                open_page: int = 1) -> ReviewPage:
    """Page ``page`` of the article's opinions (or the page holding opinion ``show``); the
    members of ``open_opinion`` shown at page ``open_page`` of them instead of the first few."""
    article = session.get(Article, article_id) if article_id is not None else None
    if article_id is not None and article is None:
        raise NotFound("没有找到这一条。")
    sizes = opinion_sizes(session, draft_id=draft_id, article_id=article_id)
    pages = max(1, math.ceil(len(sizes) / PAGE_SIZE))
    if show is not None:
        page = page_of(sizes, show) or page
    page = min(max(page, 1), pages)
    shown = sizes[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    shown_ids = [oid for oid, _n, _w in shown]
    picker_ids = list(dict.fromkeys(shown_ids + [oid for oid, _n, _w in sizes[:PICKER_SIZE]]))
    loaded = {o.id: o for o in session.exec(select(Opinion).where(Opinion.id.in_(picker_ids)))}
    members = _first_members(session, shown_ids)
    points = _points(session, shown_ids)
    rows = []
    for oid, supporters, waiting in shown:
        row = OpinionRow(loaded[oid], supporters, waiting, members.get(oid, []), points.get(oid, []),
                         members_pages=max(1, math.ceil(supporters / MEMBERS_PAGE)))
        if oid == open_opinion and supporters > MEMBERS_SHOWN:
            row.opened = True
            row.members_page = min(max(open_page, 1), row.members_pages)
            row.comments = members_page(session, opinion_id=oid, page=row.members_page)
        rows.append(row)
    excluded_count, withdrawn_count, unmerged = _aside(session, draft_id, article_id)
    excluded = _listed(session, draft_id, article_id, excluded_count, Comment.excluded.is_(True),
                       Comment.withdrawn.is_(False))
    withdrawn = _listed(session, draft_id, article_id, withdrawn_count, Comment.withdrawn.is_(True))
    return ReviewPage(
        article=article, opinions=rows, total=len(sizes), page=page, pages=pages,
        targets=[(oid, loaded[oid].text) for oid in picker_ids],
        targets_complete=len(picker_ids) == len(sizes),
        histories=histories(session, shown_ids),
        excluded=excluded, excluded_count=excluded_count,
        withdrawn=withdrawn, withdrawn_count=withdrawn_count, unmerged=unmerged)
