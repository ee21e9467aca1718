"""Admin pages: user accounts and the audit log."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import LegisError
from legis.models import ROLE_NAMES
from legis.services import accounts, audit, referrals
from legis.services import contact_points as point_service
from legis.web.common import actor_name, flash, in_db, int_or_none, read_form, redirect, render

AUDIT_ACTIONS = {
    "login": "登录", "user.": "用户变更", "draft.": "草案变更", "merge.": "归并",
    "opinion.": "归纳意见调整", "comment.": "意见标记", "disposition.": "处理结果",
    "export.": "导出个人信息", "meeting.": "座谈会", "point.": "联系点",
    "submission.": "报送", "referral.": "交办",
}
PER_PAGE = 100


def _page_context(session: Session, **extra) -> dict:
    return {
        "users": accounts.list_users(session),
        "points": point_service.all_points(session),
        "roles": ROLE_NAMES,
        "bodies": {b.id: b.name for b in referrals.bodies(session)},
        "errors": {}, "values": {}, "one_time": None, **extra,
    }


def _body_id(session: Session, role: str, name: str) -> int | None:
    """A 承办单位 user's body, by name (created the first time it is named)."""
    if role != "body" or not name.strip():
        return None
    return referrals.body_named(session, name=name).id


async def users_page(request: Request) -> Response:
    return render(request, "manage/users.html", await in_db(request, _page_context))


async def create_user(request: Request) -> Response:
    form = await read_form(request)
    actor = actor_name(request)
    values = {k: str(form.get(k, "")) for k in ("username", "display_name", "role", "body")}

    def work(session: Session):
        user, password = accounts.create_user(
            session, username=values["username"], role=values["role"],
            display_name=values["display_name"],
            contact_point_id=int_or_none(form.get("contact_point_id")),
            body_id=_body_id(session, values["role"], values["body"]), actor=actor)
        return {"username": user.username, "password": password}

    try:
        one_time = await in_db(request, work, write=True)
    except LegisError as error:
        errors = {error.field or "username": error.message}
        context = await in_db(request, lambda s: _page_context(s, errors=errors, values=values))
        return render(request, "manage/users.html", context, status=422)
    context = await in_db(request, lambda s: _page_context(s, one_time=one_time))
    return render(request, "manage/users.html", context)


async def update_user(request: Request) -> Response:
    form = await read_form(request)
    actor = actor_name(request)
    user_id = request.path_params["user_id"]

    def work(session: Session):
        user = accounts.get_user(session, user_id=user_id)
        accounts.update_user(session, user=user, role=str(form.get("role", "")),
                             contact_point_id=int_or_none(form.get("contact_point_id")),
                             disabled=form.get("disabled") == "1",
                             display_name=str(form.get("display_name", "")), actor=actor,
                             body_id=_body_id(session, str(form.get("role", "")),
                                              str(form.get("body", ""))))

    try:
        await in_db(request, work, write=True)
        flash(request, "已保存。")
    except LegisError as error:
        flash(request, error.message, "error")
    return redirect(request.url_for("manage_users").path)


async def reset_password(request: Request) -> Response:
    actor = actor_name(request)
    user_id = request.path_params["user_id"]

    def work(session: Session):
        user = accounts.get_user(session, user_id=user_id)
        return {"username": user.username,
                "password": accounts.reset_password(session, user=user, actor=actor)}

    one_time = await in_db(request, work, write=True)
    context = await in_db(request, lambda s: _page_context(s, one_time=one_time))
    return render(request, "manage/users.html", context)


async def audit_page(request: Request) -> Response:
    action = request.query_params.get("action", "")
    if action not in AUDIT_ACTIONS:
        action = ""
    page = max(1, int_or_none(request.query_params.get("page")) or 1)
    entries = await in_db(request, lambda s: audit.entries(
        s, action_prefix=action or None, limit=PER_PAGE, offset=(page - 1) * PER_PAGE))
    return render(request, "manage/audit.html", {"entries": entries, "actions": AUDIT_ACTIONS,
                                                 "action": action, "page": page,
                                                 "per_page": PER_PAGE})
