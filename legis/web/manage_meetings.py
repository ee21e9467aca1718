"""Staff pages for meetings (座谈会): create, QR poster, keyboard entry of paper comments, import, export."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from legis.errors import LegisError
from legis.exporters.masking import mask_name, mask_phone
from legis.models import (
    CHANNEL_ONSITE,
    CHANNEL_PAPER,
    CHANNEL_PHONE,
    STATUS_DRAFT,
    ContactPoint,
    Draft,
)
from legis.services import comment_list, corrections, paper_import, pending, uploaded_tables
from legis.services import contact_points as point_service
from legis.services import drafts as draft_service
from legis.services import meetings as meeting_service
from legis.services.comments import submit_comment
from legis.web.auth import check_point
from legis.web.common import (
    actor_name,
    attachment,
    flash,
    in_db,
    int_or_none,
    read_form,
    redirect,
    render,
)
from legis.web.errors import FORM_ERRORS, status_of
from legis.web.manage_drafts import read_upload

ENTRY_CHANNELS = (CHANNEL_PAPER, CHANNEL_ONSITE, CHANNEL_PHONE)
PENDING_KIND = "paper"
MEETING_FIELDS = ("draft_id", "contact_point_id", "title", "held_on", "place", "host_name",
                  "expected_participants", "participant_count")


def acting_user_id(request: Request) -> int | None:
    """The logged-in user's id once /manage has a login; None until then."""
    user = request.scope.get("user")
    user_id = user.get("id") if isinstance(user, dict) else getattr(user, "id", None)
    return user_id if isinstance(user_id, int) else None


def public_link(request: Request, token: str) -> str:
    """The absolute address residents open: settings.base_url when set, else this request's host."""
    return _absolute(request, request.url_for("meeting_entry", token=token))


def _absolute(request: Request, url) -> str:
    base = request.app.state.settings.base_url
    return base.rstrip("/") + url.path if base else str(url)


def _load(session: Session, meeting_id: int):
    meeting = meeting_service.get_meeting(session, meeting_id)
    draft = draft_service.get_draft(session, draft_id=meeting.draft_id)
    point = session.get(ContactPoint, meeting.contact_point_id)
    return meeting, draft, point


def _current_articles(session: Session, draft: Draft):
    version = draft_service.current_version(session, draft=draft)
    return draft_service.articles_of(session, version=version)


# ---------------------------------------------------------------- index, create, edit


async def meetings_index(request: Request) -> Response:
    draft_id = int_or_none(request.query_params.get("draft"))
    point_id = int_or_none(request.query_params.get("point"))

    user = request.scope.get("user")
    scope = user.points if user is not None else None

    def load(session: Session):
        rows = meeting_service.list_meetings(session, draft_id=draft_id, point_id=point_id)
        if scope is not None:   # a host sees the meetings of their own points only
            rows = [r for r in rows if r.meeting.contact_point_id in scope]
        draft = session.get(Draft, draft_id) if draft_id else None
        point = session.get(ContactPoint, point_id) if point_id else None
        return rows, draft, point

    rows, draft, point = await in_db(request, load)
    return render(request, "manage/meetings.html", {
        "rows": rows, "draft": draft, "point": point,
    })


async def old_address(request: Request) -> Response:
    """A page bookmarked as /manage/meetings/… before 座谈会 became "meetings": its new address."""
    rest = request.path_params.get("rest", "")
    target = request.url_for("manage_meetings").path + (f"/{rest}" if rest else "")
    query = request.url.query
    return RedirectResponse(target + (f"?{query}" if query else ""), status_code=301)


async def _form_choices(request: Request) -> dict[str, Any]:
    user = request.scope.get("user")
    scope = user.points if user is not None else None

    def load(session: Session):
        drafts = [d for d in draft_service.list_drafts(session) if d.status != STATUS_DRAFT]
        options = point_service.tree_options(point_service.all_points(session))
        if scope is not None:
            options = [(point, depth) for point, depth in options if point.id in scope]
        return drafts, options

    drafts, options = await in_db(request, load)
    return {"drafts": drafts, "options": options}


async def new_meeting(request: Request) -> Response:
    query = request.query_params
    values = {"draft_id": query.get("draft", ""), "contact_point_id": query.get("point", "")}
    return render(request, "manage/meeting_new.html", {
        **await _form_choices(request), "values": values, "errors": {},
    })


def _meeting_input(form) -> meeting_service.MeetingInput:
    return meeting_service.MeetingInput(**{name: str(form.get(name, "")) for name in MEETING_FIELDS})


async def create_meeting(request: Request) -> Response:
    form = await read_form(request)
    data = _meeting_input(form)
    check_point(request, int_or_none(form.get("contact_point_id")))
    user_id = acting_user_id(request)
    try:
        created = await in_db(
            request,
            lambda s: meeting_service.save_meeting(s, data=data, created_by=user_id),
            write=True,
        )
    except LegisError as error:
        return render(request, "manage/meeting_new.html", {
            **await _form_choices(request), "values": form,
            "errors": data.errors or {error.field or "title": error.message},
        }, status=422)
    flash(request, f"已创建“{created.title}”。请打印二维码，或用“逐条录入”记录书面意见。")
    return redirect(request.url_for("manage_meeting", meeting_id=created.id).path)


async def meeting_detail(request: Request, *, values=None, errors=None, status=200) -> Response:
    meeting_id = request.path_params["meeting_id"]
    page = max(1, int_or_none(request.query_params.get("page")) or 1)

    def load(session: Session):
        meeting, draft, point = _load(session, meeting_id)
        view = comment_list.comment_page(
            session, draft_id=draft.id,
            filters=comment_list.CommentFilters(meeting_id=meeting_id, page=page),
        )
        return meeting, draft, point, view, corrections.imports_of(session, meeting_id=meeting_id)

    meeting, draft, point, view, imports = await in_db(request, load)
    return render(request, "manage/meeting.html", {
        "cs": meeting, "draft": draft, "point": point, "view": view, "imports": imports,
        "link": public_link(request, meeting.token),
        "values": values or {name: getattr(meeting, name) for name in MEETING_FIELDS},
        "errors": errors or {}, **await _form_choices(request),
    }, status=status)


async def meeting_page(request: Request) -> Response:
    return await meeting_detail(request)


async def update_meeting(request: Request) -> Response:
    meeting_id = request.path_params["meeting_id"]
    form = await read_form(request)
    data = _meeting_input(form)
    check_point(request, int_or_none(form.get("contact_point_id")))
    try:
        await in_db(
            request,
            lambda s: meeting_service.save_meeting(s, data=data, meeting_id=meeting_id),
            write=True,
        )
    except FORM_ERRORS as error:
        return await meeting_detail(request, values=form, status=422,
                                    errors=data.errors or {error.field or "title": error.message})
    flash(request, "已保存座谈会信息。")
    return redirect(request.url_for("manage_meeting", meeting_id=meeting_id).path)


# ---------------------------------------------------------------- QR poster


async def qr_page(request: Request) -> Response:
    meeting, draft, point = await in_db(
        request, lambda s: _load(s, request.path_params["meeting_id"])
    )
    link = public_link(request, meeting.token)
    return render(request, "manage/meeting_qr.html", {
        "cs": meeting, "draft": draft, "point": point, "link": link,
        "loopback": meeting_service.is_loopback_link(link),
        "lookup": _absolute(request, request.url_for("receipt_lookup")),
    })


async def qr_svg(request: Request) -> Response:
    import segno

    meeting, _draft, _point = await in_db(
        request, lambda s: _load(s, request.path_params["meeting_id"])
    )
    qr = segno.make(public_link(request, meeting.token), error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=10, border=2, xmldecl=False, title="扫码提意见")
    return Response(out.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=300"})


# ---------------------------------------------------------------- keyboard entry of paper comments


def _entry_context(session: Session, meeting_id: int) -> dict[str, Any]:
    meeting, draft, point = _load(session, meeting_id)
    try:
        meeting_service.entry_check_open(draft, meeting)
        closed = ""
    except LegisError as error:
        closed = error.message
    return {
        "cs": meeting, "draft": draft, "point": point, "closed": closed,
        "entries": meeting_service.recent_entries(session, meeting_id=meeting_id),
    }


async def entry_page(request: Request, *, values=None, errors=None, pick=None,
                     form_token: str | None = None, status: int = 200) -> Response:
    meeting_id = request.path_params["meeting_id"]
    context = await in_db(request, lambda s: _entry_context(s, meeting_id))
    channel = request.query_params.get("channel")
    last = request.session.get("entry_last", {}).get(str(meeting_id))
    return render(request, "manage/meeting_entry.html", {
        **context,
        "channels": ENTRY_CHANNELS,
        "values": values or {"channel": channel if channel in ENTRY_CHANNELS else CHANNEL_PAPER},
        "errors": errors or {},
        "pick": pick,
        "form_token": form_token or request.app.state.form_tokens.issue(),
        "can_undo": any(e.comment.id == last for e in context["entries"]),
    }, status=status)


async def entry_form(request: Request) -> Response:
    return await entry_page(request)


async def entry_submit(request: Request) -> Response:
    meeting_id = request.path_params["meeting_id"]
    form = await read_form(request)
    values = {name: str(form.get(name, "")) for name in
              ("article", "text", "name", "community", "phone", "channel")}
    token = str(form.get("form_token", ""))
    if values["channel"] not in ENTRY_CHANNELS:
        values["channel"] = CHANNEL_PAPER
    try:
        nonce = request.app.state.form_tokens.check(token)
    except LegisError as error:
        # An expired page: show the form again with what was typed and a fresh token.
        return await entry_page(request, values=values, errors={"form": error.message},
                                status=status_of(error))
    user_id = acting_user_id(request)

    def work(session: Session):
        meeting, draft, _point = _load(session, meeting_id)
        check_open = meeting_service.entry_check_open(draft, meeting)
        articles = _current_articles(session, draft)
        pick = paper_import.pick_article(articles, values["article"])
        if not pick.ok:
            return pick, {"article": pick.error}, None
        if not values["text"].strip():
            return pick, {}, None   # only looked the article up: no JS, Enter in the first field
        data = paper_import.paper_input(
            text=values["text"], name=values["name"], community=values["community"],
            phone=values["phone"], article_id=pick.article.id if pick.article else None,
        )
        if not data.validate().ok:
            return pick, data.errors, None
        comment, created = submit_comment(
            session, draft=draft, data=data, channel=values["channel"],
            meeting=meeting, form_token=f"{nonce}:p",
            entered_by=user_id, check_open=check_open,
        )
        return pick, {}, (comment, created)

    pick, errors, saved = await in_db(request, work, write=True)
    if saved is None:
        return await entry_page(request, values=values, errors=errors, pick=pick,
                                form_token=token, status=422 if errors else 200)
    comment, created = saved
    if created:
        request.session.setdefault("entry_last", {})[str(meeting_id)] = comment.id
        request.session["entry_last"] = dict(request.session["entry_last"])
        flash(request, f"已录入：{pick.label}（{values['channel']}）“{comment.text[:30]}”")
    else:
        flash(request, "这条意见刚才已经保存过，没有重复录入。", "warn")
    target = request.url_for("manage_meeting_entry", meeting_id=meeting_id).path
    return redirect(f"{target}?channel={quote(values['channel'])}")


async def entry_undo(request: Request) -> Response:
    meeting_id = request.path_params["meeting_id"]
    last = dict(request.session.get("entry_last", {}))
    user_id, actor = acting_user_id(request), actor_name(request)
    try:
        removed = await in_db(request, lambda s: meeting_service.undo_entry(
            s, meeting_id=meeting_id, comment_id=last.get(str(meeting_id)), entered_by=user_id,
            actor=actor), write=True)
        flash(request, f"已撤销刚才录入的一条：“{removed.text[:30]}”")
    except FORM_ERRORS as error:
        flash(request, error.message, "error")
    last.pop(str(meeting_id), None)
    request.session["entry_last"] = last
    return redirect(request.url_for("manage_meeting_entry", meeting_id=meeting_id).path)


async def entry_article(request: Request) -> Response:
    """The label for what the host is typing in the article field (for the live hint)."""
    meeting_id = request.path_params["meeting_id"]
    raw = request.query_params.get("a", "")[:40]

    def work(session: Session):
        _cs, draft, _point = _load(session, meeting_id)
        return paper_import.pick_article(_current_articles(session, draft), raw)

    pick = await in_db(request, work)
    snippet = pick.article.text[:60] if pick.article else ""
    return JSONResponse({"ok": pick.ok, "label": pick.label, "error": pick.error,
                         "snippet": snippet})


# ---------------------------------------------------------------- spreadsheet import


async def import_form(request: Request, *, errors=None, channel=CHANNEL_PAPER, status=200):
    meeting, draft, point = await in_db(
        request, lambda s: _load(s, request.path_params["meeting_id"])
    )
    return render(request, "manage/meeting_import.html", {
        "cs": meeting, "draft": draft, "point": point, "channels": ENTRY_CHANNELS,
        "channel": channel, "errors": errors or {},
    }, status=status)


async def import_page(request: Request) -> Response:
    return await import_form(request)


async def import_preview(request: Request) -> Response:
    meeting_id = request.path_params["meeting_id"]
    form = await read_form(request)
    channel = str(form.get("channel", CHANNEL_PAPER))
    if channel not in ENTRY_CHANNELS:
        channel = CHANNEL_PAPER

    def validate(session: Session, table, digest: str):
        meeting, draft, point = _load(session, meeting_id)
        meeting_service.entry_check_open(draft, meeting)
        paper_import.refuse_repeated_file(session, meeting_id=meeting_id, digest=digest)
        articles = _current_articles(session, draft)
        rows = paper_import.validate_paper_rows(table, articles)
        paper_import.flag_repeats(session, meeting_id=meeting_id, rows=rows)
        return meeting, draft, point, rows

    try:
        data, filename = await read_upload(request, form.get("file"))
        table = await run_in_threadpool(uploaded_tables.read_table, data)
        digest = paper_import.file_hash(table)
        meeting, draft, point, rows = await in_db(request, lambda s: validate(s, table, digest))
    except FORM_ERRORS as error:
        return await import_form(request, errors={"file": error.message}, channel=channel,
                                 status=status_of(error))
    bad = [r for r in rows if not r.ok]
    pending_id = ""
    if not bad:
        payload = {"channel": channel, "rows": rows, "hash": digest,
                   "filename": (filename or "")[:255]}
        try:
            pending_id = await in_db(request, lambda s: pending.save_pending(
                s, kind=PENDING_KIND, scope=str(meeting_id), owner=actor_name(request),
                payload=payload), write=True)
        except FORM_ERRORS as error:
            return await import_form(request, errors={"file": error.message}, channel=channel,
                                     status=status_of(error))
    return render(request, "manage/meeting_import_preview.html", {
        "cs": meeting, "draft": draft, "point": point, "rows": rows, "bad": bad,
        "pending_id": pending_id, "channel": channel,
        "mask_name": mask_name, "mask_phone": mask_phone,
    }, status=422 if bad else 200)


async def import_confirm(request: Request) -> Response:
    meeting_id = request.path_params["meeting_id"]
    form = await read_form(request)
    pending_id = str(form.get("pending", ""))
    owner = actor_name(request)
    payload = await in_db(request, lambda s: pending.load_pending(
        s, pending_id, kind=PENDING_KIND, scope=str(meeting_id), owner=owner))
    user_id = acting_user_id(request)

    def work(session: Session) -> int:
        # One unit of work: every row is stored, or (any row failing) none is.
        meeting, draft, _point = _load(session, meeting_id)
        check_open = meeting_service.entry_check_open(draft, meeting)
        batch = paper_import.record_import(
            session, meeting_id=meeting_id, digest=payload.get("hash", ""),
            filename=payload.get("filename", ""), entered_by=user_id)
        if batch is None:
            return 0   # the same confirmation sent again: already stored
        created = paper_import.save_paper_rows(
            session, draft=draft, meeting=meeting, rows=payload["rows"],
            channel=payload["channel"], batch_id=pending_id, entered_by=user_id,
            check_open=check_open, import_id=batch.id,
        )
        batch.rows = created
        session.add(batch)
        pending.drop_pending(session, pending_id, owner=owner)   # in the same unit of work
        return created

    created = await in_db(request, work, write=True)
    if created:
        flash(request, f"已导入{created}条意见。")
    else:
        flash(request, "这些意见已经导入过，没有重复保存。", "warn")
    return redirect(request.url_for("manage_meeting", meeting_id=meeting_id).path)


async def import_template(request: Request) -> Response:
    data = await run_in_threadpool(paper_import.template_xlsx)
    return _download(data, "paper-comments-template.xlsx", "书面意见导入模板.xlsx", XLSX)


# ---------------------------------------------------------------- export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, ascii_name: str, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers=attachment(name, ascii_name))


async def export_xlsx(request: Request) -> Response:
    from legis.exporters.tables import to_xlsx

    meeting_id = request.path_params["meeting_id"]

    def work(session: Session):
        meeting, draft, _point = _load(session, meeting_id)
        return meeting, draft, meeting_service.export_rows(session, meeting_id=meeting_id)

    meeting, draft, rows = await in_db(request, work)
    sheets = [("意见", meeting_service.EXPORT_HEADERS, rows)]
    data = await run_in_threadpool(
        lambda: to_xlsx(sheets, {"意见": (6, 14, 60, 10, 16, 14, 6, 12, 18)}, wrap={"意见": [2]})
    )
    name = f"{draft.title}-{meeting.title}-{meeting.held_on or ''}意见.xlsx"
    return _download(data, f"meeting-{meeting_id}-comments.xlsx", name, XLSX)
