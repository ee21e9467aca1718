"""The stamp of a draft's figures: which opinions there are, their states, and which
comments each holds. Every flush that changes one of those adds a FigureChange row in the
same transaction (a listener on every session, so no service has to remember); writes that
bypass the ORM (the merge job's bulk updates) call :func:`changed` themselves. Figures
counted once are kept per stamp, so they are counted again only after a change — on any
app server, since the stamp lives in the shared database.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import event, func, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from legis.models import Comment, Draft, FigureChange, Opinion

T = TypeVar("T")

# A comment's place in the figures; other edits (a corrected name) change nothing counted.
COUNTED = ("opinion_id", "excluded", "withdrawn", "contact_point_id", "article_id", "draft_id")


def changed(session: Session, draft_id: int) -> None:
    """Record that the figures of draft ``draft_id`` change in this transaction."""
    session.add(FigureChange(draft_id=draft_id))


def stamp(session: Session, *, draft_id: int) -> str:
    """The state of the draft's figures: the newest change and the number of changes (a
    change committed late with a smaller id still changes the count). Read from an index."""
    newest, count = session.exec(
        select(func.max(FigureChange.id), func.count(FigureChange.id))
        .where(FigureChange.draft_id == draft_id)).one()
    return f"{newest or 0}-{count}"


def stamps(session: Session, *, draft_ids: list[int]) -> tuple:
    """The stamps of several drafts' figures (with each draft's creation time, which tells
    apart databases and drafts that share an id), in one grouped query: a cache key."""
    if not draft_ids:
        return ()
    found = {d: (n, c) for d, n, c in session.exec(
        select(FigureChange.draft_id, func.max(FigureChange.id), func.count(FigureChange.id))
        .where(FigureChange.draft_id.in_(draft_ids)).group_by(FigureChange.draft_id)).all()}
    created = dict(session.exec(select(Draft.id, Draft.created_at).where(Draft.id.in_(draft_ids))).all())
    return tuple((d, str(created.get(d)), found.get(d, (0, 0))) for d in sorted(draft_ids))


_KEPT: OrderedDict[tuple, Any] = OrderedDict()
_KEPT_SIZE = 64
_LOCK = Lock()


def kept(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` (which must hold the stamps it depends on); the most
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


def _drafts_changed(session: OrmSession) -> set[int]:
    drafts: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Opinion) or (isinstance(obj, Comment) and obj.opinion_id is not None):
            drafts.add(obj.draft_id)
    for obj in session.deleted:
        if isinstance(obj, Opinion | Comment):
            drafts.add(obj.draft_id)
    for obj in session.dirty:
        if isinstance(obj, Opinion) and session.is_modified(obj):
            drafts.add(obj.draft_id)
        elif isinstance(obj, Comment):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in COUNTED):
                drafts.add(obj.draft_id)
    return {d for d in drafts if d is not None}


@event.listens_for(OrmSession, "before_flush")
def _record(session: OrmSession, _context, _instances) -> None:
    for draft_id in _drafts_changed(session):
        session.add(FigureChange(draft_id=draft_id))
