"""Staff pages for dispositions: decide, in bulk, reason templates, overview with charts, publish, export."""

from __future__ import annotations

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import LegisError, NotFound, ValidationError
from legis.services import contact_points as point_service
from legis.services import (
    decision_figures,
    dispositions,
    jobs,
    merging,
    publication,
    report_texts,
    reports,
)
from legis.services import drafts as draft_service
from legis.services import opinions as opinion_service
from legis.services.audit import record
from legis.vocabulary import DispositionState
from legis.web.auth import may_see_personal_data
from legis.web.common import (
    actor_name,
    attachment,
    client_address,
    flash,
    in_db,
    in_db_counted,
    int_or_none,
    read_form,
    redirect,
    render,
    render_in_pool,
)
from legis.web.manage_opinions import failed_on_opinion, review_failed, review_redirect


def _reason(session: Session, form) -> str:
    """The reason typed, or the chosen template's text when nothing was typed."""
    reason = str(form.get("reason", "")).strip()
    template_id = int_or_none(form.get("template"))
    if not reason and template_id:
        template = next((t for t in dispositions.reason_templates(session) if t.id == template_id), None)
        if template is not None:
            reason = template.text
    return reason


async def set_disposition(request: Request) -> Response:
    form = await read_form(request)
    opinion_id = request.path_params["opinion_id"]
    actor = actor_name(request)

    def work(session: Session):
        opinion = opinion_service.get_opinion(session, opinion_id=opinion_id)
        dispositions.decide(session, opinion=opinion, state=str(form.get("state", "")),
                            reason=_reason(session, form),
                            change_note=str(form.get("change_note", "")), actor=actor)
        return opinion.draft_id, opinion.state

    try:
        draft_id, state = await in_db(request, work, write=True)
    except LegisError as error:
        if isinstance(error, NotFound) or error.status == 409:
            raise
        # The page again, with the reason typed so far and the error beside the field.
        return await failed_on_opinion(request, opinion_id, f"disp-{opinion_id}", error, form)
    flash(request, f"已保存处理结果：{state}。")
    return review_redirect(request, draft_id, str(form.get("back", "")), f"o{opinion_id}")


async def bulk(request: Request) -> Response:
    form = await read_form(request)
    draft_id = request.path_params["draft_id"]
    ids = [int(v) for v in form.getlist("opinion") if str(v).isdigit()]
    actor = actor_name(request)

    def work(session: Session):
        return dispositions.bulk_decide(session, draft_id=draft_id, opinion_ids=ids,
                                        state=str(form.get("state", "")),
                                        reason=_reason(session, form), actor=actor)

    try:
        count = await in_db(request, work, write=True)
    except LegisError as error:
        if isinstance(error, NotFound):
            raise
        return await review_failed(request, draft_id=draft_id, article_key=str(form.get("back", "")) or "overall",
                                   form_key="bulk", error=error, form=form)
    flash(request, f"已批量处理{count}条归纳意见。")
    return review_redirect(request, draft_id, str(form.get("back", "")))


async def overview(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]

    def load(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        return {
            "draft": draft,
            "overview": decision_figures.overview(session, draft_id=draft.id),
            "chart_stamp": decision_figures.chart_figures(session, draft_id=draft.id).stamp,
            "unmerged": merging.unmerged_count(session, draft_id=draft.id),
            "points": point_service.all_points(session),
            "states": list(DispositionState),
        }

    return await render_in_pool(request, "manage/dispositions.html",
                                await in_db_counted(request, draft_id, load))


async def chart(request: Request) -> Response:
    """The overview charts as SVG images: per article stacked by state, and the tally.

    Counted in the database and drawn once per state of the decisions; the page links each
    chart with that state's stamp, so a browser keeps it until a decision changes it."""
    draft_id = request.path_params["draft_id"]
    name = request.path_params["name"]
    if name not in decision_figures.CHARTS:
        raise NotFound("没有这张统计图。")
    figures = await in_db_counted(request, draft_id,
                                  lambda s: decision_figures.chart_figures(s, draft_id=draft_id))
    etag = f'"{name}-{figures.stamp}"'
    fresh = request.query_params.get("v") == figures.stamp
    headers = {"ETag": etag, "Cache-Control": "private, max-age=86400" if fresh else "private, no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    svg = await run_in_threadpool(decision_figures.chart_svg, figures, name)
    return Response(svg, media_type="image/svg+xml", headers=headers)


async def publish(request: Request) -> Response:
    form = await read_form(request)
    draft_id = request.path_params["draft_id"]
    published = form.get("publish") == "1"
    actor = actor_name(request)
    if published and form.get("confirm") != "1":
        # Publishing first shows what residents will see, and asks again.
        def load(session: Session):
            return {"draft": draft_service.get_draft(session, draft_id=draft_id),
                    "check": publication.check(session, draft_id=draft_id)}

        return render(request, "manage/publish_check.html", await in_db(request, load))

    def work(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        dispositions.set_published(session, draft=draft, published=published, actor=actor)
        return draft

    draft = await in_db(request, work, write=True)
    flash(request, "处理结果已公开：居民凭回执码可查看，回音壁已上线。" if published
          else "已撤回公开，居民将看到“正在研究”。")
    return redirect(request.url_for("manage_dispositions", draft_id=draft.id).path)


async def reasons_page(request: Request) -> Response:
    templates = await in_db(request, dispositions.reason_templates, write=True)
    return render(request, "manage/reasons.html", {"templates": templates})


async def save_reason(request: Request) -> Response:
    form = await read_form(request)
    actor = actor_name(request)
    template_id = int_or_none(form.get("id"))

    def work(session: Session):
        if form.get("delete") == "1" and template_id:
            dispositions.delete_template(session, template_id=template_id, actor=actor)
            return "已删除。"
        dispositions.save_template(session, text=str(form.get("text", "")),
                                   template_id=template_id, actor=actor)
        return "已保存。"

    try:
        flash(request, await in_db(request, work, write=True))
    except LegisError as error:
        flash(request, error.message, "error")
    return redirect(request.url_for("manage_reasons").path)


async def export(request: Request) -> Response:
    """Download the report (docx) or the opinion / comment tables (xlsx, csv)."""
    draft_id = request.path_params["draft_id"]
    query = request.query_params
    fmt = query.get("format", "docx")
    kind = query.get("kind", "opinions")
    if fmt not in reports.FORMATS:
        raise ValidationError("导出格式应为 docx、xlsx 或 csv。")
    internal = query.get("internal") == "1" and may_see_personal_data(request)
    point_id = int_or_none(query.get("point"))
    office = request.app.state.settings.office
    actor = actor_name(request)
    if await in_db(request, lambda s: reports.comment_count(s, draft_id=draft_id)) > LARGE_EXPORT:
        return await _export_in_background(request, draft_id, fmt, kind, point_id, internal)

    def work(session: Session):
        data, views = reports.build_for_export(session, draft_id=draft_id, office=office,
                                               contact_point_id=point_id, internal=internal,
                                               fmt=fmt)
        if internal:
            record(session, actor=actor, action="export.internal", target_type="draft",
                   target_id=draft_id, draft_id=draft_id,
                   after={"format": fmt, "kind": kind, "contact_point": point_id},
                   client=client_address(request))
        return data, report_texts.final_sections(views)

    data, sections = await in_db(request, work, write=internal)
    body = await run_in_threadpool(lambda: reports.render(
        data, fmt=fmt, kind=kind, sections=sections, ids=query.get("ids") == "1"))
    name = reports.filename(data, fmt=fmt, kind=kind)
    return Response(body, media_type=reports.FORMATS[fmt][0],
                    headers=attachment(name, f"report.{fmt}"))


LARGE_EXPORT = 20_000   # comments; above this an export runs as a background job


async def _export_in_background(request: Request, draft_id: int, fmt: str, kind: str,
                                point_id: int | None, internal: bool) -> Response:
    """Large drafts: build the file in a job any process can report on, then offer it."""
    settings = request.app.state.settings
    engine = request.app.state.engine
    actor = actor_name(request)
    job, created = jobs.claim(engine, kind=f"export-{fmt}-{kind}-{point_id or 0}-{int(internal)}",
                              draft_id=draft_id, actor=actor)
    if created:
        if internal:
            await in_db(request, lambda s: record(
                s, actor=actor, action="export.internal", target_type="draft", target_id=draft_id,
                draft_id=draft_id, after={"format": fmt, "kind": kind, "contact_point": point_id},
                client=client_address(request)), write=True)
        job_id = job.id
        jobs.start_in_thread(engine, job, lambda progress: reports.export_for_job(
            engine, job_id=job_id, draft_id=draft_id, office=settings.office, fmt=fmt,
            kind=kind, contact_point_id=point_id, internal=internal, progress=progress))
    flash(request, "报告较大，正在后台生成；完成后本页会出现下载按钮。")
    return redirect(request.url_for("manage_job_page", job_id=job.id).path)
