"""A draft's figures kept as counts in the database, in the same transaction as each change.

Every flush notes the opinions whose figures it changes — their state or article, which
comments they hold, a member excluded, withdrawn or moved — through a listener on every
session, so no service has to remember. Statements that bypass the ORM (the merge job's
bulk updates) name what they touched with :func:`opinions_changed` or :func:`draft_changed`.
At commit each noted opinion is counted again from its own comments (index reads), and the
draft's FigureCount rows move by the difference from what it counted before (its
OpinionCount rows). Reading a draft's figures is then a few hundred rows, however many
comments it holds. :func:`rebuild` counts a draft from scratch: the migration,
``legis recount``, a restore, a merge and a draft never counted use it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, case, delete, event, func, insert, inspect, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession

from legis.models import Comment, Draft, FigureCount, Opinion, OpinionCount

OVERALL = 0          # article_key of 总体意见
ALL_ARTICLES = -1    # article_key of the per-point rows
BUILT = -2           # article_key of the row saying the draft is counted (and locking it)
OWN = 0              # point_key of an opinion's own row
CHUNK = 500
REBUILD_OVER = 5000  # more opinions than this changed in one draft: count it from scratch

# What places a comment in the figures, and an opinion; other edits change nothing counted.
COMMENT_FIELDS = ("opinion_id", "excluded", "withdrawn", "contact_point_id", "draft_id")
OPINION_FIELDS = ("state", "article_id", "draft_id")
_PENDING = "legis_figure_changes"
_KEYS = ["draft_id", "article_key", "state", "point_key"]
_VALUES = ("opinions", "comments", "counted_opinions", "pointed")

_opinion = Opinion.__table__
_comment = Comment.__table__
_oc = OpinionCount.__table__
_fc = FigureCount.__table__


def opinions_changed(session: OrmSession, draft_id: int, opinion_ids: Iterable[int | None]) -> None:
    """Count these opinions of draft ``draft_id`` again when this transaction commits."""
    pending = _pending(session)
    pending["opinions"].setdefault(draft_id, set()).update(i for i in opinion_ids if i is not None)


def draft_changed(session: OrmSession, draft_id: int) -> None:
    """Count draft ``draft_id`` from scratch when this transaction commits."""
    _pending(session)["drafts"].add(draft_id)


def _pending(session: OrmSession) -> dict:
    return session.info.setdefault(_PENDING, {"opinions": {}, "drafts": set()})


# --- counting ---------------------------------------------------------------------------

def _count_opinions(connection: Connection, *, opinions_where, comments_where) -> list[dict]:
    """OpinionCount rows of the chosen opinions as their comments stand now: three queries."""
    counted = and_(_comment.c.excluded.is_(False), _comment.c.withdrawn.is_(False))
    members = {oid: (int(n or 0), int(p or 0)) for oid, n, p in connection.execute(
        select(_comment.c.opinion_id, func.sum(case((counted, 1), else_=0)),
               func.max(case((_comment.c.contact_point_id.is_not(None), 1), else_=0)))
        .where(comments_where, _comment.c.opinion_id.is_not(None))
        .group_by(_comment.c.opinion_id))}
    raised = connection.execute(
        select(_comment.c.opinion_id, _comment.c.contact_point_id)
        .where(comments_where, _comment.c.opinion_id.is_not(None),
               _comment.c.contact_point_id.is_not(None)).distinct()).all()
    rows: list[dict] = []
    placed: dict[int, tuple[int, int, str]] = {}
    for oid, draft_id, article_id, state in connection.execute(
            select(_opinion.c.id, _opinion.c.draft_id, _opinion.c.article_id, _opinion.c.state)
            .where(opinions_where)):
        placed[oid] = (draft_id, article_id or OVERALL, state)
        comments, pointed = members.get(oid, (0, 0))
        rows.append(_row(oid, OWN, placed[oid], comments, pointed))
    for oid, point_id in raised:
        if oid in placed:
            rows.append(_row(oid, point_id, placed[oid], 0, 0))
    return rows


def _row(opinion_id: int, point_key: int, placed: tuple[int, int, str], comments: int,
         pointed: int) -> dict:
    draft_id, article_key, state = placed
    return {"opinion_id": opinion_id, "point_key": point_key, "draft_id": draft_id,
            "article_key": article_key, "state": state, "comments": comments, "pointed": pointed}


def _contribution(row) -> tuple[tuple, tuple[int, int, int, int]]:
    """Where one OpinionCount row counts in FigureCount, and by how much."""
    if row["point_key"] == OWN:
        comments = row["comments"]
        return ((row["draft_id"], row["article_key"], row["state"], OWN),
                (1, comments, 1 if comments else 0, row["pointed"]))
    return (row["draft_id"], ALL_ARTICLES, row["state"], row["point_key"]), (1, 0, 0, 0)


def _totals(old: Iterable, new: Iterable) -> dict[tuple, list[int]]:
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for rows, sign in ((old, -1), (new, 1)):
        for row in rows:
            key, values = _contribution(row)
            for i, value in enumerate(values):
                out[key][i] += sign * value
    return {k: v for k, v in out.items() if any(v)}


def _dialect(connection: Connection):
    return postgresql if connection.dialect.name == "postgresql" else sqlite


def _add(connection: Connection, totals: dict[tuple, list[int]]) -> None:
    """Add ``totals`` to the FigureCount rows (made as needed), in key order."""
    if not totals:
        return
    upsert = _dialect(connection).insert(_fc)
    upsert = upsert.on_conflict_do_update(
        index_elements=_KEYS,
        set_={name: _fc.c[name] + upsert.excluded[name] for name in _VALUES})
    rows = [dict(zip(_KEYS, key, strict=True)) | dict(zip(_VALUES, values, strict=True))
            for key, values in sorted(totals.items())]
    connection.execute(upsert, rows)


def _lock(connection: Connection, draft_id: int) -> bool:
    """Take the draft's BUILT row (made if missing), so its counts change one writer at a time
    (a writer waiting here then reads what the other committed); True if it is counted."""
    upsert = _dialect(connection).insert(_fc).values(
        draft_id=draft_id, article_key=BUILT, state="", point_key=OWN,
        opinions=0, comments=0, counted_opinions=0, pointed=0)
    connection.execute(upsert.on_conflict_do_update(index_elements=_KEYS,
                                                     set_={"opinions": _fc.c.opinions}))
    return bool(connection.execute(select(_fc.c.opinions).where(*_built(draft_id))).scalar())


def _built(draft_id: int) -> list:
    return [_fc.c.draft_id == draft_id, _fc.c.article_key == BUILT, _fc.c.state == "",
            _fc.c.point_key == OWN]


def rebuild(connection: Connection, *, draft_id: int) -> None:
    """Count draft ``draft_id`` from scratch and mark it counted: two INSERT ... SELECTs, so
    no comment row leaves the database."""
    _lock(connection, draft_id)
    connection.execute(delete(_oc).where(_oc.c.draft_id == draft_id))
    connection.execute(delete(_fc).where(_fc.c.draft_id == draft_id, _fc.c.article_key != BUILT))
    counted = and_(_comment.c.excluded.is_(False), _comment.c.withdrawn.is_(False))
    members = (select(_comment.c.opinion_id.label("opinion_id"),
                      func.sum(case((counted, 1), else_=0)).label("comments"),
                      func.max(case((_comment.c.contact_point_id.is_not(None), 1), else_=0)).label("pointed"))
               .where(_comment.c.draft_id == draft_id, _comment.c.opinion_id.is_not(None))
               .group_by(_comment.c.opinion_id).subquery())
    article_key = func.coalesce(_opinion.c.article_id, OVERALL)
    own = (select(_opinion.c.id, literal(OWN), _opinion.c.draft_id, article_key, _opinion.c.state,
                  func.coalesce(members.c.comments, 0), func.coalesce(members.c.pointed, 0))
           .select_from(_opinion.outerjoin(members, members.c.opinion_id == _opinion.c.id))
           .where(_opinion.c.draft_id == draft_id))
    raised = (select(_opinion.c.id, _comment.c.contact_point_id, _opinion.c.draft_id, article_key,
                     _opinion.c.state, literal(0), literal(0))
              .select_from(_comment.join(_opinion, _opinion.c.id == _comment.c.opinion_id))
              .where(_comment.c.draft_id == draft_id, _opinion.c.draft_id == draft_id,
                     _comment.c.contact_point_id.is_not(None)).distinct())
    columns = ["opinion_id", "point_key", "draft_id", "article_key", "state", "comments", "pointed"]
    connection.execute(insert(_oc).from_select(columns, own.union_all(raised)))
    placed = select(_oc.c.draft_id, _oc.c.state, _oc.c.point_key, _oc.c.comments, _oc.c.pointed,
                    case((_oc.c.point_key == OWN, _oc.c.article_key), else_=ALL_ARTICLES).label("article_key")
                    ).where(_oc.c.draft_id == draft_id).subquery()
    grouped = (select(placed.c.draft_id, placed.c.article_key, placed.c.state, placed.c.point_key,
                      func.count(), func.sum(placed.c.comments),
                      func.sum(case((placed.c.comments > 0, 1), else_=0)), func.sum(placed.c.pointed))
               .group_by(placed.c.draft_id, placed.c.article_key, placed.c.state, placed.c.point_key))
    connection.execute(insert(_fc).from_select([*_KEYS, *_VALUES], grouped))
    connection.execute(update(_fc).where(*_built(draft_id)).values(opinions=1))


def rebuild_all(connection: Connection) -> int:
    """Count every draft from scratch (a migration, a restore, ``legis recount``)."""
    connection.execute(delete(_oc))
    connection.execute(delete(_fc))
    drafts = connection.execute(select(Draft.__table__.c.id).order_by(Draft.__table__.c.id)).scalars().all()
    for draft_id in drafts:
        rebuild(connection, draft_id=draft_id)
    return len(drafts)


def _apply(connection: Connection, opinion_ids: set[int]) -> None:
    """Count these opinions again and move the draft's figures by the difference."""
    ids = sorted(opinion_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        old = connection.execute(select(_oc).where(_oc.c.opinion_id.in_(chunk))).mappings().all()
        new = _count_opinions(connection, opinions_where=_opinion.c.id.in_(chunk),
                              comments_where=_comment.c.opinion_id.in_(chunk))
        totals = _totals(old, new)
        connection.execute(delete(_oc).where(_oc.c.opinion_id.in_(chunk)))
        if new:
            connection.execute(insert(_oc), new)
        _add(connection, totals)


def is_current(connection: Connection, *, draft_id: int) -> bool:
    """Whether the draft's counts are kept and hold as many opinions as the draft has (rows
    written around the ORM, as a bulk load does, leave them stale); otherwise
    :func:`rebuild` it first. One row and two counts read from indexes."""
    built = select(_fc.c.opinions).where(*_built(draft_id)).scalar_subquery()
    kept = (select(func.coalesce(func.sum(_fc.c.opinions), 0))
            .where(_fc.c.draft_id == draft_id, _fc.c.article_key >= OVERALL, _fc.c.point_key == OWN)
            .scalar_subquery())
    actual = select(func.count()).select_from(_opinion).where(_opinion.c.draft_id == draft_id).scalar_subquery()
    found = connection.execute(select(built, kept, actual)).one()
    return bool(found[0]) and found[1] == found[2]


def read(connection: Connection, *, draft_id: int) -> list | None:
    """The draft's FigureCount rows that count anything (article_key, state, point_key,
    opinions, comments, counted_opinions, pointed); None if the draft is not counted."""
    rows = connection.execute(
        select(_fc.c.article_key, _fc.c.state, _fc.c.point_key, _fc.c.opinions, _fc.c.comments,
               _fc.c.counted_opinions, _fc.c.pointed)
        .where(_fc.c.draft_id == draft_id)).all()
    if not any(r.article_key == BUILT and r.opinions for r in rows):
        return None
    return [r for r in rows if r.article_key != BUILT and (r.opinions or r.comments)]


def supported_per_article(connection: Connection, *, draft_id: int) -> dict[int, int]:
    """Per article key, how many opinions hold counted comments (what the 回音壁 shows)."""
    return {key: int(n) for key, n in connection.execute(
        select(_fc.c.article_key, func.sum(_fc.c.counted_opinions))
        .where(_fc.c.draft_id == draft_id, _fc.c.article_key >= OVERALL, _fc.c.point_key == OWN)
        .group_by(_fc.c.article_key)) if n}


def supported(connection: Connection, *, draft_id: int, article_key: int, offset: int,
              limit: int) -> dict[int, int]:
    """A slice of an article's opinions holding counted comments, most supported first (then
    by id): {opinion id: counted comments}, in that order."""
    return dict(connection.execute(
        select(_oc.c.opinion_id, _oc.c.comments)
        .where(_oc.c.draft_id == draft_id, _oc.c.article_key == article_key, _oc.c.point_key == OWN,
               _oc.c.comments > 0)
        .order_by(_oc.c.comments.desc(), _oc.c.opinion_id).offset(offset).limit(limit)).all())


# --- keeping them: listeners on every session -------------------------------------------

def _changed_fields(obj, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _after_flush(session: OrmSession, _context) -> None:
    # After the flush, new rows have ids; the history of what changed is still there.
    for obj in session.new:
        if isinstance(obj, Draft):
            draft_changed(session, obj.id)
        elif isinstance(obj, Opinion):
            opinions_changed(session, obj.draft_id, [obj.id])
        elif isinstance(obj, Comment) and obj.opinion_id is not None:
            opinions_changed(session, obj.draft_id, [obj.opinion_id])
    for obj in session.deleted:
        if isinstance(obj, Opinion):
            opinions_changed(session, obj.draft_id, [obj.id])
        elif isinstance(obj, Comment):
            history = inspect(obj).attrs.opinion_id.history
            opinions_changed(session, obj.draft_id, [*history.deleted, *history.unchanged, obj.opinion_id])
    for obj in session.dirty:
        if isinstance(obj, Opinion) and _changed_fields(obj, OPINION_FIELDS):
            opinions_changed(session, obj.draft_id, [obj.id])
        elif isinstance(obj, Comment) and _changed_fields(obj, COMMENT_FIELDS):
            history = inspect(obj).attrs.opinion_id.history
            opinions_changed(session, obj.draft_id, [*history.deleted, obj.opinion_id])


def _before_commit(session: OrmSession) -> None:
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending or not (pending["drafts"] or pending["opinions"]):
        return
    connection = session.connection()
    drafts = pending["drafts"] | {d for d, ids in pending["opinions"].items() if len(ids) > REBUILD_OVER}
    # One draft at a time, in id order: two transactions counting the same drafts queue.
    for draft_id in sorted(drafts | set(pending["opinions"])):
        if draft_id in drafts:
            rebuild(connection, draft_id=draft_id)
        elif _lock(connection, draft_id):
            _apply(connection, pending["opinions"][draft_id])
        # A draft not counted yet is counted from scratch when its figures are first read.


def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


event.listen(OrmSession, "after_flush", _after_flush)
event.listen(OrmSession, "before_commit", _before_commit)
event.listen(OrmSession, "after_rollback", _after_rollback)
