"""Pages of the reporting flow (报送): the network overview, a point's submission, the office's tracking table."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.models import Draft
from legis.services import network_overview, report_levels, submissions, tracking
from legis.services.drafts import get_draft
from legis.timefmt import today
from legis.web.common import actor_name, flash, in_db, int_or_none, read_form, redirect, render
from legis.web.errors import FORM_ERRORS


def _user(request: Request):
    return request.scope["user"]


def _back(request: Request, draft_id: int, point_id: int, anchor: str = "") -> Response:
    return redirect(request.url_for("manage_submission", draft_id=draft_id, point_id=point_id).path
                    + (f"#{anchor}" if anchor else ""))


async def network_index(request: Request) -> Response:
    """Hosts: their points' submissions per draft, what waits for their review, their 反馈单."""
    user = _user(request)
    drafts, lines = await in_db(request, lambda s: network_overview.point_lines(s, points=user.points))
    return render(request, "manage/network.html", {"drafts": drafts, "lines": lines,
                                                   "office": user.points is None})


async def submission_page(request: Request) -> Response:
    draft_id, point_id = request.path_params["draft_id"], request.path_params["point_id"]
    points = _user(request).points
    context = await in_db(request, lambda s: network_overview.submission_overview(
        s, draft_id=draft_id, point_id=point_id, reviewer_points=points, today=today()), write=True)
    return render(request, "manage/submission.html", context)


async def _act(request: Request, work, done: str, anchor: str = "") -> Response:
    draft_id, point_id = request.path_params["draft_id"], request.path_params["point_id"]

    def run(session: Session):
        get_draft(session, draft_id=draft_id)
        submission = submissions.submission_for(session, draft_id=draft_id, point_id=point_id)
        return work(session, submission)

    try:
        await in_db(request, run, write=True)
        flash(request, done)
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
    return _back(request, draft_id, point_id, anchor)


async def save_cover(request: Request) -> Response:
    form = await read_form(request)
    actor = actor_name(request)
    return await _act(request, lambda s, sub: submissions.set_cover_note(
        s, submission=sub, note=str(form.get("cover_note", "")), actor=actor), "已保存报送说明。")


async def annotate_item(request: Request) -> Response:
    form = await read_form(request)
    actor, item_id = actor_name(request), request.path_params["item_id"]
    return await _act(request, lambda s, sub: submissions.annotate(
        s, submission=sub, item_id=item_id, text=str(form.get("text", "")),
        note=str(form.get("note", "")), actor=actor), "已保存。", f"i{item_id}")


async def regroup(request: Request) -> Response:
    return await _act(request, lambda s, sub: submissions.refresh(s, submission=sub, regroup=True),
                      "已重新归类，原有备注已清除。")


async def submit(request: Request) -> Response:
    actor, office = actor_name(request), request.app.state.settings.office
    return await _act(request, lambda s, sub: submissions.submit(
        s, submission=sub, actor=actor, on=today(), office=office), "已报送，报送材料已存档。")


async def review(request: Request) -> Response:
    form = await read_form(request)
    actor, user = actor_name(request), _user(request)
    accept = form.get("decision") == "accept"
    return await _act(request, lambda s, sub: submissions.review(
        s, submission=sub, accept=accept, note=str(form.get("note", "")), actor=actor,
        reviewer_points=user.points), "已接收。" if accept else "已退回，并附上了退回说明。")


async def version_document(request: Request) -> Response:
    draft_id, point_id = request.path_params["draft_id"], request.path_params["point_id"]
    number = request.path_params["number"]

    def load(session: Session):
        draft = get_draft(session, draft_id=draft_id)
        submission = submissions.submission_for(session, draft_id=draft_id, point_id=point_id)
        version = submissions.version(session, submission=submission, number=number)
        name = report_levels.load_tree(session).points[point_id].name
        return version.document, f"{draft.title}-{name}-报送材料第{number}版.docx"

    body, filename = await in_db(request, load, write=True)
    return Response(body, media_type="application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename=\"submission.docx\"; "
                                                    f"filename*=UTF-8''{quote(filename)}"})


async def tracking_page(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    district = request.query_params.get("district", "")[:100]
    station = int_or_none(request.query_params.get("station"))

    def load(session: Session):
        draft = get_draft(session, draft_id=draft_id)
        return draft, tracking.tracking_table(session, draft=draft, today=today(),
                                              district=district, station_id=station)

    draft, table = await in_db(request, load)
    # One url_for for all rows: resolving a route per row cost more than the queries at 734 points.
    link = request.url_for("manage_submission", draft_id=draft_id, point_id=0).path[:-1]
    return render(request, "manage/tracking.html", {"draft": draft, "table": table, "link": link,
                                                    "district": district, "station": station})


async def set_deadline(request: Request) -> Response:
    form = await read_form(request)
    draft_id, actor = request.path_params["draft_id"], actor_name(request)
    raw = str(form.get("points_deadline", "")).strip()
    try:
        deadline = date.fromisoformat(raw) if raw else None
    except ValueError:
        flash(request, "截止日期格式不对，请用日期选择器选择，或按 2026-12-31 的格式填写。", "error")
        return redirect(request.url_for("manage_tracking", draft_id=draft_id).path)

    def work(session: Session) -> Draft:
        return tracking.set_deadline(session, draft=get_draft(session, draft_id=draft_id),
                                     deadline=deadline, actor=actor)

    await in_db(request, work, write=True)
    flash(request, f"已设定联系点报送截止日期：{raw}。" if deadline else "已取消报送截止日期。")
    return redirect(request.url_for("manage_tracking", draft_id=draft_id).path)


async def set_level(request: Request) -> Response:
    form = await read_form(request)
    point_id, actor = request.path_params["point_id"], actor_name(request)
    level = str(form.get("level", ""))
    try:
        root = await in_db(request, lambda s: report_levels.set_report_level(
            s, point_id=point_id, level=level, actor=actor), write=True)
        flash(request, f"“{root.name}”所在网络改为由“{level}”向法工委报送。")
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
    return redirect(request.url_for("manage_points").path)
