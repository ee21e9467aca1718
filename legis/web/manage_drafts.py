"""Staff pages for drafts: import a file, check the split, set the comment period, read comments."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from legis.errors import LegisError
from legis.models import DRAFT_STATUSES
from legis.parsing import parse_bytes
from legis.services import comment_list
from legis.services import drafts as draft_service
from legis.services.audit import record
from legis.web.common import (
    actor_name,
    flash,
    in_db,
    int_or_none,
    read_form,
    redirect,
    render,
)


async def read_upload(request: Request, upload: UploadFile | None) -> tuple[bytes, str]:
    """The bytes of an uploaded file, refusing an empty or oversized one before reading it all."""
    if upload is None or not isinstance(upload, UploadFile) or not upload.filename:
        raise LegisError("请选择要上传的文件。", field="file")
    limit = request.app.state.settings.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise LegisError(
            f"文件超过{limit // (1024 * 1024)}MB的上限，请压缩图片或拆分后再上传。", field="file", status=413
        )
    if not data:
        raise LegisError("上传的文件是空的，请检查后重新选择。", field="file")
    return data, upload.filename


async def index(request: Request) -> Response:
    drafts = await in_db(request, lambda s: draft_service.list_drafts(s))
    return render(request, "manage/index.html", {"drafts": drafts, "errors": {}, "values": {}})


async def import_draft(request: Request) -> Response:
    form = await read_form(request)
    values = {"title": str(form.get("title", "")).strip()}
    try:
        data, filename = await read_upload(request, form.get("file"))
        parsed = await _parse(data, filename)
        # Refused before the write transaction: a huge file never holds the write lock.
        max_articles = request.app.state.settings.max_articles
        draft_service.check_size(parsed, max_articles=max_articles)
        actor = actor_name(request)

        def store(session: Session):
            draft = draft_service.import_draft(session, parsed=parsed, filename=filename,
                                               title=values["title"] or None,
                                               max_articles=max_articles)
            record(session, actor=actor, action="draft.import", target_type="draft",
                   target_id=draft.id, draft_id=draft.id,
                   after={"title": draft.title, "file": filename,
                          "articles": len(parsed.articles)})
            return draft

        draft = await in_db(request, store, write=True)
    except LegisError as error:
        drafts = await in_db(request, lambda s: draft_service.list_drafts(s))
        return render(
            request,
            "manage/index.html",
            {"drafts": drafts, "errors": {error.field or "file": error.message}, "values": values},
            status=error.status if error.status != 404 else 422,
        )
    message = f"已导入《{draft.title}》，共{len(parsed.articles)}条。请核对条文拆分后设置征求意见期限。"
    flash(request, message)
    for warning in parsed.warnings:
        flash(request, "编号提示：" + warning, "warn")
    return redirect(request.url_for("manage_draft", draft_id=draft.id).path)


async def _parse(data: bytes, filename: str):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(parse_bytes, data, filename)


async def draft_detail(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]

    def load(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        version = draft_service.current_version(session, draft=draft)
        articles = draft_service.articles_of(session, version=version)
        return draft, version, articles

    draft, version, articles = await in_db(request, load)
    return render(request, "manage/draft.html", {
        "draft": draft, "version": version, "articles": articles,
        "statuses": DRAFT_STATUSES, "errors": {}, "values": None,
    })


async def update_draft(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    form = await read_form(request)
    errors: dict[str, str] = {}
    title = str(form.get("title", "")).strip()
    if not title:
        errors["title"] = "标题不能为空。"
    actor = actor_name(request)
    start = _parse_date(form.get("comment_start"), "comment_start", errors)
    end = _parse_date(form.get("comment_end"), "comment_end", errors)

    def work(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        if errors:
            return draft, errors
        before = _draft_fields(draft)
        try:
            draft.title = title[:300]
            draft.issuing_body = str(form.get("issuing_body", "")).strip()[:200]
            draft.description = str(form.get("description", "")).strip()
            draft_service.set_period(
                session, draft=draft, status=str(form.get("status", "")), start=start, end=end
            )
        except LegisError as error:
            session.rollback()
            return draft, {error.field or "status": error.message}
        record(session, actor=actor, action="draft.update", target_type="draft",
               target_id=draft.id, draft_id=draft.id, before=before, after=_draft_fields(draft))
        return draft, {}

    draft, errors = await in_db(request, work, write=True)
    if errors:
        def load(session: Session):
            fresh = draft_service.get_draft(session, draft_id=draft_id)
            version = draft_service.current_version(session, draft=fresh)
            return fresh, version, draft_service.articles_of(session, version=version)

        fresh, version, articles = await in_db(request, load)
        return render(request, "manage/draft.html", {
            "draft": fresh, "version": version, "articles": articles,
            "statuses": DRAFT_STATUSES, "errors": errors, "values": form,
        }, status=422)
    flash(request, "已保存。")
    return redirect(request.url_for("manage_draft", draft_id=draft.id).path)


def _draft_fields(draft) -> dict:
    return {"title": draft.title, "status": draft.status, "issuing_body": draft.issuing_body,
            "comment_start": str(draft.comment_start or ""),
            "comment_end": str(draft.comment_end or "")}


def _parse_date(raw, name: str, errors: dict[str, str]) -> date | None:
    raw = str(raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "日期格式应为 2026-12-31。"
        return None


def _scope(request: Request) -> frozenset[int] | None:
    user = request.scope.get("user")
    return user.points if user is not None else None


async def comments(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    query = request.query_params
    filters = comment_list.CommentFilters(
        article_id=int_or_none(query.get("article")),
        overall=query.get("article") == "overall",
        contact_point_id=int_or_none(query.get("point")),
        session_id=int_or_none(query.get("session")),
        channel=query.get("channel") or None,
        date_from=_parse_date(query.get("from"), "from", {}),
        date_to=_parse_date(query.get("to"), "to", {}),
        page=max(1, int_or_none(query.get("page")) or 1),
        point_ids=_scope(request),
    )
    view = await in_db(request, lambda s: comment_list.comment_page(s, draft_id=draft_id, filters=filters))
    return render(request, "manage/comments.html", {"view": view, "filters": filters})


routes = [
    Route("/", index, name="manage_index"),
    Route("/drafts/import", import_draft, methods=["POST"], name="manage_import"),
    Route("/drafts/{draft_id:int}", draft_detail, name="manage_draft"),
    Route("/drafts/{draft_id:int}", update_draft, methods=["POST"], name="manage_draft_update"),
    Route("/drafts/{draft_id:int}/comments", comments, name="manage_comments"),
]
