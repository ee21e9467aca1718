"""This browser visit's receipt codes, per draft, in a signed cookie (no personal data in it).

The cookie has no expiry date, so it ends when the browser is closed: a
resident sees together the comments they made in this visit, and a shared
phone at a contact point does not show the next person what the last one said.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature
from starlette.requests import Request
from starlette.responses import Response

from legis.web.signing import SignedValues

COOKIE = "legis_visit"
MAX_CODES = 30      # per draft: a cookie stays well under 4 KB
MAX_DRAFTS = 4
SCOPE_KEY = "legis.visit"


class Visits:
    def __init__(self, secret_key: str, *, https: bool = False):
        self._serializer = SignedValues(secret_key, salt="legis-visit")
        self._cookie = (f"{COOKIE}=%s; HttpOnly; Path=/; SameSite=lax"
                        + ("; Secure" if https else "")).encode()

    def read(self, request: Request) -> dict:
        """{"v": visit id, "d": {draft id: [receipt codes]}}; a new empty visit when absent or forged."""
        cached = request.scope.get(SCOPE_KEY)
        if cached is not None:
            return cached   # read once per request: a comment's answer asks three times
        raw = request.cookies.get(COOKIE, "")
        try:
            data = self._serializer.loads(raw) if raw else None
        except BadSignature:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("d"), dict):
            data = {"v": secrets.token_urlsafe(12), "d": {}}
        request.scope[SCOPE_KEY] = data
        return data

    def codes(self, request: Request, draft_id: int) -> list[str]:
        codes = self.read(request)["d"].get(str(draft_id), [])
        return [str(c) for c in codes][:MAX_CODES] if isinstance(codes, list) else []

    def owns(self, request: Request, code: str) -> bool:
        """Whether this browser was given receipt ``code`` in this visit (on any draft)."""
        return any(isinstance(codes, list) and code in codes
                   for codes in self.read(request)["d"].values())

    def visitor(self, request: Request) -> str:
        return str(self.read(request)["v"])[:24]

    def remember(self, request: Request, response: Response, *, visitor: str, draft_id: int,
                 code: str) -> None:
        """Add a receipt code to the visit cookie on ``response``."""
        data = self.read(request)
        data["v"] = visitor
        drafts: dict = data["d"]
        codes = [c for c in drafts.pop(str(draft_id), []) if c != code]
        drafts[str(draft_id)] = [*codes, code][-MAX_CODES:]
        while len(drafts) > MAX_DRAFTS:
            drafts.pop(next(iter(drafts)))
        # The header Response.set_cookie would write, without http.cookies' machinery (a few
        # per cent of a comment's CPU): a URL-safe signed value never needs quoting.
        response.raw_headers.append((b"set-cookie", self._cookie % self._serializer.dumps(data).encode()))
