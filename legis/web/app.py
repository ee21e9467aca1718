"""The app factory: one engine, templates and limiter per app, reached through request.app.state."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import jinja2
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from legis.config import Settings
from legis.db import make_engine
from legis.errors import LegisError, Moved
from legis.resources import resource_dir
from legis.timefmt import fmt_date, fmt_datetime
from legis.web.common import render, wants_json
from legis.web.edge import EdgeMiddleware
from legis.web.formtokens import FormTokens
from legis.web.ratelimit import RateLimiter
from legis.web.security import SecurityMiddleware

log = logging.getLogger("legis")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    secret = settings.ensure_secret_key()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        statement_timeout_ms=settings.db_statement_timeout_ms,
    )

    # The schema and the sample drafts are prepared once by `legis serve`
    # (or `legis migrate`) before any worker starts, never per worker here:
    # four workers migrating or loading samples at once would race.
    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        engine.dispose()

    from legis.web.routes import routes

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityMiddleware),
            Middleware(EdgeMiddleware),
            # Level 6: nearly the size of 9 at a fraction of the CPU on big draft pages.
            Middleware(GZipMiddleware, minimum_size=1000, compresslevel=6),
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie="legis_session",
                same_site="lax",
                https_only=settings.https,
                max_age=12 * 3600,
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
    app.state.templates = make_templates()
    app.state.form_tokens = FormTokens(secret)
    app.state.limiter = RateLimiter()
    app.state.fragments = {}   # rendered draft bodies, see public.draft_body
    return app


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_cn"] = fmt_date
    env.filters["datetime_cn"] = fmt_datetime
    from legis.web import viewhelpers

    env.globals.update(viewhelpers.GLOBALS)
    env.filters.update(viewhelpers.FILTERS)
    return Jinja2Templates(env=env)


async def legis_error(request: Request, exc: LegisError) -> Response:
    if isinstance(exc, Moved):
        # An old address of a draft: the same page under its current slug.
        path = request.url.path.replace(f"/drafts/{exc.slug}", f"/drafts/{exc.current}", 1)
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(path + query, status_code=301 if request.method == "GET" else 308)
    headers = {"Retry-After": str(getattr(exc, "retry_after", 0))} if exc.status == 429 else None
    if wants_json(request) or request.url.path.startswith("/api/"):
        return JSONResponse(
            {"ok": False, "error": exc.message, "field": exc.field}, status_code=exc.status,
            headers=headers,
        )
    response = render(request, "error.html", {"message": exc.message, "status": exc.status},
                      status=exc.status)
    if headers:
        response.headers.update(headers)
    return response


HTTP_MESSAGES = {
    404: "没有找到这个页面，可能网址有误。",
    405: "不支持这种访问方式。",
    413: "上传的内容太大。",
}


async def http_error(request: Request, exc: HTTPException) -> Response:
    message = HTTP_MESSAGES.get(exc.status_code, "请求无法处理。")
    return await legis_error(request, LegisError(message, status=exc.status_code))


CONFLICT = "这条内容刚刚已被同事合并或修改，您的操作没有保存。请刷新页面查看最新情况后再操作。"


async def server_error(request: Request, exc: Exception) -> Response:
    # Only the error's class reaches the log: SQL errors carry no parameters
    # (hide_parameters), and nothing the user typed is logged.
    if isinstance(exc, DataError):
        log.warning("database refused a value on %s: %s", request.url.path, type(exc.orig).__name__)
        return await legis_error(request, LegisError(
            "提交的内容中有无法保存的字符，请删去不可见的特殊字符后重新提交。", status=400))
    if isinstance(exc, IntegrityError) or _is_lock_conflict(exc):
        # Two colleagues changed the same thing at once and the database refused one.
        log.warning("conflicting change on %s: %s", request.url.path, type(exc.orig).__name__)
        return await legis_error(request, LegisError(CONFLICT, status=409))
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is restarting or unreachable: say so, and that trying again is safe
        # (the form token makes a re-sent comment count once).
        log.warning("database unavailable on %s: %s", request.url.path, exc)
        return await legis_error(request, LegisError(
            "系统暂时无法访问数据库，您的操作没有完成。请稍等几秒后再试一次；"
            "重新提交意见不会重复保存。", status=503))
    log.exception("unhandled error on %s", request.url.path)
    return await legis_error(
        request, LegisError("系统出了点问题，您的操作没有完成。请稍后重试；如果反复出现，请联系管理员。", status=500)
    )


def _is_lock_conflict(exc: Exception) -> bool:
    """A PostgreSQL deadlock or serialization failure: a conflict, not an outage."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, OperationalError) and code in ("40P01", "40001")
