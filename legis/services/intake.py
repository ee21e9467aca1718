"""Online intake: a resident's comment stored with one guard query and one Core INSERT.

The ORM path (comments.submit_comment) looks the draft up by its address, then its
current version, the article and the form token, each a query and each a round of
SQLAlchemy's object machinery. Here the ids a form names are cached for a few seconds
per process, and every fact that may have changed since — the draft still open today,
the version still current, the article still in it — is re-checked by one guard query
in the same transaction as the INSERT: a stale cache can only send the comment back to
the full path (which gives the reason), never store it on a closed draft or an old text.
The duplicate form token is not looked up first: the unique index refuses the second
INSERT, and the caller then reads the receipt the first one stored. ``store_all`` takes
a batch (web/comment_intake.py groups the comments waiting at one moment): one guard per
draft version, one article check and one INSERT for all of them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, or_, select
from sqlmodel import Session

from legis import privacy
from legis.errors import LegisError
from legis.models import CHANNEL_ONLINE, Article, Comment, Draft, DraftVersion, utcnow
from legis.services.comments import CommentInput, new_receipt_code
from legis.services.drafts import current_version, public_draft
from legis.timefmt import today
from legis.vocabulary import DraftStatus

TARGET_TTL = 5.0        # seconds a cached slug → ids entry is trusted before it is reloaded
MAX_TARGETS = 256

_COMMENT = Comment.__table__        # type: ignore[attr-defined]
_DRAFT = Draft.__table__            # type: ignore[attr-defined]
_VERSION = DraftVersion.__table__   # type: ignore[attr-defined]
_ARTICLE = Article.__table__        # type: ignore[attr-defined]
_INSERT = insert(_COMMENT)


@dataclass(frozen=True)
class Target:
    """What a comment form on a draft's page points at."""

    draft_id: int
    version_id: int
    slug: str


@dataclass(frozen=True)
class MeetingRef:
    """The 座谈会 a comment came through (its QR link), as the INSERT needs it."""

    id: int
    contact_point_id: int | None
    channel: str


class Targets:
    """slug → Target for TARGET_TTL seconds, per process; thread-safe, bounded."""

    def __init__(self, *, ttl: float = TARGET_TTL, clock=time.monotonic):
        self._ttl, self._clock = ttl, clock
        self._items: dict[str, tuple[float, Target]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, *, slug: str) -> Target:
        """The cached target, or the draft and its current version looked up (NotFound as usual)."""
        now = self._clock()
        with self._lock:
            item = self._items.get(slug)
        if item is not None and item[0] > now:
            return item[1]
        draft = public_draft(session, slug=slug)
        version = current_version(session, draft=draft)
        target = Target(draft_id=draft.id, version_id=version.id, slug=draft.slug)  # type: ignore[arg-type]
        with self._lock:
            if len(self._items) >= MAX_TARGETS:
                self._items.clear()
            self._items[slug] = (now + self._ttl, target)
        return target

    def forget(self, slug: str) -> None:
        with self._lock:
            self._items.pop(slug, None)


@dataclass(frozen=True)
class Submission:
    """One validated comment from the public form, with what the INSERT needs besides."""

    slug: str
    data: CommentInput
    form_token: str
    visitor: str
    meeting: MeetingRef | None = None


Stored = tuple[str, int, str]   # receipt code, draft id, the draft's slug


_GUARD = select(_VERSION.c.id).select_from(
    _VERSION.join(_DRAFT, _DRAFT.c.id == _VERSION.c.draft_id)).where(
    _VERSION.c.id == bindparam("version_id"),
    _VERSION.c.draft_id == bindparam("draft_id"),
    _VERSION.c.is_current.is_(True),
    _DRAFT.c.status == DraftStatus.OPEN.value,
    or_(_DRAFT.c.comment_start.is_(None), _DRAFT.c.comment_start <= bindparam("on")),
    or_(_DRAFT.c.comment_end.is_(None), _DRAFT.c.comment_end >= bindparam("on")),
)
_ARTICLES_IN = select(_ARTICLE.c.id).where(
    _ARTICLE.c.version_id == bindparam("version_id"),
    _ARTICLE.c.id.in_(bindparam("ids", expanding=True)))


def accepting(session: Session, *, target: Target, article_ids: set[int]) -> set[int] | None:
    """None when the draft does not take comments on this version today (closed, withdrawn, a
    newer text); else which of ``article_ids`` belong to the version. Two queries at most."""
    params = {"version_id": target.version_id, "draft_id": target.draft_id, "on": today()}
    if session.execute(_GUARD, params).first() is None:
        return None
    if not article_ids:
        return set()
    rows = session.execute(_ARTICLES_IN, {"version_id": target.version_id,
                                          "ids": sorted(article_ids)})
    return {row[0] for row in rows}


def store_all(session: Session, *, targets: Targets, items: Sequence[Submission]) -> list[Stored | None]:
    """Insert every submission its draft still takes, in the caller's transaction: one guard
    per draft version, one article check, one INSERT for all rows. ``None`` for an item sends
    it the full way (which says why). A form sent twice in ``items`` is stored once and both
    get its receipt.

    Raises IntegrityError when a form token (or, once in 10^11, a receipt code) is taken:
    the caller rolls back, and stores the items one by one asking ``stored_receipt``.
    """
    resolved: list[Target | None] = []
    for item in items:
        try:
            resolved.append(targets.get(session, slug=item.slug))
        except LegisError:
            resolved.append(None)   # no such public draft: the full path says so
    allowed: dict[Target, set[int] | None] = {}
    for target in {t for t in resolved if t is not None}:
        wanted = {item.data.article_id for item, t in zip(items, resolved, strict=True)
                  if t == target and item.data.article_id is not None}
        allowed[target] = accepting(session, target=target, article_ids=wanted)
    results: list[Stored | None] = [None] * len(items)
    first: dict[str, int] = {}
    rows = []
    for n, (item, target) in enumerate(zip(items, resolved, strict=True)):
        ok = allowed.get(target) if target is not None else None
        if target is None or ok is None or (item.data.article_id is not None
                                            and item.data.article_id not in ok):
            continue
        if item.form_token in first:
            results[n] = results[first[item.form_token]]
            continue
        first[item.form_token] = n
        row = _row(item, target)
        rows.append(row)
        results[n] = (row["receipt_code"], target.draft_id, target.slug)
    if rows:
        session.execute(_INSERT, rows)
    return results


def _row(item: Submission, target: Target) -> dict:
    data, meeting = item.data, item.meeting
    return {
        "draft_id": target.draft_id,
        "version_id": target.version_id,
        "article_id": data.article_id,
        "text": data.text,
        "personal_data": privacy.label(data.text),
        "name": data.name,
        "community": data.community,
        "phone": data.phone,
        "consent": data.consent,
        "contact_point_id": meeting.contact_point_id if meeting else None,
        "meeting_id": meeting.id if meeting else None,
        "channel": meeting.channel if meeting else CHANNEL_ONLINE,
        "form_token": item.form_token,
        "visitor": item.visitor[:24],
        "receipt_code": new_receipt_code(),
        "created_at": utcnow(),
    }


def stored_receipt(session: Session, *, form_token: str) -> tuple[str, int] | None:
    """(receipt code, draft id) of the comment this form already stored, if any."""
    row = session.execute(select(_COMMENT.c.receipt_code, _COMMENT.c.draft_id)
                          .where(_COMMENT.c.form_token == form_token)).first()
    return (row[0], row[1]) if row is not None else None
