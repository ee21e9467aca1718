"""Security headers on every response, a cross-site check on every state-changing request, and
a log line for every failed answer (4xx but 404, 5xx) the error handlers did not log already.

With uvicorn's access log off (the default, LEGIS_ACCESS_LOG) this is what records a form
refused with 422 or a body refused at the edge; only method, path and status are logged.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("legis.web")
LOGGED = "legis.logged"   # scope key: set by web/errors.py when it logged the failure itself

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CROSS_SITE = "这个提交来自其他网站，为保护您的账户已被拒绝。请直接在本站页面上操作。"


class SecurityMiddleware:
    """Refuse cross-site POSTs (Sec-Fetch-Site / Origin), and add the security headers."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trust_proxy = scope["app"].state.settings.trust_proxy
        if scope["method"] in UNSAFE_METHODS and is_cross_site(Headers(scope=scope),
                                                              trust_proxy=trust_proxy):
            # Rendered by the one error handler, outside the routing (no session yet).
            from legis.web.errors import error_response

            log.info("%s %s -> 403 cross-site", scope["method"], scope["path"])
            response = error_response(Request(scope), CROSS_SITE, 403)
            await response(scope, receive, self._with_headers(scope, send))
            return
        await self.app(scope, receive, self._with_headers(
            scope, send, cacheable=scope["path"].startswith("/static/")))

    @staticmethod
    def _with_headers(scope: Scope, send: Send, *, cacheable: bool = False) -> Send:
        # Pages carry one-time form tokens or personal data: a shared cache or the
        # back button must never show one again. Static files may be cached.
        extra = HEADERS if cacheable else [*HEADERS, (b"cache-control", b"no-store")]

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in extra if k not in existing
                ]
                status = message["status"]
                if status >= 400 and status != 404 and not scope.get(LOGGED):
                    log.log(logging.WARNING if status >= 500 else logging.INFO, "%s %s -> %d",
                            scope["method"], scope["path"], status)
            await send(message)

        return wrapped


def is_cross_site(headers: Headers, *, trust_proxy: bool = False) -> bool:
    """True when the browser says the request came from another site.

    Browsers send Sec-Fetch-Site on every request; older ones send Origin on
    POST. A request with neither (curl, the CLI, tests) is not a browser
    being tricked, so it passes here and still needs a login for anything
    that matters.
    """
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in {"same-origin", "none"}
    origin = headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    # X-Forwarded-Host is anyone's to send unless a proxy we trust sets it.
    forwarded = headers.get("x-forwarded-host") if trust_proxy else None
    host = forwarded or headers.get("host", "")
    return urlsplit(origin).netloc.lower() != host.lower()
