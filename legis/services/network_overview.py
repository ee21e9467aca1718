"""What the reporting pages (报送) show: a host's points per draft, and one point's submission."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from legis.errors import NotFound
from legis.models import Article, Comment, Draft
from legis.services import report_levels, submissions
from legis.services.drafts import get_draft, list_drafts
from legis.vocabulary import DraftStatus, SubmissionState

OFFICE_NAME = "法工委"        # who receives from a point at the top of its network


def reporting_drafts(session: Session) -> list[Draft]:
    """Drafts a point may report on: not withdrawn, and past being an unscheduled 草稿."""
    return [d for d in list_drafts(session)
            if d.status != DraftStatus.WITHDRAWN and (d.status != DraftStatus.DRAFT or d.comment_start)]


def point_lines(session: Session, *, points: frozenset[int] | None) -> tuple[list[Draft], list[dict]]:
    """Per draft and per point of the host's (those that submit or receive): its state and who waits."""
    tree = report_levels.load_tree(session)
    drafts = reporting_drafts(session)
    mine = sorted(p for p in (points if points is not None else [])
                  if tree.submits(p) or tree.senders_to(p))
    lines = []
    for draft in drafts:
        subs = submissions.existing(session, draft_id=draft.id,
                                    point_ids=mine + [s for p in mine for s in tree.senders_to(p)])
        for pid in mine:
            waiting = [tree.points[s].name for s in tree.senders_to(pid)
                       if s in subs and subs[s].state == SubmissionState.SUBMITTED]
            state = subs[pid].state if pid in subs else SubmissionState.OPEN
            lines.append({"draft": draft, "point": tree.points[pid], "state": state,
                          "waiting": waiting, "submits": tree.submits(pid)})
    return drafts, lines


def submission_overview(session: Session, *, draft_id: int, point_id: int,
                        reviewer_points: frozenset[int] | None, today: date) -> dict:
    """One point's submission for a draft, refreshed from its comments, with what the page shows."""
    draft = get_draft(session, draft_id=draft_id)
    tree = report_levels.load_tree(session)
    if point_id not in tree.points:
        raise NotFound("没有找到这个联系点。")
    submission = submissions.submission_for(session, draft_id=draft_id, point_id=point_id)
    items = submissions.refresh(session, submission=submission, tree=tree)
    ids = [c for item in items for c in item.comment_ids]
    texts = dict(session.exec(select(Comment.id, Comment.text).where(Comment.id.in_(ids))).all())
    labels = dict(session.exec(select(Article.id, Article.label).where(
        Article.id.in_({i.article_id for i in items if i.article_id}))).all())
    senders = tree.senders_to(point_id)
    sender_subs = submissions.existing(session, draft_id=draft_id, point_ids=senders)
    receiver = tree.receiver(point_id)
    return {
        "draft": draft, "point": tree.points[point_id], "submission": submission,
        "items": items, "texts": texts, "labels": labels,
        "submits": tree.submits(point_id),
        "receiver": tree.points[receiver].name if receiver else OFFICE_NAME,
        "senders": [(tree.points[s], sender_subs.get(s)) for s in senders],
        "versions": submissions.versions(session, submission=submission),
        "may_review": submissions.review_refusal(tree, point_id=point_id,
                                                 reviewer_points=reviewer_points) is None,
        "today": today,
    }
