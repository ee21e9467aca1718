"""Referrals (交办) and the three lists: staff refer opinions out; a 承办单位 user answers their own."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.models import ReferralBody
from legis.services import referrals
from legis.services.drafts import get_draft, list_drafts
from legis.services.ledger import years
from legis.timefmt import today
from legis.web.common import actor_name, flash, in_db, int_or_none, read_form, redirect, render
from legis.web.errors import FORM_ERRORS


def _as_body(request: Request) -> tuple[bool, int | None]:
    user = request.scope["user"]
    return user.role == "body", user.body_id


async def lists_page(request: Request) -> Response:
    as_body, body_id = _as_body(request)
    draft_id = int_or_none(request.query_params.get("draft"))
    year = int_or_none(request.query_params.get("year"))
    if draft_id is None and year is None:
        year = today().year

    def load(session: Session):
        draft = get_draft(session, draft_id=draft_id) if draft_id is not None else None
        lists = referrals.three_lists(session, today=today(), draft_id=draft_id,
                                      year=None if draft_id is not None else year,
                                      body_id=body_id if as_body else None)
        return {"draft": draft, "lists": lists, "year": year, "as_body": as_body,
                "drafts": [] if as_body else list_drafts(session),
                "years": years(session), "limit": referrals.LIST_LIMIT,
                "bodies": [] if as_body else referrals.bodies(session)}

    return render(request, "manage/referrals.html", await in_db(request, load))


async def create_referral(request: Request) -> Response:
    form = await read_form(request)
    draft_id, actor = request.path_params["draft_id"], actor_name(request)
    ids = [int(v) for v in form.getlist("opinion") if str(v).isdigit()]
    raw_due = str(form.get("due_on", "")).strip()
    back = request.url_for("manage_referrals").path + f"?draft={draft_id}"
    try:
        due = date.fromisoformat(raw_due) if raw_due else None
    except ValueError:
        flash(request, "答复期限的日期格式不对，请用日期选择器选择，或按 2026-12-31 的格式填写。", "error")
        return redirect(back)

    def work(session: Session):
        get_draft(session, draft_id=draft_id)
        return referrals.refer(session, draft_id=draft_id, opinion_ids=ids,
                               body=str(form.get("body", "")), question=str(form.get("question", "")),
                               due_on=due, today=today(), actor=actor)

    try:
        referral = await in_db(request, work, write=True)
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
        return redirect(back)
    flash(request, f"已交办{len(set(ids))}条意见。")
    return redirect(request.url_for("manage_referral", referral_id=referral.id).path)


def _load(session: Session, request: Request, referral_id: int):
    as_body, body_id = _as_body(request)
    return referrals.get_referral(session, referral_id=referral_id, body_id=body_id, as_body=as_body)


async def referral_page(request: Request) -> Response:
    referral_id = request.path_params["referral_id"]
    as_body, _ = _as_body(request)

    def load(session: Session):
        referral = _load(session, request, referral_id)
        opinions = referrals.referred_opinions(session, referral=referral)
        return {"referral": referral, "opinions": opinions, "as_body": as_body,
                "body": session.get(ReferralBody, referral.body_id),
                "draft": get_draft(session, draft_id=referral.draft_id),
                "overdue": referrals.is_overdue(referral, today())}

    return render(request, "manage/referral.html", await in_db(request, load))


async def answer_referral(request: Request) -> Response:
    form = await read_form(request)
    referral_id, actor = request.path_params["referral_id"], actor_name(request)

    def work(session: Session):
        referrals.answer(session, referral=_load(session, request, referral_id),
                         text=str(form.get("answer", "")), actor=actor)

    try:
        await in_db(request, work, write=True)
        flash(request, "已记录答复。")
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
    return redirect(request.url_for("manage_referral", referral_id=referral_id).path)


async def answer_as_reason(request: Request) -> Response:
    referral_id, actor = request.path_params["referral_id"], actor_name(request)

    def work(session: Session):
        return referrals.answer_to_reasons(session, referral=_load(session, request, referral_id),
                                           actor=actor)

    try:
        count = await in_db(request, work, write=True)
        flash(request, f"已将答复作为{count}条意见的处理理由。")
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
    return redirect(request.url_for("manage_referral", referral_id=referral_id).path)
