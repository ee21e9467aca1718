"""Comment meetings (征求意见座谈会): create and edit, who may enter paper comments when, undo, export rows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from legis.errors import Conflict, NotFound, ValidationError
from legis.models import (
    STATUS_DRAFT,
    Article,
    Comment,
    ContactPoint,
    Draft,
    Meeting,
)
from legis.services.contact_points import clean_text as _clean
from legis.services.drafts import is_open
from legis.timefmt import fmt_date, to_beijing

DEFAULT_TITLE = "征求意见座谈会"
MAX_PARTICIPANTS = 100_000


@dataclass
class MeetingInput:
    """A meeting as typed in the form (all text); ``validate`` fills the typed fields or ``errors``."""

    draft_id: str = ""
    contact_point_id: str = ""
    title: str = ""
    held_on: str = ""
    place: str = ""
    host_name: str = ""
    expected_participants: str = ""
    participant_count: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> MeetingInput:
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name in ("draft_id", "contact_point_id"):
            try:
                values[name] = int(_clean(getattr(self, name)))
            except ValueError:
                errors[name] = "请选择草案。" if name == "draft_id" else "请选择联系点。"
        values["title"] = _clean(self.title) or DEFAULT_TITLE
        if len(values["title"]) > 200:
            errors["title"] = "名称不能超过200个字。"
        raw_date = _clean(self.held_on)
        try:
            values["held_on"] = date.fromisoformat(raw_date)
        except ValueError:
            errors["held_on"] = "请填写座谈会日期，格式如 2026-05-20。" if raw_date else "请填写座谈会日期。"
        for name, limit in (("place", 300), ("host_name", 100)):
            values[name] = _clean(getattr(self, name))
            if len(values[name]) > limit:
                errors[name] = f"不能超过{limit}个字。"
        for name in ("expected_participants", "participant_count"):
            raw = _clean(getattr(self, name)).translate(_FULLWIDTH)
            if not raw:
                values[name] = 0
            elif raw.isdigit() and int(raw) <= MAX_PARTICIPANTS:
                values[name] = int(raw)
            else:
                errors[name] = "请填写人数（整数，如 30），不知道可以不填。"
        self.errors, self.values = errors, values
        return self

    @property
    def ok(self) -> bool:
        return not self.errors


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def new_token() -> str:
    """The key of a meeting's public link: random, short enough for a QR code read in a dim room."""
    return secrets.token_urlsafe(9)


def save_meeting(
    session: Session,
    *,
    data: MeetingInput,
    meeting_id: int | None = None,
    created_by: int | None = None,
) -> Meeting:
    """Create a meeting (``meeting_id`` None) or update one; raises LegisError on bad input."""
    if not data.validate().ok:
        first = next(iter(data.errors))
        raise ValidationError(data.errors[first], field=first)
    values = data.values
    draft = session.get(Draft, values["draft_id"])
    if draft is None:
        raise ValidationError("所选草案不存在。", field="draft_id")
    if draft.status == STATUS_DRAFT:
        raise ValidationError("这部草案还没有开始征求意见，请先在草案页面设置征求意见期限。", field="draft_id")
    if session.get(ContactPoint, values["contact_point_id"]) is None:
        raise ValidationError("所选联系点不存在。", field="contact_point_id")
    if meeting_id is None:
        meeting = Meeting(
            draft_id=draft.id, contact_point_id=values["contact_point_id"],
            token=new_token(), created_by=created_by,
        )
    else:
        meeting = get_meeting(session, meeting_id)
        if meeting.draft_id != draft.id and _count_comments(session, meeting.id):
            raise ValidationError("座谈会已有意见，不能改到另一部草案。", field="draft_id")
        meeting.draft_id = draft.id
    # Comments already entered keep the contact point they were given.
    meeting.contact_point_id = values["contact_point_id"]
    for name in ("title", "held_on", "place", "host_name", "expected_participants",
                 "participant_count"):
        setattr(meeting, name, values[name])
    session.add(meeting)
    session.flush()
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("没有找到这个座谈会。")
    return meeting


def is_loopback_link(url: str) -> bool:
    """A link only this computer can open (127.0.0.1, localhost, ::1): residents' phones cannot."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost") or not host:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _count_comments(session: Session, meeting_id: int) -> int:
    return session.exec(
        select(func.count(Comment.id)).where(Comment.meeting_id == meeting_id,
                                             Comment.withdrawn.is_(False))
    ).one()


@dataclass
class MeetingRow:
    meeting: Meeting
    draft: Draft
    point: ContactPoint | None
    comments: int


def list_meetings(
    session: Session, *, draft_id: int | None = None, point_id: int | None = None
) -> list[MeetingRow]:
    """Meetings newest first, optionally of one draft or one contact point, with comment counts."""
    query = select(Meeting).order_by(
        Meeting.held_on.desc(), Meeting.id.desc()
    )
    if draft_id is not None:
        query = query.where(Meeting.draft_id == draft_id)
    if point_id is not None:
        query = query.where(Meeting.contact_point_id == point_id)
    found = list(session.exec(query))
    counts = dict(session.exec(
        select(Comment.meeting_id, func.count(Comment.id))
        .where(Comment.meeting_id.in_([s.id for s in found]), Comment.withdrawn.is_(False))
        .group_by(Comment.meeting_id)
    ).all()) if found else {}
    drafts = {d.id: d for d in session.exec(select(Draft))}
    points = {p.id: p for p in session.exec(select(ContactPoint))}
    return [
        MeetingRow(s, drafts[s.draft_id], points.get(s.contact_point_id), counts.get(s.id, 0))
        for s in found
    ]


def entry_check_open(draft: Draft, meeting: Meeting) -> bool:
    """Whether hosts may type up paper comments now; the value is submit_comment's ``check_open``.

    The rule: while the period is open, entry is normal (True). Once it has
    closed, paper collected at a meeting held within the period may still be
    typed up — the residents commented in time, only the typing is late — so
    the period check is skipped (False). Anything else is refused.
    """
    if is_open(draft):
        return True
    held = meeting.held_on
    if (
        draft.status != STATUS_DRAFT
        and held is not None
        and (draft.comment_start is None or held >= draft.comment_start)
        and (draft.comment_end is None or held <= draft.comment_end)
    ):
        return False
    period = ""
    if draft.comment_start or draft.comment_end:
        period = f"（{fmt_date(draft.comment_start) or '开始'}至{fmt_date(draft.comment_end) or '截止'}）"
    raise Conflict(
        f"《{draft.title}》目前不在征求意见期内，且本次座谈会的日期（{fmt_date(held) or '未填写'}）"
        f"不在征求意见期{period}内，不能再录入意见。"
    )


@dataclass
class EntryRow:
    comment: Comment
    article_label: str


def recent_entries(session: Session, *, meeting_id: int, limit: int = 30) -> list[EntryRow]:
    """The newest comments of a meeting, for the running list on the entry page."""
    comments = list(session.exec(
        select(Comment).where(Comment.meeting_id == meeting_id)
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
    ))
    labels = _labels(session, {c.article_id for c in comments})
    return [EntryRow(c, labels.get(c.article_id, "总体意见")) for c in comments]


def _labels(session: Session, article_ids: set[int | None]) -> dict[int | None, str]:
    ids = [i for i in article_ids if i is not None]
    if not ids:
        return {}
    return {a.id: a.label for a in session.exec(select(Article).where(Article.id.in_(ids)))}


def undo_entry(
    session: Session, *, meeting_id: int, comment_id: int | None, entered_by: int | None
) -> Comment:
    """Delete the comment this host just entered in this meeting, if nothing has been built on it."""
    comment = session.get(Comment, comment_id) if comment_id else None
    if comment is None or comment.meeting_id != meeting_id or comment.entered_by != entered_by:
        raise Conflict("没有可以撤销的录入（只能撤销您在本场座谈会刚录入的最后一条）。")
    if comment.opinion_id is not None:
        raise Conflict("这条意见已被归纳进意见汇总，不能撤销；如有错误请联系法工委工作人员处理。")
    session.delete(comment)
    session.flush()
    return comment


EXPORT_HEADERS = ("序号", "条款", "意见内容", "姓名", "社区或单位", "电话", "渠道", "回执码", "录入时间")


def export_rows(session: Session, *, meeting_id: int) -> list[list[Any]]:
    """The meeting's comments in article order, names, phones and personal data in the text masked (PIPL)."""
    from legis.exporters.masking import mask_name, mask_phone
    from legis.privacy import public_text

    comments = list(session.exec(
        select(Comment).where(Comment.meeting_id == meeting_id).order_by(Comment.id)
    ))
    ids = {c.article_id for c in comments}
    articles = {a.id: a for a in session.exec(
        select(Article).where(Article.id.in_([i for i in ids if i is not None]))
    )} if ids - {None} else {}
    # 总体意见 first, then article order; entry order within an article.
    def order(c: Comment) -> tuple[int, int]:
        return (articles[c.article_id].ordinal + 1 if c.article_id in articles else 0, c.id)

    comments.sort(key=order)
    return [
        [i, articles[c.article_id].label if c.article_id in articles else "总体意见",
         public_text(c.text, c.personal_data),
         mask_name(c.name), c.community, mask_phone(c.phone), c.channel, c.receipt_code,
         to_beijing(c.created_at).replace(tzinfo=None)]
        for i, c in enumerate(comments, start=1)
    ]
