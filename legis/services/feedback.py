"""Feedback down (反馈): each point's 反馈单 once results are published, and whom the host should tell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func
from sqlmodel import Session, select

from legis.errors import Conflict
from legis.exporters.masking import mask_name
from legis.exporters.model import STATES
from legis.models import Article, Comment, Draft, Opinion
from legis.services.dispositions import public_opinion
from legis.services.report_levels import TreeIndex, load_tree


@dataclass
class FeedbackRow:
    number: int
    article: str
    text: str            # masked for the public
    supporters: int      # this point's residents who raised it
    state: str
    reason: str          # the reason, or for an adopted opinion how the text changed


@dataclass
class Resident:
    """A resident who left a phone and agreed to be told (internal: for the host only)."""

    name: str
    phone: str
    receipt_codes: list[str]
    outcomes: list[str]


@dataclass
class FeedbackSheet:
    draft_title: str
    point: str
    rows: list[FeedbackRow]
    comments: int
    counts: dict[str, int] = field(default_factory=dict)
    to_tell: list[Resident] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = "，".join(f"{s}{self.counts.get(s, 0)}条" for s in STATES if self.counts.get(s))
        return (f"本联系点群众共提出意见建议{self.comments}条，归纳为{len(self.rows)}条意见"
                + (f"，其中{parts}" if parts else "") + "。")


def feedback_sheet(session: Session, *, draft: Draft, point_id: int,
                   tree: TreeIndex | None = None) -> FeedbackSheet:
    """Every opinion the point's residents (its own and its children's) contributed to, with its outcome."""
    if draft.feedback_published_at is None:
        raise Conflict("本草案的处理结果尚未公布，公布后才能生成反馈单。")
    tree = tree or load_tree(session)
    scope = tree.subtree(point_id)
    in_scope = (Comment.draft_id == draft.id, Comment.contact_point_id.in_(scope),
                Comment.excluded.is_(False), Comment.opinion_id.is_not(None))
    supporters = dict(session.exec(select(Comment.opinion_id, func.count(Comment.id))
                                   .where(*in_scope).group_by(Comment.opinion_id)).all())
    opinions = list(session.exec(select(Opinion).where(Opinion.id.in_(supporters))))
    articles = {a.id: a for a in session.exec(select(Article).where(
        Article.id.in_({o.article_id for o in opinions if o.article_id})))}
    opinions.sort(key=lambda o: (articles[o.article_id].ordinal if o.article_id in articles else -1,
                                 -supporters[o.id], o.id))
    rows, counts = [], dict.fromkeys(STATES, 0)
    for n, opinion in enumerate(opinions, 1):
        # The notice board shows what the receipt page shows: an approved, masked text,
        # or 意见正在整理中 with no decision yet.
        shown = public_opinion(opinion)
        counts[shown.state] += 1
        explained = shown.reason or (shown.change_note if shown.state in ("采纳", "部分采纳") else "")
        rows.append(FeedbackRow(n, articles[opinion.article_id].label if opinion.article_id in articles
                                else "总体意见", shown.text, supporters[opinion.id],
                                shown.state, explained))
    state_of = {o.id: public_opinion(o).state for o in opinions}
    residents: dict[tuple[str, str], Resident] = {}
    for name, phone, code, opinion_id in session.exec(
            select(Comment.name, Comment.phone, Comment.receipt_code, Comment.opinion_id)
            .where(*in_scope, Comment.phone != "", Comment.consent.is_(True))
            .order_by(Comment.id)).all():
        resident = residents.setdefault((name, phone), Resident(name, phone, [], []))
        resident.receipt_codes.append(code)
        resident.outcomes.append(state_of.get(opinion_id, "待研究"))
    return FeedbackSheet(draft_title=draft.title, point=tree.points[point_id].name, rows=rows,
                         comments=sum(supporters.values()), counts=counts,
                         to_tell=list(residents.values()))


class Notifier(Protocol):
    """Tells a resident what became of their comment. SMS can be plugged in behind this."""

    def notify(self, *, phone: str, message: str) -> bool: ...


class CallList:
    """The notifier used today: nothing is sent; the messages are listed for the host to tell."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def notify(self, *, phone: str, message: str) -> bool:
        self.messages.append((phone, message))
        return False   # not delivered: the host still has to tell the resident


def message_for(sheet: FeedbackSheet, resident: Resident) -> str:
    """What a resident is told: where their comments stand, by receipt code."""
    outcomes = "；".join(f"回执码{code}：{state}" for code, state in
                        zip(resident.receipt_codes, resident.outcomes, strict=True))
    return (f"{mask_name(resident.name) or '您'}您好，您对《{sheet.draft_title}》提出的意见已有处理结果（"
            f"{outcomes}）。详情请见{sheet.point}公示栏或凭回执码查询。")


def tell_residents(sheet: FeedbackSheet, notifier: Notifier) -> int:
    """Hand every resident to tell to the notifier; returns how many were delivered."""
    return sum(bool(notifier.notify(phone=r.phone, message=message_for(sheet, r)))
               for r in sheet.to_tell)
