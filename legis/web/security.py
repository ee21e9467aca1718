"""Security headers on every response, and a cross-site check on every state-changing request."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
        if scope["method"] in UNSAFE_METHODS and is_cross_site(Headers(scope=scope)):
            # Rendered by the one error handler, outside the routing (no session yet).
            from legis.web.errors import error_response

            response = error_response(Request(scope), CROSS_SITE, 403)
            await response(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in HEADERS if k not in existing
                ]
            await send(message)

        return wrapped


def is_cross_site(headers: Headers) -> bool:
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
    host = headers.get("x-forwarded-host") or headers.get("host", "")
    return urlsplit(origin).netloc.lower() != host.lower()
