"""Public pages around reading a draft: search by word, downloads, and a visit's own comments."""

from __future__ import annotations

from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legis.errors import NotFound
from legis.exporters.draft_text import DraftText, to_docx, to_text
from legis.services import draft_parts, participation, reading
from legis.services import drafts as draft_service
from legis.web.common import in_db, render


async def search(request: Request) -> Response:
    """Articles containing a word, the word marked, each linking to its place and its comment form."""
    query = request.query_params.get("q", "").strip()[: draft_parts.MAX_QUERY]
    token = request.query_params.get("s", "")[:40]
    page = await in_db(request, lambda s: reading.load_draft_page(
        s, slug=request.path_params["slug"], meeting_token=token,
        turnouts=request.app.state.turnouts))
    hits = draft_parts.search(page.reading, query)
    return render(request, "search.html", {
        "page": page, "draft": page.draft, "query": query, "hits": hits,
        "accepting": draft_service.is_open(page.draft),
        "meeting_token": page.meeting.token if page.meeting else "",
    })


def _draft_text(session: Session, slug: str) -> DraftText:
    draft = draft_service.public_draft(session, slug=slug)
    version = draft_service.current_version(session, draft=draft)
    headings = draft_service.headings_of(session, version=version)
    laid_out = draft_parts.lay_out(headings, draft_service.articles_of(session, version=version))
    entries: list[tuple] = []
    for kind, item in draft_parts.blocks({h.id: h for h in headings}, laid_out.articles):
        if kind == "heading":
            h = item["heading"]
            entries.append(("heading", f"{h.label}　{h.title}".strip()))
        else:
            entries.append(("article", item.label, item.caption or "", list(item.paragraphs)))
    return DraftText(title=draft.title, stage=version.name, description=draft.description,
                     preamble=version.preamble, entries=entries)


FORMATS = {
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "txt": (to_text, "text/plain; charset=utf-8"),
}


async def download(request: Request) -> Response:
    """The current text of a draft as .docx or plain text, named by its title."""
    kind = request.path_params["kind"]
    if kind not in FORMATS:
        raise NotFound("只提供 .docx 和 .txt 两种格式的下载。")
    write, media_type = FORMATS[kind]
    data = await in_db(request, lambda s: _draft_text(s, request.path_params["slug"]))
    body = await run_in_threadpool(write, data)
    name = quote(f"{data.title}.{kind}")
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"draft.{kind}\"; filename*=UTF-8''{name}",
    })


async def own_comments(request: Request) -> Response:
    """Every comment this browser made on the draft in this visit, on one printable page."""
    slug = request.path_params["slug"]

    def load(session: Session):
        draft = draft_service.public_draft(session, slug=slug)
        codes = request.app.state.visits.codes(request, draft.id)
        return draft, participation.own_comments(session, draft_id=draft.id, codes=codes)

    draft, own = await in_db(request, load)
    return render(request, "own_comments.html", {"draft": draft, "own": own})

