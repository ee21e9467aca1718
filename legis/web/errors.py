"""The one place where an error becomes a response: the status for each kind, and the page."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from legis import errors, logs
from legis.web.common import render, wants_json
from legis.web.security import LOGGED

log = logging.getLogger("legis.web")

# Most specific first: DraftParseError and TooLarge are ValidationErrors too.
STATUS: list[tuple[type[errors.LegisError], int]] = [
    (errors.DraftParseError, 422),
    (errors.TooLarge, 413),
    (errors.ValidationError, 400),
    (errors.Unauthorized, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Gone, 410),
    (errors.RateLimited, 429),
    (errors.Unavailable, 503),
]

# Errors a form shows beside its fields, re-rendered with the user's input: everything
# except "there is no such thing" and "you may not", which get the error page.
FORM_ERRORS = (errors.ValidationError, errors.Conflict, errors.Gone, errors.Unavailable)

HTTP_MESSAGES = {
    404: "没有找到这个页面，可能网址有误。",
    405: "不支持这种访问方式。",
    413: "上传的内容太大。",
}


def status_of(error: errors.LegisError) -> int:
    if error.legacy_status is not None:
        return error.legacy_status
    declared = getattr(type(error), "status", None)   # transitional: class-level status = 413
    if isinstance(declared, int):
        return declared
    return next((status for kind, status in STATUS if isinstance(error, kind)), 400)


def error_response(request: Request, message: str, status: int, *, field: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The error page (error.html), or JSON for scripts and /api/ paths."""
    request.scope[LOGGED] = True   # each caller logged the failure with its kind
    if wants_json(request) or request.url.path.startswith("/api/"):
        return JSONResponse({"ok": False, "error": message, "field": field}, status_code=status,
                            headers=headers)
    response = render(request, "error.html", {"message": message, "status": status},
                      status=status)
    if headers:
        response.headers.update(headers)
    return response


async def legis_error(request: Request, exc: errors.LegisError) -> Response:
    if isinstance(exc, errors.Moved):
        # An old address of a draft: the same page under its current slug.
        route = request.scope.get("route")
        params = {**request.path_params, "slug": exc.current}
        path = (request.url_for(route.name, **params).path
                if route is not None and "slug" in request.path_params
                else request.url_for("draft", slug=exc.current).path)
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(path + query, status_code=301 if request.method == "GET" else 308)
    headers = None
    if isinstance(exc, errors.RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    status = status_of(exc)
    # The kind, never the message: a message may repeat what the user typed.
    log.log(logging.WARNING if status >= 500 else logging.INFO, "%s %s -> %d %s",
            request.method, request.url.path, status, type(exc).__name__)
    return error_response(request, exc.message, status, field=exc.field, headers=headers)


async def http_error(request: Request, exc: HTTPException) -> Response:
    message = HTTP_MESSAGES.get(exc.status_code, "请求无法处理。")
    log.info("%s %s -> %d", request.method, request.url.path, exc.status_code)
    return error_response(request, message, exc.status_code)


CONFLICT = "这条内容刚刚已被同事合并或修改，您的操作没有保存。请刷新页面查看最新情况后再操作。"


async def server_error(request: Request, exc: Exception) -> Response:
    # Only the error's class reaches the log: SQL errors carry no parameters
    # (hide_parameters), and nothing the user typed is logged.
    if isinstance(exc, DataError):
        log.warning("%s %s -> 400 database refused a value: %s", request.method,
                    request.url.path, type(exc.orig).__name__)
        return error_response(
            request, "提交的内容中有无法保存的字符，请删去不可见的特殊字符后重新提交。", 400)
    if isinstance(exc, IntegrityError) or _is_lock_conflict(exc):
        # Two colleagues changed the same thing at once and the database refused one.
        log.warning("%s %s -> 409 conflicting change: %s", request.method, request.url.path,
                    type(exc.orig).__name__)
        return error_response(request, CONFLICT, 409)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is restarting or unreachable: say so, and that trying again is safe
        # (the form token makes a re-sent comment count once).
        log.warning("%s %s -> 503 database unavailable: %s", request.method, request.url.path,
                    type(exc).__name__)
        return error_response(request, "系统暂时无法访问数据库，您的操作没有完成。请稍等几秒后再试一次；"
                                       "重新提交意见不会重复保存。", 503)
    log.error("%s %s -> 500 %s at %s", request.method, request.url.path, type(exc).__name__,
              logs.where(exc))
    return error_response(
        request, "系统出了点问题，您的操作没有完成。请稍后重试；如果反复出现，请联系管理员。", 500)


def _is_lock_conflict(exc: Exception) -> bool:
    """A PostgreSQL deadlock or serialization failure: a conflict, not an outage."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, OperationalError) and code in ("40P01", "40001")
