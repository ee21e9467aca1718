"""Password checks with throttling: the attempt is counted atomically, the hash verified outside any write.

Each check is three short steps: (1) in one write transaction, under a lock on
the username and the client, count recent failures and record this attempt as
a failure in advance; (2) verify the argon2 hash with no transaction open; (3)
in another short write transaction, mark the attempt a success if it was one.
Parallel wrong passwords therefore cannot all pass the count (step 1 is one
atomic step), and argon2's tenth of a second never holds SQLite's write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, func, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from legis.db import lock_names, session_scope
from legis.errors import RateLimited, Unauthorized
from legis.models import LoginAttempt, User, utcnow
from legis.services import accounts, audit, login_sessions
from legis.services.passwords import needs_rehash

# Attempts only matter for THROTTLE_WINDOW; a week is kept so an administrator can still look
# into a burst of failures, and older rows are deleted as new attempts come in.
KEEP_ATTEMPTS = timedelta(days=7)
TOO_MANY = "登录失败次数过多，请15分钟后再试。如忘记密码，请联系系统管理员重置。"


def reserve(session: Session, *, username: str, client: str) -> int:
    """Count recent failures and record this attempt as one; RateLimited when there were too many."""
    username, client = username.lower()[:60], client[:64]
    lock_names(session, f"login-user:{username}", f"login-client:{client}")
    since = utcnow() - accounts.THROTTLE_WINDOW
    failures = session.exec(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.at >= since, LoginAttempt.success.is_(False),
            or_(func.lower(LoginAttempt.username) == username, LoginAttempt.client == client))
    ).one()
    if failures >= accounts.MAX_FAILURES:
        raise RateLimited(TOO_MANY)
    session.exec(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - KEEP_ATTEMPTS))
    attempt = LoginAttempt(username=username, client=client, success=False)
    session.add(attempt)
    session.flush()
    return attempt.id


def checked_password(engine: Engine, *, username: str, client: str,
                     password_hash: Callable[[Session], str | None], password: str) -> bool:
    """Verify ``password`` against the hash ``password_hash(session)`` finds, throttled per user and client.

    Returns whether it matched; the attempt stays counted as a failure unless it did.
    """
    with session_scope(engine, write=True) as session:
        attempt_id = reserve(session, username=username, client=client)
    with session_scope(engine) as session:
        stored = password_hash(session)
    ok = accounts.verify_password(stored, password) and stored is not None
    if ok:
        with session_scope(engine, write=True) as session:
            attempt = session.get(LoginAttempt, attempt_id)
            attempt.success = True
            session.add(attempt)
    return ok


def log_in(engine: Engine, *, username: str, password: str, client: str) -> tuple[int, str]:
    """(user id, login session key) for these credentials; LegisError 401/429 otherwise.

    A wrong username, a wrong password and a disabled account get the same
    answer in the same time.
    """
    username = (username or "").strip()[:60]

    def enabled_hash(session: Session) -> str | None:
        user = _find(session, username)
        return user.password_hash if user is not None and not user.disabled else None

    ok = checked_password(engine, username=username, client=client,
                          password_hash=enabled_hash, password=password)
    with session_scope(engine, write=True) as session:
        user = _find(session, username)
        if not ok or user is None or user.disabled:
            audit.record(session, actor=username, action="login.failed", client=client)
            user = None
        else:
            if needs_rehash(user.password_hash):
                user.password_hash = accounts.hash_password(password)
                session.add(user)
            audit.record(session, actor=user.username, action="login", target_type="user",
                         target_id=user.id, client=client)
            key = login_sessions.start(session, user_id=user.id)
            user_id = user.id
    if user is None:
        raise Unauthorized(accounts.LOGIN_FAILED)
    return user_id, key


def _find(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.username) == username.lower())).first()
