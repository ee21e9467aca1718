"""Which drafts' public pages a transaction changed, counted in the database for every server.

Servers keep rendered public pages (the reading pages, the comment form, the 回音壁) in
memory, keyed by the draft's stamp. Any write through a Session that touches what those
pages show bumps the stamp in the same transaction, so a staff edit made on one server
changes the page on every other server at its next request: no message between servers,
one cheap row read per page. Hooks on the Session, not calls in each service, so a new
service that edits an article or an opinion cannot forget.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from legis.models import (
    Article,
    Comment,
    ContactPoint,
    Disposition,
    Draft,
    DraftVersion,
    Heading,
    Meeting,
    Opinion,
    PageStamp,
)

EVERY_DRAFT = 0            # the row bulk statements bump: they name no single draft
_PENDING = "legis_page_changes"
_COMMITTING = "legis_page_changes_committing"

# Stamp changes committed by this process so far: what a server remembers of the stamps it
# read is good only while this is unchanged (its own edits show at once; another server's
# within legis.web.stamp_cache.FRESH_SECONDS).
_local_changes = 0


def local_changes() -> int:
    """How many transactions of this process have changed some draft's pages so far."""
    return _local_changes

# What each kind of row changes: the reading pages, the published results, or both.
_TEXT_ROWS = (DraftVersion, Meeting, Heading, Article, ContactPoint)
_RESULT_ROWS = (Opinion, Disposition, Comment)
_BULK_ROWS = (Draft, *_TEXT_ROWS, Opinion, Disposition)


@dataclass(frozen=True)
class Stamp:
    """A draft's public pages as of now: equal stamps mean equal pages (for the same day)."""

    draft_id: int
    slug: str
    status: str
    updated_at: str
    text_gen: int
    results_gen: int

    @property
    def text_key(self) -> tuple:
        return (self.draft_id, self.updated_at, self.text_gen)

    @property
    def results_key(self) -> tuple:
        return (*self.text_key, self.results_gen)


# Plain SQL: built once, and read on every public page request (an ORM query with its
# aliases cost milliseconds to build; this is one indexed row).
_STAMP = """SELECT d.id, d.slug, d.status, d.updated_at,
  COALESCE(p.text_gen, 0) + COALESCE(a.text_gen, 0),
  COALESCE(p.results_gen, 0) + COALESCE(a.results_gen, 0)
FROM draft d LEFT JOIN pagestamp p ON p.draft_id = d.id
LEFT JOIN pagestamp a ON a.draft_id = 0 """
BY_SLUG = text(_STAMP + "WHERE d.slug = :key")
BY_MEETING = text(_STAMP + "JOIN meeting m ON m.draft_id = d.id WHERE m.token = :key")
MEETING_DRAFT = text("SELECT draft_id FROM meeting WHERE token = :token")


def read(connection: Connection | Session, *, slug: str | None = None,
         meeting_token: str | None = None) -> Stamp | None:
    """The stamp of the draft at ``slug`` (or of the meeting with ``meeting_token``); None if
    there is no such draft, so the caller takes the full path and its clear message."""
    query, key = (BY_MEETING, meeting_token) if meeting_token is not None else (BY_SLUG, slug)
    row = connection.execute(query, {"key": key}).first()
    if row is None:
        return None
    draft_id, slug_, status, updated_at, text_gen, results_gen = row
    return Stamp(draft_id, slug_, status, str(updated_at), text_gen, results_gen)


def meeting_draft(connection: Connection | Session, *, token: str) -> int | None:
    """The draft of the meeting (座谈会) whose link carries ``token``, if there is one."""
    return connection.execute(MEETING_DRAFT, {"token": token}).scalar()


def results_stamps(session: Session, *, draft_ids: list[int]) -> tuple:
    """The state of several drafts' results (opinions, their members and decisions) as one
    cache key: each draft's results generation and creation time (which tells apart
    databases and drafts that share an id), and the generation bulk statements bump."""
    if not draft_ids:
        return ()
    gens = dict(session.exec(select(PageStamp.draft_id, PageStamp.results_gen)
                             .where(PageStamp.draft_id.in_([*draft_ids, EVERY_DRAFT]))).all())
    created = dict(session.exec(select(Draft.id, Draft.created_at).where(Draft.id.in_(draft_ids))).all())
    return (gens.get(EVERY_DRAFT, 0),
            *((d, str(created.get(d)), gens.get(d, 0)) for d in sorted(draft_ids)))


def bump(session: Session, draft_id: int, *, text: bool = False, results: bool = False) -> None:
    """Mark a draft's pages changed by this transaction (counted once, when it commits)."""
    pending = session.info.setdefault(_PENDING, {})
    was_text, was_results = pending.get(draft_id, (False, False))
    pending[draft_id] = (was_text or text, was_results or results)


def _draft_of_version(session: OrmSession, version_id: int | None) -> int | None:
    if version_id is None:
        return None
    with session.no_autoflush:
        version = session.get(DraftVersion, version_id)
    return version.draft_id if version else None


def _draft_of_opinion(session: OrmSession, opinion_id: int | None) -> int | None:
    if opinion_id is None:
        return None
    with session.no_autoflush:
        opinion = session.get(Opinion, opinion_id)
    return opinion.draft_id if opinion else None


def _note(session: OrmSession, obj: object, *, new: bool) -> None:
    if isinstance(obj, Draft):
        if obj.id is not None:
            bump(session, obj.id, text=True, results=True)
    elif isinstance(obj, (DraftVersion, Meeting)):
        bump(session, obj.draft_id, text=True)
    elif isinstance(obj, (Heading, Article)):
        draft_id = _draft_of_version(session, obj.version_id)
        if draft_id is not None:
            bump(session, draft_id, text=True)
    elif isinstance(obj, ContactPoint):
        # Its name is on the meeting banner of any draft: rare enough to count for all.
        if not new:
            bump(session, EVERY_DRAFT, text=True)
    elif isinstance(obj, Opinion):
        bump(session, obj.draft_id, results=True)
    elif isinstance(obj, Disposition):
        draft_id = _draft_of_opinion(session, obj.opinion_id)
        if draft_id is not None:
            bump(session, draft_id, results=True)
    elif isinstance(obj, Comment) and (not new or obj.opinion_id is not None):
        # A new comment only changes the turnout, which pages fill in per request; one
        # placed in an opinion, moved, withdrawn or excluded changes the 回音壁.
        bump(session, obj.draft_id, results=True)


def _before_flush(session: OrmSession, _context, _instances) -> None:
    for obj in session.new:
        _note(session, obj, new=True)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            _note(session, obj, new=False)
    for obj in session.deleted:
        _note(session, obj, new=False)


def _do_orm_execute(state) -> None:
    # Bulk UPDATE/DELETE (merging, withdrawal) and bulk INSERT of articles name no one
    # row to look at: count them for every draft. Inserting comments changes no page.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    classes = {mapper.class_ for mapper in state.all_mappers}
    if state.is_insert:
        classes.discard(Comment)
    if classes & set(_BULK_ROWS) or (not state.is_insert and Comment in classes):
        bump(state.session, EVERY_DRAFT, text=True, results=True)


def _before_commit(session: OrmSession) -> None:
    session.flush()   # what is still unflushed is part of this transaction's changes
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.info[_COMMITTING] = True
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # In id order, at commit: two transactions bumping the same drafts queue, never deadlock.
    for draft_id in sorted(pending):
        texts, results = (int(changed) for changed in pending[draft_id])
        upsert = dialect.insert(PageStamp).values(
            draft_id=draft_id, text_gen=texts, results_gen=results)
        session.execute(upsert.on_conflict_do_update(
            index_elements=["draft_id"],
            set_={"text_gen": PageStamp.text_gen + texts,
                  "results_gen": PageStamp.results_gen + results}))


def _after_commit(session: OrmSession) -> None:
    global _local_changes
    if session.info.pop(_COMMITTING, False):
        _local_changes += 1


def _after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_COMMITTING, None)


_installed = False


def install() -> None:
    """Listen on every Session (once per process); called when an engine is made."""
    global _installed
    if _installed:
        return
    event.listen(OrmSession, "before_flush", _before_flush)
    event.listen(OrmSession, "do_orm_execute", _do_orm_execute)
    event.listen(OrmSession, "before_commit", _before_commit)
    event.listen(OrmSession, "after_commit", _after_commit)
    event.listen(OrmSession, "after_rollback", _after_rollback)
    _installed = True
