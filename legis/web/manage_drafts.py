"""Staff pages for drafts: import a file, check the split, set the comment period, read comments."""

from __future__ import annotations

from sqlmodel import Session
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import LegisError, NotFound, ValidationError
from legis.models import DRAFT_STATUSES
from legis.parsing import parse_bytes
from legis.services import comment_list, draft_edits, withdrawal
from legis.services import drafts as draft_service
from legis.services.audit import record
from legis.services.duplicates import content_hash
from legis.services.uploads import check_upload
from legis.timefmt import parse_date
from legis.web.common import (
    actor_name,
    flash,
    in_db,
    int_or_none,
    read_form,
    redirect,
    render,
)
from legis.web.errors import FORM_ERRORS, status_of


async def read_upload(request: Request, upload: UploadFile | None) -> tuple[bytes, str]:
    """The bytes of an uploaded file, refusing an empty or oversized one before reading it all."""
    if upload is None or not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationError("请选择要上传的文件。", field="file")
    limit = request.app.state.settings.max_upload_bytes
    data = await upload.read(limit + 1)
    check_upload(data, limit=limit)
    return data, upload.filename


async def index(request: Request) -> Response:
    user = request.scope.get("user")
    if user is not None and user.role == "body":   # a 承办单位 has only its referrals
        return redirect(request.url_for("manage_referrals").path)
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
                                               source_hash=content_hash(data),
                                               max_articles=max_articles)
            record(session, actor=actor, action="draft.import", target_type="draft",
                   target_id=draft.id, draft_id=draft.id,
                   after={"title": draft.title, "file": filename,
                          "articles": len(parsed.articles)})
            return draft

        draft = await in_db(request, store, write=True)
    except LegisError as error:
        drafts = await in_db(request, lambda s: draft_service.list_drafts(s))
        existing = getattr(error, "draft_id", None)
        return render(
            request,
            "manage/index.html",
            {"drafts": drafts, "errors": {error.field or "file": error.message}, "values": values,
             "existing_url": existing and request.url_for("manage_draft", draft_id=existing).path},
            status=status_of(error) if not isinstance(error, NotFound) else 422,
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
        return draft, version, articles, withdrawal.comment_count(session, draft=draft)

    draft, version, articles, comment_count = await in_db(request, load)
    return render(request, "manage/draft.html", {
        "draft": draft, "version": version, "articles": articles,
        "statuses": DRAFT_STATUSES, "errors": {}, "values": None, "comment_count": comment_count,
    })


async def update_draft(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    form = await read_form(request)
    data = draft_edits.DraftForm.from_form(form)
    actor = actor_name(request)
    try:
        draft = await in_db(request, lambda s: draft_edits.update_draft(
            s, draft_id=draft_id, form=data, actor=actor), write=True)
    except FORM_ERRORS as error:
        def load(session: Session):
            fresh = draft_service.get_draft(session, draft_id=draft_id)
            version = draft_service.current_version(session, draft=fresh)
            return fresh, version, draft_service.articles_of(session, version=version)

        fresh, version, articles = await in_db(request, load)
        return render(request, "manage/draft.html", {
            "draft": fresh, "version": version, "articles": articles, "statuses": DRAFT_STATUSES,
            "errors": data.errors or {error.field or "status": error.message}, "values": form,
        }, status=422)
    flash(request, "已保存。")
    return redirect(request.url_for("manage_draft", draft_id=draft.id).path)


async def withdraw_draft(request: Request) -> Response:
    """撤回: hide the draft from residents with a reason; every comment stays."""
    draft_id = request.path_params["draft_id"]
    form = await read_form(request)
    actor = actor_name(request)

    def work(session: Session):
        draft = draft_service.get_draft(session, draft_id=draft_id)
        before = draft_edits.audit_fields(draft)
        withdrawal.withdraw(session, draft=draft, reason=str(form.get("reason", "")))
        record(session, actor=actor, action="draft.withdraw", target_type="draft",
               target_id=draft.id, draft_id=draft.id, before=before,
               after=draft_edits.audit_fields(draft) | {"reason": draft.withdrawn_reason})

    try:
        await in_db(request, work, write=True)
    except FORM_ERRORS as error:
        flash(request, error.message, "warn")
    else:
        flash(request, "草案已撤回：公众页面不再显示，已收到的意见全部保留。")
    return redirect(request.url_for("manage_draft", draft_id=draft_id).path)


async def delete_draft(request: Request) -> Response:
    """Delete a draft with no comments (one with comments can only be withdrawn)."""
    draft_id = request.path_params["draft_id"]
    actor = actor_name(request)

    def work(session: Session) -> str:
        draft = draft_service.get_draft(session, draft_id=draft_id)
        title = draft.title
        withdrawal.delete_draft(session, draft=draft)
        record(session, actor=actor, action="draft.delete", target_type="draft",
               target_id=draft_id, draft_id=draft_id, before={"title": title})
        return title

    try:
        title = await in_db(request, work, write=True)
    except FORM_ERRORS as error:
        flash(request, error.message, "warn")
        return redirect(request.url_for("manage_draft", draft_id=draft_id).path)
    flash(request, f"已删除草案《{title}》。")
    return redirect(request.url_for("manage_index").path)


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
        meeting_id=int_or_none(query.get("meeting")),
        channel=query.get("channel") or None,
        date_from=parse_date(query.get("from")),
        date_to=parse_date(query.get("to")),
        page=max(1, int_or_none(query.get("page")) or 1),
        point_ids=_scope(request),
    )
    view = await in_db(request, lambda s: comment_list.comment_page(s, draft_id=draft_id, filters=filters))
    return render(request, "manage/comments.html", {"view": view, "filters": filters})
