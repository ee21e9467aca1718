"""Hosts and staff correct paper comments they entered: edit text or article, withdraw one or a whole import.

Nothing is deleted. Every change is an audit log entry holding the text
before and after, which is the comment's history; a withdrawn comment stays
stored with its reason and is left out of merging, counts and reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from legis import privacy
from legis.errors import Conflict, Forbidden, LegisError, NotFound, ValidationError
from legis.models import STATE_PENDING, AuditLog, Comment, Draft, Opinion, PaperImport
from legis.services import audit
from legis.services.comments import CommentInput
from legis.services.drafts import current_version, is_open

REASON_MAX = 200


@dataclass
class Editor:
    """Who asks: staff may correct any entered comment, a host only those they entered."""

    user_id: int | None
    role: str
    name: str

    def may_correct(self, comment: Comment) -> bool:
        if comment.entered_by is None:
            return False   # a resident's own online comment is theirs, not the host's
        return self.role in ("staff", "admin") or comment.entered_by == self.user_id


def correctable(session: Session, *, comment_id: int, editor: Editor) -> Comment:
    """The comment if ``editor`` may still change it, else a clear refusal."""
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("没有找到这条意见。")
    if not editor.may_correct(comment):
        raise Forbidden("只能更正您自己录入的书面意见；居民在网上提交的意见不能修改。")
    _check_still_open(session, comment)
    return comment


def _check_still_open(session: Session, comment: Comment) -> None:
    if comment.withdrawn:
        raise Conflict("这条意见已经撤回，不能再修改。")
    draft = session.get(Draft, comment.draft_id)
    if draft is None or not is_open(draft):
        raise Conflict("意见征集已经结束，录入的意见不能再修改或撤回；如确有错误，请联系法工委工作人员。")
    opinion = session.get(Opinion, comment.opinion_id) if comment.opinion_id else None
    if opinion is not None and opinion.state != STATE_PENDING:
        raise Conflict(f"这条意见所在的归纳意见已作出处理决定（{opinion.state}），不能再修改或撤回。")


def edit(session: Session, *, comment: Comment, text: str, article_id: int | None,
         editor: Editor) -> Comment:
    """Change the text or article of an entered comment; the old values stay in the audit log."""
    data = CommentInput(text=text, article_id=article_id, name=comment.name,
                        phone=comment.phone, community=comment.community, consent=True).validate()
    if "text" in data.errors:
        raise ValidationError(data.errors["text"], field="text")
    if article_id is not None:
        version = current_version(session, draft=session.get(Draft, comment.draft_id))
        from legis.models import Article

        article = session.get(Article, article_id)
        if article is None or article.version_id != version.id:
            raise ValidationError("所选条文不属于这部草案的当前文本。", field="article")
    before = {"text": comment.text, "article_id": comment.article_id}
    after = {"text": data.text, "article_id": article_id}
    if before == after:
        return comment
    audit.record(session, actor=editor.name, action="comment.edit", target_type="comment",
                 target_id=comment.id, draft_id=comment.draft_id, before=before, after=after)
    moved = comment.article_id != article_id
    comment.text = data.text
    comment.article_id = article_id
    comment.personal_data = privacy.label(data.text)
    session.add(comment)
    if moved:
        _leave_opinion(session, comment, editor.name)
    return comment


def withdraw(session: Session, *, comment: Comment, reason: str, editor: Editor) -> Comment:
    """Take a wrongly entered comment out of the count; it stays stored with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请写明撤回的原因（例如：重复录入、录错了人）。", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"撤回原因不能超过{REASON_MAX}字。", field="reason")
    audit.record(session, actor=editor.name, action="comment.withdraw", target_type="comment",
                 target_id=comment.id, draft_id=comment.draft_id,
                 before={"withdrawn": False, "opinion": comment.opinion_id},
                 after={"withdrawn": True, "reason": reason})
    comment.withdrawn = True
    comment.withdrawn_reason = reason
    session.add(comment)
    _leave_opinion(session, comment, editor.name)
    return comment


def withdraw_import(session: Session, *, import_id: int, meeting_id: int, reason: str,
                    editor: Editor) -> int:
    """Withdraw every row of one spreadsheet import; all or none."""
    batch = session.get(PaperImport, import_id)
    if batch is None or batch.meeting_id != meeting_id:
        raise NotFound("没有找到这次导入。")
    if batch.withdrawn:
        raise Conflict("这次导入已经撤回过了。")
    rows = list(session.exec(select(Comment).where(Comment.import_id == import_id,
                                                   Comment.withdrawn.is_(False))))
    for comment in rows:
        if not editor.may_correct(comment):
            raise Forbidden("只能撤回您自己导入的表格。")
        _check_still_open(session, comment)
    for comment in rows:
        withdraw(session, comment=comment, reason=reason, editor=editor)
    batch.withdrawn = True
    session.add(batch)
    audit.record(session, actor=editor.name, action="import.withdraw", target_type="paper_import",
                 target_id=batch.id, after={"rows": len(rows), "reason": reason})
    return len(rows)


def _leave_opinion(session: Session, comment: Comment, actor: str) -> None:
    """Out of its opinion (the next merge places it again); an opinion left empty goes."""
    from legis.services.opinions import drop_if_empty

    opinion = session.get(Opinion, comment.opinion_id) if comment.opinion_id else None
    comment.opinion_id = None
    comment.awaiting_confirmation = False
    session.add(comment)
    if opinion is not None:
        drop_if_empty(session, opinion, actor)


def history(session: Session, *, comment_id: int) -> list[AuditLog]:
    """Every change made to a comment, oldest first (its original text is in the first one)."""
    return list(session.exec(
        select(AuditLog).where(AuditLog.target_type == "comment", AuditLog.target_id == comment_id)
        .order_by(AuditLog.id)))


def imports_of(session: Session, *, meeting_id: int) -> list[PaperImport]:
    return list(session.exec(select(PaperImport).where(PaperImport.meeting_id == meeting_id)
                             .order_by(PaperImport.id)))


def why_locked(session: Session, *, comment: Comment) -> str:
    """"" when the comment may still be corrected, else the reason in Chinese."""
    try:
        _check_still_open(session, comment)
    except LegisError as error:
        return error.message
    return ""
