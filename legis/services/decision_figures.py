"""The figures of a draft's decisions — 处理情况 page and its two charts — from the counts
kept in the database (figure_counts): no opinion or comment row comes back to Python,
however large the draft, and the first load after a decision costs what every load costs.
Labels (articles, contact points) are looked up fresh. A chart image is drawn once per
digest of what it shows.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from legis.exporters import charts
from legis.exporters.figures import ArticleCount
from legis.models import STATE_PENDING, STATES, Article, Comment, ContactPoint, Opinion
from legis.services import drafts as draft_service
from legis.services import figure_counts
from legis.services.dispositions import Overview, Row

ONLINE = "网上（未经联系点）"


@dataclass(frozen=True)
class Counts:
    """The grouped counts behind every figure of a draft, without labels."""

    opinions: list[tuple[int | None, str, int]]        # (article, state, opinions)
    raised: list[tuple[int, str, int]]                 # (point, state, distinct opinions)
    with_point: dict[str, int]                         # state -> opinions raised at any point
    comments: list[tuple[int | None, str, int, int]]   # (article, state, comments, opinions)


def count(session: Session, *, draft_id: int) -> Counts:
    """Three queries: the opinions (id, article, state); per opinion, from the comment index
    alone, its counted comments (not excluded, not withdrawn) and whether any came through a
    contact point; and distinct opinions per point and state."""
    opinions = {oid: (article_id, state) for oid, article_id, state in session.exec(
        select(Opinion.id, Opinion.article_id, Opinion.state).where(Opinion.draft_id == draft_id))}
    counted = and_(Comment.excluded.is_(False), Comment.withdrawn.is_(False))
    members = session.exec(
        select(Comment.opinion_id, func.coalesce(func.sum(case((counted, 1), else_=0)), 0),
               func.max(case((Comment.contact_point_id.is_not(None), 1), else_=0)))
        .where(Comment.draft_id == draft_id, Comment.opinion_id.is_not(None))
        .group_by(Comment.opinion_id)).all()
    raised = session.exec(
        select(Comment.contact_point_id, Opinion.state, func.count(func.distinct(Opinion.id)))
        .join(Opinion, Opinion.id == Comment.opinion_id)
        .where(Comment.draft_id == draft_id, Comment.contact_point_id.is_not(None))
        .group_by(Comment.contact_point_id, Opinion.state)).all()
    per_state: dict[tuple[int | None, str], int] = defaultdict(int)
    for article_id, state in opinions.values():
        per_state[article_id, state] += 1
    with_point: dict[str, int] = defaultdict(int)
    comments: dict[tuple[int | None, str], list[int]] = defaultdict(lambda: [0, 0])
    for oid, n_counted, pointed in members:
        if oid not in opinions:
            continue
        article_id, state = opinions[oid]
        with_point[state] += int(pointed)
        if n_counted:
            comments[article_id, state][0] += int(n_counted)
            comments[article_id, state][1] += 1
    return Counts([(a, s, n) for (a, s), n in per_state.items()], [tuple(r) for r in raised],
                  dict(with_point), [(a, s, c, o) for (a, s), (c, o) in comments.items()])


def counts(session: Session, *, draft_id: int) -> Counts:
    """The draft's counts as kept in the database (figure_counts): a few hundred rows. A
    draft not counted yet (loaded in bulk) is counted from its comments instead."""
    rows = figure_counts.read(session.connection(), draft_id=draft_id)
    if rows is None:
        return count(session, draft_id=draft_id)
    opinions, raised, comments = [], [], []
    with_point: dict[str, int] = defaultdict(int)
    for article_key, state, point_key, n_opinions, n_comments, counted_opinions, pointed in rows:
        if article_key == figure_counts.ALL_ARTICLES:
            raised.append((point_key, state, n_opinions))
            continue
        article_id = None if article_key == figure_counts.OVERALL else article_key
        if n_opinions:
            opinions.append((article_id, state, n_opinions))
        if pointed:
            with_point[state] += pointed
        if n_comments:
            comments.append((article_id, state, n_comments, counted_opinions))
    return Counts(opinions, raised, dict(with_point), comments)


def is_counted(session: Session, *, draft_id: int) -> bool:
    """Whether the draft's figures are kept, and current, in the database (otherwise
    :func:`keep_counts`)."""
    return figure_counts.is_current(session.connection(), draft_id=draft_id)


def keep_counts(session: Session, *, draft_id: int) -> None:
    """Count an existing draft's figures from scratch and keep them from now on."""
    draft_service.get_draft(session, draft_id=draft_id)
    figure_counts.rebuild(session.connection(), draft_id=draft_id)


def _articles(session: Session, article_ids) -> dict:
    """Id, label and ordinal of these articles (their text stays in the database)."""
    ids = {i for i in article_ids if i is not None}
    if not ids:
        return {}
    return {a.id: a for a in session.exec(
        select(Article.id, Article.label, Article.ordinal).where(Article.id.in_(ids)))}


def overview(session: Session, *, draft_id: int) -> Overview:
    """Opinion counts per state: in all, per article and per contact point that raised them
    (an opinion raised at two points counts at each; one raised at none counts as 网上)."""
    found = counts(session, draft_id=draft_id)
    articles = _articles(session, {a for a, _s, _n in found.opinions})
    totals = Row("合计")
    per_article: dict[int | None, Row] = {}
    for article_id, state, n in found.opinions:
        totals.counts[state] += n
        article = articles.get(article_id) if article_id is not None else None
        per_article.setdefault(article_id, Row(article.label if article else "总体意见")).counts[state] += n
    names = dict(session.exec(select(ContactPoint.id, ContactPoint.name)).all())
    per_point: dict[int | None, Row] = {}
    for point_id, state, n in found.raised:
        per_point.setdefault(point_id, Row(names.get(point_id, ONLINE))).counts[state] += n
    for state in STATES:
        online = totals.counts[state] - found.with_point.get(state, 0)
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
        """A digest of what the charts show: the same figures draw the same images."""
        plain = [[a.ordinal, a.label, [a.counts[s] for s in STATES]] for a in self.articles]
        text = json.dumps([plain, [self.tally[s] for s in STATES]], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def chart_figures(session: Session, *, draft_id: int) -> ChartFigures:
    found = counts(session, draft_id=draft_id)
    articles = _articles(session, {a for a, _s, _c, _o in found.comments})
    by_ordinal: dict[int, ArticleCount] = {}
    tally = dict.fromkeys(STATES, 0)
    for article_id, state, comments, opinions in found.comments:
        article = articles.get(article_id) if article_id is not None else None
        ordinal = article.ordinal + 1 if article else 0
        item = by_ordinal.setdefault(ordinal, ArticleCount(
            ordinal, article.label if article else "总体意见", dict.fromkeys(STATES, 0)))
        item.counts[state] += comments
        tally[state] += opinions
    return ChartFigures([by_ordinal[k] for k in sorted(by_ordinal)], tally)


@dataclass
class ArticleFigures:
    """One article's line on the opinions overview."""

    comments: int = 0      # counted comments, merged or not
    opinions: int = 0
    pending: int = 0
    unmerged: int = 0      # of the comments, those not merged yet


def per_article(session: Session, *, draft_id: int) -> dict[int | None, ArticleFigures]:
    """Comments, opinions and pending opinions per article: the merged part from the kept
    counts, the comments not merged yet from the unmerged-comments index."""
    found = counts(session, draft_id=draft_id)
    out: dict[int | None, ArticleFigures] = defaultdict(ArticleFigures)
    for article_id, state, n in found.opinions:
        out[article_id].opinions += n
        if state == STATE_PENDING:
            out[article_id].pending += n
    for article_id, _state, comments, _o in found.comments:
        out[article_id].comments += comments
    for article_id, n in session.exec(
            select(Comment.article_id, func.count(Comment.id))
            .where(Comment.draft_id == draft_id, Comment.opinion_id.is_(None),
                   Comment.excluded.is_(False), Comment.withdrawn.is_(False))
            .group_by(Comment.article_id)).all():
        out[article_id].comments += n
        out[article_id].unmerged += n
    return out


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
