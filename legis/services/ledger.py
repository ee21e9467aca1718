"""Each point's record (台账) across drafts: computed from comments, sessions and decisions, never typed in.

A station's figures include the points under it: counts add up, while drafts and
opinions are counted once however many of its points took part in them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from exporters.tables import to_xlsx
from legis.models import (
    STATE_ADOPTED,
    STATE_PARTIAL,
    STATE_REJECTED,
    Comment,
    CommentSession,
    Draft,
    Opinion,
)
from legis.services.report_levels import TreeIndex, load_tree

SORT_KEYS = {"adopted": "采纳", "opinions": "上报意见", "comments": "意见建议", "drafts": "参与草案",
             "participants": "参与人次"}
XLSX_HEADERS = ["排名", "联系点", "类型", "区", "所属站", "参与草案数", "座谈会场次", "参与人次",
                "意见建议条数", "上报归纳意见条数", "采纳", "部分采纳", "未采纳", "采纳及部分采纳率"]


@dataclass
class Figures:
    drafts: set[int] = field(default_factory=set)
    sessions: int = 0
    participants: int = 0
    comments: int = 0
    opinions: dict[int, str] = field(default_factory=dict)   # opinion id -> state

    def add(self, other: Figures) -> None:
        self.drafts |= other.drafts
        self.sessions += other.sessions
        self.participants += other.participants
        self.comments += other.comments
        self.opinions.update(other.opinions)


@dataclass
class LedgerRow:
    point_id: int
    name: str
    kind: str
    district: str
    station: str
    drafts: int
    sessions: int
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
    rows = session.exec(select(Draft.id, Draft.comment_start, Draft.created_at)).all()
    return [i for i, start, created in rows if year is None or draft_year(start, created) == year]


def years(session: Session) -> list[int]:
    rows = session.exec(select(Draft.comment_start, Draft.created_at)).all()
    return sorted({draft_year(s, c) for s, c in rows}, reverse=True)


def own_figures(session: Session, *, draft_ids: list[int], points: set[int] | None = None,
                by_draft: bool = False) -> dict:
    """Figures per point (or per (point, draft) with ``by_draft``) from three grouped queries."""
    out: dict = defaultdict(Figures)
    if not draft_ids:
        return out
    comment_scope = [Comment.draft_id.in_(draft_ids), Comment.excluded.is_(False),
                     Comment.contact_point_id.is_not(None)]
    session_scope = [CommentSession.draft_id.in_(draft_ids)]
    if points is not None:
        comment_scope.append(Comment.contact_point_id.in_(points))
        session_scope.append(CommentSession.contact_point_id.in_(points))

    def key(pid, did):
        return (pid, did) if by_draft else pid

    for pid, did, count, people in session.exec(
            select(CommentSession.contact_point_id, CommentSession.draft_id,
                   func.count(CommentSession.id),
                   func.coalesce(func.sum(CommentSession.participant_count), 0))
            .where(*session_scope)
            .group_by(CommentSession.contact_point_id, CommentSession.draft_id)).all():
        fig = out[key(pid, did)]
        fig.drafts.add(did)
        fig.sessions += count
        fig.participants += int(people)
    for pid, did, count in session.exec(
            select(Comment.contact_point_id, Comment.draft_id, func.count(Comment.id))
            .where(*comment_scope).group_by(Comment.contact_point_id, Comment.draft_id)).all():
        fig = out[key(pid, did)]
        fig.drafts.add(did)
        fig.comments += count
    for pid, did, oid, state in session.exec(
            select(Comment.contact_point_id, Comment.draft_id, Comment.opinion_id, Opinion.state)
            .join(Opinion, Opinion.id == Comment.opinion_id).where(*comment_scope)
            .group_by(Comment.contact_point_id, Comment.draft_id, Comment.opinion_id,
                      Opinion.state)).all():
        out[key(pid, did)].opinions[oid] = state
    return out


def _row(pid: int, fig: Figures, tree: TreeIndex) -> LedgerRow:
    point = tree.points[pid]
    station = tree.station_of(pid)
    states = list(fig.opinions.values())
    return LedgerRow(pid, point.name, point.kind, point.district,
                     tree.points[station].name if station and station != pid else "",
                     len(fig.drafts), fig.sessions, fig.participants, fig.comments,
                     len(fig.opinions), states.count(STATE_ADOPTED), states.count(STATE_PARTIAL),
                     states.count(STATE_REJECTED))


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
    own = own_figures(session, draft_ids=drafts_of_year(session, year))
    rows = []
    for pid in point_ids:
        total = Figures()
        for member in tree.subtree(pid):
            if member in own:
                total.add(own[member])
        rows.append(_row(pid, total, tree))
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
    per = own_figures(session, draft_ids=drafts_of_year(session, year), points=scope, by_draft=True)
    by_draft: dict[int, Figures] = defaultdict(Figures)
    total = Figures()
    for (_pid, did), fig in per.items():
        by_draft[did].add(fig)
        total.add(fig)
    titles = dict(session.exec(select(Draft.id, Draft.title).where(Draft.id.in_(by_draft))).all())
    lines = [DraftRecord(did, titles[did], _row(point_id, fig, tree))
             for did, fig in sorted(by_draft.items())]
    return _row(point_id, total, tree), lines


def ledger_xlsx(rows: list[LedgerRow], *, year: int | None) -> bytes:
    title = f"{year}年台账" if year else "历年台账"
    return to_xlsx([(title, XLSX_HEADERS, ([r.rank, r.name, r.kind, r.district, r.station, r.drafts,
                                            r.sessions, r.participants, r.comments, r.opinions,
                                            r.adopted, r.partial, r.rejected, r.adoption_rate]
                                           for r in rows))],
                   widths={title: [6, 30, 6, 10, 24, 10, 10, 10, 12, 14, 8, 10, 8, 14]})
