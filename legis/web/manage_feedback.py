"""The 反馈单 of a point for a draft: an A4 page for the notice board, a .docx, and whom to tell."""

from __future__ import annotations

from urllib.parse import quote

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import NotFound
from legis.exporters.feedback_sheet import feedback_docx
from legis.services import feedback
from legis.services.drafts import get_draft
from legis.services.report_levels import load_tree
from legis.timefmt import today
from legis.web.auth import sees_personal_data
from legis.web.common import in_db, render


def _sheet(request: Request):
    draft_id, point_id = request.path_params["draft_id"], request.path_params["point_id"]

    def load(session: Session):
        tree = load_tree(session)
        if point_id not in tree.points:
            raise NotFound("没有找到这个联系点。")
        draft = get_draft(session, draft_id=draft_id)
        return feedback.feedback_sheet(session, draft=draft, point_id=point_id, tree=tree)

    return in_db(request, load)


async def feedback_page(request: Request) -> Response:
    sheet = await _sheet(request)
    # Whom to tell: the host of this point and legislative staff only, never on the printout.
    show_contacts = sees_personal_data(request, request.path_params["point_id"])
    messages = [(r, feedback.message_for(sheet, r)) for r in sheet.to_tell] if show_contacts else []
    return render(request, "manage/feedback_sheet.html", {
        "sheet": sheet, "messages": messages, "show_contacts": show_contacts,
        "office": request.app.state.settings.office, "today": today(),
        "draft_id": request.path_params["draft_id"], "point_id": request.path_params["point_id"]})


async def feedback_document(request: Request) -> Response:
    sheet = await _sheet(request)
    body = feedback_docx(sheet, office=request.app.state.settings.office, on=today())
    filename = f"{sheet.draft_title}-{sheet.point}-反馈单.docx"
    return Response(body, media_type="application/vnd.openxmlformats-officedocument."
                    "wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename=\"feedback.docx\"; "
                                                    f"filename*=UTF-8''{quote(filename)}"})
