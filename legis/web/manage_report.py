"""Staff pages for the report: edit its sections and letterhead, preview, checks; a point's
submission for its own host."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import LegisError
from legis.exporters.docx_report import preview_blocks
from legis.services import report_checks, report_texts, reports
from legis.web.common import actor_name, attachment, flash, in_db, read_form, redirect, render


def _load(session: Session, draft_id: int, office: str) -> dict:
    data, views = reports.build_for_export(session, draft_id=draft_id, office=office)
    doc = report_texts.get_document(session, draft_id=draft_id)
    return {
        "data": data, "views": views, "document": doc,
        "checks": report_checks.export_checks(
            session, data=data, stale_sections=[v.title for v in views if v.stale]),
        "preview": preview_blocks(data, report_texts.final_sections(views)),
    }


async def report_page(request: Request, errors: dict | None = None, form=None,
                      status: int = 200) -> Response:
    draft_id = request.path_params["draft_id"]
    office = request.app.state.settings.office
    context = await in_db(request, lambda s: _load(s, draft_id, office))
    context.update(errors=errors or {}, form=form or {}, draft_id=draft_id)
    return render(request, "manage/report.html", context, status=status)


async def save_letterhead(request: Request) -> Response:
    form = await read_form(request)
    draft_id = request.path_params["draft_id"]
    actor = actor_name(request)

    def work(session: Session):
        report_texts.save_letterhead(
            session, draft_id=draft_id, addressee=str(form.get("addressee", "")),
            doc_number=str(form.get("doc_number", "")), signatory=str(form.get("signatory", "")),
            report_date=str(form.get("report_date", "")),
            attachments=str(form.get("attachments", "")), actor=actor)

    try:
        await in_db(request, work, write=True)
    except LegisError as error:
        return await report_page(request, errors={error.field or "letterhead": error.message},
                                 form=dict(form), status=400)
    flash(request, "已保存报告的主送机关、署名、日期和附件。")
    return redirect(request.url_for("manage_report", draft_id=draft_id).path)


async def save_section(request: Request) -> Response:
    form = await read_form(request)
    draft_id = request.path_params["draft_id"]
    key = request.path_params["key"]
    office = request.app.state.settings.office
    actor = actor_name(request)

    def work(session: Session):
        if form.get("reset") == "1":
            report_texts.reset_section(session, draft_id=draft_id, key=key, actor=actor)
            return "已恢复为系统根据数据起草的文字。"
        data = reports.build_report(session, draft_id=draft_id, office=office)
        report_texts.save_section(session, data=data, key=key, text=str(form.get("text", "")),
                                  actor=actor)
        return "已保存。以后重新导出时保留您的文字；数据变化时本部分会标出请您复核。"

    try:
        flash(request, await in_db(request, work, write=True))
    except LegisError as error:
        return await report_page(request, errors={key: error.message},
                                 form={f"text_{key}": str(form.get("text", ""))}, status=400)
    url = request.url_for("manage_report", draft_id=draft_id).path
    return redirect(f"{url}#section-{key}")


async def point_submission(request: Request) -> Response:
    """A contact point's own 报送材料 (.docx): its host may download it (scope checked by
    the guard on ``point_id``), as may legislative staff."""
    draft_id = request.path_params["draft_id"]
    point_id = request.path_params["point_id"]
    office = request.app.state.settings.office
    data = await in_db(request, lambda s: reports.build_report(
        s, draft_id=draft_id, office=office, contact_point_id=point_id))
    body = await run_in_threadpool(reports.render, data, fmt="docx")
    name = reports.filename(data, fmt="docx")
    return Response(body, media_type=reports.FORMATS["docx"][0],
                    headers=attachment(name, "submission.docx"))

