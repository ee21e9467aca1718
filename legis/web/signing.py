"""itsdangerous's URL-safe serializers at a fraction of the CPU, with the same signatures.

Signing a form token and the visit cookie was a tenth of a comment's CPU: itsdangerous
builds a new signer on every call, derives its key again (a SHA-1) and signs with
``hmac.new`` given a Python callable, which takes hmac's pure-Python path. Here one signer
per salt is kept, its derived key remembered, and HMAC-SHA1 computed by ``hmac.digest``
(OpenSSL in one call). The bytes are identical: a token or cookie signed before an
upgrade still verifies, and one signed here verifies with plain itsdangerous.
"""

from __future__ import annotations

import hmac
from typing import Any

from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from itsdangerous.signer import HMACAlgorithm, Signer
from itsdangerous.timed import TimestampSigner


class _Sha1(HMACAlgorithm):
    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, "sha1")


class _Signer(Signer):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.algorithm = _Sha1()   # the default digest (SHA-1), computed in one call
        self._keys: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self._keys.get(secret_key)
        if key is None:
            key = self._keys[secret_key] = super().derive_key(secret_key)
        return key


class _TimestampSigner(_Signer, TimestampSigner):
    pass


class _OneSignerPerSalt:
    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        signers = self.__dict__.setdefault("_signers", {})
        signer = signers.get(salt)
        if signer is None:
            signer = signers[salt] = super().make_signer(salt)  # type: ignore[misc]
        return signer


class Serializer(_OneSignerPerSalt, URLSafeSerializer):
    default_signer = _Signer


class TimedSerializer(_OneSignerPerSalt, URLSafeTimedSerializer):
    default_signer = _TimestampSigner
