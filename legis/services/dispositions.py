"""Dispositions: staff decide on each opinion, with a reason, a history, templates and publication."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from legis import privacy
from legis.errors import ValidationError
from legis.models import (
    STATE_ADOPTED,
    STATE_PARTIAL,
    STATE_PENDING,
    STATE_REJECTED,
    STATES,
    Article,
    Comment,
    Disposition,
    Draft,
    Opinion,
    ReasonTemplate,
    utcnow,
)
from legis.services import audit
from legis.services.opinions import lock_opinions

NEEDS_REASON = {STATE_PARTIAL, STATE_REJECTED}
RECORDS_CHANGE = {STATE_ADOPTED, STATE_PARTIAL}
# Reasons as practice writes them. 已有规定（已体现） also serves supportive opinions
# ("赞成尽快出台"): they are 采纳 without a change to the text, and this says why, so the
# tallies the congress reads stay 采纳 / 部分采纳 / 未采纳 / 待研究.
DEFAULT_REASONS = (
    "草案已有规定（已体现）",
    "维持原规定，不作修改",
    "上位法已有规定，本条例不再重复规定",
    "不属于本法规调整范围",
    "已在其他条款中体现",
    "建议较为具体，可在配套文件或实施细则中研究落实",
    "与上位法规定不一致，不宜采纳",
)


def decide(session: Session, *, opinion: Opinion, state: str, reason: str = "",
           change_note: str = "", actor: str) -> Disposition:
    """Record a decision on one opinion; the previous one stays in its history."""
    lock_opinions(session, opinion.id)   # Conflict (409) when a colleague merged it away
    if state not in STATES:
        raise ValidationError("请选择处理结果：采纳、部分采纳、未采纳或待研究。", field="state")
    reason = (reason or "").strip()
    change_note = (change_note or "").strip()
    if state in NEEDS_REASON and not reason:
        raise ValidationError(f"“{state}”需要填写理由，可从常用理由中选择。", field="reason")
    if len(reason) > 2000 or len(change_note) > 2000:
        raise ValidationError("理由和修改情况各不能超过2000字。", field="reason")
    if state not in RECORDS_CHANGE:
        change_note = ""
    entry = Disposition(opinion_id=opinion.id, state=state, previous_state=opinion.state,
                        reason=reason, change_note=change_note, decided_by=actor)
    session.add(entry)
    audit.record(session, actor=actor, action="disposition.set", target_type="opinion",
                 target_id=opinion.id, draft_id=opinion.draft_id,
                 before={"state": opinion.state, "reason": opinion.reason,
                         "change_note": opinion.change_note},
                 after={"state": state, "reason": reason, "change_note": change_note})
    opinion.state = state
    opinion.reason = reason
    opinion.change_note = change_note
    opinion.decided_by = actor
    opinion.decided_at = utcnow()
    opinion.updated_at = utcnow()
    session.add(opinion)
    confirm_new_members(session, opinion=opinion)
    return entry


def confirm_new_members(session: Session, *, opinion: Opinion) -> int:
    """Staff confirm the opinion's decision applies to comments that joined after it was made."""
    waiting = list(session.exec(select(Comment).where(
        Comment.opinion_id == opinion.id, Comment.awaiting_confirmation.is_(True))))
    for comment in waiting:
        comment.awaiting_confirmation = False
        session.add(comment)
    return len(waiting)


def bulk_decide(session: Session, *, draft_id: int, opinion_ids: list[int], state: str,
                reason: str, change_note: str = "", actor: str) -> int:
    """Apply one decision to many opinions at once; all or none."""
    from legis.services.opinions import chosen

    if opinion_ids:
        lock_opinions(session, *opinion_ids)   # in id order; 409 when one was merged away
    opinions = chosen(session, draft_id=draft_id, opinion_ids=opinion_ids, what="批量处理")
    for opinion in opinions:
        decide(session, opinion=opinion, state=state, reason=reason, change_note=change_note,
               actor=actor)
    return len(opinions)


def history(session: Session, *, opinion_id: int) -> list[Disposition]:
    return list(session.exec(
        select(Disposition).where(Disposition.opinion_id == opinion_id).order_by(Disposition.id)))


def reason_templates(session: Session) -> list[ReasonTemplate]:
    """The reusable reasons, seeded with common ones the first time they are asked for."""
    templates = list(session.exec(select(ReasonTemplate).order_by(ReasonTemplate.ordinal,
                                                                  ReasonTemplate.id)))
    if not templates and not session.exec(select(ReasonTemplate.id)).first():
        templates = [ReasonTemplate(text=text, ordinal=i) for i, text in enumerate(DEFAULT_REASONS)]
        session.add_all(templates)
        session.flush()
    return templates


def save_template(session: Session, *, text: str, template_id: int | None = None,
                  actor: str) -> ReasonTemplate:
    text = (text or "").strip()
    if not text:
        raise ValidationError("理由内容不能为空。", field="text")
    if len(text) > 500:
        raise ValidationError("常用理由不能超过500字。", field="text")
    template = session.get(ReasonTemplate, template_id) if template_id else None
    if template_id and template is None:
        raise ValidationError("没有找到这条常用理由。")
    before = {"text": template.text} if template else None
    template = template or ReasonTemplate(text=text, ordinal=len(reason_templates(session)))
    template.text = text
    session.add(template)
    session.flush()
    audit.record(session, actor=actor, action="reason_template.save", target_type="reason_template",
                 target_id=template.id, before=before, after={"text": text})
    return template


def delete_template(session: Session, *, template_id: int, actor: str) -> None:
    template = session.get(ReasonTemplate, template_id)
    if template is None:
        return
    audit.record(session, actor=actor, action="reason_template.delete",
                 target_type="reason_template", target_id=template_id, before={"text": template.text})
    session.delete(template)


def set_published(session: Session, *, draft: Draft, published: bool, actor: str) -> Draft:
    """Publishing shows dispositions to residents (receipts and the 回音壁); it can be withdrawn."""
    before = {"published": draft.feedback_published_at is not None}
    draft.feedback_published_at = utcnow() if published else None
    draft.updated_at = utcnow()
    session.add(draft)
    audit.record(session, actor=actor, action="draft.publish" if published else "draft.unpublish",
                 target_type="draft", target_id=draft.id, draft_id=draft.id,
                 before=before, after={"published": published})
    return draft


@dataclass
class Row:
    """Counts per state for one article or contact point."""

    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Overview:
    totals: Row
    by_article: list[Row]
    by_point: list[Row]

    @property
    def pending(self) -> int:
        return self.totals.counts[STATE_PENDING]

    def percent(self, state: str) -> str:
        """The state's share as printed in the report ("33.4%"): the shares add up to 100.0%."""
        from legis.exporters.figures import percentages

        counts = [self.totals.counts[s] for s in STATES]
        return percentages(counts)[STATES.index(state)]


PREPARING = "意见正在整理中"


@dataclass
class PublicOpinion:
    """An opinion as residents may see it: an approved, masked text, or 意见正在整理中."""

    id: int
    text: str
    state: str
    reason: str
    change_note: str
    approved: bool
    supporters: int = 0


def public_opinion(opinion, supporters: int = 0) -> PublicOpinion:
    """``opinion`` (an Opinion, or a row of its id, approved, text, state, reason and
    change_note) as residents may see it."""
    if not opinion.approved:
        return PublicOpinion(opinion.id, PREPARING, STATE_PENDING, "", "", False, supporters)
    return PublicOpinion(opinion.id, privacy.mask(opinion.text), opinion.state,
                         privacy.mask(opinion.reason), privacy.mask(opinion.change_note), True,
                         supporters)


def outcome_for_comment(session: Session, *, comment: Comment) -> tuple[PublicOpinion | None, bool]:
    """The opinion a comment joined, as the resident may see it, and whether its outcome is published.

    A comment that joined a decided opinion after the decision shows 正在研究
    until staff confirm the decision applies to it too.
    """
    draft = session.get(Draft, comment.draft_id)
    opinion = session.get(Opinion, comment.opinion_id) if comment.opinion_id else None
    if opinion is None or comment.withdrawn:
        return None, bool(draft and draft.feedback_published_at)
    shown = public_opinion(opinion)
    if comment.awaiting_confirmation:
        shown.state, shown.reason, shown.change_note = STATE_PENDING, "", ""
    return shown, bool(draft and draft.feedback_published_at)


@dataclass
class WallEntry:
    label: str
    opinions: list[PublicOpinion]


def public_wall(session: Session, *, draft: Draft) -> tuple[Row, list[WallEntry]]:
    """What the 回音壁 shows: approved, masked opinions and their outcome per article. Never personal data."""
    from sqlalchemy import func

    supporters = dict(session.exec(
        select(Comment.opinion_id, func.count(Comment.id))
        .where(Comment.draft_id == draft.id, Comment.opinion_id.is_not(None),
               Comment.excluded.is_(False), Comment.withdrawn.is_(False))
        .group_by(Comment.opinion_id)).all())
    opinions = [o for o in session.exec(select(Opinion).where(Opinion.draft_id == draft.id))
                if supporters.get(o.id)]
    articles = {a.id: a for a in session.exec(
        select(Article).where(Article.id.in_({o.article_id for o in opinions if o.article_id})))}
    grouped: dict[int | None, list[PublicOpinion]] = defaultdict(list)
    totals = Row("合计")
    for opinion in opinions:
        shown = public_opinion(opinion, supporters[opinion.id])
        grouped[opinion.article_id].append(shown)
        totals.counts[shown.state] += 1
    keys = sorted(grouped, key=lambda k: -1 if k is None else articles[k].ordinal)
    entries = [WallEntry(articles[k].label if k is not None else "总体意见",
                         sorted(grouped[k], key=lambda o: (-o.supporters, o.id)))
               for k in keys]
    return totals, entries
