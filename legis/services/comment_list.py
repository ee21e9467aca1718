"""The staff comment list: filters, counts per article, paging that stays fast at 100,000 comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from legis.models import Article, Comment, ContactPoint, Draft, Meeting
from legis.services.drafts import articles_of, current_version, get_draft
from legis.timefmt import BEIJING

PAGE_SIZE = 50


@dataclass
class CommentFilters:
    article_id: int | None = None
    overall: bool = False              # only 总体意见
    contact_point_id: int | None = None
    meeting_id: int | None = None
    channel: str | None = None
    date_from: date | None = None      # Beijing dates, inclusive
    date_to: date | None = None
    page: int = 1
    point_ids: frozenset[int] | None = None   # a host's scope; None = every point


    def apply(self, query, *, draft_id: int):
        query = query.where(Comment.draft_id == draft_id)
        if self.overall:
            query = query.where(Comment.article_id.is_(None))
        elif self.article_id is not None:
            query = query.where(Comment.article_id == self.article_id)
        if self.contact_point_id is not None:
            query = query.where(Comment.contact_point_id == self.contact_point_id)
        if self.point_ids is not None:
            query = query.where(Comment.contact_point_id.in_(self.point_ids))
        if self.meeting_id is not None:
            query = query.where(Comment.meeting_id == self.meeting_id)
        if self.channel:
            query = query.where(Comment.channel == self.channel)
        if self.date_from:
            query = query.where(Comment.created_at >= _utc_start(self.date_from))
        if self.date_to:
            query = query.where(Comment.created_at < _utc_start(self.date_to + timedelta(days=1)))
        return query


def _utc_start(day: date) -> datetime:
    """Midnight in Beijing on ``day``."""
    return datetime.combine(day, time(), tzinfo=BEIJING)


@dataclass
class ArticleCount:
    article: Article | None   # None: 总体意见
    count: int


@dataclass
class CommentRow:
    comment: Comment
    article_label: str
    point_name: str
    meeting_title: str


@dataclass
class CommentPage:
    draft: Draft
    rows: list[CommentRow]
    total: int
    page: int
    pages: int
    counts: list[ArticleCount]
    max_count: int
    points: list[ContactPoint] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)


def comment_page(session: Session, *, draft_id: int, filters: CommentFilters) -> CommentPage:
    draft = get_draft(session, draft_id=draft_id)
    version = current_version(session, draft=draft)
    articles = articles_of(session, version=version)
    by_id = {a.id: a for a in articles}

    total = session.exec(filters.apply(select(func.count(Comment.id)), draft_id=draft.id)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    comments = list(
        session.exec(
            filters.apply(select(Comment), draft_id=draft.id)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    points = {p.id: p for p in session.exec(select(ContactPoint).order_by(ContactPoint.name))
              if filters.point_ids is None or p.id in filters.point_ids}
    meetings = {
        s.id: s
        for s in session.exec(
            select(Meeting).where(Meeting.draft_id == draft.id)
        )
        if filters.point_ids is None or s.contact_point_id in filters.point_ids
    }
    rows = [
        CommentRow(
            comment=c,
            article_label=_label(by_id, session, c.article_id),
            point_name=points[c.contact_point_id].name if c.contact_point_id in points else "",
            meeting_title=meetings[c.meeting_id].title if c.meeting_id in meetings else "",
        )
        for c in comments
    ]
    # Counts per article ignore the article filter so the bars show the whole picture.
    count_filters = CommentFilters(**{**filters.__dict__, "article_id": None, "overall": False})
    counted = session.exec(
        count_filters.apply(
            select(Comment.article_id, func.count(Comment.id)), draft_id=draft.id
        ).where(Comment.withdrawn.is_(False)).group_by(Comment.article_id)
    ).all()
    count_map = dict(counted)
    counts = [ArticleCount(None, count_map.get(None, 0))] + [
        ArticleCount(a, count_map.get(a.id, 0)) for a in articles
    ]
    return CommentPage(
        draft=draft,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        counts=counts,
        max_count=max((c.count for c in counts), default=0),
        points=list(points.values()),
        meetings=sorted(meetings.values(), key=lambda s: s.id),
        articles=articles,
    )


def _label(by_id: dict[int, Article], session: Session, article_id: int | None) -> str:
    if article_id is None:
        return "总体意见"
    article = by_id.get(article_id) or session.get(Article, article_id)
    return article.label if article else ""
