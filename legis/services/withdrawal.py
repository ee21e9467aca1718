"""Withdrawing a draft (archived with a reason, hidden from the public, comments kept) or deleting one.

A draft residents have commented on is never deleted: it can only be withdrawn.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from legis.errors import Conflict, ValidationError
from legis.models import (
    STATUS_WITHDRAWN,
    Article,
    ArticleLink,
    Comment,
    Disposition,
    Draft,
    DraftSlug,
    DraftVersion,
    FigureCount,
    Heading,
    Job,
    JobFile,
    Meeting,
    Opinion,
    OpinionCount,
    Referral,
    ReferralOpinion,
    Submission,
    SubmissionItem,
    SubmissionVersion,
    utcnow,
)

MAX_REASON = 500


def comment_count(session: Session, *, draft: Draft) -> int:
    return session.exec(select(func.count()).select_from(Comment)
                        .where(Comment.draft_id == draft.id)).one()


def withdraw(session: Session, *, draft: Draft, reason: str) -> Draft:
    """Archive ``draft`` with a reason: hidden from residents, every comment kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写撤回的理由（例如“起草单位另行起草”）。", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"撤回理由不能超过{MAX_REASON}字。", field="reason")
    draft.status = STATUS_WITHDRAWN
    draft.withdrawn_reason = reason
    draft.updated_at = utcnow()
    session.add(draft)
    return draft


def delete_draft(session: Session, *, draft: Draft) -> None:
    """Delete a draft nobody has commented on, with its versions, articles and sessions."""
    count = comment_count(session, draft=draft)
    if count:
        raise Conflict(f"这部草案已有{count}条意见，不能删除（意见必须保留）。如不再征求意见，请撤回草案。")
    versions = select(DraftVersion.id).where(DraftVersion.draft_id == draft.id)
    articles = select(Article.id).where(Article.version_id.in_(versions))
    opinions = select(Opinion.id).where(Opinion.draft_id == draft.id)
    submissions = select(Submission.id).where(Submission.draft_id == draft.id)
    referrals = select(Referral.id).where(Referral.draft_id == draft.id)
    for statement in (
        # A point may have opened (or reported "no comments" on) a draft nobody commented on.
        delete(SubmissionItem).where(SubmissionItem.submission_id.in_(submissions)),
        delete(SubmissionVersion).where(SubmissionVersion.submission_id.in_(submissions)),
        delete(Submission).where(Submission.draft_id == draft.id),
        delete(ReferralOpinion).where(ReferralOpinion.referral_id.in_(referrals)),
        delete(Referral).where(Referral.draft_id == draft.id),
        delete(Disposition).where(Disposition.opinion_id.in_(opinions)),
        delete(Opinion).where(Opinion.draft_id == draft.id),
        delete(ArticleLink).where(or_(ArticleLink.old_article_id.in_(articles),
                                      ArticleLink.new_article_id.in_(articles))),
        delete(Article).where(Article.version_id.in_(versions)),
        delete(Heading).where(Heading.version_id.in_(versions)),
        delete(DraftVersion).where(DraftVersion.draft_id == draft.id),
        delete(DraftSlug).where(DraftSlug.draft_id == draft.id),
        delete(Meeting).where(Meeting.draft_id == draft.id),
        delete(JobFile).where(JobFile.job_id.in_(select(Job.id).where(Job.draft_id == draft.id))),
        delete(Job).where(Job.draft_id == draft.id),
        delete(OpinionCount).where(OpinionCount.draft_id == draft.id),
        delete(FigureCount).where(FigureCount.draft_id == draft.id),
    ):
        session.exec(statement)
    session.delete(draft)
    session.flush()
