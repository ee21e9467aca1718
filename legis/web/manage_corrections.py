"""Pages where hosts and staff correct or withdraw the paper comments they entered."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import ValidationError
from legis.models import Article, Draft, Meeting
from legis.services import corrections
from legis.services import drafts as draft_service
from legis.services.paper_import import pick_article
from legis.web.common import actor_name, flash, in_db, read_form, redirect, render
from legis.web.errors import FORM_ERRORS, status_of


def editor(request: Request) -> corrections.Editor:
    user = request.scope.get("user")
    return corrections.Editor(user_id=getattr(user, "id", None), role=getattr(user, "role", ""),
                              name=actor_name(request))


def _page(session: Session, comment_id: int, who: corrections.Editor) -> dict:
    from legis.errors import Forbidden, NotFound
    from legis.models import Comment

    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("没有找到这条意见。")
    if not who.may_correct(comment):
        raise Forbidden("只能更正您自己录入的书面意见；居民在网上提交的意见不能修改。")
    article = session.get(Article, comment.article_id) if comment.article_id else None
    return {"comment": comment, "draft": session.get(Draft, comment.draft_id),
            "cs": session.get(Meeting, comment.meeting_id) if comment.meeting_id else None,
            "article_label": article.label if article else "总体意见",
            "locked": corrections.why_locked(session, comment=comment),
            "history": corrections.history(session, comment_id=comment.id),
            "values": {}, "errors": {}}


async def correct_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    who = editor(request)
    context = await in_db(request, lambda s: _page(s, request.path_params["comment_id"], who))
    context["values"], context["errors"] = values or {}, errors or {}
    return render(request, "manage/comment_correct.html", context, status=status)


async def correct(request: Request) -> Response:
    form = await read_form(request)
    comment_id = request.path_params["comment_id"]
    who = editor(request)
    raw_article = str(form.get("article", "")).strip()

    def work(session: Session):
        comment = corrections.correctable(session, comment_id=comment_id, editor=who)
        draft = session.get(Draft, comment.draft_id)
        articles = draft_service.articles_of(session, version=draft_service.current_version(
            session, draft=draft))
        pick = pick_article(articles, raw_article)
        if not pick.ok:
            raise ValidationError(pick.error, field="article")
        corrections.edit(session, comment=comment, text=str(form.get("text", "")),
                         article_id=pick.article.id if pick.article else None, editor=who)
        return comment.meeting_id

    return await _act(request, work, form, "已保存更正，原来的内容保留在修改记录中。")


async def withdraw(request: Request) -> Response:
    form = await read_form(request)
    comment_id = request.path_params["comment_id"]
    who = editor(request)

    def work(session: Session):
        comment = corrections.correctable(session, comment_id=comment_id, editor=who)
        corrections.withdraw(session, comment=comment, reason=str(form.get("reason", "")), editor=who)
        return comment.meeting_id

    return await _act(request, work, form, "已撤回这条意见：它仍保存在系统中，但不再计入归并和统计。")


async def _act(request: Request, work, form, message: str) -> Response:
    try:
        meeting_id = await in_db(request, work, write=True)
    except FORM_ERRORS as error:
        return await correct_page(request, values=dict(form), errors={error.field or "_": error.message},
                                  status=422 if error.field else status_of(error))
    flash(request, message)
    if meeting_id:
        return redirect(request.url_for("manage_meeting", meeting_id=meeting_id).path)
    return redirect(request.url_for("comment_correct", comment_id=request.path_params["comment_id"]).path)


async def withdraw_import(request: Request) -> Response:
    form = await read_form(request)
    meeting_id = request.path_params["meeting_id"]
    who = editor(request)
    try:
        count = await in_db(request, lambda s: corrections.withdraw_import(
            s, import_id=request.path_params["import_id"], meeting_id=meeting_id,
            reason=str(form.get("reason", "")), editor=who), write=True)
        flash(request, f"已撤回这次导入的{count}条意见；它们仍保存在系统中，不再计入归并和统计。")
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
    return redirect(request.url_for("manage_meeting", meeting_id=meeting_id).path)
