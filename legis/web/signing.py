"""Signed values in itsdangerous' URL-safe format, with the signing key derived once.

itsdangerous derives its HMAC key from the secret and salt, builds a signer and walks a
list of fallback signers on every call; on a comment that is done three times (the form
token checked, the visit cookie read and written). Here the key is derived once and each
call is one HMAC. The format is that of ``URLSafeSerializer`` (``timed=False``) and
``URLSafeTimedSerializer`` with the same secret and salt (SHA-1, "django-concat" key
derivation, compact JSON): tokens in pages already served and cookies in browsers stay
valid, and the tests check both ways against itsdangerous. Values are written without
itsdangerous' zlib step (a form token or a visit cookie is too short to gain from it);
compressed ones are still read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import zlib
from typing import Any

from itsdangerous import BadSignature, SignatureExpired


def _b64encode(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def _b64decode(text: bytes) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise BadSignature("malformed base64") from exc


class SignedValues:
    """dumps/loads as itsdangerous' URL-safe serializer (timed or not) with ``secret``, ``salt``."""

    def __init__(self, secret: str, *, salt: str, timed: bool = False, clock=time.time):
        key = hashlib.sha1(salt.encode() + b"signer" + secret.encode()).digest()
        # The standard library's HMAC-SHA1 keyed once; each signature copies its keyed
        # state, so no key set-up is repeated per call.
        self._mac = hmac.new(key, digestmod=hashlib.sha1)
        self._timed = timed
        self._clock = clock

    def _signature(self, value: bytes) -> bytes:
        mac = self._mac.copy()
        mac.update(value)
        return _b64encode(mac.digest())

    def dumps(self, obj: Any) -> str:
        value = _b64encode(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())
        if self._timed:
            now = int(self._clock())
            value += b"." + _b64encode(now.to_bytes(8, "big").lstrip(b"\0"))
        return (value + b"." + self._signature(value)).decode("ascii")

    def loads(self, signed: str, *, max_age: int | None = None) -> Any:
        """The value; BadSignature when forged or malformed, SignatureExpired when older than
        ``max_age`` seconds (or dated in the future)."""
        try:
            raw = signed.encode("ascii")
        except UnicodeEncodeError as exc:
            raise BadSignature("not ASCII") from exc
        value, sep, signature = raw.rpartition(b".")
        if not sep or not hmac.compare_digest(signature, self._signature(value)):
            raise BadSignature("signature does not match")
        if self._timed:
            value, sep, stamp = value.rpartition(b".")
            if not sep or not stamp:
                raise BadSignature("timestamp missing")
            signed_at = int.from_bytes(_b64decode(stamp)[-8:], "big")
            age = int(self._clock()) - signed_at
            if max_age is not None and (age > max_age or age < 0):
                raise SignatureExpired(f"signature age {age} outside 0..{max_age} seconds")
        packed = value.startswith(b".")
        data = _b64decode(value[1:] if packed else value)
        try:
            return json.loads(zlib.decompress(data) if packed else data)
        except (ValueError, zlib.error) as exc:
            raise BadSignature("malformed payload") from exc
