"""Public pages for residents: drafts open for comment, the comment form, the receipt."""

from __future__ import annotations

import secrets

from markupsafe import Markup
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legis import privacy
from legis.errors import NotFound, RateLimited, ValidationError
from legis.models import CHANNEL_ONLINE, Article, Draft, Meeting
from legis.services import comments as comment_service
from legis.services import dispositions, draft_parts, participation, reading
from legis.services import drafts as draft_service
from legis.web.common import (
    client_address,
    in_db,
    int_or_none,
    read_form,
    redirect,
    render,
    url_path,
    wants_json,
)
from legis.web.ratelimit import wait_for
from legis.web.viewhelpers import article_anchor

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


async def draft_page(request: Request) -> Response:
    """A draft to read: the whole of a short one, the first chapter of a long one."""
    part = request.path_params.get("part", 1)
    token = request.query_params.get("s", "")[:40]
    page = await in_db(request, lambda s: reading.load_draft_page(
        s, slug=request.path_params["slug"], part=part, meeting_token=token,
        turnouts=request.app.state.turnouts))
    return _render_draft(request, page)


async def meeting_page(request: Request) -> Response:
    """The page residents reach by scanning a meeting's QR code."""
    token = request.path_params["token"]

    page = await in_db(request, lambda s: reading.load_meeting_page(
        s, token=token, turnouts=request.app.state.turnouts))
    return _render_draft(request, page)


# Placeholders for the per-request tokens in the cached body. Random per
# process, so no draft text can contain one and get a live token put in it.
TOKEN_SLOT = "LEGISFORMTOKEN" + secrets.token_hex(12)
MEETING_SLOT = "LEGISMEETING" + secrets.token_hex(12)
MAX_FRAGMENTS = 64


def draft_body(request: Request, page: reading.DraftPage, accepting: bool) -> str:
    """The articles with their comment forms, rendered once per version and reused.

    Rendering a hundred articles with a form each costs tens of milliseconds;
    the text only changes with a new version or a new period, which are in the
    key. The per-request form token and meeting token go into fixed slots.
    """
    version_id = page.articles[0].version_id if page.articles else 0
    key = (page.draft.id, version_id, page.draft.updated_at, accepting, page.part.number)
    cache = request.app.state.fragments
    fragment = cache.get(key)
    if fragment is None:
        template = request.app.state.templates.get_template("_draft_body.html")
        fragment = template.render({
            "request": request, "page": page, "draft": page.draft, "accepting": accepting,
            "form_token": TOKEN_SLOT, "meeting_token": MEETING_SLOT,
        })
        if len(cache) >= MAX_FRAGMENTS:
            cache.clear()
        cache[key] = fragment
    return fragment


def _render_draft(request: Request, page: reading.DraftPage) -> Response:
    accepting = draft_service.is_open(page.draft)
    meeting_token = page.meeting.token if page.meeting else ""
    body = (draft_body(request, page, accepting)
            .replace(TOKEN_SLOT, request.app.state.form_tokens.issue())
            .replace(MEETING_SLOT, meeting_token))
    return render(
        request,
        "draft.html",
        {
            "page": page,
            "draft": page.draft,
            "body": Markup(body),
            "accepting": accepting,
            "own_codes": request.app.state.visits.codes(request, page.draft.id),
            "meeting_token": meeting_token,
        },
    )


async def comment_form_page(request: Request) -> Response:
    """One article and its form on a page of its own (no-JS fallback and error re-display)."""
    slug = request.path_params["slug"]
    article_id = int_or_none(request.query_params.get("article"))

    def load(session: Session):
        page = reading.load_draft_page(session, slug=slug)
        article = next((a for a in page.articles if a.id == article_id), None)
        if article_id is not None and article is None:
            raise NotFound("没有找到这一条。")
        part = page.reading.part_of.get(article.id, 1) if article else 1
        return page.draft, article, part

    draft, article, part = await in_db(request, load)
    return render(request, "comment_page.html", {
        "draft": draft,
        "article": article,
        "part": part,
        "form_token": request.app.state.form_tokens.issue(),
        "meeting_token": request.query_params.get("s", ""),
        "values": {},
        "errors": {},
        "accepting": draft_service.is_open(draft),
    })


async def submit_comment(request: Request) -> Response:
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

    def work(session: Session):
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
            meeting=(session.get(Meeting, meeting.id)
                             if meeting else None),
            form_token=form_token,
            visitor=visitor,
        )
        # A re-send racing the first rolls back and finds the stored comment, and a rollback
        # expires the draft: load what the answer needs while the session is still open.
        session.refresh(draft)
        return draft, None, comment

    draft, article, comment = await in_db(request, work, write=True)
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
    receipt_url = url_path(request, "receipt", code=comment.receipt_code)
    if wants_json(request):
        codes = visits.codes(request, draft.id)
        response: Response = JSONResponse({
            "ok": True,
            "receipt_code": comment.receipt_code,
            "receipt_url": receipt_url,
            "form_token": request.app.state.form_tokens.issue(),
            "own_count": len({*codes, comment.receipt_code}),
            "own_url": f"/drafts/{draft.slug}/mine",
        })
    else:
        response = redirect(receipt_url + "?new=1")
    visits.remember(request, response, visitor=visitor, draft_id=draft.id, code=comment.receipt_code)
    request.app.state.turnouts.forget(draft.id)
    return response


async def receipt(request: Request) -> Response:
    code = request.path_params["code"]
    wait = await wait_for(request, f"r:{client_address(request)}", limit=30)
    if wait:
        raise RateLimited("查询过于频繁，请一分钟后再试。", retry_after=int(wait) + 1)

    def load(session: Session):
        comment = comment_service.find_by_receipt(session, code=code)
        draft = session.get(Draft, comment.draft_id)
        article = session.get(Article, comment.article_id) if comment.article_id else None
        opinion, published = dispositions.outcome_for_comment(session, comment=comment)
        codes = request.app.state.visits.codes(request, comment.draft_id)
        own = (participation.own_comments(session, draft_id=draft.id, codes=codes)
               if comment.receipt_code in codes else [])
        # 继续提意见 goes back to where the resident was: the meeting's page if they
        # came by its QR code, at the article they commented on (on its chapter's page).
        meeting = session.get(Meeting, comment.meeting_id) if comment.meeting_id else None
        by_meeting = meeting is not None and comment.entered_by is None
        part = draft_parts.part_of_article(session, article=article) if article else 1
        if part > 1:
            back = url_path(request, "draft_part", slug=draft.slug, part=part)
            back += f"?s={meeting.token}" if by_meeting and meeting else ""
        else:
            back = (url_path(request, "meeting_entry", token=meeting.token)
                    if by_meeting and meeting
                    else url_path(request, "draft", slug=draft.slug))
        back += "#" + (article_anchor(article) if article else "overall")
        return comment, draft, article, opinion, published, back, own

    comment, draft, article, opinion, published, back, own = await in_db(request, load)
    return render(request, "receipt.html", {
        "comment": comment,
        "public_text": privacy.public_text(comment.text, comment.personal_data),
        "draft": draft,
        "article": article,
        "opinion": opinion,
        "published": published,
        "just_sent": request.query_params.get("new") == "1",
        "own": own,
        "continue_url": back,
    })


async def feedback_wall(request: Request) -> Response:
    """回音壁: every opinion with its supporters and disposition, article by article; no personal data."""
    slug = request.path_params["slug"]

    def load(session: Session):
        draft = draft_service.public_draft(session, slug=slug)
        if draft.feedback_published_at is None:
            return draft, None
        return draft, dispositions.public_wall(session, draft=draft)

    draft, wall = await in_db(request, load)
    return render(request, "feedback.html", {"draft": draft, "wall": wall})


async def receipt_lookup(request: Request) -> Response:
    code = request.query_params.get("code", "").strip()[:40]
    if not code:
        return render(request, "receipt_lookup.html", {"code": "", "error": ""})
    normalised = comment_service.normalise_receipt_code(code)

    def exists(session: Session) -> bool:
        try:
            comment_service.find_by_receipt(session, code=normalised)
        except NotFound:
            return False
        return True

    if normalised.isalnum() and await in_db(request, exists):
        return redirect(request.url_for("receipt", code=normalised).path)
    # Back to the form with the code as typed, so one wrong character is easy to fix.
    error = ("没有找到这个回执码对应的意见，请核对后重新输入（回执码为8位字母和数字，不含数字0和1）。"
             if normalised.isalnum() else "回执码格式不对：应为8位字母和数字，请核对后重新输入。")
    return render(request, "receipt_lookup.html", {"code": code, "error": error}, status=404)


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
