"""Checks before a report is exported: what a staff member must look at before sending it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from legis.exporters.model import ReportData
from legis.models import Comment
from legis.vocabulary import DispositionState


@dataclass(frozen=True)
class Check:
    """One finding; ``blocking`` ones stop the CLI unless told to go ahead."""

    key: str
    message: str
    count: int
    blocking: bool = False


def unmerged_count(session: Session, *, draft_id: int) -> int:
    """Comments not yet in any opinion (not excluded, not withdrawn): a report leaves them out.

    Kept here, not beside merging, so that an export does not load the matching package.
    """
    return session.exec(
        select(func.count(Comment.id)).where(
            Comment.draft_id == draft_id, Comment.opinion_id.is_(None),
            Comment.excluded.is_(False), Comment.withdrawn.is_(False))
    ).one()


def export_checks(session: Session, *, data: ReportData, stale_sections: list[str] = ()
                  ) -> list[Check]:
    """Unmerged comments, undecided opinions, adopted ones without a change note, personal
    data in comment text, report sections whose figures changed since staff edited them."""
    out: list[Check] = []
    if data.draft_id is not None:
        unmerged = unmerged_count(session, draft_id=data.draft_id)
        if unmerged:
            out.append(Check("unmerged", f"有{unmerged}条意见尚未归纳，报告中不含这些意见；"
                             "请先在“归纳意见”页面运行归纳。", unmerged, blocking=True))
    pending = sum(1 for op in data.opinions if op.state == DispositionState.PENDING)
    if pending:
        out.append(Check("pending", f"有{pending}项意见仍为“待研究”，尚未作出处理决定。", pending))
    no_note = sum(1 for op in data.opinions
                  if op.state == DispositionState.ADOPTED and not op.change_note.strip() and not op.reason.strip())
    if no_note:
        out.append(Check("no_change_note", f"有{no_note}项意见为“采纳”，但没有填写修改情况或说明；"
                         "条文未改的（如赞成性意见），请在理由中写明，例如“草案已有规定（已体现）”。",
                         no_note))
    no_reason = sum(1 for op in data.opinions
                    if op.state in (DispositionState.PARTIAL, DispositionState.REJECTED) and not op.reason.strip())
    if no_reason:
        out.append(Check("no_reason", f"有{no_reason}项意见未采纳或部分采纳，但没有填写理由。",
                         no_reason))
    # Found when each comment was stored (legis.privacy); the masked report hides it.
    personal = (session.exec(select(func.count(Comment.id)).where(
        Comment.draft_id == data.draft_id, Comment.excluded.is_(False),
        Comment.personal_data != "")).one() if data.draft_id is not None else 0)
    if personal:
        out.append(Check("personal", f"有{personal}条意见原文中写有个人信息（电话、身份证号、住址、"
                         "姓名等），对外版本已遮盖，内部版本保留原文；请确认。", personal))
    if stale_sections:
        out.append(Check("stale", "以下部分在修改后数据又有变化，请复核："
                         + "、".join(stale_sections) + "。", len(stale_sections)))
    return out
