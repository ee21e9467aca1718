"""Drafts: import a parsed draft as a version with headings and articles, open and close comment periods."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, insert
from sqlmodel import Session, select

from legis.errors import DraftParseError, Moved, NotFound, ValidationError
from legis.models import (
    DRAFT_STATUSES,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_OPEN,
    STATUS_WITHDRAWN,
    Article,
    Draft,
    DraftVersion,
    Heading,
    utcnow,
)
from legis.parsing import ParsedDraft
from legis.services.duplicates import check_new_draft
from legis.services.slugs import check_slug, moved_to, unique_slug
from legis.timefmt import today
from legis.vocabulary import DraftStatus

MAX_ARTICLES = 5_000    # the Civil Code, the longest Chinese law, has 1,260 articles
INSERT_BATCH = 1_000


def import_draft(
    session: Session,
    *,
    parsed: ParsedDraft,
    filename: str = "",
    title: str | None = None,
    slug: str | None = None,
    issuing_body: str = "",
    description: str = "",
    open_until: date | None = None,
    source_hash: str = "",
    max_articles: int = MAX_ARTICLES,
) -> Draft:
    """Store a parsed draft as a new Draft with its first version; nothing is written on error.

    The first version is named after the stage printed with the title (征求意见稿 …).
    A file already imported (``source_hash``), or the same title with the same
    articles, is refused with DuplicateDraft naming the existing draft.
    """
    check_size(parsed, max_articles=max_articles)
    title = (title or parsed.title or "").strip()
    if not title:
        raise ValidationError("无法确定草案标题，请用 --title 或在页面上填写标题。", field="title")
    if len(title) > 300:
        raise ValidationError("标题过长（不能超过300字）。", field="title")
    if not parsed.articles:
        raise ValidationError("文件中没有找到任何条文（第X条）。")
    if open_until is not None and open_until < today():
        raise ValidationError(
            f"截止日期 {open_until.isoformat()} 已经过去，请选择今天或以后的日期。", field="until")
    check_new_draft(session, parsed=parsed, title=title, source_hash=source_hash)
    slug = _unique_slug(session, slug, title)
    draft = Draft(
        slug=slug,
        title=title,
        issuing_body=issuing_body.strip(),
        description=description.strip() or parsed.preamble.strip(),
        status=STATUS_DRAFT,
    )
    if open_until is not None:
        draft.status = STATUS_OPEN
        draft.comment_start = today()
        draft.comment_end = open_until
    session.add(draft)
    session.flush()
    add_version(session, draft=draft, parsed=parsed, filename=filename, name=parsed.stage,
                source_hash=source_hash)
    return draft


def check_size(parsed: ParsedDraft, *, max_articles: int = MAX_ARTICLES) -> None:
    """Refuse a draft with more articles than any real regulation has (LEGIS_MAX_ARTICLES)."""
    if len(parsed.articles) > max_articles:
        raise DraftParseError(
            f"文件中拆分出{len(parsed.articles)}条，超过了每部草案{max_articles}条的上限。"
            "请检查是否选错了文件，或把草案拆分后分别导入；确有需要可请管理员调高 LEGIS_MAX_ARTICLES。",
            field="file")


def add_version(
    session: Session, *, draft: Draft, parsed: ParsedDraft, filename: str = "", name: str = "",
    source_hash: str = "",
) -> DraftVersion:
    """Add a version of ``draft`` from a parse result and make it the current one.

    The caller has checked the size (check_size) before its write transaction began.
    """
    number = (
        session.exec(
            select(func.max(DraftVersion.number)).where(DraftVersion.draft_id == draft.id)
        ).one()
        or 0
    ) + 1
    for old in session.exec(
        select(DraftVersion).where(DraftVersion.draft_id == draft.id, DraftVersion.is_current)
    ):
        old.is_current = False
        session.add(old)
    version = DraftVersion(
        draft_id=draft.id,
        number=number,
        name=name[:60] or ("征求意见稿" if number == 1 else f"第{number}稿"),
        is_current=True,
        source_filename=Path(filename).name[:255],
        source_sha256=source_hash,
        preamble=parsed.preamble,
        warnings=list(parsed.warnings),
    )
    session.add(version)
    session.flush()

    heading_ids: dict[tuple[str, ...], int] = {}
    for ordinal, parsed_heading in enumerate(parsed.headings):
        path = tuple(parsed_heading.path)
        heading = Heading(
            version_id=version.id,
            parent_id=heading_ids.get(path[:-1]),
            ordinal=ordinal,
            level=parsed_heading.level,
            number=parsed_heading.number,
            label=parsed_heading.label[:40],
            title=parsed_heading.title[:300],
        )
        session.add(heading)
        session.flush()
        heading_ids[path] = heading.id
    # One multi-row INSERT per batch instead of an ORM object per article: a
    # draft of thousands of articles holds the write lock for a fraction of the time.
    rows = [
        {
            "version_id": version.id,
            "heading_id": heading_ids.get(tuple(article.path)),
            "ordinal": ordinal,
            "number": article.number,
            "sub": article.sub,
            "label": article.label[:40],
            "caption": (article.caption or None) and article.caption[:200],
            "text": article.text,
            "paragraphs": list(article.paragraphs),
            "path": list(article.path),
        }
        for ordinal, article in enumerate(parsed.articles)
    ]
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(Article), rows[start:start + INSERT_BATCH])
    session.flush()
    return version


def _unique_slug(session: Session, wanted: str | None, title: str) -> str:
    if wanted:
        return check_slug(session, wanted)
    return unique_slug(session, title)


def get_draft(session: Session, *, slug: str | None = None, draft_id: int | None = None) -> Draft:
    """A draft by id or by slug; an old slug raises Moved naming the current one."""
    if slug is not None:
        draft = session.exec(select(Draft).where(Draft.slug == slug)).first()
        if draft is None:
            current = moved_to(session, slug)
            if current is not None:
                raise Moved(slug=slug, current=current)
    else:
        draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound("没有找到这部草案，可能网址有误或已被删除。")
    return draft


def public_draft(session: Session, *, slug: str) -> Draft:
    """A draft residents may see: not one still in preparation (草稿) or withdrawn (已撤回)."""
    draft = get_draft(session, slug=slug)
    if draft.status == STATUS_DRAFT:
        raise NotFound("这部草案尚未公开征求意见。")
    if draft.status == STATUS_WITHDRAWN:
        raise NotFound("这部草案已撤回，不再征求意见。")
    return draft


def current_version(session: Session, *, draft: Draft) -> DraftVersion:
    version = session.exec(
        select(DraftVersion).where(DraftVersion.draft_id == draft.id, DraftVersion.is_current)
    ).first()
    if version is None:
        raise NotFound("这部草案还没有条文。")
    return version


def articles_of(session: Session, *, version: DraftVersion) -> list[Article]:
    return list(
        session.exec(
            select(Article).where(Article.version_id == version.id).order_by(Article.ordinal)
        )
    )


def headings_of(session: Session, *, version: DraftVersion) -> list[Heading]:
    return list(
        session.exec(
            select(Heading).where(Heading.version_id == version.id).order_by(Heading.ordinal)
        )
    )


def is_open(draft: Draft, *, on: date | None = None) -> bool:
    """Whether residents may comment today: status 征求意见中 and today within the period."""
    on = on or today()
    if draft.status != STATUS_OPEN:
        return False
    if draft.comment_start and on < draft.comment_start:
        return False
    return not (draft.comment_end and on > draft.comment_end)


def shown_status(draft: Draft, *, on: date | None = None) -> str:
    """The status residents see: an open draft past its end date shows as 已结束."""
    on = on or today()
    if draft.status == STATUS_OPEN and draft.comment_end and on > draft.comment_end:
        return STATUS_CLOSED
    if draft.status == STATUS_OPEN and draft.comment_start and on < draft.comment_start:
        return DraftStatus.UPCOMING
    return draft.status


def set_period(
    session: Session,
    *,
    draft: Draft,
    status: str,
    start: date | None,
    end: date | None,
) -> Draft:
    """Change the status and comment period, checking they make sense together."""
    if status not in DRAFT_STATUSES:
        raise ValidationError("状态无效。", field="status")
    if status == STATUS_OPEN and end is None:
        raise ValidationError("开始征求意见前，请设定截止日期。", field="comment_end")
    if status == STATUS_OPEN and end < today() \
            and (draft.status != STATUS_OPEN or end != draft.comment_end):
        raise ValidationError(
            f"截止日期 {end.isoformat()} 已经过去，请选择今天或以后的日期。", field="comment_end")
    if start and end and end < start:
        raise ValidationError("截止日期不能早于开始日期。", field="comment_end")
    draft.status = status
    draft.comment_start = start
    draft.comment_end = end
    draft.updated_at = utcnow()
    session.add(draft)
    return draft


def list_drafts(session: Session, *, public: bool = False) -> list[Draft]:
    """Drafts newest first; the public list leaves out drafts not yet out for comment or withdrawn."""
    query = select(Draft).order_by(Draft.created_at.desc(), Draft.id.desc())
    if public:
        query = query.where(Draft.status.not_in((STATUS_DRAFT, STATUS_WITHDRAWN)))
    return list(session.exec(query))
