"""The app factory: one engine, templates and limiter per app, reached through request.app.state."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.templating import Jinja2Templates

from legis import logs
from legis.config import Settings
from legis.db import make_engine
from legis.errors import LegisError
from legis.resources import resource_dir
from legis.services.participation import TurnoutCache
from legis.timefmt import fmt_date, fmt_datetime
from legis.web.comment_intake import CommentIntake
from legis.web.errors import http_error, legis_error, server_error
from legis.web.formtokens import FormTokens
from legis.web.front import Front
from legis.web.page_cache import PageCache
from legis.web.public_pages import PAGE_THREADS, STAMP_THREADS
from legis.web.ratelimit import BatchedCounts, RateLimiter
from legis.web.stamp_cache import StampCache
from legis.web.visits import Visits


def create_app(settings: Settings | None = None) -> Starlette:
    logs.configure()
    settings = settings or Settings.from_env()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        statement_timeout_ms=settings.db_statement_timeout_ms,
    )
    secret = settings.ensure_secret_key(engine)

    # The schema and the sample drafts are prepared once by `legis serve`
    # (or `legis migrate`) before any worker starts, never per worker here:
    # four workers migrating or loading samples at once would race.
    # Public pages read through connections of their own: when submissions hold every
    # connection of the main pool (waiting on SQLite's writer or a hot row on PostgreSQL),
    # a resident opening a page still gets one at once. See web.public_pages.
    page_engine = make_engine(
        settings.database_url,
        # a connection for each page thread, each stamp reader and the pre-rendering thread
        pool_size=PAGE_THREADS + STAMP_THREADS + 1,
        max_overflow=0,
        statement_timeout_ms=settings.db_statement_timeout_ms,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        if app.state.shared_counts is not None:   # the hits admitted since the last flush
            await run_in_threadpool(app.state.shared_counts.flush)
        engine.dispose()
        page_engine.dispose()

    from legis.web.routes import routes

    app = Starlette(
        routes=routes,
        middleware=[
            # Security, edge checks, session and page gzip in one layer (web/front.py).
            Middleware(
                Front,
                secret_key=secret,
                session_cookie="legis_session",
                same_site="lax",
                https_only=settings.https,
                max_age=12 * 3600,
                # Level 6: nearly the size of 9 at a fraction of the CPU on big draft pages.
                minimum_size=1000,
                compresslevel=6,
            ),
        ],
        exception_handlers={
            LegisError: legis_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.page_engine = page_engine
    app.state.templates = make_templates()
    app.state.form_tokens = FormTokens(secret)
    app.state.visits = Visits(secret, https=settings.https)
    app.state.turnouts = TurnoutCache()   # comments and participants per draft, see public.home
    app.state.limiter = RateLimiter()
    app.state.shared_counts = (BatchedCounts(engine)   # rate limits shared by every process
                               if settings.rate_limit_store == "database" else None)
    app.state.pages = PageCache()   # rendered public pages, see web.public_pages
    app.state.stamps = StampCache()   # the stamps read a moment ago, see web.stamp_cache
    app.state.stamp_reads = {}   # the stamp reads under way, each awaited by all who ask
    app.state.walls = OrderedDict()   # counted 回音壁 per state of results, ditto
    app.state.turnout_lines = {}   # the turnout line per count, ditto
    app.state.readings = OrderedDict()   # a draft's text laid out in pages, per stamp, ditto
    app.state.intake = CommentIntake(engine, group_commit=settings.group_commit)   # comment_intake
    app.state.route_paths = {r.name: r for r in routes if isinstance(r, Route)}   # url_path
    return app


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        autoescape=True,
        # Templates change with a deploy, not while serving: no stat() of the file each time
        # a template is fetched (3% of a crowd's page CPU).
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_cn"] = fmt_date
    env.filters["datetime_cn"] = fmt_datetime
    from legis.web import viewhelpers

    env.globals.update(viewhelpers.GLOBALS)
    env.filters.update(viewhelpers.FILTERS)
    env.globals["url_for"] = _url_for   # Jinja2Templates keeps a url_for already there
    return Jinja2Templates(env=env)


@jinja2.pass_context
def _url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    """request.url_for from the routes indexed by name: Starlette's tries every route in turn,
    raising and catching an exception for each (~220 for a static file, a tenth of a render)."""
    request = context["request"]
    route = _named_routes().get(name)
    if route is None:
        return request.url_for(name, **path_params)
    return route.url_path_for(name, **path_params).make_absolute_url(base_url=request.base_url)


@cache
def _named_routes() -> dict[str, BaseRoute]:
    from legis.web.routes import routes

    return {r.name: r for r in routes if isinstance(r, (Route, Mount)) and r.name}
