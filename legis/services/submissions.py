"""A point's report (报送) of a draft up the tree: 征集中 → 已报送 → 已接收, or 已退回 with a note.

A host sorts their point's comments into items (grouped by the merging engine,
per article), annotates them, writes a cover note and submits before the
draft's points deadline. A station's submission consolidates what its points
reported. Submitting freezes a version: its snapshot and its document are kept.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func
from sqlmodel import Session, select

from legis import matching
from legis.errors import Conflict, Forbidden, NotFound, ValidationError
from legis.models import (
    SUB_ACCEPTED,
    SUB_OPEN,
    SUB_RETURNED,
    SUB_SUBMITTED,
    Article,
    Comment,
    Draft,
    Meeting,
    Submission,
    SubmissionItem,
    SubmissionVersion,
    utcnow,
)
from legis.services import audit
from legis.services.report_levels import TreeIndex, load_tree
from legis.services.submission_document import submission_document

EDITABLE = (SUB_OPEN, SUB_RETURNED)
# What a receiving point consolidates: everything its points sent and it has not returned.
PASSED_UP = (SUB_SUBMITTED, SUB_ACCEPTED)
NOTE_MAX = 2000


def submission_for(session: Session, *, draft_id: int, point_id: int) -> Submission:
    """The point's submission of this draft, created (征集中) the first time it is asked for."""
    found = session.exec(select(Submission).where(Submission.draft_id == draft_id,
                                                  Submission.contact_point_id == point_id)).first()
    if found is None:
        found = Submission(draft_id=draft_id, contact_point_id=point_id)
        session.add(found)
        session.flush()
    return found


def existing(session: Session, *, draft_id: int, point_ids: list[int]) -> dict[int, Submission]:
    """Submissions of these points, by point id; a point without one is 征集中."""
    if not point_ids:
        return {}
    rows = session.exec(select(Submission).where(Submission.draft_id == draft_id,
                                                 Submission.contact_point_id.in_(point_ids)))
    return {s.contact_point_id: s for s in rows}


def scope_comment_ids(session: Session, *, draft_id: int, point_id: int,
                      tree: TreeIndex | None = None) -> list[int]:
    """The comments a point's submission covers: its own, and what its senders passed up."""
    tree = tree or load_tree(session)
    ids = set(session.exec(select(Comment.id).where(
        Comment.draft_id == draft_id, Comment.contact_point_id == point_id,
        Comment.excluded.is_(False))).all())
    senders = existing(session, draft_id=draft_id, point_ids=tree.senders_to(point_id))
    passed = [s.id for s in senders.values() if s.state in PASSED_UP]
    if passed:
        for comment_ids in session.exec(select(SubmissionItem.comment_ids).where(
                SubmissionItem.submission_id.in_(passed))).all():
            ids.update(comment_ids)
        if ids:   # a comment staff excluded since stays out
            ids = set(session.exec(select(Comment.id).where(
                Comment.id.in_(ids), Comment.excluded.is_(False))).all())
    return sorted(ids)


def items_of(session: Session, *, submission: Submission) -> list[SubmissionItem]:
    return list(session.exec(select(SubmissionItem).where(
        SubmissionItem.submission_id == submission.id).order_by(SubmissionItem.ordinal,
                                                                SubmissionItem.id)))


def _check_editable(submission: Submission) -> None:
    if submission.state not in EDITABLE:
        raise Conflict(f"本联系点的报送材料已{submission.state}，不能再修改；"
                       "如需修改，请联系上级退回。")


def refresh(session: Session, *, submission: Submission, regroup: bool = False,
            tree: TreeIndex | None = None) -> list[SubmissionItem]:
    """Bring the items up to date: comments added since are grouped into new items.

    ``regroup`` groups every comment again from scratch (annotations are dropped).
    A submitted version is never touched.
    """
    items = items_of(session, submission=submission)
    if submission.state not in EDITABLE:
        if regroup:
            _check_editable(submission)
        return items
    in_scope = scope_comment_ids(session, draft_id=submission.draft_id,
                                 point_id=submission.contact_point_id, tree=tree)
    if regroup:
        session.exec(delete(SubmissionItem).where(SubmissionItem.submission_id == submission.id))
        items = []
    wanted = set(in_scope)
    placed: set[int] = set()
    for item in items:   # drop comments no longer in scope (excluded, or a sender was returned)
        kept = [c for c in item.comment_ids if c in wanted]
        if kept != item.comment_ids:
            item.comment_ids = kept
            session.add(item)
        placed.update(kept)
    for item in [i for i in items if not i.comment_ids]:
        session.delete(item)
        items.remove(item)
    new = [c for c in in_scope if c not in placed]
    if new:
        items += _group(session, submission=submission, comment_ids=new, start=len(items))
    session.flush()
    return sorted(items, key=_item_order(session, items))


def _item_order(session: Session, items: list[SubmissionItem]):
    ordinals = dict(session.exec(select(Article.id, Article.ordinal).where(
        Article.id.in_({i.article_id for i in items if i.article_id}))).all())
    return lambda i: (ordinals.get(i.article_id, -1), i.ordinal, i.id or 0)


def _group(session: Session, *, submission: Submission, comment_ids: list[int],
           start: int) -> list[SubmissionItem]:
    """Group comments per article with the same engine that merges a draft's opinions."""
    rows = session.exec(select(Comment.id, Comment.article_id, Comment.text).where(
        Comment.id.in_(comment_ids)).order_by(Comment.id)).all()
    groups = matching.cluster_by_article([(r[1], r[2]) for r in rows])
    members: dict[int, list] = {}
    for row, group in zip(rows, groups, strict=True):
        members.setdefault(group, []).append(row)
    items = []
    for n, group in enumerate(sorted(members)):
        rows_of = members[group]
        items.append(SubmissionItem(submission_id=submission.id, article_id=rows_of[0][1],
                                    ordinal=start + n, text=rows_of[0][2],
                                    comment_ids=[r[0] for r in rows_of]))
    session.add_all(items)
    return items


def annotate(session: Session, *, submission: Submission, item_id: int, text: str, note: str,
             actor: str) -> SubmissionItem:
    """The host's wording of a group and their note on it."""
    _check_editable(submission)
    item = session.get(SubmissionItem, item_id)
    if item is None or item.submission_id != submission.id:
        raise NotFound("没有找到这条归类意见，可能已重新归类，请刷新页面。")
    text, note = (text or "").strip(), (note or "").strip()
    if not text:
        raise ValidationError("意见内容不能为空。", field="text")
    if len(text) > NOTE_MAX or len(note) > NOTE_MAX:
        raise ValidationError(f"意见内容和备注各不能超过{NOTE_MAX}字。", field="note")
    item.text, item.note = text, note
    session.add(item)
    audit.record(session, actor=actor, action="submission.annotate", target_type="submission",
                 target_id=submission.id, draft_id=submission.draft_id, after={"item": item_id})
    return item


def set_cover_note(session: Session, *, submission: Submission, note: str, actor: str) -> None:
    _check_editable(submission)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"报送说明不能超过{NOTE_MAX}字。", field="cover_note")
    submission.cover_note = note
    submission.updated_at = utcnow()
    session.add(submission)


def submit(session: Session, *, submission: Submission, actor: str, on: date, office: str,
           tree: TreeIndex | None = None) -> SubmissionVersion:
    """Report up: the items as they are now are frozen with the document, and the state is 已报送."""
    _check_editable(submission)
    draft = session.get(Draft, submission.draft_id)
    tree = tree or load_tree(session)
    if not tree.submits(submission.contact_point_id):
        raise ValidationError("按本联系点所在网络的报送层级，本联系点无需报送，由下级联系点报送。")
    if draft.points_deadline is not None and on > draft.points_deadline:
        raise Conflict(f"报送截止日期（{draft.points_deadline:%Y年%m月%d日}）已过，不能再报送。"
                       "如需补报，请联系法工委延长截止日期。")
    items = refresh(session, submission=submission, tree=tree)
    number = (session.exec(select(func.max(SubmissionVersion.number)).where(
        SubmissionVersion.submission_id == submission.id)).one() or 0) + 1
    version = SubmissionVersion(submission_id=submission.id, number=number, submitted_by=actor,
                                snapshot=snapshot(session, submission=submission, items=items,
                                                  tree=tree),
                                document=submission_document(session, submission=submission,
                                                             items=items, office=office))
    session.add(version)
    before = submission.state
    submission.state, submission.submitted_at, submission.submitted_by = SUB_SUBMITTED, utcnow(), actor
    submission.return_note = ""
    submission.updated_at = utcnow()
    session.add(submission)
    audit.record(session, actor=actor, action="submission.submit", target_type="submission",
                 target_id=submission.id, draft_id=submission.draft_id,
                 before={"state": before}, after={"state": SUB_SUBMITTED, "version": number})
    return version


def snapshot(session: Session, *, submission: Submission, items: list[SubmissionItem],
             tree: TreeIndex) -> dict:
    """What was sent, as plain data: kept unchanged with the version."""
    labels = dict(session.exec(select(Article.id, Article.label).where(
        Article.id.in_({i.article_id for i in items if i.article_id}))).all())
    point = submission.contact_point_id
    meetings, people = session.exec(select(func.count(Meeting.id),
                                           func.coalesce(func.sum(Meeting.participant_count), 0))
                                    .where(Meeting.draft_id == submission.draft_id,
                                           Meeting.contact_point_id.in_(tree.subtree(point)))
                                    ).one()
    senders = existing(session, draft_id=submission.draft_id, point_ids=tree.senders_to(point))
    return {
        "point": tree.points[point].name,
        "cover_note": submission.cover_note,
        "comments": sum(len(i.comment_ids) for i in items),
        "meetings": meetings, "participants": int(people),
        "items": [{"article": labels.get(i.article_id, "总体意见"), "text": i.text, "note": i.note,
                   "comments": len(i.comment_ids), "comment_ids": i.comment_ids} for i in items],
        "senders": [{"point": tree.points[p].name,
                     "state": senders[p].state if p in senders else SUB_OPEN}
                    for p in tree.senders_to(point)],
    }


def review(session: Session, *, submission: Submission, accept: bool, note: str, actor: str,
           reviewer_points: frozenset[int] | None, tree: TreeIndex | None = None) -> Submission:
    """The receiver accepts a submission, or returns it with a note saying what to change.

    ``reviewer_points`` is the reviewer's scope: None is the office, which reviews
    what reports to the office; a host reviews what reports to a point of theirs.
    """
    tree = tree or load_tree(session)
    receiver = tree.receiver(submission.contact_point_id)
    if reviewer_points is None:
        if receiver is not None:
            raise Forbidden(f"该联系点向“{tree.points[receiver].name}”报送，应由其接收或退回。")
    elif receiver is None or receiver not in reviewer_points:
        raise Forbidden("该联系点不向您所在的联系点报送，您不能接收或退回。")
    if submission.state != SUB_SUBMITTED:
        raise Conflict(f"只有“已报送”的材料可以接收或退回，该材料当前为“{submission.state}”。")
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError("退回时请写明退回原因和需要修改的地方。", field="note")
    if len(note) > NOTE_MAX:
        raise ValidationError(f"说明不能超过{NOTE_MAX}字。", field="note")
    submission.state = SUB_ACCEPTED if accept else SUB_RETURNED
    submission.return_note = "" if accept else note
    submission.reviewed_at, submission.reviewed_by = utcnow(), actor
    submission.updated_at = utcnow()
    session.add(submission)
    audit.record(session, actor=actor, action="submission.accept" if accept else "submission.return",
                 target_type="submission", target_id=submission.id, draft_id=submission.draft_id,
                 before={"state": SUB_SUBMITTED}, after={"state": submission.state, "note": note})
    return submission


def versions(session: Session, *, submission: Submission) -> list[SubmissionVersion]:
    return list(session.exec(select(SubmissionVersion).where(
        SubmissionVersion.submission_id == submission.id).order_by(SubmissionVersion.number)))


def version(session: Session, *, submission: Submission, number: int) -> SubmissionVersion:
    found = session.exec(select(SubmissionVersion).where(
        SubmissionVersion.submission_id == submission.id,
        SubmissionVersion.number == number)).first()
    if found is None:
        raise NotFound("没有找到这一版报送材料。")
    return found
