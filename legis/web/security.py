"""Security headers on every response, a cross-site check on every state-changing request, and
a log line for every failed answer (4xx but 404, 5xx) the error handlers did not log already
(all three applied by web/front.py).

With uvicorn's access log off (the default, LEGIS_ACCESS_LOG) web/front.py records a form
refused with 422 or a body refused at the edge; only method, path and status are logged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers

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
