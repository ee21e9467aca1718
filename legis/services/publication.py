"""What residents will see when staff publish the outcome, checked before it goes public."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from legis.models import STATE_PENDING, Comment, Opinion


@dataclass
class PublicationCheck:
    """Counts staff read before publishing; each names what residents would see."""

    opinions: int
    unapproved: int          # shown as 意见正在整理中
    pending: int             # approved but still 待研究: shown as 正在研究
    with_personal_data: int  # members held personal data: their texts are shown masked
    unmerged: int            # not in any opinion: their receipts show 正在研究
    awaiting: int            # joined a decided opinion after the decision: 正在研究 until confirmed

    @property
    def clean(self) -> bool:
        return not (self.unapproved or self.pending or self.unmerged or self.awaiting)


def check(session: Session, *, draft_id: int) -> PublicationCheck:
    live = (Comment.draft_id == draft_id, Comment.excluded.is_(False), Comment.withdrawn.is_(False))
    opinions = list(session.exec(select(Opinion).where(Opinion.draft_id == draft_id)))
    flagged = set(session.exec(
        select(Comment.opinion_id).where(*live, Comment.opinion_id.is_not(None),
                                         Comment.personal_data != "").distinct()).all())
    count = lambda *where: session.exec(select(func.count(Comment.id)).where(*live, *where)).one()
    return PublicationCheck(
        opinions=len(opinions),
        unapproved=sum(1 for o in opinions if not o.approved),
        pending=sum(1 for o in opinions if o.approved and o.state == STATE_PENDING),
        with_personal_data=len(flagged),
        unmerged=count(Comment.opinion_id.is_(None)),
        awaiting=count(Comment.awaiting_confirmation.is_(True)),
    )
