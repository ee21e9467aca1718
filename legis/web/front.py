"""The one layer every request passes before the routes: refusals, the session, gzip, headers.

It does in one pass what four middleware did one inside the other (security, edge,
compression, session): the request's headers are read once, one wrapper on ``send`` adds
the session cookie and the security headers and logs a failed answer, and nothing else is
set up for a request that does not need it. Four layers cost a comment about as much as
its INSERT (issue 20). The order of the checks is the old order of the layers:

1. a cross-site POST is refused (403), before anything else is read (web/security.py);
2. a control character in the address, an unknown host or a body over the limit is
   refused (400 / 413), the body capped while it is read (web/edge.py);
3. the signed session cookie is read (as Starlette's SessionMiddleware does, same
   cookie, same format: sessions in browsers stay valid);
4. what is read (GET, HEAD) is gzipped when the browser takes it; the answer to a sent
   form (a redirect, a few bytes of JSON) goes out as it is.
"""

from __future__ import annotations

import json
import logging
from base64 import b64decode, b64encode

import itsdangerous
from itsdangerous.exc import BadSignature
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import Session
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from legis.web.edge import (
    BAD_ADDRESS,
    BAD_HOST,
    FORM_SLACK,
    TOO_LARGE,
    bad_address,
    capped,
    host_allowed,
    refuse,
)
from legis.web.security import CROSS_SITE, HEADERS, LOGGED, UNSAFE_METHODS, is_cross_site

log = logging.getLogger("legis.web")

READING = frozenset({"GET", "HEAD"})
NO_STORE = [*HEADERS, (b"cache-control", b"no-store")]


class Front:
    """Security, edge, session and page compression for every HTTP request, in one layer."""

    def __init__(self, app: ASGIApp, *, secret_key: str, session_cookie: str = "session",
                 max_age: int | None = 14 * 24 * 3600, same_site: str = "lax",
                 https_only: bool = False, minimum_size: int = 500, compresslevel: int = 9):
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=compresslevel)
        self.signer = itsdangerous.TimestampSigner(secret_key)
        self.cookie = session_cookie
        self.cookie_bytes = session_cookie.encode("latin-1")
        self.max_age = max_age
        flags = "httponly; samesite=" + same_site + ("; secure" if https_only else "")
        self.set_cookie = f"path=/; {f'Max-Age={max_age}; ' if max_age is not None else ''}{flags}"
        self.clear_cookie = f"path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; {flags}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = scope["app"].state.settings
        headers = Headers(scope=scope)
        method = scope["method"]
        if method in UNSAFE_METHODS and is_cross_site(headers, trust_proxy=settings.trust_proxy):
            # Rendered by the one error handler, outside the routing (no session yet).
            from legis.web.errors import error_response

            log.info("%s %s -> 403 cross-site", method, scope["path"])
            response = error_response(Request(scope), CROSS_SITE, 403)
            await response(scope, receive, self._sender(scope, send))
            return
        if bad_address(scope):
            await refuse(scope, receive, self._sender(scope, send), 400, *BAD_ADDRESS)
            return
        if settings.allowed_hosts and not host_allowed(headers.get("host", ""),
                                                       settings.allowed_hosts):
            await refuse(scope, receive, self._sender(scope, send), 400, *BAD_HOST)
            return
        limit = settings.max_upload_bytes + FORM_SLACK
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            # Refused on the declared size: nothing is read or spooled to disk.
            too_large = TOO_LARGE[0], TOO_LARGE[1].format(mb=settings.max_upload_bytes // 2**20)
            await refuse(scope, receive, self._sender(scope, send), 413, *too_large)
            return
        had_session = self._open_session(scope, headers.get("cookie"))
        sender = self._sender(scope, send, session=had_session,
                              cacheable=scope["path"].startswith("/static/"))
        receive = capped(receive, limit, settings)
        if method in READING:
            await self.gzip(scope, receive, sender)
        else:
            await self.app(scope, receive, sender)

    def _open_session(self, scope: Scope, cookie: str | None) -> bool:
        """scope["session"] from the signed cookie; True when the browser sent a valid one."""
        scope["session"] = Session()
        if not cookie or self.cookie not in cookie:
            return False
        value = cookie_parser(cookie).get(self.cookie)
        if value is None:
            return False
        try:
            data = self.signer.unsign(value.encode("utf-8"), max_age=self.max_age)
            scope["session"] = Session(json.loads(b64decode(data)))
        except BadSignature:
            return False
        return True

    def _sender(self, scope: Scope, send: Send, *, session: bool | None = None,
                cacheable: bool = False) -> Send:
        # Pages carry one-time form tokens or personal data: a shared cache or the
        # back button must never show one again. Static files may be cached.
        extra = HEADERS if cacheable else NO_STORE

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                if session is not None:
                    self._session_headers(scope, message, had_session=session)
                listed = message.get("headers") or []
                existing = {k.lower() for k, _ in listed}
                message["headers"] = [*listed, *((k, v) for k, v in extra if k not in existing)]
                status = message["status"]
                if status >= 400 and status != 404 and not scope.get(LOGGED):
                    log.log(logging.WARNING if status >= 500 else logging.INFO, "%s %s -> %d",
                            scope["method"], scope["path"], status)
            await send(message)

        return wrapped

    def _session_headers(self, scope: Scope, message: Message, *, had_session: bool) -> None:
        """What Starlette's SessionMiddleware adds: Vary when read, the cookie when changed."""
        session: Session = scope["session"]
        if not (session.accessed or session.modified):
            return
        message.setdefault("headers", [])
        headers = MutableHeaders(scope=message)
        if session.accessed:
            headers.add_vary_header("Cookie")
        if session.modified and session:
            data = self.signer.sign(b64encode(json.dumps(session).encode("utf-8")))
            headers.append("Set-Cookie", f"{self.cookie}={data.decode('utf-8')}; {self.set_cookie}")
        elif session.modified and had_session:   # the session has been cleared
            headers.append("Set-Cookie", f"{self.cookie}=null; {self.clear_cookie}")
