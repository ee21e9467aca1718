"""How many have taken part in a draft's consultation, and the comments one browser visit left."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, case, cast, func, literal
from sqlmodel import Session, select

from legis.models import Article, Comment


@dataclass(frozen=True)
class Turnout:
    comments: int = 0
    participants: int = 0


def _participant_key():
    """Who a comment counts as: its browser visit, else its phone number, else itself.

    Comments typed in at a session or from paper carry no visit; a phone number
    given with several of them joins them; the rest count one person each.
    """
    return case(
        (Comment.visitor != "", literal("v:") + Comment.visitor),
        (Comment.phone != "", literal("p:") + Comment.phone),
        else_=literal("c:") + cast(Comment.id, String),
    )


def turnout(session: Session, *, draft_ids: list[int]) -> dict[int, Turnout]:
    """Comments and participants per draft so far (comments staff set aside as spam not counted)."""
    if not draft_ids:
        return {}
    rows = session.exec(
        select(Comment.draft_id, func.count(Comment.id), func.count(func.distinct(_participant_key())))
        .where(Comment.draft_id.in_(draft_ids), Comment.excluded == False)
        .group_by(Comment.draft_id)
    ).all()
    found = {draft_id: Turnout(comments, people) for draft_id, comments, people in rows}
    return {draft_id: found.get(draft_id, Turnout()) for draft_id in draft_ids}


@dataclass
class OwnComment:
    comment: Comment
    article: Article | None


def own_comments(session: Session, *, draft_id: int, codes: list[str]) -> list[OwnComment]:
    """The comments with these receipt codes on this draft, oldest first (a visit's own record)."""
    if not codes:
        return []
    rows = session.exec(
        select(Comment, Article)
        .join(Article, Article.id == Comment.article_id, isouter=True)
        .where(Comment.draft_id == draft_id, Comment.receipt_code.in_(codes))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    return [OwnComment(comment, article) for comment, article in rows]
