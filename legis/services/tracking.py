"""The office's tracking table for a draft: every reporting point, its state, figures and lateness.

Three grouped queries (comments, meetings, submissions per point) and one walk
of the tree: no query per point, so it stays fast at 734 points.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from legis.models import (
    SUB_OPEN,
    SUB_RETURNED,
    SUBMISSION_STATES,
    Comment,
    Draft,
    Meeting,
    Submission,
)
from legis.services.report_levels import TreeIndex, load_tree
from legis.timefmt import to_beijing

OFFICE_NAME = "法工委"


@dataclass
class TrackRow:
    point_id: int
    name: str
    kind: str
    district: str
    station: str
    receiver: str          # the point it reports to, or 法工委
    receiver_id: int | None
    state: str
    submitted_at: datetime | None
    return_note: str
    meetings: int
    people: int
    comments: int
    late: bool


@dataclass
class Tracking:
    rows: list[TrackRow]
    deadline: date | None
    states: Counter = field(default_factory=Counter)
    late: int = 0
    districts: list[str] = field(default_factory=list)
    stations: list[tuple[int, str]] = field(default_factory=list)


def figures(session: Session, *, draft_id: int, tree: TreeIndex) -> dict[int, list[int]]:
    """[meetings, people, comments] per point, each including the points under it."""
    own: dict[int, list[int]] = {pid: [0, 0, 0] for pid in tree.points}
    for pid, count, people in session.exec(
            select(Meeting.contact_point_id, func.count(Meeting.id),
                   func.coalesce(func.sum(Meeting.participant_count), 0))
            .where(Meeting.draft_id == draft_id)
            .group_by(Meeting.contact_point_id)).all():
        if pid in own:
            own[pid][0], own[pid][1] = count, int(people)
    for pid, count in session.exec(
            select(Comment.contact_point_id, func.count(Comment.id))
            .where(Comment.draft_id == draft_id, Comment.excluded.is_(False),
                   Comment.contact_point_id.is_not(None))
            .group_by(Comment.contact_point_id)).all():
        if pid in own:
            own[pid][2] = count
    return rollup(own, tree)


def rollup(own: dict[int, list[int]], tree: TreeIndex) -> dict[int, list[int]]:
    """Each point's figures plus those of every point under it (one post-order walk)."""
    total: dict[int, list[int]] = {}
    for root in tree.children.get(None, []):
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:
            pid, done = stack.pop()
            if pid in total:
                continue
            if not done:
                stack.append((pid, True))
                stack.extend((c, False) for c in tree.children.get(pid, []) if c not in total)
                continue
            sums = list(own.get(pid, [0, 0, 0]))
            for child in tree.children.get(pid, []):
                sums = [a + b for a, b in zip(sums, total.get(child, [0] * len(sums)), strict=True)]
            total[pid] = sums
    return total


def is_late(state: str, submitted_at: datetime | None, deadline: date | None, today: date) -> bool:
    if deadline is None:
        return False
    if state in (SUB_OPEN, SUB_RETURNED):
        return today > deadline
    return submitted_at is not None and to_beijing(submitted_at).date() > deadline


def tracking_table(session: Session, *, draft: Draft, today: date, district: str = "",
                   station_id: int | None = None) -> Tracking:
    """Every point that reports on this draft, filtered by district or station."""
    tree = load_tree(session)
    totals = figures(session, draft_id=draft.id, tree=tree)
    subs = {s.contact_point_id: s for s in session.exec(
        select(Submission).where(Submission.draft_id == draft.id))}
    stations = {pid: tree.station_of(pid) for pid in tree.points}
    result = Tracking(rows=[], deadline=draft.points_deadline)
    result.districts = sorted({p.district for p in tree.points.values() if p.district})
    result.stations = sorted(((pid, p.name) for pid, p in tree.points.items() if p.kind == "站"),
                             key=lambda pair: pair[1])
    for pid, point in tree.points.items():
        if not tree.submits(pid):
            continue
        if district and point.district != district:
            continue
        if station_id is not None and stations[pid] != station_id:
            continue
        sub = subs.get(pid)
        state = sub.state if sub else SUB_OPEN
        submitted = sub.submitted_at if sub else None
        receiver = tree.receiver(pid)
        meetings, people, comments = totals.get(pid, [0, 0, 0])
        row = TrackRow(
            point_id=pid, name=point.name, kind=point.kind, district=point.district,
            station=tree.points[stations[pid]].name if stations[pid] else "",
            receiver=tree.points[receiver].name if receiver else OFFICE_NAME, receiver_id=receiver,
            state=state, submitted_at=submitted, return_note=sub.return_note if sub else "",
            meetings=meetings, people=people, comments=comments,
            late=is_late(state, submitted, draft.points_deadline, today))
        result.rows.append(row)
        result.states[state] += 1
        result.late += row.late
    order = {s: i for i, s in enumerate(SUBMISSION_STATES)}
    result.rows.sort(key=lambda r: (r.receiver_id is not None, r.station, r.kind != "站",
                                    order[r.state], r.name))
    return result


def set_deadline(session: Session, *, draft: Draft, deadline: date | None, actor: str) -> Draft:
    """The last day points may report this draft (None: no deadline)."""
    from legis.services import audit

    before = draft.points_deadline
    draft.points_deadline = deadline
    session.add(draft)
    audit.record(session, actor=actor, action="draft.points_deadline", target_type="draft",
                 target_id=draft.id, draft_id=draft.id,
                 before={"points_deadline": str(before) if before else None},
                 after={"points_deadline": str(deadline) if deadline else None})
    return draft
