"""The public pages residents open in crowds, made once per state of the draft and served many times:
the reading pages (whole draft, a chapter, a meeting's QR link), the comment form and the 回音壁.

Each request reads the draft's stamp (one row) and serves the page cached under it; only a
changed stamp, a new day or a new variant (大字版, meeting) renders again. All of it runs in
the thread pool: a render never holds up the event loop. See legis.web.page_cache.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from types import SimpleNamespace
from typing import Any

import anyio
import anyio.to_thread
from markupsafe import Markup
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import NotFound
from legis.models import STATUS_DRAFT, STATUS_WITHDRAWN
from legis.services import dispositions, feedback_wall, page_stamps, reading
from legis.services import drafts as draft_service
from legis.timefmt import today
from legis.web import prerender
from legis.web.common import int_or_none, pop_flashes
from legis.web.formtokens import FormTokens
from legis.web.page_cache import CachedPage, new_slot, respond

log = logging.getLogger("legis.web")

# Every form token has the same length (a fixed-size nonce, timestamp and signature).
TOKEN_SLOT = new_slot("formtoken", len(FormTokens("width").issue()), pad=False)
TURNOUT_SLOT = new_slot("turnout", 320)
OWN_SLOT = new_slot("own", 480)
SLOTS = (TOKEN_SLOT, TURNOUT_SLOT, OWN_SLOT)


PAGE_THREADS = 6   # each with a connection of the page pool (web.app): a hit takes ~1 ms


async def in_page_threads(request: Request, work: Callable[..., Response], **kwargs: Any) -> Response:
    """Run ``work(request, **kwargs)`` in threads of the public pages' own.

    Submissions wait in the shared thread pool for SQLite's one writer; a page read waiting
    behind them would take seconds to start. Reads get threads they need not share."""
    return await anyio.to_thread.run_sync(partial(work, request, **kwargs),
                                          limiter=_page_threads(request))


def _page_threads(request: Request) -> anyio.CapacityLimiter:
    limiter = getattr(request.app.state, "page_threads", None)
    if limiter is None:
        limiter = request.app.state.page_threads = anyio.CapacityLimiter(PAGE_THREADS)
    return limiter


def _meeting_token(request: Request) -> str:
    """The meeting a draft page was reached from (``?s=``), as far as a token can be long."""
    return request.query_params.get("s", "")[:40]


def _read_lookup(request: Request) -> tuple:
    """The stamp lookup of a draft's pages opened by address: slug and meeting token."""
    return ("read", request.path_params["slug"], _meeting_token(request))


async def draft_page(request: Request) -> Response:
    """A draft to read: the whole of a short one, a chapter of a long one."""
    lookup = _read_lookup(request)
    return await _reading(request, lookup, slug=lookup[1], part=request.path_params.get("part", 1),
                          token=lookup[2], by_qr=False)


async def meeting_page(request: Request) -> Response:
    """The page residents reach by scanning a meeting's QR code."""
    token = request.path_params["token"]
    return await _reading(request, ("qr", token), slug=None, part=1, token=token, by_qr=True)


async def _reading(request: Request, lookup: tuple, **kwargs: Any) -> Response:
    await _stamp_ready(request, lookup)
    served = _reading_from_memory(request, lookup, kwargs["part"])
    if isinstance(served, Response):
        return served
    try:   # ``served``: the drafts whose turnout this request has taken on to count
        return await in_page_threads(request, _reading_page, claimed=served, **kwargs)
    finally:
        for draft_id in served:
            request.app.state.turnouts.release(draft_id)


async def comment_form_page(request: Request) -> Response:
    """One article and its form on a page of its own (no-JS fallback)."""
    await _stamp_ready(request, _read_lookup(request))
    return _form_from_memory(request) or await in_page_threads(request, _comment_form)


async def feedback_page(request: Request) -> Response:
    """回音壁: opinions with their supporters and dispositions, a page at a time; no personal data."""
    await _stamp_ready(request, ("read", request.path_params["slug"], ""))
    return _wall_from_memory(request) or await in_page_threads(request, _wall)


# Served from memory, on the event loop: no thread hop, no database. Only when this server
# read the draft's stamp within stamp_cache.FRESH_SECONDS (and changed no page since), the
# page is made already and the turnout needs no count; anything else takes the full path.

def _remembered(request: Request, lookup: tuple) -> tuple[page_stamps.Stamp, str] | None:
    if "session" in request.scope and request.session.get("flashes"):
        return None
    found = request.app.state.stamps.peek(lookup)
    if found is None or not _public(found[0]):
        return None
    return found


async def _stamp_ready(request: Request, lookup: tuple) -> None:
    """Have the stamp of ``lookup`` in memory: read in a thread of its own once for all the
    requests asking at that moment (they wait for that one read, not each for a page thread
    and a database round trip), or again in the background when it is getting old."""
    state = request.app.state
    found, read_again = state.stamps.get(lookup)
    if found is not None:
        if read_again:
            _in_background(_read_stamp(request, lookup))
        return
    reads: dict[tuple, asyncio.Future] = state.stamp_reads
    pending = reads.get(lookup)
    if pending is None:
        pending = reads[lookup] = asyncio.ensure_future(_read_stamp(request, lookup))
        pending.add_done_callback(lambda _done: reads.pop(lookup, None))
    await asyncio.wait([pending])


_BACKGROUND: set[asyncio.Future] = set()   # held until done (the loop keeps weak references)


def _in_background(work: Any) -> None:
    task = asyncio.ensure_future(work)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


STAMP_THREADS = 2   # stamp reads never queue behind page renders


async def _read_stamp(request: Request, lookup: tuple) -> None:
    state = request.app.state

    def read() -> None:
        with state.page_engine.connect() as connection:
            if lookup[0] == "qr":
                _look_up(connection, state, slug=None, token=lookup[1], by_qr=True)
            else:
                _look_up(connection, state, slug=lookup[1], token=lookup[2], by_qr=False)

    limiter = getattr(state, "stamp_threads", None)
    if limiter is None:
        limiter = state.stamp_threads = anyio.CapacityLimiter(STAMP_THREADS)
    try:
        await anyio.to_thread.run_sync(read, limiter=limiter)
    except Exception:
        state.stamps.refresh_failed(lookup)
        log.warning("reading the stamp of %s failed", lookup[:2], exc_info=True)


def _reading_from_memory(request: Request, lookup: tuple, part: int, *,
                         in_thread: bool = False) -> Response | frozenset[int]:
    """The page, or the drafts whose turnout this request is to count on the full path.
    ``in_thread``: a request that waited for a page thread looks again (the page it was
    waiting for may be made by now); it claims nothing."""
    state = request.app.state
    found = _remembered(request, lookup)
    if found is None:
        return frozenset()
    stamp, token = found
    page = state.pages.peek(("draft", stamp.text_key, part, token, *_variant(request)))
    if page is None:
        return frozenset()
    turnout = state.turnouts.current(stamp.draft_id)
    if turnout is None and in_thread:
        return frozenset()
    if turnout is None:
        # One request counts; those arriving meanwhile show the count before it.
        turnout = state.turnouts.claim(stamp.draft_id)
        if turnout is None:
            return frozenset({stamp.draft_id})
    return _reading_response(request, stamp, page, turnout)


def _form_from_memory(request: Request) -> Response | None:
    state = request.app.state
    found = _remembered(request, _read_lookup(request))
    if found is None:
        return None
    stamp, token = found
    article_id = int_or_none(request.query_params.get("article"))
    page = state.pages.peek(("form", stamp.text_key, article_id, token, *_variant(request)))
    return None if page is None else _form_response(request, page)


def _wall_from_memory(request: Request) -> Response | None:
    found = _remembered(request, ("read", request.path_params["slug"], ""))
    if found is None:
        return None
    number = int_or_none(request.query_params.get("page")) or 1
    page = request.app.state.pages.peek(("wall", found[0].results_key, number, *_variant(request)))
    return None if page is None else respond(request, page, dict, page.etag())


def _variant(request: Request) -> tuple:
    # What else the page depends on: the address it is served under (its links are absolute),
    # the 大字版 cookie and the day (a period opens and ends by date).
    return (str(request.base_url), request.url.path,
            request.cookies.get("legis_large") == "1", today().isoformat())


def _public(stamp: page_stamps.Stamp | None) -> bool:
    # No stamp or a draft not public: the full path gives the clear message (or the redirect
    # from an old address).
    return stamp is not None and stamp.status not in {STATUS_DRAFT, STATUS_WITHDRAWN}


def _cacheable(request: Request, stamp: page_stamps.Stamp | None) -> bool:
    # A flash message is this visitor's own: render just for them.
    return _public(stamp) and not (("session" in request.scope) and request.session.get("flashes"))


def _render(request: Request, template: str, context: dict[str, Any], query: str) -> str:
    """A page as every visitor sees it: rendered for a request carrying only ``query``."""
    scope = dict(request.scope, query_string=query.encode())
    shown = Request(scope, request.receive)
    context = {"request": shown, "flashes": pop_flashes(request), **context}
    return request.app.state.templates.get_template(template).render(context)


@contextmanager
def _read_only(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    """A connection for the stamp (one plain row read) and a session on it for a render.

    Nothing here writes: on SQLite the transaction is a plain deferred BEGIN, and it ends
    with a rollback, so it never takes or waits for the write lock."""
    with engine.connect() as connection, Session(bind=connection) as session:
        yield connection, session


def _meeting_of(connection: Connection, stamp: page_stamps.Stamp | None, token: str) -> str:
    """``token`` if it names a meeting (座谈会) of this draft, else "" (an ordinary visit)."""
    if not token or stamp is None:
        return ""
    return token if page_stamps.meeting_draft(connection, token=token) == stamp.draft_id else ""


def _look_up(connection: Connection, state: Any, *, slug: str | None, token: str,
             by_qr: bool) -> tuple[page_stamps.Stamp | None, str]:
    """The draft's stamp and the meeting token its page is made for (a QR code's, or an
    ``s=`` that names a meeting of this draft; else ""), remembered for the event loop."""
    started = state.stamps.started()
    stamp = page_stamps.read(connection, meeting_token=token) if by_qr else \
        page_stamps.read(connection, slug=slug)
    meeting = token if by_qr else _meeting_of(connection, stamp, token)
    lookup = ("qr", token) if by_qr else ("read", slug, token)
    if stamp is None:
        state.stamps.forget(lookup)
    else:
        state.stamps.put(lookup, (stamp, meeting), started)
    return stamp, meeting


def _reading_page(request: Request, *, slug: str | None, part: int, token: str,
                  by_qr: bool, claimed: frozenset[int] = frozenset()) -> Response:
    state = request.app.state
    if not claimed:
        served = _reading_from_memory(request, ("qr", token) if by_qr else ("read", slug, token),
                                      part, in_thread=True)
        if isinstance(served, Response):
            return served
    with _read_only(state.page_engine) as (connection, session):
        stamp, token = _look_up(connection, state, slug=slug, token=token, by_qr=by_qr)
        if by_qr and stamp is None:
            raise NotFound("这个座谈会链接无效，请向联络员核对二维码或链接。")
        key = ("draft", stamp.text_key if stamp else None, part, token, *_variant(request))
        make = partial(_make_reading, request, session, stamp, slug, part, token, by_qr, key)
        if _cacheable(request, stamp):
            page = state.pages.get(key, make)
            if not by_qr and not token:   # the other chapters, for the readers to come
                base, _path, large, day = _variant(request)
                prerender.schedule(
                    request, (stamp.text_key, base, large, day),
                    lambda: len(_whole_draft(state, session, stamp, slug).reading.parts),
                    partial(_prerender_part, stamp=stamp, slug=slug or ""))
        else:
            page = make()
        if stamp is None:   # make() raised for a draft that is not there; never reached
            raise NotFound("没有找到这部草案，可能网址有误或已被删除。")
        turnout = state.turnouts.get(session, draft_ids=[stamp.draft_id],
                                     claimed=claimed)[stamp.draft_id]
    return _reading_response(request, stamp, page, turnout)


def _prerender_part(request: Request, part: int, *, stamp: page_stamps.Stamp, slug: str) -> None:
    """Page ``part`` made and kept, as if a reader had asked for it (a background thread)."""
    state = request.app.state
    key = ("draft", stamp.text_key, part, "", *_variant(request))
    if state.pages.has(key):
        return
    with _read_only(state.page_engine) as (_connection, session):
        state.pages.get(key, partial(_make_reading, request, session, stamp, slug, part, "",
                                     False, key))


def _make_reading(request: Request, session: Session, stamp: page_stamps.Stamp | None,
                  slug: str | None, part: int, token: str, by_qr: bool, key: tuple) -> CachedPage:
    state = request.app.state
    page = reading.other_page(session, _whole_draft(state, session, stamp, slug),
                              part=part, meeting_token=token)
    accepting = draft_service.is_open(page.draft)
    meeting_token = page.meeting.token if page.meeting else ""
    body = state.templates.get_template("_draft_body.html").render({
        "request": request, "page": page, "draft": page.draft, "accepting": accepting,
        "form_token": TOKEN_SLOT.marker, "meeting_token": meeting_token})
    html = _render(request, "draft.html", {
        "page": page, "draft": page.draft, "body": Markup(body), "accepting": accepting,
        "meeting_token": meeting_token, "turnout_html": Markup(TURNOUT_SLOT.marker),
        "own_notice": Markup(OWN_SLOT.marker)}, query=f"s={token}" if token and not by_qr else "")
    return CachedPage(html, SLOTS, key)


def _reading_response(request: Request, stamp: page_stamps.Stamp, page: CachedPage,
                      turnout: Any) -> Response:
    """The cached page with this request's form token, the turnout and the visitor's own count."""
    state = request.app.state
    own_codes = state.visits.codes(request, stamp.draft_id)

    def fills() -> dict[str, str]:
        return {
            TOKEN_SLOT.marker: state.form_tokens.issue(),
            TURNOUT_SLOT.marker: _turnout_html(state, turnout),
            OWN_SLOT.marker: state.templates.get_template("_own_notice.html").render({
                "request": request, "own_codes": own_codes,
                "draft": SimpleNamespace(slug=stamp.slug)}) if own_codes else "",
        }
    return respond(request, page, fills, page.etag(len(own_codes)))


def _turnout_html(state: Any, turnout: Any) -> str:
    """The turnout line, rendered once per count (it is the same for every reader)."""
    shown = state.turnout_lines.get(turnout)
    if shown is None:
        shown = state.templates.get_template("_turnout.html").render(
            {"page": SimpleNamespace(turnout=turnout)})
        if len(state.turnout_lines) > 256:
            state.turnout_lines.clear()
        state.turnout_lines[turnout] = shown
    return shown


def _comment_form(request: Request) -> Response:
    state = request.app.state
    slug = request.path_params["slug"]
    article_id = int_or_none(request.query_params.get("article"))
    with _read_only(state.page_engine) as (connection, session):
        stamp, token = _look_up(connection, state, slug=slug, token=_meeting_token(request),
                                by_qr=False)

        def make() -> CachedPage:
            page = _whole_draft(state, session, stamp, slug)
            article = next((a for a in page.articles if a.id == article_id), None)
            if article_id is not None and article is None:
                raise NotFound("没有找到这一条。")
            query = "&".join(([f"article={article_id}"] if article_id is not None else [])
                             + ([f"s={token}"] if token else []))
            html = _render(request, "comment_page.html", {
                "draft": page.draft, "article": article,
                "part": page.reading.part_of.get(article.id, 1) if article else 1,
                "form_token": TOKEN_SLOT.marker, "meeting_token": token, "values": {},
                "errors": {}, "accepting": draft_service.is_open(page.draft)}, query=query)
            return CachedPage(html, SLOTS, key)

        key = ("form", stamp.text_key if stamp else None, article_id, token, *_variant(request))
        page = state.pages.get(key, make) if _cacheable(request, stamp) else make()
    return _form_response(request, page)


def _form_response(request: Request, page: CachedPage) -> Response:
    tokens = request.app.state.form_tokens
    return respond(request, page, lambda: {TOKEN_SLOT.marker: tokens.issue()}, page.etag())


def _wall(request: Request) -> Response:
    state = request.app.state
    slug = request.path_params["slug"]
    number = int_or_none(request.query_params.get("page")) or 1
    with _read_only(state.page_engine) as (connection, session):
        stamp, _token = _look_up(connection, state, slug=slug, token="", by_qr=False)

        def make() -> CachedPage:
            draft = draft_service.public_draft(session, slug=slug)
            wall = None
            if draft.feedback_published_at is not None:
                planned = _wall_plan(state, session, draft, key[1])
                if planned is not None:
                    wall = feedback_wall.planned_page(session, draft_id=draft.id, plan=planned,
                                                      number=number)
                else:   # a draft whose counts are not kept yet
                    wall = feedback_wall.page_of(_whole_wall(state, session, draft, key[1]),
                                                 number=number)
            html = _render(request, "feedback.html", {"draft": draft, "wall": wall},
                           query=f"page={number}" if number > 1 else "")
            return CachedPage(html, SLOTS, key)

        key = ("wall", stamp.results_key if stamp else None, number, *_variant(request))
        page = state.pages.get(key, make) if _cacheable(request, stamp) else make()
    return respond(request, page, dict, page.etag())



MAX_KEPT = 8
_LOADING = threading.Lock()


def _kept(kept: OrderedDict, key: tuple | None, load: Callable[[], Any]) -> Any:
    """``load()`` once per key (a state of a draft), for the few drafts read at a time."""
    if key is None:
        return load()
    value = kept.get(key)
    if value is None:
        with _LOADING:   # two hundred residents arriving at once cause one load, not 200
            value = kept.get(key)
            if value is None:
                value = kept[key] = load()
                while len(kept) > MAX_KEPT:
                    kept.popitem(last=False)
    return value


def _whole_draft(state: Any, session: Session, stamp: page_stamps.Stamp | None,
                 slug: str | None) -> reading.DraftPage:
    """A draft's current text laid out in pages, loaded once per stamp for all its pages: a
    1,000-article draft's forty chapter pages cost one load, not forty."""
    return _kept(state.readings, stamp.text_key if stamp else None,
                 lambda: reading.load_draft_page(session, slug=stamp.slug if stamp else slug or ""))


def _wall_plan(state: Any, session: Any, draft: Any, stamp_key: tuple | None) -> Any:
    """Which opinions each page of the 回音壁 shows, from the kept counts, once per state of
    the results; each page then reads and masks only its own opinions."""
    return _kept(state.walls, ("plan", stamp_key) if stamp_key else None,
                 lambda: feedback_wall.plan(session, draft=draft))


def _whole_wall(state: Any, session: Any, draft: Any, stamp_key: tuple | None) -> Any:
    """Every published opinion of a draft, counted once per state of the results; each page
    of the 回音壁 is cut from it."""
    return _kept(state.walls, stamp_key, lambda: dispositions.public_wall(session, draft=draft))
