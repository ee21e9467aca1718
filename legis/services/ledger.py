"""Each point's record (台账) across drafts: computed from comments, meetings and decisions, never typed in.

A station's figures include the points under it: counts add up, while drafts and
opinions are counted once however many of its points took part in them.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from threading import Lock

from sqlalchemy import func
from sqlmodel import Session, select

from legis.exporters.tables import to_xlsx
from legis.models import (
    STATE_ADOPTED,
    STATE_PARTIAL,
    STATE_REJECTED,
    STATUS_WITHDRAWN,
    Comment,
    ContactPoint,
    Draft,
    Meeting,
    Opinion,
)
from legis.services import page_stamps
from legis.services.report_levels import TreeIndex, load_tree

SORT_KEYS = {"adopted": "采纳", "opinions": "上报意见", "comments": "意见建议", "drafts": "参与草案",
             "participants": "参与人次"}
XLSX_HEADERS = ["排名", "联系点", "类型", "区", "所属站", "参与草案数", "座谈会场次", "参与人次",
                "意见建议条数", "上报归纳意见条数", "采纳", "部分采纳", "未采纳", "采纳及部分采纳率"]


@dataclass
class Figures:
    drafts: set[int] = field(default_factory=set)
    meetings: int = 0
    participants: int = 0
    comments: int = 0

    def add(self, other: Figures) -> None:
        self.drafts |= other.drafts
        self.meetings += other.meetings
        self.participants += other.participants
        self.comments += other.comments


@dataclass
class LedgerRow:
    point_id: int
    name: str
    kind: str
    district: str
    station: str
    drafts: int
    meetings: int
    participants: int
    comments: int
    opinions: int
    adopted: int
    partial: int
    rejected: int
    rank: int = 0

    @property
    def adoption_rate(self) -> str:
        return f"{(self.adopted + self.partial) / self.opinions:.1%}" if self.opinions else "—"


def draft_year(comment_start: date | None, created_at) -> int:
    return (comment_start or created_at).year


def drafts_of_year(session: Session, year: int | None) -> list[int]:
    """The drafts of a year (None: all); a withdrawn draft is not part of anyone's record."""
    rows = session.exec(select(Draft.id, Draft.comment_start, Draft.created_at)
                        .where(Draft.status != STATUS_WITHDRAWN)).all()
    return [i for i, start, created in rows if year is None or draft_year(start, created) == year]


def years(session: Session) -> list[int]:
    rows = session.exec(select(Draft.comment_start, Draft.created_at)).all()
    return sorted({draft_year(s, c) for s, c in rows}, reverse=True)


def own_figures(session: Session, *, draft_ids: list[int], points: set[int] | None = None,
                by_draft: bool = False) -> dict:
    """Meetings, people, comments and drafts per point (or per (point, draft)): two grouped queries."""
    out: dict = defaultdict(Figures)
    if not draft_ids:
        return out
    comment_scope = [Comment.draft_id.in_(draft_ids), Comment.excluded.is_(False),
                     Comment.contact_point_id.is_not(None)]
    session_scope = [Meeting.draft_id.in_(draft_ids)]
    if points is not None:
        comment_scope.append(Comment.contact_point_id.in_(points))
        session_scope.append(Meeting.contact_point_id.in_(points))

    def key(pid, did):
        return (pid, did) if by_draft else pid

    for pid, did, count, people in session.exec(
            select(Meeting.contact_point_id, Meeting.draft_id,
                   func.count(Meeting.id),
                   func.coalesce(func.sum(Meeting.participant_count), 0))
            .where(*session_scope)
            .group_by(Meeting.contact_point_id, Meeting.draft_id)).all():
        fig = out[key(pid, did)]
        fig.drafts.add(did)
        fig.meetings += count
        fig.participants += int(people)
    for pid, did, count in session.exec(
            select(Comment.contact_point_id, Comment.draft_id, func.count(Comment.id))
            .where(*comment_scope).group_by(Comment.contact_point_id, Comment.draft_id)).all():
        fig = out[key(pid, did)]
        fig.drafts.add(did)
        fig.comments += count
    return out


def opinion_states(session: Session, *, draft_ids: list[int], ancestor: int | None = None,
                   by_draft: bool = False, points: set[int] | None = None) -> dict:
    """:func:`count_opinion_states`, kept per state of the drafts' results (page_stamps: the
    same generation that keys the cached public pages) and of the tree."""
    tree = tuple(session.exec(select(ContactPoint.id, ContactPoint.parent_id)
                              .order_by(ContactPoint.id)).all())
    key = ("ledger", page_stamps.results_stamps(session, draft_ids=draft_ids), tree, ancestor, by_draft,
           tuple(sorted(points)) if points is not None else None)
    return _kept(key, lambda: count_opinion_states(
        session, draft_ids=draft_ids, ancestor=ancestor, by_draft=by_draft, points=points))


_KEPT: OrderedDict[tuple, dict] = OrderedDict()
_KEPT_SIZE = 64
_LOCK = Lock()


def _kept(key: tuple, compute: Callable[[], dict]) -> dict:
    """``compute()`` once per ``key`` (which holds the stamps it depends on); the most
    recently used results are kept in this process."""
    with _LOCK:
        if key in _KEPT:
            _KEPT.move_to_end(key)
            return _KEPT[key]
    value = compute()
    with _LOCK:
        _KEPT[key] = value
        while len(_KEPT) > _KEPT_SIZE:
            _KEPT.popitem(last=False)
    return value


def count_opinion_states(session: Session, *, draft_ids: list[int], ancestor: int | None = None,
                         by_draft: bool = False, points: set[int] | None = None) -> dict:
    """Distinct opinions per state that each point's subtree raised: {point: {state: n}}.

    The database walks the tree (a recursive closure of point -> each point above it)
    and counts distinct opinions per ancestor, so an opinion two points of a station
    raised counts once for the station, and no comment row comes back to Python.
    With ``ancestor`` only that point's subtree is counted; ``by_draft`` keys by (point, draft);
    ``points`` limits the comments read to those of these points.
    """
    out: dict = defaultdict(dict)
    if not draft_ids:
        return out
    base = select(ContactPoint.id.label("point"), ContactPoint.id.label("above"))
    closure = base.cte("closure", recursive=True)
    parent = ContactPoint.__table__.alias("parent_point")
    closure = closure.union_all(
        select(closure.c.point, parent.c.parent_id)
        .join(parent, parent.c.id == closure.c.above).where(parent.c.parent_id.is_not(None)))
    keys = [closure.c.above] + ([Comment.draft_id] if by_draft else [])
    query = (select(*keys, Opinion.state, func.count(func.distinct(Comment.opinion_id)))
             .join(closure, closure.c.point == Comment.contact_point_id)
             .join(Opinion, Opinion.id == Comment.opinion_id)
             .where(Comment.draft_id.in_(draft_ids), Comment.excluded.is_(False))
             .group_by(*keys, Opinion.state))
    if ancestor is not None:
        query = query.where(closure.c.above == ancestor)
    if points is not None:
        query = query.where(Comment.contact_point_id.in_(points))
    for row in session.exec(query).all():
        *key, state, count = row
        out[tuple(key) if by_draft else key[0]][state] = count
    return out


def _row(pid: int, fig: Figures, states: dict[str, int], tree: TreeIndex) -> LedgerRow:
    point = tree.points[pid]
    station = tree.station_of(pid)
    return LedgerRow(pid, point.name, point.kind, point.district,
                     tree.points[station].name if station and station != pid else "",
                     len(fig.drafts), fig.meetings, fig.participants, fig.comments,
                     sum(states.values()), states.get(STATE_ADOPTED, 0), states.get(STATE_PARTIAL, 0),
                     states.get(STATE_REJECTED, 0))


def in_scope(tree: TreeIndex, *, district: str = "", station_id: int | None = None,
             allowed: frozenset[int] | None = None) -> list[int]:
    """The points a ranking covers: a district, a station's subtree, or the viewer's own subtree."""
    ids = set(tree.points) if allowed is None else set(allowed) & set(tree.points)
    if station_id is not None:
        ids &= tree.subtree(station_id)
    if district:
        ids = {p for p in ids if tree.points[p].district == district}
    return sorted(ids)


def ledger(session: Session, *, year: int | None, point_ids: list[int], sort: str = "adopted",
           tree: TreeIndex | None = None) -> list[LedgerRow]:
    """The 台账 of these points for a year (None: all years), ranked; stations include their points."""
    tree = tree or load_tree(session)
    draft_ids = drafts_of_year(session, year)
    # A district's or a station's ranking reads only the comments of its own points.
    members: set[int] | None = set().union(*(tree.subtree(p) for p in point_ids))
    if len(members) == len(tree.points):
        members = None
    own = own_figures(session, draft_ids=draft_ids, points=members)
    states = opinion_states(session, draft_ids=draft_ids, points=members)
    rows = []
    for pid in point_ids:
        total = Figures()
        for member in tree.subtree(pid):
            if member in own:
                total.add(own[member])
        rows.append(_row(pid, total, states.get(pid, {}), tree))
    field_name = sort if sort in SORT_KEYS else "adopted"

    def key(r: LedgerRow):
        first = r.adopted + r.partial if field_name == "adopted" else getattr(r, field_name)
        return (-first, -r.opinions, -r.comments, r.name)

    rows.sort(key=key)
    for n, row in enumerate(rows, 1):
        row.rank = n
    return rows


@dataclass
class DraftRecord:
    draft_id: int
    title: str
    row: LedgerRow


def point_record(session: Session, *, point_id: int, year: int | None) -> tuple[LedgerRow, list[DraftRecord]]:
    """One point's record: its totals and one line per draft it took part in."""
    tree = load_tree(session)
    scope = tree.subtree(point_id)
    draft_ids = drafts_of_year(session, year)
    per = own_figures(session, draft_ids=draft_ids, points=scope, by_draft=True)
    states = opinion_states(session, draft_ids=draft_ids, ancestor=point_id, by_draft=True)
    by_draft: dict[int, Figures] = defaultdict(Figures)
    total, total_states = Figures(), opinion_states(session, draft_ids=draft_ids,
                                                     ancestor=point_id).get(point_id, {})
    for (_pid, did), fig in per.items():
        by_draft[did].add(fig)
        total.add(fig)
    titles = dict(session.exec(select(Draft.id, Draft.title).where(Draft.id.in_(by_draft))).all())
    lines = [DraftRecord(did, titles[did], _row(point_id, fig, states.get((point_id, did), {}), tree))
             for did, fig in sorted(by_draft.items())]
    return _row(point_id, total, total_states, tree), lines


def ledger_xlsx(rows: list[LedgerRow], *, year: int | None) -> bytes:
    title = f"{year}年台账" if year else "历年台账"
    return to_xlsx([(title, XLSX_HEADERS, ([r.rank, r.name, r.kind, r.district, r.station, r.drafts,
                                            r.meetings, r.participants, r.comments, r.opinions,
                                            r.adopted, r.partial, r.rejected, r.adoption_rate]
                                           for r in rows))],
                   widths={title: [6, 30, 6, 10, 24, 10, 10, 10, 12, 14, 8, 10, 8, 14]})
