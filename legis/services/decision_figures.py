"""The figures of a draft's decisions — 处理情况 page and its two charts — from grouped
counts in the database: no opinion or comment row comes back to Python, however large
the draft.

The charts are cached per state of the decisions: their stamp is a digest of the very
counts they draw, read from the shared database, so every app server agrees on it
without a message between them, and a decision, a merge or a moved comment changes it.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import func
from sqlmodel import Session, select

from legis.exporters import charts
from legis.exporters.figures import ArticleCount
from legis.models import STATES, Article, Comment, ContactPoint, Opinion
from legis.services.dispositions import Overview, Row

ONLINE = "网上（未经联系点）"


def _labels(session: Session, article_ids: set[int]) -> dict[int, Article]:
    ids = {i for i in article_ids if i is not None}
    if not ids:
        return {}
    return {a.id: a for a in session.exec(select(Article).where(Article.id.in_(ids)))}


def overview(session: Session, *, draft_id: int) -> Overview:
    """Opinion counts per state: in all, per article and per contact point that raised them
    (an opinion raised at two points counts at each; one raised at none counts as 网上)."""
    per_article_state = session.exec(
        select(Opinion.article_id, Opinion.state, func.count(Opinion.id))
        .where(Opinion.draft_id == draft_id).group_by(Opinion.article_id, Opinion.state)).all()
    articles = _labels(session, {a for a, _s, _n in per_article_state})
    totals = Row("合计")
    per_article: dict[int | None, Row] = {}
    for article_id, state, count in per_article_state:
        totals.counts[state] += count
        article = articles.get(article_id)
        row = per_article.setdefault(article_id, Row(article.label if article else "总体意见"))
        row.counts[state] += count
    raised = (select(Comment.contact_point_id, Opinion.state, func.count(func.distinct(Opinion.id)))
              .join(Opinion, Opinion.id == Comment.opinion_id)
              .where(Comment.draft_id == draft_id, Comment.contact_point_id.is_not(None)))
    per_point_state = session.exec(raised.group_by(Comment.contact_point_id, Opinion.state)).all()
    with_point = dict(session.exec(
        select(Opinion.state, func.count(func.distinct(Opinion.id)))
        .join(Comment, Comment.opinion_id == Opinion.id)
        .where(Comment.draft_id == draft_id, Comment.contact_point_id.is_not(None))
        .group_by(Opinion.state)).all())
    names = dict(session.exec(select(ContactPoint.id, ContactPoint.name)).all())
    per_point: dict[int | None, Row] = {}
    for point_id, state, count in per_point_state:
        per_point.setdefault(point_id, Row(names.get(point_id, ONLINE))).counts[state] += count
    for state in STATES:
        online = totals.counts[state] - with_point.get(state, 0)
        if online:
            per_point.setdefault(None, Row(ONLINE)).counts[state] += online
    order = {a.id: a.ordinal for a in articles.values()}
    by_article = [per_article[k] for k in sorted(per_article, key=lambda k: -1 if k is None else order.get(k, 0))]
    by_point = sorted(per_point.values(), key=lambda r: (-r.total, r.label))
    return Overview(totals=totals, by_article=by_article, by_point=by_point)


@dataclass(frozen=True)
class ChartFigures:
    """What the two charts draw, exactly as the report counts it: comments (not excluded,
    not withdrawn) per article and state of their opinion, and opinions with such comments
    per state."""

    articles: list[ArticleCount]
    tally: dict[str, int]

    @property
    def stamp(self) -> str:
        plain = [[a.ordinal, a.label, [a.counts[s] for s in STATES]] for a in self.articles]
        text = json.dumps([plain, [self.tally[s] for s in STATES]], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def chart_figures(session: Session, *, draft_id: int) -> ChartFigures:
    """Both charts' figures in one grouped query."""
    rows = session.exec(
        select(Opinion.article_id, Opinion.state, func.count(Comment.id),
               func.count(func.distinct(Opinion.id)))
        .join(Opinion, Opinion.id == Comment.opinion_id)
        .where(Comment.draft_id == draft_id, Opinion.draft_id == draft_id,
               Comment.excluded.is_(False), Comment.withdrawn.is_(False))
        .group_by(Opinion.article_id, Opinion.state)).all()
    articles = _labels(session, {a for a, _s, _c, _o in rows})
    by_ordinal: dict[int, ArticleCount] = {}
    tally = dict.fromkeys(STATES, 0)
    for article_id, state, comments, opinions in rows:
        article = articles.get(article_id)
        ordinal = article.ordinal + 1 if article else 0
        item = by_ordinal.setdefault(ordinal, ArticleCount(
            ordinal, article.label if article else "总体意见", dict.fromkeys(STATES, 0)))
        item.counts[state] += comments
        tally[state] += opinions
    return ChartFigures([by_ordinal[k] for k in sorted(by_ordinal)], tally)


CHARTS = ("articles", "tally")
_CACHE: OrderedDict[tuple[str, str], str] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = Lock()


def chart_svg(figures: ChartFigures, name: str) -> str:
    """The chart ``name`` as SVG, drawn once per stamp (the same counts draw the same image)."""
    key = (name, figures.stamp)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    if name == "articles":
        svg = charts.render_svg(charts.counts_layout(figures.articles, 1600, None, cjk=True))
    else:
        svg = charts.tally_svg(figures.tally)
    with _LOCK:
        _CACHE[key] = svg
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return svg
