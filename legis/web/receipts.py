"""Receipts: the page a receipt code opens, and looking a code up.

Receipt codes are the only key to a comment's page, so guessing them is limited per
client address (LOOKUPS_PER_MINUTE). Residents at a 座谈会 share one address, though:
the codes this browser itself received are in its signed visit cookie (web/visits.py),
and opening one of those never counts — a resident can always read their own receipts,
while a code the browser was not given still counts as a guess.
"""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis import privacy
from legis.errors import NotFound, RateLimited
from legis.models import Article, Draft, Meeting
from legis.services import comments as comment_service
from legis.services import dispositions, draft_parts, participation
from legis.web.common import client_address, in_db, redirect, render, url_path
from legis.web.ratelimit import wait_for
from legis.web.viewhelpers import article_anchor

LOOKUPS_PER_MINUTE = 30   # codes not this browser's own, per client address


async def count_guess(request: Request, code: str) -> None:
    """Count a look-up of ``code`` against the address's limit unless this browser was given it."""
    if request.app.state.visits.owns(request, comment_service.normalise_receipt_code(code)):
        return
    wait = await wait_for(request, f"r:{client_address(request)}", limit=LOOKUPS_PER_MINUTE)
    if wait:
        raise RateLimited(f"查询过于频繁，请{int(wait) + 1}秒后再试。本机提交的意见不受此限制，"
                          "可在“我的意见”中查看。", retry_after=int(wait) + 1)


async def receipt(request: Request) -> Response:
    code = request.path_params["code"]
    await count_guess(request, code)

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

    if normalised.isalnum():
        await count_guess(request, normalised)
    if normalised.isalnum() and await in_db(request, exists):
        return redirect(request.url_for("receipt", code=normalised).path)
    # Back to the form with the code as typed, so one wrong character is easy to fix.
    error = ("没有找到这个回执码对应的意见，请核对后重新输入（回执码为8位字母和数字，不含数字0和1）。"
             if normalised.isalnum() else "回执码格式不对：应为8位字母和数字，请核对后重新输入。")
    return render(request, "receipt_lookup.html", {"code": code, "error": error}, status=404)
