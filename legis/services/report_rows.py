"""The comment rows a report prints, read with Core: counted grouped in the database and
read a chunk of opinions at a time when an export streams, or read in batches when not
(see legis/services/reports.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import DateTime, func, select, type_coerce
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


def _comment_query(where: list):
    return select(*_COUNTED, *_PRINTED).where(*where).order_by(Comment.id)


def comment_batches(session: Session, where: list):
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
        batch = session.execute(_comment_query([*where, Comment.id > last])
                                .limit(BATCH)).all()
        yield from batch
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def comment_counts(session: Session, where: list):
    """The counts a report needs from the comments matching ``where``, grouped in the
    database: one row (opinion_id, article_id, contact_point_id, channel, n) per group,
    ordered by the group's first comment, so that adding them up in this order builds
    the same tallies, in the same order, as walking the comments one by one."""
    keys = (Comment.opinion_id, Comment.article_id, Comment.contact_point_id, Comment.channel)
    query = (select(*keys, func.count()).where(*where).group_by(*keys)
             .order_by(func.min(Comment.id)))
    # On the session's connection: a Core statement through Session.execute takes the
    # ORM's result path, several times slower per row.
    return session.connection().execute(query)


# What the streamed export reads per comment, in the order ``load`` unpacks it.
# created_at without the UTCDateTime decorator: _record converts to Beijing time itself.
_LOADED = (Comment.id, Comment.opinion_id, Comment.article_id, Comment.contact_point_id,
           Comment.channel, Comment.text, Comment.personal_data, Comment.meeting_id,
           type_coerce(Comment.created_at, DateTime()).label("created_at"), Comment.name,
           Comment.community, Comment.phone, Comment.receipt_code)


def comment_loader(engine: Engine, where: list, label, points: dict[int, str],
                   meeting_titles: dict[int, str], internal: bool):
    """Reads the comments of a list of opinions, as the report's plain records."""
    def load(opinion_ids: list[int]) -> dict[int, list[ReportComment]]:
        out: dict[int, list[ReportComment]] = defaultdict(list)
        # The opinions are the draft's own: leaving the draft out of the filter lets
        # SQLite pick the opinion index (with it, a draft index and a scan per chunk).
        query = (select(*_LOADED).where(*where[1:], Comment.opinion_id.in_(opinion_ids))
                 .order_by(Comment.id))
        with engine.connect() as connection:
            # Plain tuples unpacked: reading a Row's fields by name costs more than
            # the rest of the record (100,000 comments in a large export).
            for (comment_id, opinion_id, article_id, point_id, channel, text, flagged,
                 meeting_id, created, name, community, phone, receipt) in connection.execute(query):
                out[opinion_id].append(_record(
                    comment_id, text, flagged, label(article_id), points.get(point_id),
                    meeting_titles.get(meeting_id), channel, created, name, community, phone,
                    receipt, internal))
        return out
    return load


_UTC_NAIVE_TO_BEIJING = timedelta(hours=8)   # China has one zone and no summer time


def report_comment(row, article_label: str, points: dict[int, str],
                   meeting_titles: dict[int, str], internal: bool) -> ReportComment:
    """A comment row (or a Comment) as the report's plain record, masked unless ``internal``."""
    return _record(row.id, row.text, row.personal_data, article_label,
                   points.get(row.contact_point_id), meeting_titles.get(row.meeting_id),
                   row.channel, row.created_at, row.name, row.community, row.phone,
                   row.receipt_code, internal)


def _record(comment_id: int, text: str, flagged: str | None, article_label: str,
            point: str | None, meeting: str | None, channel: str, created: datetime,
            name: str | None, community: str | None, phone: str | None, receipt: str,
            internal: bool) -> ReportComment:
    created = (created + _UTC_NAIVE_TO_BEIJING if created.tzinfo is None
               else to_beijing(created).replace(tzinfo=None))
    return ReportComment(
        comment_id,
        personal_data.shown_text(text, flagged, unmasked=internal),
        article_label,
        point,
        meeting,
        channel,
        created,
        personal_data.shown_name(name, unmasked=internal) or None,
        (community if internal else "") or None,
        personal_data.shown_phone(phone, unmasked=internal) or None,
        receipt,
    )
