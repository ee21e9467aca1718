"""Staff review of opinions: edit the text, move, split, merge, mark not-an-opinion. Nothing deletes a comment."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from legis import privacy
from legis.errors import Conflict, NotFound, ValidationError
from legis.models import STATE_PENDING, Comment, Opinion, utcnow
from legis.services import audit
from legis.services.merging import representative


def get_opinion(session: Session, *, opinion_id: int, draft_id: int | None = None) -> Opinion:
    opinion = session.get(Opinion, opinion_id)
    if opinion is None or (draft_id is not None and opinion.draft_id != draft_id):
        raise NotFound("没有找到这条归纳意见，可能已被合并。请刷新页面。")
    return opinion


def get_comment(session: Session, *, comment_id: int, draft_id: int | None = None) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or (draft_id is not None and comment.draft_id != draft_id):
        raise NotFound("没有找到这条意见。")
    return comment


STALE = "这条归纳意见刚刚已被同事合并或修改，您的操作没有保存。请刷新页面查看最新情况后再操作。"


def lock_opinions(session: Session, *opinion_ids: int | None) -> dict[int, Opinion]:
    """Lock the opinions a change touches until the transaction ends, always in id order.

    Two colleagues merging A into B and B into A at once then queue instead of
    deadlocking; whoever comes second finds an opinion gone or changed and gets
    Conflict (409). The rows are re-read, so the caller's objects are current.
    On SQLite the write transaction already excludes every other writer.
    """
    wanted = sorted({i for i in opinion_ids if i is not None})
    found = session.exec(
        select(Opinion).where(Opinion.id.in_(wanted)).order_by(Opinion.id)
        .with_for_update().execution_options(populate_existing=True)).all()
    if len(found) != len(wanted):
        raise Conflict(STALE)
    return {o.id: o for o in found}


def _lock_comment(session: Session, comment: Comment, *, opinion_id: int | None) -> None:
    """Re-read ``comment`` under lock; Conflict when it left ``opinion_id`` meanwhile."""
    session.exec(select(Comment).where(Comment.id == comment.id).with_for_update()
                 .execution_options(populate_existing=True)).one()
    if comment.opinion_id != opinion_id:
        raise Conflict(STALE)


def members(session: Session, *, opinion_id: int) -> list[Comment]:
    return list(session.exec(
        select(Comment).where(Comment.opinion_id == opinion_id).order_by(Comment.id)))


def edit_text(session: Session, *, opinion: Opinion, text: str, actor: str) -> Opinion:
    text = (text or "").strip()
    if len(text) < 2:
        raise ValidationError("归纳意见的文字不能为空。", field="text")
    if len(text) > 4000:
        raise ValidationError("归纳意见不能超过4000字。", field="text")
    found = privacy.kinds(text)
    if found:
        raise ValidationError(f"归纳意见会向群众公开，文字中不能含有个人信息（{'、'.join(found)}），"
                         "请删去后再保存。", field="text")
    lock_opinions(session, opinion.id)
    audit.record(session, actor=actor, action="opinion.edit", target_type="opinion",
                 target_id=opinion.id, draft_id=opinion.draft_id,
                 before={"text": opinion.text, "approved": opinion.approved},
                 after={"text": text, "approved": True})
    opinion.text = text
    opinion.text_edited = True
    # Staff writing the text is staff approving it.
    _approve(opinion, actor)
    session.add(opinion)
    return opinion


def _approve(opinion: Opinion, actor: str) -> None:
    opinion.approved = True
    opinion.approved_by = actor
    opinion.approved_at = opinion.updated_at = utcnow()


def chosen(session: Session, *, draft_id: int, opinion_ids: list[int], what: str) -> list[Opinion]:
    """The opinions ticked for one action on many; every one must still exist."""
    if not opinion_ids:
        raise ValidationError(f"请先勾选要{what}的归纳意见。")
    opinions = list(session.exec(
        select(Opinion).where(Opinion.id.in_(opinion_ids), Opinion.draft_id == draft_id)))
    if len(opinions) != len(set(opinion_ids)):
        raise ValidationError("部分归纳意见已不存在（可能刚被合并），请刷新页面后重试。")
    return opinions


def approve(session: Session, *, draft_id: int, opinion_ids: list[int], actor: str) -> int:
    """Approve the current texts of many opinions for publication; all or none."""
    opinions = chosen(session, draft_id=draft_id, opinion_ids=opinion_ids, what="审核通过")
    for opinion in opinions:
        found = privacy.kinds(opinion.text)
        if found:
            raise ValidationError(f"归纳意见 {opinion.id} 的文字含有个人信息（{'、'.join(found)}），"
                             "请先修改文字再审核通过。", field="text")
    for opinion in opinions:
        if opinion.approved:
            continue
        audit.record(session, actor=actor, action="opinion.approve", target_type="opinion",
                     target_id=opinion.id, draft_id=opinion.draft_id,
                     before={"approved": False}, after={"approved": True, "text": opinion.text})
        _approve(opinion, actor)
        session.add(opinion)
    return len(opinions)


def _touch(session: Session, *opinions: Opinion) -> None:
    for opinion in opinions:
        opinion.staff_touched = True
        opinion.updated_at = utcnow()
        session.add(opinion)


def drop_if_empty(session: Session, opinion: Opinion, actor: str) -> bool:
    """Remove an opinion left with no comments, unless staff already decided on it."""
    session.flush()
    left = session.exec(select(func.count(Comment.id)).where(Comment.opinion_id == opinion.id)).one()
    if left or opinion.state != STATE_PENDING or opinion.text_edited:
        return False
    audit.record(session, actor=actor, action="opinion.remove_empty", target_type="opinion",
                 target_id=opinion.id, draft_id=opinion.draft_id, before={"text": opinion.text})
    session.delete(opinion)
    return True


def move_comment(session: Session, *, comment: Comment, target: Opinion | None, actor: str) -> Opinion:
    """Move a comment to another opinion of the same article, or to a new opinion of its own."""
    source_id = comment.opinion_id
    lock_opinions(session, source_id, target.id if target is not None else None)
    _lock_comment(session, comment, opinion_id=source_id)
    source = session.get(Opinion, source_id) if source_id else None
    if target is not None:
        if target.draft_id != comment.draft_id or target.article_id != comment.article_id:
            raise ValidationError("只能移动到同一条文下的归纳意见。")
        if source is not None and target.id == source.id:
            return target
    else:
        target = Opinion(draft_id=comment.draft_id, article_id=comment.article_id,
                         text=privacy.mask(comment.text))
        session.add(target)
        session.flush()
    audit.record(session, actor=actor, action="opinion.move", target_type="comment",
                 target_id=comment.id, draft_id=comment.draft_id,
                 before={"opinion": source.id if source else None}, after={"opinion": target.id})
    comment.opinion_id = target.id
    comment.awaiting_confirmation = False   # staff chose this opinion for it
    session.add(comment)
    _touch(session, target, *([source] if source else []))
    if source is not None:
        drop_if_empty(session, source, actor)
    return target


def split(session: Session, *, opinion: Opinion, comment_ids: list[int], actor: str) -> Opinion:
    """Take the chosen comments out of ``opinion`` into a new opinion."""
    lock_opinions(session, opinion.id)
    chosen = [c for c in members(session, opinion_id=opinion.id) if c.id in set(comment_ids)]
    if not chosen:
        raise ValidationError("请先勾选要拆分出去的意见。")
    if len(chosen) == len(members(session, opinion_id=opinion.id)):
        raise ValidationError("不能把全部意见都拆出去；至少留下一条。")
    new = Opinion(draft_id=opinion.draft_id, article_id=opinion.article_id,
                  text=privacy.mask(representative([c.text for c in chosen])), staff_touched=True)
    session.add(new)
    session.flush()
    for comment in chosen:
        comment.opinion_id = new.id
        session.add(comment)
    _touch(session, opinion)
    audit.record(session, actor=actor, action="opinion.split", target_type="opinion",
                 target_id=opinion.id, draft_id=opinion.draft_id,
                 before={"opinion": opinion.id}, after={"new_opinion": new.id,
                                                        "comments": [c.id for c in chosen]})
    return new


def merge(session: Session, *, source: Opinion, target: Opinion, actor: str) -> Opinion:
    """Put every comment of ``source`` into ``target``; ``source`` is removed."""
    if source.id == target.id:
        raise ValidationError("不能与自身合并。")
    lock_opinions(session, source.id, target.id)
    if source.article_id != target.article_id or source.draft_id != target.draft_id:
        raise ValidationError("只能合并同一条文下的归纳意见。")
    moved = members(session, opinion_id=source.id)
    for comment in moved:
        comment.opinion_id = target.id
        session.add(comment)
    audit.record(session, actor=actor, action="opinion.merge", target_type="opinion",
                 target_id=target.id, draft_id=target.draft_id,
                 before={"source": source.id, "source_text": source.text,
                         "source_state": source.state, "source_reason": source.reason},
                 after={"target": target.id, "comments": [c.id for c in moved]})
    _touch(session, target)
    session.flush()
    session.delete(source)
    return target


def merge_many(session: Session, *, draft_id: int, source_ids: list[int], target_id: int | None,
               actor: str) -> Opinion:
    """Merge every chosen opinion into the opinion numbered ``target_id``; all or none."""
    if target_id is None:
        raise ValidationError("请填写要合并到的归纳意见编号。", field="into")
    target = session.get(Opinion, target_id)
    if target is None or target.draft_id != draft_id:
        raise ValidationError(f"没有编号为 {target_id} 的归纳意见，请核对编号。", field="into")
    sources = [get_opinion(session, opinion_id=i, draft_id=draft_id)
               for i in dict.fromkeys(source_ids) if i != target_id]
    if not sources:
        raise ValidationError("请先勾选要合并的归纳意见（不含合并目标本身）。", field="into")
    if any(o.article_id != target.article_id for o in sources):
        raise ValidationError(f"归纳意见 {target_id} 不在这一条下，只能合并同一条文下的归纳意见。", field="into")
    for source in sources:
        merge(session, source=source, target=target, actor=actor)
    return target


def move_many(session: Session, *, draft_id: int, comment_ids: list[int], target_id: int | None,
              actor: str) -> Opinion:
    """Move the chosen comments into opinion ``target_id``, or together into a new opinion (None)."""
    comments = [get_comment(session, comment_id=i, draft_id=draft_id) for i in dict.fromkeys(comment_ids)]
    if not comments:
        raise ValidationError("请先勾选要移动的意见。", field="target")
    if target_id is not None:
        target = session.get(Opinion, target_id)
        if target is None or target.draft_id != draft_id:
            raise ValidationError(f"没有编号为 {target_id} 的归纳意见，请核对编号。", field="target")
        if any(c.article_id != target.article_id for c in comments):
            raise ValidationError(f"归纳意见 {target_id} 不在这一条下，只能移到同一条文下的归纳意见。",
                             field="target")
        for comment in comments:
            move_comment(session, comment=comment, target=target, actor=actor)
        return target
    target = move_comment(session, comment=comments[0], target=None, actor=actor)
    for comment in comments[1:]:
        move_comment(session, comment=comment, target=target, actor=actor)
    if len(comments) > 1:
        target.text = privacy.mask(representative([c.text for c in comments]))
        session.add(target)
    return target


def set_excluded(session: Session, *, comment: Comment, excluded: bool, reason: str, actor: str) -> None:
    """Mark a comment as not an opinion (spam, off-topic), or restore it. It is never deleted."""
    source_id = comment.opinion_id
    lock_opinions(session, source_id)
    _lock_comment(session, comment, opinion_id=source_id)
    before = {"excluded": comment.excluded, "opinion": comment.opinion_id}
    source = session.get(Opinion, source_id) if source_id else None
    comment.excluded = excluded
    comment.excluded_reason = (reason or "").strip()[:200] if excluded else ""
    if excluded:
        comment.opinion_id = None
    session.add(comment)
    audit.record(session, actor=actor, action="comment.exclude" if excluded else "comment.include",
                 target_type="comment", target_id=comment.id, draft_id=comment.draft_id,
                 before=before, after={"excluded": excluded, "reason": comment.excluded_reason})
    if source is not None:
        _touch(session, source)
        drop_if_empty(session, source, actor)
