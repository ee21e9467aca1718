"""One action on the opinions or comments staff ticked on an article's review page."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from legis.errors import ValidationError
from legis.services import dispositions
from legis.services import opinions as opinion_service

# What each action tells staff when done ({n} how many, {target} the opinion's number).
DONE = {
    "approve": "已审核通过{n}条归纳意见的文字，公开后居民将看到这些文字。",
    "merge": "已把{n}条归纳意见合并到归纳意见 {target}。",
    "move": "已把{n}条意见移到归纳意见 {target}。",
    "move_new": "已把{n}条意见移出，成为新的归纳意见 {target}。",
    "exclude": "已把{n}条意见标记为非意见（原文保留，可随时恢复）。",
    "confirm": "已确认新加入的{n}条意见适用这条归纳意见的处理结果。",
}
ON_COMMENTS = {"move", "move_new", "exclude"}


@dataclass
class ReviewAction:
    """What the form sent: the action, the ticked opinions and comments, and the typed target."""

    action: str
    opinions: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    target: str = ""          # an opinion number as typed ("12", "#12")
    opinion_id: int | None = None   # the opinion a "confirm" is about

    @property
    def target_field(self) -> str:
        return "into" if self.action == "merge" else "target"

    def target_number(self) -> int | None:
        raw = self.target.strip().lstrip("#")
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationError(f"“{raw[:20]}”不是归纳意见编号，请填写数字编号。", field=self.target_field)
        return int(raw)


def perform(session: Session, *, draft_id: int, request: ReviewAction, actor: str
            ) -> tuple[int, int | None]:
    """Do it; returns (how many were acted on, the opinion to show afterwards or None)."""
    if request.action not in DONE:
        raise ValidationError("不认识的操作，请刷新页面后重试。")
    target = request.target_number() if request.action in ("merge", "move") else None
    if request.action == "approve":
        return opinion_service.approve(session, draft_id=draft_id, opinion_ids=request.opinions,
                                       actor=actor), None
    if request.action == "merge":
        done = opinion_service.merge_many(session, draft_id=draft_id, source_ids=request.opinions,
                                          target_id=target, actor=actor)
        return len(set(request.opinions) - {done.id}), done.id
    if request.action in ("move", "move_new"):
        if request.action == "move" and target is None:
            raise ValidationError("请填写要移到的归纳意见编号。", field="target")
        done = opinion_service.move_many(session, draft_id=draft_id, comment_ids=request.comments,
                                         target_id=target, actor=actor)
        return len(request.comments), done.id
    if request.action == "exclude":
        if not request.comments:
            raise ValidationError("请先勾选要标记的意见。", field="target")
        for comment_id in request.comments:
            opinion_service.set_excluded(
                session, comment=opinion_service.get_comment(session, comment_id=comment_id,
                                                             draft_id=draft_id),
                excluded=True, reason="非意见（无关或广告）", actor=actor)
        return len(request.comments), None
    opinion = opinion_service.get_opinion(session, opinion_id=request.opinion_id or 0, draft_id=draft_id)
    return dispositions.confirm_new_members(session, opinion=opinion), opinion.id
