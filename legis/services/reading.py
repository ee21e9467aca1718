"""The reading page of a draft: one page of its articles with the headings they sit under,
an outline, the turnout, and the meeting (座谈会) a resident came through. Loaded in one
transaction. How a draft is cut into pages and searched is in ``legis.services.draft_parts``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from legis.errors import NotFound
from legis.models import Article, ContactPoint, Draft, Meeting
from legis.services import draft_parts, participation
from legis.services import drafts as draft_service


@dataclass
class DraftPage:
    """Everything one page of a draft shows, loaded in one transaction."""

    draft: Draft
    reading: draft_parts.Reading
    part: draft_parts.Part
    preamble: str
    turnout: participation.Turnout
    meeting: Meeting | None = None
    contact_point: ContactPoint | None = None

    @property
    def articles(self) -> list[Article]:
        return self.reading.articles

    @property
    def outline(self) -> list[dict[str, Any]]:
        return self.reading.outline

    @property
    def blocks(self) -> list[tuple[str, Any]]:
        return self.part.blocks


def load_draft_page(session: Session, *, slug: str, part: int = 1, meeting_token: str = "",
                    turnouts: participation.TurnoutCache | None = None) -> DraftPage:
    """Page ``part`` of a public draft; ``meeting_token`` names the 座谈会 the reader came through."""
    draft = draft_service.public_draft(session, slug=slug)
    version = draft_service.current_version(session, draft=draft)
    laid_out = draft_parts.lay_out(draft_service.headings_of(session, version=version),
                                   draft_service.articles_of(session, version=version))
    if not 1 <= part <= len(laid_out.parts):
        raise NotFound(f"这部草案共{len(laid_out.parts)}页，没有第{part}页。请从目录进入。")
    page = DraftPage(
        draft=draft,
        reading=laid_out,
        part=laid_out.parts[part - 1],
        preamble=version.preamble,
        turnout=(turnouts.get(session, draft_ids=[draft.id]) if turnouts
                 else participation.turnout(session, draft_ids=[draft.id]))[draft.id],
    )
    if meeting_token:
        meeting = meeting_by_token(session, token=meeting_token)
        if meeting is not None and meeting.draft_id == draft.id:
            page.meeting = meeting
            page.contact_point = session.get(ContactPoint, meeting.contact_point_id)
    return page


def meeting_by_token(session: Session, *, token: str) -> Meeting | None:
    """The meeting (座谈会) whose QR link carries ``token``, if any."""
    return session.exec(select(Meeting).where(Meeting.token == token)).first()


def load_meeting_page(session: Session, *, token: str,
                      turnouts: participation.TurnoutCache | None = None) -> DraftPage:
    """The reading page as residents reach it by scanning a meeting's QR code."""
    meeting = meeting_by_token(session, token=token)
    if meeting is None:
        raise NotFound("这个座谈会链接无效，请向联络员核对二维码或链接。")
    draft = session.get(Draft, meeting.draft_id)
    return load_draft_page(session, slug=draft.slug, meeting_token=token, turnouts=turnouts)
