"""Signed-in browsers kept on the server, so logout, a new password, a reset or a disabled account end them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from legis.models import LoginSession, utcnow

# The cookie's own lifetime; a record older than this no longer opens anything.
MAX_AGE = timedelta(hours=12)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(session: Session, *, user_id: int) -> str:
    """A new login session for ``user_id``; returns the random key that goes into the cookie."""
    key = secrets.token_urlsafe(32)
    # The user's sessions that can no longer open anything go: the table stays small.
    session.exec(delete(LoginSession).where(LoginSession.user_id == user_id,
                                            LoginSession.created_at < utcnow() - MAX_AGE))
    session.add(LoginSession(user_id=user_id, key_hash=_hash(key)))
    return key


def user_of(session: Session, *, user_id: int, key: str) -> bool:
    """True when ``key`` is a live login session of ``user_id`` (not ended, not too old)."""
    if not key:
        return False
    found = session.exec(select(LoginSession).where(LoginSession.key_hash == _hash(key))).first()
    return (found is not None and found.user_id == user_id and found.ended_at is None
            and found.created_at >= utcnow() - MAX_AGE)


def end(session: Session, *, key: str) -> None:
    """Logout: this browser's session stops opening anything, whatever its cookie says."""
    session.exec(update(LoginSession).where(LoginSession.key_hash == _hash(key),
                                            LoginSession.ended_at.is_(None))
                 .values(ended_at=utcnow()))


def end_all(session: Session, *, user_id: int, keep: str | None = None) -> None:
    """End every session of a user (password changed or reset, account disabled), but ``keep``."""
    query = update(LoginSession).where(LoginSession.user_id == user_id,
                                       LoginSession.ended_at.is_(None))
    if keep:
        query = query.where(LoginSession.key_hash != _hash(keep))
    session.exec(query.values(ended_at=utcnow()))
