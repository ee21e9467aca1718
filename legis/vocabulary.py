"""Every domain term with fixed values, once: what the database stores, the Chinese text,
the CSS class and the English meaning. docs/glossary.md is generated from here
(`python -m legis.vocabulary`), and a test keeps the two equal."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path


class Term(StrEnum):
    """A StrEnum member equal to the string the database stores, carrying its texts."""

    text: str       # Chinese, as staff see it
    css: str        # class of the badge that shows it
    english: str    # meaning, for the glossary and charts without a CJK font
    public: str     # Chinese, as residents see it (the same unless said)

    def __new__(cls, value: str, text: str, css: str = "", english: str = "",
                public: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.text, member.css, member.english = text, css, english
        member.public = public or text
        return member

    @classmethod
    def member_of(cls, value: str) -> Term | None:
        """The member for a stored value, or None."""
        return next((member for member in cls if member == value), None)

    @classmethod
    def css_of(cls, value: str, default: str = "") -> str:
        """The CSS class of a stored value; ``default`` for a value that is not a member."""
        member = cls.member_of(value)
        return member.css if member is not None else default

    @classmethod
    def public_of(cls, value: str) -> str:
        """How residents see a stored value (the value itself when it is not a member)."""
        member = cls.member_of(value)
        return member.public if member is not None else value


class DraftStatus(Term):
    """法规草案的状态. UPCOMING is only shown, never stored: an open draft before its start."""

    DRAFT = "草稿", "草稿", "draft", "Not yet open for comment"
    UPCOMING = "即将开始", "即将开始", "draft", "Open, but the comment period has not started"
    OPEN = "征求意见中", "征求意见中", "open", "Open for comment"
    CLOSED = "已结束", "已结束", "closed", "The comment period is over"
    WITHDRAWN = "已撤回", "已撤回", "closed", "Withdrawn by staff: hidden from residents, comments kept"


# What staff set on the draft page; WITHDRAWN is set by withdrawing (services/withdrawal.py).
STORED_DRAFT_STATUSES = (DraftStatus.DRAFT, DraftStatus.OPEN, DraftStatus.CLOSED)


class Channel(Term):
    """渠道: how a comment came in."""

    ONSITE = "现场", "现场", "", "Said at a meeting (座谈会)"
    ONLINE = "线上", "线上", "", "Typed by the resident online"
    PAPER = "书面", "书面", "", "Written on paper and typed up by staff"
    PHONE = "电话", "电话", "", "Told by phone"


class DispositionState(Term):
    """处理结果 of an opinion."""

    ADOPTED = "采纳", "采纳", "adopted", "Adopted"
    PARTIAL = "部分采纳", "部分采纳", "partial", "Partly adopted"
    REJECTED = "未采纳", "未采纳", "rejected", "Not adopted"
    PENDING = "待研究", "待研究", "pending", "Under study", "正在研究"


class Role(Term):
    """Staff roles (residents have no account)."""

    ADMIN = "admin", "系统管理员", "", "Accounts, contact points, audit log"
    STAFF = "staff", "法工委工作人员", "", "Legislative affairs staff: drafts, merging, decisions"
    HOST = "host", "联络员", "", "Contact-point host: meetings and comments of their own points"
    BODY = "body", "承办单位", "", "A drafting department or other body answering referred opinions"


class SubmissionState(Term):
    """报送: a contact point's submission of one draft, as it moves up the tree."""

    OPEN = "征集中", "征集中", "", "The point is still collecting"
    SUBMITTED = "已报送", "已报送", "", "Sent up to the point above"
    ACCEPTED = "已接收", "已接收", "", "Accepted by the point above"
    RETURNED = "已退回", "已退回", "", "Returned with a note, to be sent again"


class PointKind(Term):
    """Levels of the 1+N contact-point network."""

    MAIN = "主站", "主站", "", "The main point of a district or street"
    STATION = "站", "站", "", "A station under the main point"
    POINT = "点", "点", "", "A point in a village, community, enterprise, court or law firm"


class RevisionKind(Term):
    """How an article of one version of a draft maps to the next."""

    SAME = "same", "未改动", "good", "Unchanged"
    RENUMBERED = "renumbered", "仅调整条序", "good", "Only its number changed"
    EDITED = "edited", "修改", "changed", "Its text changed"
    SPLIT = "split", "拆分", "changed", "Split into several articles"
    MERGED = "merged", "合并", "changed", "Merged with other articles"
    DELETED = "deleted", "删除", "changed", "Deleted"
    NEW = "new", "新增", "changed", "A new article"


VOCABULARIES: list[tuple[type[Term], str]] = [
    (DraftStatus, "草案状态 / draft status (`Draft.status`)"),
    (Channel, "渠道 / channel (`Comment.channel`)"),
    (DispositionState, "处理结果 / disposition (`Opinion.state`, `Disposition.state`)"),
    (Role, "角色 / role (`User.role`)"),
    (SubmissionState, "报送状态 / submission state (`Submission.state`)"),
    (PointKind, "联系点层级 / contact point kind (`ContactPoint.kind`)"),
    (RevisionKind, "条文变化 / revision kind (`ArticleLink.kind`)"),
]

BEGIN = "<!-- generated from legis/vocabulary.py: python -m legis.vocabulary -->"
END = "<!-- end of generated part -->"
GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"


def glossary_markdown() -> str:
    """The generated part of docs/glossary.md: one table per vocabulary."""
    parts = [BEGIN, ""]
    for vocabulary, title in VOCABULARIES:
        parts += [f"### {title}", "", "| Stored | 中文 | Meaning |", "|---|---|---|"]
        for term in vocabulary:
            shown = term.text if term.public == term.text else f"{term.text}（公开页面：{term.public}）"
            parts.append(f"| `{term.value}` | {shown} | {term.english} |")
        parts.append("")
    parts.append(END)
    return "\n".join(parts)


def with_generated_part(document: str) -> str:
    """``document`` with its generated part replaced (appended when it has none)."""
    if BEGIN in document and END in document:
        head, rest = document.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + glossary_markdown() + tail
    return document.rstrip("\n") + "\n\n## Fixed values\n\n" + glossary_markdown() + "\n"


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else GLOSSARY
    path.write_text(with_generated_part(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")
