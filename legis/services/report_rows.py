"""The comment rows a report prints, read with Core: counted in batches, and read again a
chunk of opinions at a time when an export streams (see legis/services/reports.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from legis.exporters.model import ReportComment
from legis.models import Comment
from legis.services import personal_data
from legis.timefmt import to_beijing

BATCH = 5_000   # comment rows fetched per round trip: memory stays flat, no ORM objects


def comment_filter(draft_id: int, scope: set[int] | None) -> list:
    """The comments a report counts: not excluded, not withdrawn, merged into an opinion."""
    where = [Comment.draft_id == draft_id, Comment.excluded.is_(False),
             Comment.withdrawn.is_(False), Comment.opinion_id.is_not(None)]
    if scope is not None:
        where.append(Comment.contact_point_id.in_(scope))
    return where


_COUNTED = (Comment.id, Comment.opinion_id, Comment.article_id, Comment.contact_point_id,
            Comment.channel)
_PRINTED = (Comment.text, Comment.meeting_id, Comment.created_at, Comment.name,
            Comment.community, Comment.phone, Comment.receipt_code, Comment.personal_data)


def _comment_query(where: list, *, light: bool = False):
    return select(*_COUNTED, *(() if light else _PRINTED)).where(*where).order_by(Comment.id)


def comment_batches(session: Session, where: list, *, light: bool):
    """The comments matching ``where`` in id order, ``BATCH`` rows per query (keyset paging
    on the primary key): memory stays flat, no statement runs long, and it needs no
    server-side cursor (read-only sessions on PostgreSQL run outside a transaction)."""
    # ``draft_id + 0``: the draft's term must not pick a draft index, or SQLite (no
    # statistics) reads and sorts all the draft's rows for every page; walking the
    # primary key from ``last`` reads each row once.
    draft_term, *rest = where
    where = [Comment.draft_id + 0 == draft_term.right, *rest]
    last = 0
    while True:
        batch = session.execute(_comment_query([*where, Comment.id > last], light=light)
                                .limit(BATCH)).all()
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def comment_loader(engine: Engine, where: list, label, points: dict[int, str],
            meeting_titles: dict[int, str], internal: bool):
    """Reads the comments of a list of opinions, as the report's plain records."""
    def load(opinion_ids: list[int]) -> dict[int, list[ReportComment]]:
        out: dict[int, list[ReportComment]] = defaultdict(list)
        # The opinions are the draft's own: leaving the draft out of the filter lets
        # SQLite pick the opinion index (with it, a draft index and a scan per chunk).
        query = _comment_query([*where[1:], Comment.opinion_id.in_(opinion_ids)])
        with engine.connect() as connection:
            for c in connection.execute(query):
                out[c.opinion_id].append(report_comment(c, label(c.article_id), points,
                                                         meeting_titles, internal))
        return out
    return load


_UTC_NAIVE_TO_BEIJING = timedelta(hours=8)   # China has one zone and no summer time


def report_comment(row, article_label: str, points: dict[int, str],
                    meeting_titles: dict[int, str], internal: bool) -> ReportComment:
    created = row.created_at
    created = (created + _UTC_NAIVE_TO_BEIJING if created.tzinfo is None
               else to_beijing(created).replace(tzinfo=None))
    return ReportComment(
        id=row.id,
        text=personal_data.shown_text(row.text, row.personal_data, unmasked=internal),
        article_label=article_label,
        contact_point=points.get(row.contact_point_id),
        meeting=meeting_titles.get(row.meeting_id),
        channel=row.channel,
        created_at=created,
        name=personal_data.shown_name(row.name, unmasked=internal) or None,
        community=(row.community if internal else "") or None,
        phone=personal_data.shown_phone(row.phone, unmasked=internal) or None,
        receipt_code=row.receipt_code,
    )
