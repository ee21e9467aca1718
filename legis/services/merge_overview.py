"""The opinions overview (意见归并与处理): per article, its comments, opinions and opinions
still pending, a page of articles at a time, from the counts kept in the database
(decision_figures) and the index of comments not merged yet."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlmodel import Session, select

from legis.models import Article, DraftVersion
from legis.services import decision_figures
from legis.services import drafts as draft_service

PAGE_SIZE = 50   # articles per page


@dataclass
class OverviewRow:
    key: str            # the article's id, or "overall" for 总体意见
    label: str
    comments: int
    opinions: int
    pending: int


@dataclass
class MergeOverview:
    rows: list[OverviewRow]          # this page's
    totals: dict[str, int]
    unmerged: int
    page: int
    pages: int


def merge_overview(session: Session, *, draft_id: int, page: int = 1) -> MergeOverview:
    """Articles in draft order (总体意见 first, then articles of earlier versions that still
    hold comments or opinions), only those with any; a page of them."""
    draft = draft_service.get_draft(session, draft_id=draft_id)
    figures = decision_figures.per_article(session, draft_id=draft.id)
    version = draft_service.current_version(session, draft=draft)
    order = [(None, "总体意见")] + [
        (article_id, label) for article_id, label in session.exec(
            select(Article.id, Article.label).where(Article.version_id == version.id)
            .order_by(Article.ordinal))]
    # Opinions made on an earlier version stay on the article they were made on.
    older = set(figures) - {article_id for article_id, _ in order}
    if older:
        versions = dict(session.exec(select(DraftVersion.id, DraftVersion.name)
                                     .where(DraftVersion.draft_id == draft.id)).all())
        for article in sorted(session.exec(select(Article).where(Article.id.in_(older))),
                              key=lambda a: (a.version_id, a.ordinal)):
            order.append((article.id, f"{article.label}（{versions.get(article.version_id, '旧版')}）"))
    rows = []
    for article_id, label in order:
        found = figures.get(article_id)
        if found is not None and (found.comments or found.opinions):
            rows.append(OverviewRow("overall" if article_id is None else str(article_id), label,
                                    found.comments, found.opinions, found.pending))
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("comments", "opinions", "pending")}
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    unmerged = sum(f.unmerged for f in figures.values())
    return MergeOverview(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], totals, unmerged, page, pages)
