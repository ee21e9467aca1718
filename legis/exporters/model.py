"""Plain data a report is written from; the services layer fills it from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from legis.vocabulary import Channel, DispositionState

# Disposition states in the order reports list them.
STATES = tuple(DispositionState)
CHANNELS = tuple(Channel)
ONLINE_UNIT = "网络征集"      # who raised a comment that came in online without a contact point


@dataclass
class ReportComment:
    """One original comment as a resident wrote it."""

    id: int
    text: str
    article_label: str            # "第十二条" or "总体意见"
    contact_point: str | None     # name of the contact point, None for online without one
    meeting: str | None           # meeting (座谈会) title, if any
    channel: str                  # 现场 / 线上 / 书面 / 电话
    created_at: datetime
    name: str | None = None       # already masked by the caller unless internal
    community: str | None = None
    phone: str | None = None      # already masked by the caller unless internal
    receipt_code: str | None = None


@dataclass
class ReportOpinion:
    """A merged opinion (归纳意见) with its disposition and its original comments."""

    id: int
    article_label: str            # "第十二条" or "总体意见"
    article_ordinal: int          # sort key; 总体意见 sorts first with 0
    text: str                     # representative text as staff edited it
    supporters: int               # number of comments merged into it
    contact_points: list[str]     # distinct contact point names, most frequent first
    state: str                    # one of STATES
    reason: str = ""              # 理由 (required for 部分采纳 / 未采纳)
    change_note: str = ""         # how the text changed (采纳 / 部分采纳)
    comments: list[ReportComment] = field(default_factory=list)
    note: str = ""                # a point's own note beside the item it sends up (备注)


@dataclass
class ReportMeeting:
    title: str
    contact_point: str
    date: date | None
    place: str = ""
    participants: int = 0
    host: str = ""


@dataclass
class ReportArticle:
    """An article as it was consulted on (条文 column of the 对照表)."""

    ordinal: int                  # same sort key as ReportOpinion.article_ordinal
    label: str
    text: str                     # 款 separated by newlines


@dataclass
class Letterhead:
    """What staff set on the report: addressee, optional number, signature, date, attachments."""

    addressee: str = "市人大常委会"
    doc_number: str = ""
    signatory: str = ""           # empty: the office's name
    attachments: list[str] = field(default_factory=lambda: ["意见采纳情况对照表", "原始意见"])


@dataclass
class ArticleChange:
    """For the 修改情况 section and the 对照表 (filled in once revisions exist)."""

    old_label: str
    old_text: str
    new_label: str
    new_text: str
    opinion_ids: list[int] = field(default_factory=list)
    reason: str = ""


@dataclass
class ReportData:
    """Everything a report about one draft (or one contact point's part of it) needs."""

    draft_title: str              # 《…（草案）》 without the book-title marks
    office: str                   # e.g. "某市人大常委会法制工作委员会"
    report_date: date
    contact_point: str | None     # set for a contact point's submission (报送材料)
    contact_points: int           # number of distinct contact points that sent comments
    meetings: list[ReportMeeting]
    participants: int             # participants recorded on meetings
    comments: int                 # comments counted (excluding ones marked not an opinion)
    opinions: list[ReportOpinion]
    internal: bool = False        # True: personal data unmasked (internal version)
    changes: list[ArticleChange] = field(default_factory=list)
    period: tuple[date | None, date | None] = (None, None)   # comment period start, end
    articles: list[ReportArticle] = field(default_factory=list)
    point_names: list[str] = field(default_factory=list)    # contact points that sent comments
    published: bool = False       # dispositions made public (a point's submission shows them)
    point_host: str = ""          # for a point's submission: its host (联络员)
    point_parent: str = ""        # for a point's submission: the station it reports to
    letterhead: Letterhead = field(default_factory=Letterhead)
    draft_id: int | None = None

    def channels(self) -> dict[str, int]:
        """Comments counted per channel (现场/线上/书面/电话), in CHANNELS order."""
        counts = dict.fromkeys(CHANNELS, 0)
        for opinion in self.opinions:
            for comment in opinion.comments:
                counts[comment.channel] = counts.get(comment.channel, 0) + 1
        return counts

    def online_without_point(self) -> int:
        """Comments that came in without any contact point (网络征集)."""
        return sum(1 for op in self.opinions for c in op.comments if not c.contact_point)

    def tally(self) -> dict[str, int]:
        """Opinion counts per disposition state, in STATES order."""
        counts = dict.fromkeys(STATES, 0)
        for opinion in self.opinions:
            counts[opinion.state] += 1
        return counts
