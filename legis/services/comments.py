"""Comments: validate what a resident or host typed, store it exactly once, hand back a receipt code."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from legis import privacy
from legis.errors import Conflict, NotFound, Unavailable, ValidationError
from legis.models import CHANNELS, Article, Comment, Draft, Meeting
from legis.services.drafts import current_version, is_open

TEXT_MIN, TEXT_MAX = 2, 2000
# No 0/O, 1/I/L: a code read aloud over the phone or copied from paper stays unambiguous.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 8
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# 010 and 02x have three-digit area codes, every other one four; local numbers 7 or 8 digits.
LANDLINE_RE = re.compile(r"^(?P<area>010|02\d|0[3-9]\d\d)(?P<local>[2-9]\d{6,7})$")


@dataclass
class CommentInput:
    """What a form sent, before validation; ``errors`` maps field name to a Chinese message."""

    text: str = ""
    name: str = ""
    community: str = ""
    phone: str = ""
    consent: bool = False
    article_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def validate(self) -> CommentInput:
        """Trim and check every field; fill ``errors`` and keep the user's text as typed."""
        self.errors = {}
        self.text = _clean(self.text)
        self.name = _clean(self.name)
        self.community = _clean(self.community)
        length = len(self.text)
        if length == 0:
            self.errors["text"] = "请填写意见内容。"
        elif length < TEXT_MIN:
            self.errors["text"] = f"意见内容太短，请至少写{TEXT_MIN}个字。"
        elif length > TEXT_MAX:
            self.errors["text"] = (
                f"意见内容共{length}字，超过了{TEXT_MAX}字的上限，请删减{length - TEXT_MAX}字后再提交。"
            )
        if len(self.name) > 50:
            self.errors["name"] = "姓名不能超过50个字。"
        if len(self.community) > 100:
            self.errors["community"] = "社区或单位不能超过100个字。"
        if self.phone.strip():
            phone = normalise_phone(self.phone)
            if phone is None:
                self.errors["phone"] = ("电话号码格式不对，请填写11位手机号（如 13812345678）"
                                        "或带区号的固定电话（如 021-62345678）；也可以不填。")
            else:
                self.phone = phone
        else:
            self.phone = ""
        if (self.name or self.phone) and not self.consent:
            self.errors["consent"] = "留下姓名或电话时，请勾选同意我们用于意见反馈；也可以不留个人信息。"
        return self

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean(value: str) -> str:
    # NFC keeps what was typed (traditional characters, emoji) but joins
    # decomposed accents; strip only the outer white space, including U+3000.
    return unicodedata.normalize("NFC", value or "").strip().replace("\r\n", "\n")


def normalise_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits, a landline as 区号-号码 (021-62345678), or None."""
    digits = re.sub(r"[\s\-—–－()（）]", "", raw.translate(_FULLWIDTH))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if MOBILE_RE.match(digits):
        return digits
    match = LANDLINE_RE.match(digits)
    return f"{match['area']}-{match['local']}" if match else None


_FULLWIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


def idempotency_key(nonce: str, data: CommentInput) -> str:
    """The form token's nonce plus what was said: the same form re-sent with the same content
    is one comment; a different comment sent with the same form (the back button) is a new one."""
    content = "\x1f".join(_clean(v) for v in (data.text, data.name, data.community, data.phone))
    digest = hashlib.sha256(content.encode()).hexdigest()[:20]
    return f"{nonce[:24]}:{data.article_id or 0}:{digest}"


def meeting_for(session: Session, *, token: str, draft: Draft) -> Meeting | None:
    """The comment meeting of this meeting link, if it exists and was organised for ``draft``."""
    if not token:
        return None
    found = session.exec(select(Meeting).where(Meeting.token == token)).first()
    return found if found is not None and found.draft_id == draft.id else None


def new_receipt_code() -> str:
    """Eight characters drawn uniformly from RECEIPT_ALPHABET: one random number below 31^8
    written in base 31 (one read of the system's random source instead of eight)."""
    number, base = secrets.randbelow(len(RECEIPT_ALPHABET) ** RECEIPT_LENGTH), len(RECEIPT_ALPHABET)
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, digit = divmod(number, base)
        chars.append(RECEIPT_ALPHABET[digit])
    return "".join(chars)


def normalise_receipt_code(raw: str) -> str:
    """Accept a code typed in lower case, in full-width characters (ＡＢＣ１２３), or with spaces or dashes."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-—–‐_.·]", "", text).upper()[:16]


def submit_comment(
    session: Session,
    *,
    draft: Draft,
    data: CommentInput,
    channel: str,
    meeting: Meeting | None = None,
    contact_point_id: int | None = None,
    form_token: str | None = None,
    entered_by: int | None = None,
    check_open: bool = True,
    visitor: str = "",
) -> tuple[Comment, bool]:
    """Store one comment in the caller's transaction (never commits); returns (comment, created).

    A second call with the same ``form_token`` returns the comment the first
    one stored (created=False): a double click or a re-sent POST never makes
    two comments. Raises LegisError when the input is invalid or the period
    has ended; nothing is written then.
    """
    if form_token:
        existing = session.exec(select(Comment).where(Comment.form_token == form_token)).first()
        if existing is not None:
            return existing, False
    if channel not in CHANNELS:
        raise ValidationError("渠道无效。")
    if check_open and not is_open(draft):
        raise period_closed_error(draft)
    if not data.validate().ok:
        first = next(iter(data.errors))
        raise ValidationError(data.errors[first], field=first)
    version = current_version(session, draft=draft)
    if data.article_id is not None:
        article = session.get(Article, data.article_id)
        if article is None or article.version_id != version.id:
            raise ValidationError("所选条文不属于这部草案的当前文本，请刷新页面后重试。", field="article")
    if meeting is not None:
        if meeting.draft_id != draft.id:
            raise ValidationError("这个座谈会不是为这部草案组织的。")
        contact_point_id = meeting.contact_point_id
    comment = Comment(
        draft_id=draft.id,
        version_id=version.id,
        article_id=data.article_id,
        text=data.text,
        personal_data=privacy.label(data.text),
        name=data.name,
        community=data.community,
        phone=data.phone,
        consent=data.consent,
        contact_point_id=contact_point_id,
        meeting_id=meeting.id if meeting else None,
        channel=channel,
        form_token=form_token,
        entered_by=entered_by,
        visitor=visitor[:24],
        receipt_code=new_receipt_code(),
    )
    for _attempt in range(5):
        # A savepoint, not a commit: the caller's unit of work decides for the whole
        # transaction (a paper batch is all-or-nothing); a refused INSERT undoes only itself.
        try:
            with _savepoint(session):
                session.add(comment)
                session.flush()
            return comment, True
        except IntegrityError:
            if _autocommit(session):
                session.rollback()   # nothing to undo: each statement was its own transaction
            if form_token:
                # The same form raced us in another request: answer with its comment.
                existing = session.exec(
                    select(Comment).where(Comment.form_token == form_token)
                ).first()
                if existing is not None:
                    return existing, False
            comment.receipt_code = new_receipt_code()
    raise Unavailable("系统繁忙，意见未能保存，请稍后再提交一次。")


def _autocommit(session: Session) -> bool:
    return session.connection().get_execution_options().get("isolation_level") == "AUTOCOMMIT"


def _savepoint(session: Session) -> AbstractContextManager:
    """A savepoint in the caller's transaction; none on an autocommit connection (scripts,
    test set-up), where every statement is already its own transaction."""
    return nullcontext() if _autocommit(session) else session.begin_nested()


def period_closed_error(draft: Draft) -> Conflict:
    from legis.timefmt import fmt_date, today

    if draft.comment_end and today() > draft.comment_end:
        message = f"《{draft.title}》的意见征集已于{fmt_date(draft.comment_end)}结束，不再接收新的意见。"
    elif draft.comment_start and today() < draft.comment_start:
        message = f"《{draft.title}》的意见征集将于{fmt_date(draft.comment_start)}开始，请届时再来。"
    else:
        message = f"《{draft.title}》目前不在意见征集期内。"
    return Conflict(message)


def find_by_receipt(session: Session, *, code: str) -> Comment:
    comment = session.exec(
        select(Comment).where(Comment.receipt_code == normalise_receipt_code(code))
    ).first()
    if comment is None:
        raise NotFound("没有找到这个回执码对应的意见，请核对后重新输入（回执码为8位字母和数字）。")
    return comment
