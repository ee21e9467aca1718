"""Referrals out (交办): opinions sent to a body with a question and a due date, and the answers.

The three lists (三张清单): 问题清单 (the opinions raised), 交办清单 (referred, to whom,
by when) and 办结清单 (answered, when, the answer), per draft or per year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import extract, func
from sqlmodel import Session, select

from legis.errors import Forbidden, NotFound, ValidationError
from legis.models import Article, Draft, Opinion, Referral, ReferralBody, ReferralOpinion, utcnow
from legis.services import audit, dispositions

TEXT_MAX = 2000
LIST_LIMIT = 2000   # rows a list page shows; the counts are always complete


def body_named(session: Session, *, name: str) -> ReferralBody:
    """The body of this name, created the first time it is used."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写承办单位名称，例如起草部门或有关局委。", field="body")
    if len(name) > 200:
        raise ValidationError("承办单位名称不能超过200字。", field="body")
    found = session.exec(select(ReferralBody).where(ReferralBody.name == name)).first()
    if found is None:
        found = ReferralBody(name=name)
        session.add(found)
        session.flush()
    return found


def bodies(session: Session) -> list[ReferralBody]:
    return list(session.exec(select(ReferralBody).order_by(ReferralBody.name)))


def refer(session: Session, *, draft_id: int, opinion_ids: list[int], body: str, question: str,
          due_on: date | None, today: date, actor: str) -> Referral:
    """Refer one or several opinions of a draft to a body."""
    ids = sorted(set(opinion_ids))
    if not ids:
        raise ValidationError("请先勾选要交办的意见。", field="opinion")
    found = session.exec(select(Opinion.id).where(Opinion.id.in_(ids), Opinion.draft_id == draft_id)).all()
    if len(found) != len(ids):
        raise ValidationError("部分意见已不存在（可能刚被合并），请刷新页面后重试。", field="opinion")
    question = (question or "").strip()
    if not question:
        raise ValidationError("请写明需要承办单位研究答复的问题。", field="question")
    if len(question) > TEXT_MAX:
        raise ValidationError(f"问题不能超过{TEXT_MAX}字。", field="question")
    if due_on is None:
        raise ValidationError("请填写答复期限（日期）。", field="due_on")
    if due_on < today:
        raise ValidationError("答复期限不能早于今天。", field="due_on")
    target = body_named(session, name=body)
    referral = Referral(draft_id=draft_id, body_id=target.id, question=question, due_on=due_on,
                        created_by=actor)
    session.add(referral)
    session.flush()
    session.add_all(ReferralOpinion(referral_id=referral.id, opinion_id=i) for i in ids)
    audit.record(session, actor=actor, action="referral.create", target_type="referral",
                 target_id=referral.id, draft_id=draft_id,
                 after={"body": target.name, "opinions": ids, "due_on": str(due_on)})
    return referral


def referred_opinions(session: Session, *, referral: Referral) -> list[Opinion]:
    """The opinions sent out with this referral, in the order they were formed."""
    return list(session.exec(select(Opinion).join(
        ReferralOpinion, ReferralOpinion.opinion_id == Opinion.id).where(
        ReferralOpinion.referral_id == referral.id).order_by(Opinion.id)))


def get_referral(session: Session, *, referral_id: int, body_id: int | None = None,
                 as_body: bool = False) -> Referral:
    """A referral; a 承办单位 user (``as_body``) gets only those referred to their body."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("没有找到这项交办。")
    if as_body and referral.body_id != body_id:
        raise Forbidden("这项交办不是交给您所在单位的，您无权查看或答复。")
    return referral


def answer(session: Session, *, referral: Referral, text: str, actor: str) -> Referral:
    """Record the body's answer (typed by staff or by the body's own user)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写答复内容。", field="answer")
    if len(text) > TEXT_MAX:
        raise ValidationError(f"答复不能超过{TEXT_MAX}字。", field="answer")
    before = referral.answer
    referral.answer, referral.answered_at, referral.answered_by = text, utcnow(), actor
    session.add(referral)
    audit.record(session, actor=actor, action="referral.answer", target_type="referral",
                 target_id=referral.id, draft_id=referral.draft_id,
                 before={"answer": before}, after={"answer": text})
    return referral


def answer_to_reasons(session: Session, *, referral: Referral, actor: str) -> int:
    """Use the answer as the reason of each referred opinion (kept in its disposition history)."""
    if not referral.answer:
        raise ValidationError("这项交办还没有答复，不能用作理由。")
    opinions = session.exec(select(Opinion).join(ReferralOpinion, ReferralOpinion.opinion_id == Opinion.id)
                            .where(ReferralOpinion.referral_id == referral.id)).all()
    for opinion in opinions:
        dispositions.decide(session, opinion=opinion, state=opinion.state, reason=referral.answer,
                            change_note=opinion.change_note, actor=actor)
    return len(opinions)


@dataclass
class ListRow:
    referral: Referral | None
    opinion: Opinion
    article: str
    draft: str
    body: str = ""
    overdue: bool = False


@dataclass
class ThreeLists:
    problems: list[ListRow] = field(default_factory=list)
    referred: list[ListRow] = field(default_factory=list)
    done: list[ListRow] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)
    overdue: int = 0


def is_overdue(referral: Referral, today: date) -> bool:
    """Not answered by the due date, or answered after it."""
    if referral.answered_at is None:
        return today > referral.due_on
    answered: datetime = referral.answered_at
    from legis.timefmt import to_beijing

    return to_beijing(answered).date() > referral.due_on


def three_lists(session: Session, *, today: date, draft_id: int | None = None,
                year: int | None = None, body_id: int | None = None) -> ThreeLists:
    """The three lists for a draft or a year (the year a draft was put out for comment).

    With ``body_id`` (a 承办单位 user) only what was referred to that body is listed.
    """
    draft_filter = []
    if draft_id is not None:
        draft_filter.append(Opinion.draft_id == draft_id)
    if year is not None:
        years = select(Draft.id).where(extract("year", func.coalesce(Draft.comment_start,
                                                                     Draft.created_at)) == year)
        draft_filter.append(Opinion.draft_id.in_(years))
    pairs = select(Referral, Opinion).join(ReferralOpinion, ReferralOpinion.referral_id == Referral.id) \
        .join(Opinion, Opinion.id == ReferralOpinion.opinion_id).where(*draft_filter)
    if body_id is not None:
        pairs = pairs.where(Referral.body_id == body_id)
    referred = session.exec(pairs.order_by(Referral.due_on, Referral.id, Opinion.id)).all()
    if body_id is None:
        problem_count = session.exec(select(func.count(Opinion.id)).where(*draft_filter)).one()
        problems = list(session.exec(select(Opinion).where(*draft_filter)
                                     .order_by(Opinion.draft_id, Opinion.id).limit(LIST_LIMIT)))
    else:   # a body sees the opinions referred to it, nothing else
        problems = list({o.id: o for _r, o in referred}.values())
        problem_count = len(problems)
    labels = dict(session.exec(select(Article.id, Article.label).where(Article.id.in_(
        {o.article_id for o in problems if o.article_id}
        | {o.article_id for _r, o in referred if o.article_id}))).all())
    titles = dict(session.exec(select(Draft.id, Draft.title)).all())
    names = dict(session.exec(select(ReferralBody.id, ReferralBody.name)).all())

    def row(referral: Referral | None, opinion: Opinion) -> ListRow:
        return ListRow(referral, opinion, labels.get(opinion.article_id, "总体意见"),
                       titles.get(opinion.draft_id, ""),
                       names.get(referral.body_id, "") if referral else "",
                       bool(referral and is_overdue(referral, today)))

    lists = ThreeLists(problems=[row(None, o) for o in problems])
    lists.referred = [row(r, o) for r, o in referred]
    lists.done = [r for r in lists.referred if r.referral.answered_at is not None]
    lists.counts = (problem_count, len(lists.referred), len(lists.done))
    lists.overdue = sum(r.overdue for r in lists.referred)
    return lists
