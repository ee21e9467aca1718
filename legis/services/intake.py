"""Online intake: a resident's comment stored with one guard query and one Core INSERT.

The ORM path (comments.submit_comment) looks the draft up by its address, then its
current version, the article and the form token, each a query and each a round of
SQLAlchemy's object machinery. Here the ids a form names are cached for a few seconds
per process, and every fact that may have changed since — the draft still open today,
the version still current, the article still in it — is re-checked by one guard query
in the same transaction as the INSERT: a stale cache can only send the comment back to
the full path (which gives the reason), never store it on a closed draft or an old text.
The duplicate form token is not looked up first: the unique index refuses the second
INSERT, and the caller then reads the receipt the first one stored.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import and_, exists, insert, or_, select
from sqlmodel import Session

from legis import privacy
from legis.models import Article, Comment, Draft, DraftVersion, utcnow
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
class Meeting:
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


def still_accepting(session: Session, *, target: Target, article_id: int | None) -> bool:
    """One query: the draft is open today, the version is still its current one, and the
    article (if any) belongs to that version."""
    on = today()
    condition = and_(
        _VERSION.c.id == target.version_id,
        _VERSION.c.draft_id == target.draft_id,
        _VERSION.c.is_current.is_(True),
        _DRAFT.c.status == DraftStatus.OPEN.value,
        or_(_DRAFT.c.comment_start.is_(None), _DRAFT.c.comment_start <= on),
        or_(_DRAFT.c.comment_end.is_(None), _DRAFT.c.comment_end >= on),
    )
    if article_id is not None:
        condition = and_(condition, exists().where(
            _ARTICLE.c.id == article_id, _ARTICLE.c.version_id == _VERSION.c.id))
    query = select(_VERSION.c.id).select_from(
        _VERSION.join(_DRAFT, _DRAFT.c.id == _VERSION.c.draft_id)).where(condition)
    return session.execute(query).first() is not None


def store(session: Session, *, target: Target, data: CommentInput, form_token: str,
          visitor: str, meeting: Meeting | None = None, channel: str) -> str | None:
    """Insert a validated comment in the caller's transaction; return its receipt code, or
    None when the draft no longer takes it (closed, a new version, an article not in it) —
    the caller then goes the full way, which says why.

    Raises IntegrityError when the form token (or, once in 10^11, the receipt code) is taken:
    the caller rolls back and asks ``stored_receipt``.
    """
    if not still_accepting(session, target=target, article_id=data.article_id):
        return None
    code = new_receipt_code()
    session.execute(_INSERT, {
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
        "session_id": meeting.id if meeting else None,
        "channel": meeting.channel if meeting else channel,
        "form_token": form_token,
        "visitor": visitor[:24],
        "receipt_code": code,
        "created_at": utcnow(),
    })
    return code


def stored_receipt(session: Session, *, form_token: str) -> tuple[str, int] | None:
    """(receipt code, draft id) of the comment this form already stored, if any."""
    row = session.execute(select(_COMMENT.c.receipt_code, _COMMENT.c.draft_id)
                          .where(_COMMENT.c.form_token == form_token)).first()
    return (row[0], row[1]) if row is not None else None
