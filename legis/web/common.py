"""What every handler uses: database work off the event loop, rendering, flash messages, redirects."""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from legis.db import session_scope
from legis.errors import LegisError, ValidationError
from legis.services import decision_figures
from legis.textclean import strip_controls

T = TypeVar("T")

MAX_FORM_FIELDS = 200
URLENCODED = "application/x-www-form-urlencoded"


async def in_db(request: Request, work: Callable[[Session], T], *, write: bool = False) -> T:
    """Run ``work(session)`` in the thread pool inside one transaction."""

    def run() -> T:
        with session_scope(request.app.state.engine, write=write) as session:
            return work(session)

    return await run_in_threadpool(run)


async def in_db_counted(request: Request, draft_id: int, load: Callable[[Session], T]) -> T:
    """``load(session)`` once the draft's figures are kept in the database: a draft never
    counted (loaded in bulk, a database from before the counts) is counted first, in a
    write transaction of its own, and then read like any other."""

    def checked(session: Session):
        return load(session) if decision_figures.is_counted(session, draft_id=draft_id) else _UNCOUNTED

    found = await in_db(request, checked)
    if found is _UNCOUNTED:
        await in_db(request, lambda s: decision_figures.keep_counts(s, draft_id=draft_id), write=True)
        found = await in_db(request, load)
    return found


_UNCOUNTED = object()


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    context = dict(context or {})
    context.setdefault("flashes", pop_flashes(request))
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status
    )


async def render_in_pool(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    """``render`` in the thread pool: a large page never holds up the event loop."""
    context = dict(context or {})
    context.setdefault("flashes", pop_flashes(request))
    return await run_in_threadpool(render, request, name, context, status=status)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page (kept in the signed session cookie)."""
    # Reassign rather than append in place: the session cookie is only
    # re-written when a key is set.
    request.session["flashes"] = [*request.session.get("flashes", []), [kind, message]]


def pop_flashes(request: Request) -> list[list[str]]:
    if "session" not in request.scope:
        return []
    return request.session.pop("flashes", [])


def url_path(request: Request, name: str, **params: Any) -> str:
    """The path of the route called ``name``: request.url_for without the host, and without
    trying every route in turn (the table in routes.py is indexed by name at start-up)."""
    return str(request.app.state.route_paths[name].url_path_for(name, **params))


def plain_path(request: Request, name: str, **params: str) -> str:
    """``url_path`` for parameters the app made itself from letters and digits (a receipt
    code): the route's path format filled in, without Starlette's conversion and quoting."""
    return request.app.state.route_paths[name].path_format.format(**params)


def attachment(filename: str, fallback: str) -> dict[str, str]:
    """Headers for a download named ``filename`` (UTF-8), ``fallback`` for old browsers."""
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; "
                                   f"filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store"}


def redirect(url: str) -> RedirectResponse:
    """POST → 303 → GET: a reload after a submission never re-sends the form."""
    return RedirectResponse(url, status_code=303)


class SeeOther(Response):
    """A 303 to a path made by the app itself (ASCII, nothing to quote), headers written as
    bytes at once: the answer to every comment, where RedirectResponse's URL quoting and
    header building were a visible share of the cost. ``raw_headers`` takes more (a cookie)."""

    def __init__(self, path: str):
        self.status_code = 303
        self.body = b""
        self.background = None
        self.raw_headers = [(b"location", path.encode("ascii")), (b"content-length", b"0")]


def endpoint(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """``handler`` as a pure ASGI endpoint: Starlette's per-route wrapper (a second exception
    layer for route-level handlers, which legis does not use: errors go to the app's handlers
    in web/errors.py, as before) is left out. For the busiest POST, the comment form."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)

    return functools.update_wrapper(_AsgiEndpoint(app), handler)


class _AsgiEndpoint:
    """Not a function, so Starlette's Route calls it as an ASGI app (see ``endpoint``)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]):
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


async def read_form(request: Request) -> FormData:
    """The submitted form without control characters, with a clear message when it is too large or malformed."""
    if request.headers.get("content-type", "").startswith(URLENCODED):
        # Most forms (every comment) are urlencoded: parse_qsl is a few times cheaper than
        # the streaming multipart parser and the body is already capped (web/edge.py).
        try:
            pairs = parse_urlencoded(await request.body())
        except ValueError as exc:   # more fields than MAX_FORM_FIELDS
            raise ValidationError("提交的表单无法读取（字段过多），请返回后重试。") from exc
        return FormData([(key, strip_controls(value)) for key, value in pairs])
    try:
        form = await request.form(max_files=5, max_fields=MAX_FORM_FIELDS)
    except LegisError:
        raise
    except Exception as exc:  # multipart parser errors carry English text
        raise ValidationError("提交的表单无法读取（可能过大或格式有误），请返回后重试。") from exc
    return FormData([(key, strip_controls(value) if isinstance(value, str) else value)
                     for key, value in form.multi_items()])


def parse_urlencoded(body: bytes) -> list[tuple[str, str]]:
    """An urlencoded body's fields, as ``parse_qsl`` with blank values kept reads them.

    A browser's body is ASCII with the Chinese text %-escaped byte by byte: decoding each
    run of escapes at once (bytes.fromhex) is several times cheaper than parse_qsl's loop
    over every escape, which was the larger part of reading a comment. Anything else (raw
    non-ASCII bytes) goes to parse_qsl itself. ValueError past MAX_FORM_FIELDS fields.
    """
    if not body.isascii():
        return parse_qsl(body.decode("latin-1"), keep_blank_values=True,
                         max_num_fields=MAX_FORM_FIELDS)
    if body.count(b"&") + 1 > MAX_FORM_FIELDS:
        raise ValueError("too many fields")
    pairs = []
    for field in body.split(b"&"):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        pairs.append((_unquote(name), _unquote(value)))
    return pairs


_ESCAPES = re.compile(rb"(?:%[0-9A-Fa-f]{2})+")


def _unquote(raw: bytes) -> str:
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        raw = _ESCAPES.sub(lambda m: bytes.fromhex(m.group().replace(b"%", b"").decode()), raw)
    return raw.decode("utf-8", "replace")


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def client_address(request: Request) -> str:
    """The client's address; behind a trusted proxy, the first X-Forwarded-For hop."""
    if request.app.state.settings.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


def int_or_none(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def actor_name(request: Request) -> str:
    """Who is acting, for the audit log: the signed-in user, or the client address."""
    user = request.scope.get("user")
    if user is not None and getattr(user, "username", None):
        return user.username
    return f"匿名@{client_address(request)}"
