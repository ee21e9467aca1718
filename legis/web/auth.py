"""Who is signed in, and who may open which management page: checked on the server for every route."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import Forbidden, LegisError, RateLimited, Unauthorized, ValidationError
from legis.models import User
from legis.services import accounts, login_sessions, login_throttle
from legis.web.common import client_address, flash, in_db, read_form, redirect, render, url_path
from legis.web.errors import status_of

ALL_STAFF = frozenset({"admin", "staff", "host"})
OFFICE = frozenset({"admin", "staff"})
ADMIN = frozenset({"admin"})
BODY = frozenset({"body"})            # 承办单位: only what was referred to their body
EVERYONE = ALL_STAFF | BODY
ROLES = EVERYONE                      # every role a route may name
PUBLIC = frozenset({"public"})   # anyone, signed in or not: residents' pages


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user as handlers see it (a plain copy, safe outside the DB session)."""

    id: int
    username: str
    display_name: str
    role: str
    contact_point_id: int | None
    body_id: int | None
    points: frozenset[int] | None    # contact points in scope; None = all
    must_change_password: bool

    @property
    def role_name(self) -> str:
        from legis.models import ROLE_NAMES

        return ROLE_NAMES.get(self.role, self.role)

    def may_act_for(self, point_id: int | None) -> bool:
        return self.points is None or (point_id is not None and point_id in self.points)


def load_user(session: Session, *, user_id: int, key: str) -> SignedIn | None:
    user = session.get(User, user_id)
    if user is None or user.disabled or not login_sessions.user_of(session, user_id=user_id,
                                                                   key=key):
        return None
    points = accounts.point_scope(session, user=user)
    return SignedIn(id=user.id, username=user.username, display_name=user.display_name,
                    role=user.role, contact_point_id=user.contact_point_id, body_id=user.body_id,
                    points=frozenset(points) if points is not None else None,
                    must_change_password=user.must_change_password)


async def current_user(request: Request) -> SignedIn | None:
    """The user of this request's login cookie, checked against the database each time."""
    if "user" in request.scope:
        return request.scope["user"]
    user = None
    auth = request.session.get("auth") if "session" in request.scope else None
    if isinstance(auth, list) and len(auth) == 2:
        user = await in_db(request, lambda s: load_user(s, user_id=int(auth[0]), key=str(auth[1])))
        if user is None:
            request.session.pop("auth", None)
    request.scope["user"] = user
    return user


def require(roles: frozenset[str], endpoint: Callable) -> Callable:
    """Wrap a handler: anonymous users go to the login page, others need one of ``roles``."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        user = await current_user(request)
        if user is None:
            if request.method in ("GET", "HEAD"):
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return redirect(f"{url_path(request, 'login')}?next={quote(target)}")
            raise Unauthorized("登录已过期，请重新登录后再操作。")
        password_page = url_path(request, "account_password")
        if user.must_change_password and request.url.path != password_page:
            flash(request, "首次登录请先修改密码。", "warn")
            return redirect(password_page)
        if user.role not in roles:
            raise Forbidden("您的账户没有权限进行此操作。如需权限，请联系系统管理员。")
        if user.points is not None:
            await _check_object_scope(request, user)
        return await endpoint(request)

    guarded.required_roles = roles
    return guarded


async def _check_object_scope(request: Request, user: SignedIn) -> None:
    """A host may open a meeting or contact point only of their own subtree."""
    from legis.models import Meeting

    params = request.path_params
    if "meeting_id" in params:
        found = await in_db(request, lambda s: s.get(Meeting, params["meeting_id"]))
        if found is not None and not user.may_act_for(found.contact_point_id):
            raise Forbidden("这不是您所在联系点的座谈会，您无权查看或修改。")
    if "point_id" in params and not user.may_act_for(params["point_id"]):
        raise Forbidden("这不是您所在的联系点，您无权查看或修改。")


def check_point(request: Request, point_id: int | None) -> None:
    """Refuse a host acting for a contact point outside their own subtree."""
    user = request.scope.get("user")
    if user is not None and not user.may_act_for(point_id):
        raise Forbidden("这不是您所在联系点的数据，您无权查看或修改。")


def sees_personal_data(request: Request, point_id: int | None) -> bool:
    """Names and phones: legislative staff, and the host of the point that took the comment.

    System administrators manage accounts, not residents' data, so they see it masked.
    """
    user = request.scope.get("user")
    if user is None:
        return False
    if user.role == "staff":
        return True
    return user.role == "host" and point_id is not None and user.may_act_for(point_id)


def may_see_personal_data(request: Request) -> bool:
    """Internal (unmasked) exports: legislative staff only."""
    user = request.scope.get("user")
    return user is not None and user.role == "staff"


# --- pages -----------------------------------------------------------------


def _safe_next(request: Request, raw: str | None) -> str:
    """Where to go after signing in: a path on this site, else the management start page."""
    if raw and raw.startswith("/") and not raw.startswith("//"):
        return raw
    return url_path(request, "manage_index")


async def login_page(request: Request) -> Response:
    return render(request, "login.html", {
        "next": _safe_next(request, request.query_params.get("next")), "username": "", "error": ""})


async def login(request: Request) -> Response:
    form = await read_form(request)
    username = str(form.get("username", ""))
    target = _safe_next(request, str(form.get("next", "")))
    try:
        user_id, key = await run_in_threadpool(
            login_throttle.log_in, request.app.state.engine, username=username,
            password=str(form.get("password", "")), client=client_address(request))
    except (Unauthorized, RateLimited) as error:
        # The failed attempt is recorded even though the login is refused.
        return render(request, "login.html", {"next": target, "username": username[:60],
                                              "error": error.message}, status=status_of(error))
    request.session.clear()   # a fresh session on login: no fixation
    request.session["auth"] = [user_id, key]
    return redirect(target)


async def logout(request: Request) -> Response:
    user = await current_user(request)
    if user is not None:
        from legis.services import audit

        key = str(request.session["auth"][1])

        def work(session: Session) -> None:
            login_sessions.end(session, key=key)
            audit.record(session, actor=user.username, action="logout",
                         client=client_address(request))

        await in_db(request, work, write=True)
    request.session.clear()
    flash(request, "您已退出登录。")
    return redirect(url_path(request, "login"))


async def password_page(request: Request) -> Response:
    return render(request, "account_password.html", {"errors": {}})


async def change_password(request: Request) -> Response:
    form = await read_form(request)
    user = request.scope["user"]
    key = str(request.session["auth"][1])
    current = str(form.get("current", ""))

    def work(session: Session):
        record = session.get(User, user.id)
        accounts.change_password(session, user=record, current=current,
                                 new=str(form.get("password", "")),
                                 repeat=str(form.get("repeat", "")), keep_session=key)

    try:
        # The current password is guessed as a login would be: throttled the same way.
        matched = await run_in_threadpool(
            login_throttle.checked_password, request.app.state.engine, username=user.username,
            client=client_address(request), password=current,
            password_hash=lambda s: s.get(User, user.id).password_hash)
        if not matched:
            raise ValidationError("当前密码不正确。", field="current")
        await in_db(request, work, write=True)
    except LegisError as error:
        status = error.status if error.status == 429 else 422
        return render(request, "account_password.html",
                      {"errors": {error.field or "current": error.message}}, status=status)
    flash(request, "密码已修改。")
    return redirect(url_path(request, "manage_index"))
