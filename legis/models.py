"""SQLModel tables: drafts and their versions and articles, contact points, meetings, comments, opinions.

Domain values (statuses, channels, disposition states) are stored as the
Chinese terms users see, so exports, imports and the database agree; the
constants below are the only place they are spelled.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from legis.vocabulary import (
    STORED_DRAFT_STATUSES,
    Channel,
    DispositionState,
    DraftStatus,
    PointKind,
    Role,
    SubmissionState,
)

# The vocabulary's members under the names the code has long used (see legis/vocabulary.py).
DRAFT_STATUSES = STORED_DRAFT_STATUSES
STATUS_DRAFT, STATUS_OPEN, STATUS_CLOSED = DRAFT_STATUSES
# Withdrawn (撤回): archived with a reason, hidden from residents, comments kept.
STATUS_WITHDRAWN = DraftStatus.WITHDRAWN

CHANNELS = tuple(Channel)
CHANNEL_ONSITE, CHANNEL_ONLINE, CHANNEL_PAPER, CHANNEL_PHONE = CHANNELS

POINT_KINDS = tuple(PointKind)

STATES = tuple(DispositionState)
STATE_ADOPTED, STATE_PARTIAL, STATE_REJECTED, STATE_PENDING = STATES

ROLES = tuple(Role)
ROLE_NAMES = {role.value: role.text for role in Role}

# A point's submission (报送) of one draft, as it moves up the tree.
SUBMISSION_STATES = tuple(SubmissionState)
SUB_OPEN, SUB_SUBMITTED, SUB_ACCEPTED, SUB_RETURNED = SUBMISSION_STATES


def utcnow() -> datetime:
    """Aware UTC: SQLModel stores it as UTC on both engines; display converts to Beijing time."""
    return datetime.now(UTC)


class Draft(SQLModel, table=True):
    """A draft regulation (法规草案) put out for comment."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    title: str = Field(max_length=300)
    issuing_body: str = Field(default="", max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=STATUS_DRAFT, max_length=10)
    comment_start: date | None = None
    comment_end: date | None = None
    feedback_published_at: datetime | None = None
    withdrawn_reason: str = Field(default="", max_length=500)
    # The last day contact points may report (报送) their comments, set by the office.
    points_deadline: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PageStamp(SQLModel, table=True):
    """How often a draft's public pages changed: every server keys its cached pages on it.

    ``text_gen`` counts changes to what the reading pages show (text, period, sessions),
    ``results_gen`` changes to the published results (回音壁). Row 0 counts changes made by
    bulk statements that name no single draft; it invalidates every draft's pages.
    """

    draft_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    text_gen: int = 0
    results_gen: int = 0


class DraftSlug(SQLModel, table=True):
    """A web address a draft had before staff changed it; it redirects to the current one."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    slug: str = Field(max_length=120, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class DraftVersion(SQLModel, table=True):
    """One text of a draft (征求意见稿, 二审稿 …); comments point at its articles."""

    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    number: int = 1
    name: str = Field(default="征求意见稿", max_length=60)
    is_current: bool = True
    source_filename: str = Field(default="", max_length=255)
    # SHA-256 of the uploaded file, so the same file is not imported twice.
    source_sha256: str = Field(default="", max_length=64, index=True)
    preamble: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    warnings: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Heading(SQLModel, table=True):
    """A 编/分编/章/节 heading of a version, nested through parent_id."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="heading.id")
    ordinal: int
    level: str = Field(max_length=4)
    number: int = 0
    label: str = Field(max_length=40)
    title: str = Field(default="", max_length=300)


class Article(SQLModel, table=True):
    """An article (条) of a version with its paragraphs (款) and items (项, 目)."""

    __table_args__ = (Index("ix_article_version_ordinal", "version_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id")
    heading_id: int | None = Field(default=None, foreign_key="heading.id")
    ordinal: int
    number: int
    sub: int = 0
    label: str = Field(max_length=40)
    caption: str | None = Field(default=None, max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    paragraphs: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    path: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ArticleLink(SQLModel, table=True):
    """How an article of one version maps to the next (renumbered, split, merged …)."""

    id: int | None = Field(default=None, primary_key=True)
    old_article_id: int | None = Field(default=None, foreign_key="article.id", index=True)
    new_article_id: int | None = Field(default=None, foreign_key="article.id", index=True)
    kind: str = Field(max_length=20)  # same / edited / renumbered / split / merged / deleted / new
    score: float = 0.0
    confirmed: bool = False


class ContactPoint(SQLModel, table=True):
    """A grassroots legislative contact point (基层立法联系点): 主站, 站 or 点 in a 1+N tree."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="点", max_length=4)
    parent_id: int | None = Field(default=None, foreign_key="contactpoint.id", index=True)
    district: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    # On a tree's root: the kind (主站/站/点) whose points report to the office;
    # points below it report to their parent, which consolidates.
    report_level: str = Field(default="站", max_length=4)
    created_at: datetime = Field(default_factory=utcnow)


class Meeting(SQLModel, table=True):
    """A comment meeting (征求意见座谈会) a host runs for a draft at a contact point."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    contact_point_id: int = Field(foreign_key="contactpoint.id", index=True)
    title: str = Field(default="", max_length=200)
    held_on: date | None = None
    place: str = Field(default="", max_length=300)
    host_name: str = Field(default="", max_length=100)
    expected_participants: int = 0
    participant_count: int = 0
    channel: str = Field(default=CHANNEL_ONSITE, max_length=4)
    # The key in the meeting's public link and QR code; random, not the id.
    token: str = Field(max_length=40, unique=True, index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Opinion(SQLModel, table=True):
    """A merged opinion (归纳意见): near-duplicate comments on one article, and its disposition."""

    __table_args__ = (Index("ix_opinion_draft_article", "draft_id", "article_id"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id")
    article_id: int | None = Field(default=None, foreign_key="article.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_edited: bool = False   # staff rewrote the text; merging never overwrites it
    staff_touched: bool = False  # staff moved/split/merged members; re-runs keep it as it is
    state: str = Field(default=STATE_PENDING, max_length=6)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    change_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    changed_article_id: int | None = Field(default=None, foreign_key="article.id")
    decided_by: str = Field(default="", max_length=100)
    decided_at: datetime | None = None
    # Residents see the text only once staff approved it (待审核 until then).
    approved: bool = False
    approved_by: str = Field(default="", max_length=100)
    approved_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PaperImport(SQLModel, table=True):
    """One spreadsheet of paper comments imported into a session: its file hash and its rows."""

    __table_args__ = (Index("ix_paperimport_meeting_hash", "meeting_id", "file_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    file_hash: str = Field(max_length=64)
    filename: str = Field(default="", max_length=255)
    rows: int = 0
    entered_by: int | None = Field(default=None, foreign_key="user.id")
    withdrawn: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """One resident's comment on an article, or on the whole draft (article_id is None: 总体意见)."""

    __table_args__ = (
        Index("ix_comment_draft_created", "draft_id", "created_at"),
        Index("ix_comment_draft_article", "draft_id", "article_id"),
        # Covers the count of participants (services/participation.turnout).
        Index("ix_comment_draft_participant", "draft_id", "excluded", "withdrawn", "visitor", "phone"),
        # Covers the per-point counts of the tracking table and the 台账 without table reads.
        Index("ix_comment_draft_point", "draft_id", "contact_point_id", "excluded", "opinion_id"),
        # Each opinion's counted comments and comments not merged yet, from the index alone.
        Index("ix_comment_draft_opinion", "draft_id", "opinion_id", "excluded", "withdrawn", "article_id",
              "contact_point_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id")
    version_id: int = Field(foreign_key="draftversion.id")
    article_id: int | None = Field(default=None, foreign_key="article.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(default="", max_length=50)
    community: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=20)
    consent: bool = False
    contact_point_id: int | None = Field(default=None, foreign_key="contactpoint.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    channel: str = Field(default=CHANNEL_ONLINE, max_length=4)
    receipt_code: str = Field(max_length=16, unique=True, index=True)
    # The one-time token of the form that sent it: a second POST of the same
    # form finds this comment instead of creating another.
    form_token: str | None = Field(default=None, max_length=64, unique=True)
    opinion_id: int | None = Field(default=None, foreign_key="opinion.id", index=True)
    excluded: bool = False       # marked by staff as not an opinion (spam, off-topic)
    excluded_reason: str = Field(default="", max_length=200)
    # Kinds of personal data found in the text (姓名、电话 …), "" when none:
    # public pages and masked exports show the text masked.
    personal_data: str = Field(default="", max_length=100)
    # Joined an opinion already decided: the resident sees the old decision
    # only after staff confirm it applies to this comment too.
    awaiting_confirmation: bool = False
    # Withdrawn by the host or staff who entered it (a wrong row): kept, never counted.
    withdrawn: bool = False
    withdrawn_reason: str = Field(default="", max_length=200)
    import_id: int | None = Field(default=None, foreign_key="paperimport.id", index=True)
    entered_by: int | None = Field(default=None, foreign_key="user.id")
    # A random id of the browser visit that sent it (no personal data): several
    # comments from one visit count as one participant.
    visitor: str = Field(default="", max_length=24)
    created_at: datetime = Field(default_factory=utcnow)


class OpinionCount(SQLModel, table=True):
    """One opinion's part in its draft's figures as last counted: its own row (``point_key``
    0: counted comments, raised at any point) and one row per contact point that raised it.
    Kept so a change to a few opinions updates the figures by subtracting what they counted
    and adding what they count now (services/figure_counts)."""

    __table_args__ = (Index("ix_opinioncount_draft", "draft_id"),)

    # No foreign keys: the rows of an opinion deleted in a transaction are subtracted at its
    # commit, after the opinion is gone.
    opinion_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    point_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    draft_id: int
    article_key: int              # the opinion's article; 0 for 总体意见
    state: str = Field(max_length=6)
    comments: int = 0             # counted: not excluded, not withdrawn
    pointed: int = 0              # 1 if any of its comments came through a contact point


class FigureCount(SQLModel, table=True):
    """A draft's figures: the sum of its OpinionCount rows per article, state and point, kept
    in the same transaction as every change. ``article_key`` -2 is the row that says the
    draft's counts are built (and that serialises writers of one draft's counts)."""

    draft_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    article_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    state: str = Field(primary_key=True, max_length=6)
    point_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    opinions: int = 0
    comments: int = 0
    counted_opinions: int = 0     # opinions holding counted comments
    pointed: int = 0              # opinions raised at any contact point


class Disposition(SQLModel, table=True):
    """One decision on an opinion; the rows of an opinion are its history, newest last."""

    id: int | None = Field(default=None, primary_key=True)
    opinion_id: int = Field(foreign_key="opinion.id", index=True)
    state: str = Field(max_length=6)
    previous_state: str = Field(default="", max_length=6)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    change_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_by: str = Field(default="", max_length=100)
    decided_at: datetime = Field(default_factory=utcnow)


class ReasonTemplate(SQLModel, table=True):
    """A reusable reason for a disposition (上位法已有规定 …), edited by staff."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=500)
    ordinal: int = 0


class User(SQLModel, table=True):
    """A staff account: admin, legislative staff or contact point host."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, index=True)
    display_name: str = Field(default="", max_length=100)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="host", max_length=10)
    contact_point_id: int | None = Field(default=None, foreign_key="contactpoint.id")
    # For the 承办单位 role: the body whose referrals this user answers.
    body_id: int | None = Field(default=None, foreign_key="referralbody.id")
    disabled: bool = False
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class LoginAttempt(SQLModel, table=True):
    """A login try, kept for throttling: every process sees the same counts."""

    __table_args__ = (Index("ix_loginattempt_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, index=True)
    client: str = Field(max_length=64, index=True)
    success: bool = False
    at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A signed-in browser: the cookie carries its random key, so logout can end it on the server."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    key_hash: str = Field(max_length=64, unique=True)   # sha256 of the cookie's key
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class RateCount(SQLModel, table=True):
    """Hits of one client key in one window, shared by every worker process."""

    __table_args__ = (UniqueConstraint("key", "period", name="uq_ratecount_key_period"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120)
    period: int = Field(index=True)     # window start, in whole windows since the epoch
    hits: int = 0


class AuditLog(SQLModel, table=True):
    """Who did what, when, from what to what. The application only ever appends."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(default="", max_length=100)
    action: str = Field(max_length=60, index=True)
    target_type: str = Field(default="", max_length=40)
    target_id: int | None = None
    draft_id: int | None = Field(default=None, index=True)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
    client: str = Field(default="", max_length=64)


class Job(SQLModel, table=True):
    """A background job (merging, large export) visible to every server process."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    draft_id: int | None = Field(default=None, foreign_key="draft.id", index=True)
    status: str = Field(default="queued", max_length=10)  # queued/running/done/failed
    # "kind:draft" while the job is queued or running, NULL afterwards: the
    # unique index lets only one such job exist across every server process.
    active_key: str | None = Field(default=None, max_length=80, unique=True)
    progress: float = 0.0
    message: str = Field(default="", max_length=500)
    result: dict | None = Field(default=None, sa_column=Column(JSON))
    started_by: str = Field(default="", max_length=100)
    claimed_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None


class ReportDocument(SQLModel, table=True):
    """The report on a draft as staff finish it in legis (征求意见情况的报告).

    ``sections`` maps a section key (basics, opinions, ...) to staff's text and the
    draft legis had produced when they saved it: when the figures change, legis's new
    draft differs from that one, and the section is flagged for review instead of
    being overwritten.
    """

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", unique=True)
    addressee: str = Field(default="市人大常委会", max_length=100)
    doc_number: str = Field(default="", max_length=60)
    signatory: str = Field(default="", max_length=100)
    report_date: date | None = None
    attachments: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sections: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


class Submission(SQLModel, table=True):
    """A contact point's report (报送) of one draft's comments to the level above it."""

    __table_args__ = (UniqueConstraint("draft_id", "contact_point_id"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    contact_point_id: int = Field(foreign_key="contactpoint.id", index=True)
    state: str = Field(default=SUB_OPEN, max_length=4)
    cover_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    return_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    submitted_at: datetime | None = None
    submitted_by: str = Field(default="", max_length=100)
    reviewed_at: datetime | None = None
    reviewed_by: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)


class SubmissionItem(SQLModel, table=True):
    """One group of a point's comments on an article, as the host sorted and annotated it."""

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    article_id: int | None = Field(default=None, foreign_key="article.id")
    ordinal: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    comment_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class SubmissionVersion(SQLModel, table=True):
    """A submitted version, frozen: what was sent (snapshot and document) is kept as sent."""

    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    number: int = 1
    submitted_at: datetime = Field(default_factory=utcnow)
    submitted_by: str = Field(default="", max_length=100)
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    document: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ReferralBody(SQLModel, table=True):
    """A body opinions are referred to (承办单位): the drafting department, a bureau."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class Referral(SQLModel, table=True):
    """Opinions referred (交办) to a body with a question and a due date, and its answer."""

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    body_id: int = Field(foreign_key="referralbody.id", index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    due_on: date
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    answer: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answered_at: datetime | None = None
    answered_by: str = Field(default="", max_length=100)


class ReferralOpinion(SQLModel, table=True):
    """Which opinions a referral covers."""

    referral_id: int = Field(foreign_key="referral.id", primary_key=True)
    opinion_id: int = Field(foreign_key="opinion.id", primary_key=True, index=True)


class PendingImport(SQLModel, table=True):
    """An import's preview waiting for the user to confirm it: in the database, not on one
    server's disk, so the confirmation may reach any server behind the load balancer."""

    __table_args__ = (Index("ix_pendingimport_expires_at", "expires_at"),)

    id: str = Field(primary_key=True, max_length=64)   # random; the form carries it
    kind: str = Field(max_length=20)                   # paper, points, version
    scope: str = Field(max_length=40)                  # the session or draft it belongs to
    owner: str = Field(default="", max_length=100)     # who uploaded it; only they confirm
    payload: str = Field(sa_column=Column(Text, nullable=False))   # the parsed rows, as JSON
    size: int = 0                                      # bytes of payload
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class SiteKey(SQLModel, table=True):
    """A signing key made once and shared by every server process of a deployment
    (used when LEGIS_SECRET_KEY is not set)."""

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class JobFile(SQLModel, table=True):
    """The file a background job made (a large export), in the database so the server
    that offers the download need not be the one that ran the job; kept for a day."""

    job_id: int = Field(foreign_key="job.id", primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
