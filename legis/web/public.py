"""Public pages for residents: drafts open for comment, the comment form, the receipt."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legis.errors import RateLimited, ValidationError
from legis.models import CHANNEL_ONLINE, Article, Meeting
from legis.services import comments as comment_service
from legis.services import drafts as draft_service
from legis.services import intake
from legis.web.common import (
    SeeOther,
    client_address,
    endpoint,
    in_db,
    int_or_none,
    plain_path,
    read_form,
    redirect,
    render,
    url_path,
    wants_json,
)
from legis.web.ratelimit import wait_for

LARGE_TEXT_COOKIE = "legis_large"


async def home(request: Request) -> Response:
    def load(session: Session):
        drafts = draft_service.list_drafts(session, public=True)
        return drafts, request.app.state.turnouts.get(session, draft_ids=[d.id for d in drafts])

    drafts, turnout = await in_db(request, load)
    open_drafts = [d for d in drafts if draft_service.is_open(d)]
    other = [d for d in drafts if not draft_service.is_open(d)]
    return render(request, "home.html", {"open_drafts": open_drafts, "other_drafts": other,
                                         "turnout": turnout})


async def _submit_comment(request: Request) -> Response:
    slug = request.path_params["slug"]
    form = await read_form(request)
    settings = request.app.state.settings
    data = comment_service.CommentInput(
        text=str(form.get("text", "")),
        name=str(form.get("name", "")),
        community=str(form.get("community", "")),
        phone=str(form.get("phone", "")),
        consent=form.get("consent") in {"1", "on", "yes"},
        article_id=int_or_none(form.get("article_id")),
    )
    meeting_token = str(form.get("s", ""))[:40]
    if form.get("website"):
        # The honeypot field is hidden from people; only a bot fills it in.
        raise ValidationError("提交未通过校验。如果您是正常填写，请刷新页面后重新提交。")

    # The meeting link's larger allowance only for a meeting that really exists
    # for this draft: any other `s` value counts as an ordinary online comment.
    meeting = None
    if meeting_token:
        meeting = await in_db(request, lambda s: comment_service.meeting_for(
            s, token=meeting_token, draft=draft_service.public_draft(s, slug=slug)))
    limit, key = settings.comment_rate_per_minute, f"c:{client_address(request)}"
    if meeting is not None:
        # Residents of one meeting share the contact point's Wi-Fi: count them
        # against the meeting's own, much larger allowance.
        limit, key = settings.meeting_rate_per_minute, f"{key}:{meeting.token}"
    wait = await wait_for(request, key, limit=limit)
    if wait:
        raise RateLimited(
            f"您提交得太快了，请休息{int(wait) + 1}秒后再提交。您填写的内容不会丢失，返回上一页即可。",
            retry_after=int(wait) + 1)

    nonce = request.app.state.form_tokens.check(str(form.get("form_token", "")))
    visits = request.app.state.visits
    visitor = visits.visitor(request)
    form_token = comment_service.idempotency_key(nonce, data)

    stored = None
    if data.validate().ok:
        via = (intake.MeetingRef(id=meeting.id,  # type: ignore[arg-type]
                                 contact_point_id=meeting.contact_point_id,
                                 channel=meeting.channel)
               if meeting is not None else None)
        stored = await request.app.state.intake.store(intake.Submission(
            slug=slug, data=data, form_token=form_token, visitor=visitor, meeting=via))
    if stored is None:
        # Invalid input, or the cached draft no longer takes comments: the full path
        # re-renders the form with its errors or says why (period ended, new text).
        request.app.state.intake.targets.forget(slug)
        draft, article, comment = await in_db(request, lambda s: _store_full(
            s, slug=slug, data=data, form_token=form_token, visitor=visitor,
            meeting=meeting), write=True)
        if comment is None:
            if wants_json(request):
                return JSONResponse({"ok": False, "errors": data.errors}, status_code=422)
            return render(request, "comment_page.html", {
                "draft": draft,
                "article": article,
                "form_token": str(form.get("form_token", "")),
                "meeting_token": meeting_token,
                "values": data,
                "errors": data.errors,
                "accepting": True,
            }, status=422)
        stored = comment.receipt_code, draft.id, draft.slug
    code, draft_id, draft_slug = stored
    receipt_url = plain_path(request, "receipt", code=code)
    if wants_json(request):
        codes = visits.codes(request, draft_id)
        response: Response = JSONResponse({
            "ok": True,
            "receipt_code": code,
            "receipt_url": receipt_url,
            "form_token": request.app.state.form_tokens.issue(),
            "own_count": len({*codes, code}),
            "own_url": url_path(request, "own_comments", slug=draft_slug),
        })
    else:
        response = SeeOther(receipt_url + "?new=1")
    visits.remember(request, response, visitor=visitor, draft_id=draft_id, code=code)
    request.app.state.turnouts.forget(draft_id)
    return response


submit_comment = endpoint(_submit_comment)


def _store_full(session: Session, *, slug: str, data: comment_service.CommentInput,
                form_token: str, visitor: str, meeting: Meeting | None):
    draft = draft_service.public_draft(session, slug=slug)
    if not draft_service.is_open(draft):
        raise comment_service.period_closed_error(draft)
    if not data.validate().ok:
        article = session.get(Article, data.article_id) if data.article_id else None
        return draft, article, None
    comment, _created = comment_service.submit_comment(
        session,
        draft=draft,
        data=data,
        channel=meeting.channel if meeting else CHANNEL_ONLINE,
        meeting=session.get(Meeting, meeting.id) if meeting else None,
        form_token=form_token,
        visitor=visitor,
    )
    return draft, None, comment




async def text_size(request: Request) -> Response:
    """Switch 大字版 on or off; remembered in a cookie for a year."""
    form = await read_form(request)
    target = str(form.get("next", "/"))
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    response = redirect(target)
    if form.get("large") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response


async def health(request: Request) -> Response:
    from sqlalchemy import text

    await in_db(request, lambda s: s.exec(text("SELECT 1")))
    return JSONResponse({"ok": True})
