"""Staff pages for merging: run the merge job, watch it, review and rearrange opinions per article."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import LegisError, NotFound, ValidationError
from legis.services import (
    dispositions,
    jobs,
    merge_overview,
    merging,
    near_misses,
    review_actions,
    review_page,
)
from legis.services import drafts as draft_service
from legis.services import opinions as opinion_service
from legis.web.common import (
    actor_name,
    flash,
    in_db,
    in_db_counted,
    int_or_none,
    read_form,
    redirect,
    render,
    render_in_pool,
)

MERGE_JOB = "merge"


def _article_key(raw: str) -> int | None:
    return None if raw == "overall" else int_or_none(raw)


async def overview(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    page = int_or_none(request.query_params.get("page")) or 1

    def load(session: Session):
        view = merge_overview.merge_overview(session, draft_id=draft_id, page=page)
        return {
            "draft": draft_service.get_draft(session, draft_id=draft_id),
            "view": view, "table": view.rows, "unmerged": view.unmerged, "totals": view.totals,
            "job": jobs.latest(session, kind=MERGE_JOB, draft_id=draft_id),
        }

    return await render_in_pool(request, "manage/opinions.html",
                                await in_db_counted(request, draft_id, load))


async def start_merge(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    form = await read_form(request)
    full = form.get("mode") == "full"
    draft = await in_db(request, lambda s: draft_service.get_draft(s, draft_id=draft_id))
    if full and draft.feedback_published_at and form.get("confirm") != "1":
        # Residents already see these opinions: re-forming them needs a second, informed click.
        return render(request, "manage/merge_confirm.html", {"draft": draft})
    engine = request.app.state.engine
    actor = actor_name(request)
    job, created = jobs.claim(engine, kind=MERGE_JOB, draft_id=draft_id, actor=actor)
    if created:
        jobs.start_in_thread(engine, job, lambda progress: merging.merge_draft(
            engine, draft_id=draft_id, full=full, actor=actor, progress=progress))
        flash(request, "已开始归并，完成后本页会自动刷新。")
    else:
        flash(request, "归并任务已在进行中（可能是其他同事启动的），请等待完成。", "warn")
    return redirect(request.url_for("manage_opinions", draft_id=draft_id).path)


def _review_context(session: Session, draft_id: int, article_key: str, where: dict) -> dict:
    draft = draft_service.get_draft(session, draft_id=draft_id)
    view = review_page.review_page(session, draft_id=draft.id, article_id=_article_key(article_key),
                                   **where)
    return {"draft": draft, "view": view, "histories": view.histories,
            "near_misses": near_misses.for_review(view.opinions),
            "reasons": dispositions.reason_templates(session), "article_key": article_key,
            "failed": None, "editing": None, "page_size": review_page.PAGE_SIZE}


def _where(values) -> dict:
    """Which page of the review to show, from the query (GET) or the form sent (POST)."""
    edit = int_or_none(values.get("edit"))
    return {"page": int_or_none(values.get("page")) or 1,
            # an explicit page wins: the pager's links keep the other parameters
            "show": None if values.get("page") else (int_or_none(values.get("show")) or edit),
            "open_opinion": int_or_none(values.get("members")),
            "open_page": int_or_none(values.get("mpage")) or 1}


async def _context(request: Request, draft_id: int, article_key: str, where: dict) -> dict:
    context = await in_db(request, lambda s: _review_context(s, draft_id, article_key, where))
    if not context["reasons"]:   # the first look ever seeds the common reasons
        context["reasons"] = await in_db(request, dispositions.reason_templates, write=True)
    return context


async def review(request: Request) -> Response:
    draft_id = request.path_params["draft_id"]
    key = request.path_params["article"]
    context = await _context(request, draft_id, key, _where(request.query_params))
    # One opinion at a time shows its forms: 80 opinions with a form each would weigh 300 KB.
    context["editing"] = int_or_none(request.query_params.get("edit"))
    return await render_in_pool(request, "manage/review.html", context)


async def review_failed(request: Request, *, draft_id: int, article_key: str, form_key: str,
                        error: LegisError, form) -> Response:
    """The review page again, with what was typed kept and the error next to its field."""
    where = _where(form)
    if where["show"] is None and form_key.split("-")[-1].isdigit():
        where["show"] = int(form_key.split("-")[-1])
    context = await _context(request, draft_id, article_key, where)
    context["failed"] = {"form": form_key, "field": error.field, "message": error.message,
                         "values": {k: form.get(k) for k in form},
                         "checked": {int(v) for k in ("opinion", "comment")
                                     for v in form.getlist(k) if str(v).isdigit()}}
    return await render_in_pool(request, "manage/review.html", context, status=422)


async def review_action(request: Request) -> Response:
    """One action on the opinions or comments staff ticked on an article's review page."""
    form = await read_form(request)
    draft_id = request.path_params["draft_id"]
    key = request.path_params["article"]
    ticked = review_actions.ReviewAction(
        action=str(form.get("action", "")),
        opinions=[int(v) for v in form.getlist("opinion") if str(v).isdigit()],
        comments=[int(v) for v in form.getlist("comment") if str(v).isdigit()],
        target=str(form.get("into") or form.get("target") or ""),
        opinion_id=int_or_none(form.get("id")))
    actor = actor_name(request)
    try:
        count, target_id = await in_db(request, lambda s: review_actions.perform(
            s, draft_id=draft_id, request=ticked, actor=actor), write=True)
    except LegisError as error:
        if error.status >= 500:
            raise
        form_key = "members" if ticked.action in review_actions.ON_COMMENTS else "bulk"
        return await review_failed(request, draft_id=draft_id, article_key=key,
                                   form_key=form_key, error=error, form=form)
    flash(request, review_actions.DONE[ticked.action].format(n=count, target=target_id))
    return review_redirect(request, draft_id, key, f"o{target_id}" if target_id else "")


async def failed_on_opinion(request: Request, opinion_id: int, form_key: str,
                            error: LegisError, form) -> Response:
    """Re-show the review page of an opinion's article after a failed form on that opinion."""
    def where(session: Session) -> tuple[int, int | None]:
        opinion = opinion_service.get_opinion(session, opinion_id=opinion_id)
        return opinion.draft_id, opinion.article_id

    draft_id, article_id = await in_db(request, where)
    key = "overall" if article_id is None else str(article_id)
    return await review_failed(request, draft_id=draft_id, article_key=key, form_key=form_key,
                               error=error, form=form)


def review_redirect(request: Request, draft_id: int, article: int | str | None,
                    anchor: str = "") -> Response:
    """Back to an article's review page (``article`` None or "" is 总体意见), at ``anchor``."""
    key = "overall" if article in (None, "") else str(article)
    url = request.url_for("manage_review", draft_id=draft_id, article=key).path
    if anchor[1:].isdigit() and anchor.startswith("o"):
        url += f"?show={anchor[1:]}"   # the page of the review that holds this opinion
    return redirect(url + (f"#{anchor}" if anchor else ""))


async def edit_opinion(request: Request) -> Response:
    form = await read_form(request)
    opinion_id = request.path_params["opinion_id"]
    actor = actor_name(request)

    def work(session: Session):
        opinion = opinion_service.get_opinion(session, opinion_id=opinion_id)
        opinion_service.edit_text(session, opinion=opinion, text=str(form.get("text", "")),
                                  actor=actor)
        return opinion.draft_id, opinion.article_id

    try:
        draft_id, article_id = await in_db(request, work, write=True)
    except LegisError as error:
        if isinstance(error, NotFound):
            raise
        return await failed_on_opinion(request, opinion_id, f"text-{opinion_id}", error, form)
    flash(request, "归纳意见文字已保存并审核通过，报告和回音壁将使用这段文字。")
    return review_redirect(request, draft_id, article_id, f"o{opinion_id}")


async def split_opinion(request: Request) -> Response:
    form = await read_form(request)
    opinion_id = request.path_params["opinion_id"]
    ids = [int(v) for v in form.getlist("comment") if str(v).isdigit()]
    actor = actor_name(request)

    def work(session: Session):
        opinion = opinion_service.get_opinion(session, opinion_id=opinion_id)
        new = opinion_service.split(session, opinion=opinion, comment_ids=ids, actor=actor)
        return opinion.draft_id, opinion.article_id, new.id

    draft_id, article_id, new_id = await in_db(request, work, write=True)
    flash(request, f"已拆分出{len(ids)}条意见，成为新的归纳意见。")
    return review_redirect(request, draft_id, article_id, f"o{new_id}")


async def merge_opinion(request: Request) -> Response:
    form = await read_form(request)
    opinion_id = request.path_params["opinion_id"]
    into = int_or_none(form.get("into"))
    actor = actor_name(request)

    def work(session: Session):
        source = opinion_service.get_opinion(session, opinion_id=opinion_id)
        if into is None:
            raise ValidationError("请选择要合并到的归纳意见。")
        target = opinion_service.get_opinion(session, opinion_id=into, draft_id=source.draft_id)
        opinion_service.merge(session, source=source, target=target, actor=actor)
        return target.draft_id, target.article_id, target.id

    draft_id, article_id, target_id = await in_db(request, work, write=True)
    flash(request, "已合并两条归纳意见。")
    return review_redirect(request, draft_id, article_id, f"o{target_id}")


async def move_comment(request: Request) -> Response:
    form = await read_form(request)
    comment_id = request.path_params["comment_id"]
    raw_target = str(form.get("target", ""))
    actor = actor_name(request)

    def work(session: Session):
        comment = opinion_service.get_comment(session, comment_id=comment_id)
        target = None
        if raw_target != "new":
            target_id = int_or_none(raw_target)
            if target_id is None:
                raise ValidationError("请选择要移到哪条归纳意见。")
            target = opinion_service.get_opinion(session, opinion_id=target_id,
                                                 draft_id=comment.draft_id)
        moved_to = opinion_service.move_comment(session, comment=comment, target=target, actor=actor)
        return comment.draft_id, comment.article_id, moved_to.id

    draft_id, article_id, target_id = await in_db(request, work, write=True)
    flash(request, "意见已移动。")
    return review_redirect(request, draft_id, article_id, f"o{target_id}")


async def exclude_comment(request: Request) -> Response:
    form = await read_form(request)
    comment_id = request.path_params["comment_id"]
    exclude = form.get("exclude", "1") == "1"
    actor = actor_name(request)

    def work(session: Session):
        comment = opinion_service.get_comment(session, comment_id=comment_id)
        opinion_service.set_excluded(session, comment=comment, excluded=exclude,
                                     reason=str(form.get("reason", "")), actor=actor)
        return comment.draft_id, comment.article_id

    draft_id, article_id = await in_db(request, work, write=True)
    flash(request, "已标记为非意见（原文保留，可随时恢复）。" if exclude else "已恢复为意见，下次归并时会归入相应意见。")
    return review_redirect(request, draft_id, article_id)
