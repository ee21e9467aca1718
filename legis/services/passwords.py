"""Password hashing: argon2 at its library defaults, replaceable by a cheaper argon2 in tests."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when a username does not exist, so a wrong username and a wrong
# password cost the same time. Made lazily, and again whenever the hasher changes.
_dummy: str | None = None


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Make ``hasher`` the one every account uses; returns the one it replaces.

    Production never calls this. The test suite installs an argon2 hasher with minimal
    time and memory cost, so hundreds of sign-ins cost milliseconds instead of minutes.
    """
    global _hasher, _dummy
    previous, _hasher, _dummy = _hasher, hasher, None
    return previous


def current_hasher() -> PasswordHasher:
    return _hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; with no hash, spends the same time and says no."""
    global _dummy
    if password_hash is None:
        if _dummy is None:
            _dummy = _hasher.hash(secrets.token_urlsafe(16))
        _verify(_dummy, password)
        return False
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
