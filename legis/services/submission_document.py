"""The document a point submits: the report exporter's .docx, filled with the host's own items.

Kept apart from the state machine so the report exporter's rewrite can replace it alone.
"""

from __future__ import annotations

from collections import Counter

from sqlmodel import Session, select

from legis.exporters.model import ReportOpinion
from legis.models import (
    STATE_PENDING,
    Article,
    Comment,
    ContactPoint,
    Meeting,
    Submission,
    SubmissionItem,
)
from legis.services import reports


def submission_document(session: Session, *, submission: Submission, items: list[SubmissionItem],
                        office: str) -> bytes:
    """The .docx of a submission: its items as the opinions (the host's note as 理由), masked."""
    data = reports.build_report(session, draft_id=submission.draft_id, office=office,
                                contact_point_id=submission.contact_point_id)
    ids = {c for item in items for c in item.comment_ids}
    comments = {c.id: c for c in session.exec(select(Comment).where(Comment.id.in_(ids)))}
    articles = {a.id: a for a in session.exec(select(Article).where(
        Article.id.in_({i.article_id for i in items if i.article_id})))}
    points = dict(session.exec(select(ContactPoint.id, ContactPoint.name)).all())
    titles = {s.id: s.title or f"座谈会{s.id}" for s in session.exec(select(Meeting).where(
        Meeting.draft_id == submission.draft_id))}
    opinions = []
    for item in items:
        article = articles.get(item.article_id)
        label = article.label if article else "总体意见"
        members = [comments[c] for c in item.comment_ids if c in comments]
        named = Counter(points.get(c.contact_point_id, "") for c in members)
        opinions.append(ReportOpinion(
            id=item.id, article_label=label, article_ordinal=article.ordinal + 1 if article else 0,
            text=item.text, supporters=len(members),
            contact_points=[n for n, _ in named.most_common() if n], state=STATE_PENDING,
            note=item.note,
            comments=[reports._report_comment(c, label, points, titles, internal=False)
                      for c in members]))
    data.opinions = opinions
    data.comments = len(ids)
    data.contact_points = len({c.contact_point_id for c in comments.values() if c.contact_point_id})
    return reports.render(data, fmt="docx")
