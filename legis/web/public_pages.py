"""The public pages residents open in crowds, made once per state of the draft and served many times:
the reading pages (whole draft, a chapter, a session's QR link), the comment form and the 回音壁.

Each request reads the draft's stamp (one row) and serves the page cached under it; only a
changed stamp, a new day or a new variant (大字版, session) renders again. All of it runs in
the thread pool: a render never holds up the event loop. See legis.web.page_cache.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.db import session_scope
from legis.errors import NotFound
from legis.models import STATUS_DRAFT, STATUS_WITHDRAWN
from legis.services import dispositions, feedback_wall, page_stamps, reading
from legis.services import drafts as draft_service
from legis.timefmt import today
from legis.web.common import int_or_none, pop_flashes
from legis.web.page_cache import CachedPage, new_slot, respond

TOKEN_SLOT = new_slot("formtoken")
SESSION_SLOT = new_slot("session")
TURNOUT_SLOT = new_slot("turnout")
OWN_SLOT = new_slot("own")
SLOTS = (TOKEN_SLOT, SESSION_SLOT, TURNOUT_SLOT, OWN_SLOT)
SESSION_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


async def draft_page(request: Request) -> Response:
    """A draft to read: the whole of a short one, a chapter of a long one."""
    token = request.query_params.get("s", "")[:40]
    return await run_in_threadpool(_reading_page, request, slug=request.path_params["slug"],
                                   part=request.path_params.get("part", 1), token=token,
                                   by_qr=False)


async def session_page(request: Request) -> Response:
    """The page residents reach by scanning a session's QR code."""
    return await run_in_threadpool(_reading_page, request, slug=None, part=1,
                                   token=request.path_params["token"], by_qr=True)


async def comment_form_page(request: Request) -> Response:
    """One article and its form on a page of its own (no-JS fallback)."""
    return await run_in_threadpool(_comment_form, request)


async def feedback_page(request: Request) -> Response:
    """回音壁: opinions with their supporters and dispositions, a page at a time; no personal data."""
    return await run_in_threadpool(_wall, request)


def _variant(request: Request) -> tuple:
    # What else the page depends on: the address it is served under (its links are absolute),
    # the 大字版 cookie and the day (a period opens and ends by date).
    return (str(request.base_url), request.url.path,
            request.cookies.get("legis_large") == "1", today().isoformat())


def _cacheable(request: Request, stamp: page_stamps.Stamp | None) -> bool:
    # No stamp or a draft not public: the full path gives the clear message (or the redirect
    # from an old address). A flash message is this visitor's own: render just for them.
    return (stamp is not None and stamp.status not in {STATUS_DRAFT, STATUS_WITHDRAWN}
            and not (("session" in request.scope) and request.session.get("flashes")))


def _render(request: Request, template: str, context: dict[str, Any], query: str) -> str:
    """A page as every visitor sees it: rendered for a request carrying only ``query``."""
    scope = dict(request.scope, query_string=query.encode())
    shown = Request(scope, request.receive)
    context = {"request": shown, "flashes": pop_flashes(request), **context}
    return request.app.state.templates.get_template(template).render(context)


def _reading_page(request: Request, *, slug: str | None, part: int, token: str,
                  by_qr: bool) -> Response:
    state = request.app.state
    with session_scope(state.engine) as session:
        stamp = page_stamps.read(session, session_token=token) if by_qr else \
            page_stamps.read(session, slug=slug)
        if by_qr and stamp is None:
            raise NotFound("这个座谈会链接无效，请向联络员核对二维码或链接。")
        if token and not by_qr and stamp is not None:
            found = reading.session_by_token(session, token=token)
            token = token if found is not None and found.draft_id == stamp.draft_id else ""

        def make() -> CachedPage:
            page = reading.load_draft_page(session, slug=stamp.slug if stamp else slug or "",
                                           part=part, session_token=token)
            accepting = draft_service.is_open(page.draft)
            session_token = page.comment_session.token if page.comment_session else ""
            body = state.templates.get_template("_draft_body.html").render({
                "request": request, "page": page, "draft": page.draft, "accepting": accepting,
                "form_token": TOKEN_SLOT, "session_token": session_token})
            html = _render(request, "draft.html", {
                "page": page, "draft": page.draft, "body": Markup(body), "accepting": accepting,
                "session_token": session_token, "turnout_html": Markup(TURNOUT_SLOT),
                "own_notice": Markup(OWN_SLOT)}, query=f"s={token}" if token and not by_qr else "")
            return CachedPage(html, SLOTS, key)

        key = ("draft", stamp.text_key if stamp else None, part, token, *_variant(request))
        page = state.pages.get(key, make) if _cacheable(request, stamp) else make()
        if stamp is None:   # make() raised for a draft that is not there; never reached
            raise NotFound("没有找到这部草案，可能网址有误或已被删除。")
        turnout = state.turnouts.get(session, draft_ids=[stamp.draft_id])[stamp.draft_id]
    own_codes = state.visits.codes(request, stamp.draft_id)
    fills = {
        TOKEN_SLOT: state.form_tokens.issue(),
        TURNOUT_SLOT: state.templates.get_template("_turnout.html").render(
            {"page": SimpleNamespace(turnout=turnout)}),
        OWN_SLOT: state.templates.get_template("_own_notice.html").render({
            "request": request, "own_codes": own_codes, "draft": SimpleNamespace(slug=stamp.slug)}),
    }
    return respond(request, page, fills, page.etag(len(own_codes)))


def _comment_form(request: Request) -> Response:
    state = request.app.state
    slug = request.path_params["slug"]
    article_id = int_or_none(request.query_params.get("article"))
    token = request.query_params.get("s", "")
    token = token if SESSION_TOKEN.match(token) else ""
    with session_scope(state.engine) as session:
        stamp = page_stamps.read(session, slug=slug)

        def make() -> CachedPage:
            page = reading.load_draft_page(session, slug=slug)
            article = next((a for a in page.articles if a.id == article_id), None)
            if article_id is not None and article is None:
                raise NotFound("没有找到这一条。")
            query = (f"article={article_id}&" if article_id is not None else "") + f"s={SESSION_SLOT}"
            html = _render(request, "comment_page.html", {
                "draft": page.draft, "article": article,
                "part": page.reading.part_of.get(article.id, 1) if article else 1,
                "form_token": TOKEN_SLOT, "session_token": SESSION_SLOT, "values": {},
                "errors": {}, "accepting": draft_service.is_open(page.draft)}, query=query)
            return CachedPage(html, SLOTS, key)

        key = ("form", stamp.text_key if stamp else None, article_id, *_variant(request))
        page = state.pages.get(key, make) if _cacheable(request, stamp) else make()
    fills = {TOKEN_SLOT: state.form_tokens.issue(), SESSION_SLOT: str(escape(token))}
    return respond(request, page, fills, page.etag(token))


def _wall(request: Request) -> Response:
    state = request.app.state
    slug = request.path_params["slug"]
    number = int_or_none(request.query_params.get("page")) or 1
    with session_scope(state.engine) as session:
        stamp = page_stamps.read(session, slug=slug)

        def make() -> CachedPage:
            draft = draft_service.public_draft(session, slug=slug)
            wall = None
            if draft.feedback_published_at is not None:
                wall = feedback_wall.page_of(_whole_wall(state, session, draft, key[1]),
                                             number=number)
            html = _render(request, "feedback.html", {"draft": draft, "wall": wall},
                           query=f"page={number}" if number > 1 else "")
            return CachedPage(html, SLOTS, key)

        key = ("wall", stamp.results_key if stamp else None, number, *_variant(request))
        page = state.pages.get(key, make) if _cacheable(request, stamp) else make()
    return respond(request, page, {}, page.etag())



MAX_WALLS = 8


def _whole_wall(state: Any, session: Any, draft: Any, stamp_key: tuple | None) -> Any:
    """Every published opinion of a draft, counted once per state of the results; each page
    of the 回音壁 is cut from it."""
    walls: OrderedDict = state.walls
    wall = walls.get(stamp_key) if stamp_key is not None else None
    if wall is None:
        wall = dispositions.public_wall(session, draft=draft)
        if stamp_key is not None:
            walls[stamp_key] = wall
            while len(walls) > MAX_WALLS:
                walls.popitem(last=False)
    return wall
