"""The reading page of a draft: its articles in order with the headings they sit under,
an outline, and the session (座谈会) a resident came through. Loaded in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from legis.errors import NotFound
from legis.models import Article, CommentSession, ContactPoint, Draft, Heading
from legis.services import drafts as draft_service


@dataclass
class DraftPage:
    """Everything the reading page shows, loaded in one transaction."""

    draft: Draft
    articles: list[Article]
    outline: list[dict[str, Any]]
    blocks: list[tuple[str, Any]]   # ("heading", {...}) or ("article", Article) in reading order
    preamble: str
    comment_session: CommentSession | None = None
    contact_point: ContactPoint | None = None


def load_draft_page(session: Session, *, slug: str) -> DraftPage:
    draft = draft_service.public_draft(session, slug=slug)
    version = draft_service.current_version(session, draft=draft)
    articles = draft_service.articles_of(session, version=version)
    headings = {h.id: h for h in draft_service.headings_of(session, version=version)}
    return DraftPage(
        draft=draft,
        articles=articles,
        outline=_outline(headings, articles),
        blocks=_blocks(headings, articles),
        preamble=version.preamble,
    )


def _chain(headings: dict[int, Heading], heading_id: int | None) -> list[Heading]:
    chain: list[Heading] = []
    while heading_id is not None and heading_id in headings:
        chain.append(headings[heading_id])
        heading_id = headings[heading_id].parent_id
    return chain[::-1]


def _blocks(headings: dict[int, Heading], articles: list[Article]) -> list[tuple[str, Any]]:
    """Interleave headings with articles: a heading appears before its first article."""
    blocks: list[tuple[str, Any]] = []
    previous: list[int] = []
    for article in articles:
        chain = _chain(headings, article.heading_id)
        ids = [h.id for h in chain]
        common = 0
        while common < min(len(ids), len(previous)) and ids[common] == previous[common]:
            common += 1
        for depth, heading in enumerate(chain[common:], start=common):
            blocks.append(("heading", {"heading": heading, "depth": depth}))
        previous = ids
        blocks.append(("article", article))
    return blocks


def _outline(headings: dict[int, Heading], articles: list[Article]) -> list[dict[str, Any]]:
    """Top-level headings with their children and the article range under each."""
    ranges: dict[int, list[Article]] = {}
    for article in articles:
        for heading in _chain(headings, article.heading_id):
            ranges.setdefault(heading.id, []).append(article)
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for heading in sorted(headings.values(), key=lambda h: h.ordinal):
        under = ranges.get(heading.id)
        if not under:
            continue
        node = {"heading": heading, "first": under[0], "last": under[-1], "children": []}
        nodes[heading.id] = node
        parent = nodes.get(heading.parent_id) if heading.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def session_by_token(session: Session, *, token: str) -> CommentSession | None:
    """The session (座谈会) whose QR link carries ``token``, if any."""
    return session.exec(select(CommentSession).where(CommentSession.token == token)).first()


def load_session_page(session: Session, *, token: str) -> DraftPage:
    """The reading page as residents reach it by scanning a session's QR code."""
    comment_session = session_by_token(session, token=token)
    if comment_session is None:
        raise NotFound("这个座谈会链接无效，请向联络员核对二维码或链接。")
    draft = session.get(Draft, comment_session.draft_id)
    page = load_draft_page(session, slug=draft.slug)
    page.comment_session = comment_session
    page.contact_point = session.get(ContactPoint, comment_session.contact_point_id)
    return page
