"""Build the plain ReportData the exporters write, from the database, for a draft or one contact point."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from legis import privacy
from legis.errors import ValidationError
from legis.exporters import comparison, docx_report, spreadsheets, submission
from legis.exporters.model import (
    ONLINE_UNIT,
    ReportArticle,
    ReportComment,
    ReportData,
    ReportMeeting,
    ReportOpinion,
)
from legis.models import (
    Article,
    Comment,
    ContactPoint,
    DraftVersion,
    Meeting,
    Opinion,
    User,
)
from legis.services import revisions as revision_service
from legis.services.accounts import point_subtree
from legis.services.drafts import get_draft
from legis.services.report_rows import (
    comment_batches,
    comment_counts,
    comment_filter,
    comment_loader,
    report_comment,
)
from legis.timefmt import today

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def build_report(session: Session, *, draft_id: int, office: str, contact_point_id: int | None = None,
                 internal: bool = False, engine: Engine | None = None) -> ReportData:
    """Everything a report needs; personal data masked unless ``internal``.

    Rows are read with Core ``SELECT``s of the columns the report prints, the
    comments in batches (keyset paging on the id, legis/services/report_rows.py), and turned
    straight into the exporters' plain records: no ORM object is loaded for a
    comment, an opinion or an article, which at 100,000 comments was most of
    the export's time.

    With ``engine`` the export streams: this pass reads only counts, grouped in the
    database (one row per opinion, article, contact point and channel), and the
    comments' texts are read a chunk of opinions at a time, on
    connections of their own, as the writer reaches them (``ReportData.comments_of``),
    so memory does not grow with the number of comments.
    """
    draft = get_draft(session, draft_id=draft_id)
    point = None
    scope: set[int] | None = None
    if contact_point_id is not None:
        point = session.get(ContactPoint, contact_point_id)
        if point is None:
            raise ValidationError("没有找到这个联系点。")
        scope = point_subtree(session, point_id=point.id)

    points = {row.id: row.name for row in session.execute(select(ContactPoint.id, ContactPoint.name))}
    meeting_rows = _meeting_rows(session, draft.id, scope)
    meeting_titles = {row.id: row.title or f"座谈会{row.id}" for row in meeting_rows}
    opinions = {row.id: row for row in session.execute(
        select(Opinion.id, Opinion.article_id, Opinion.text, Opinion.state, Opinion.reason,
               Opinion.change_note).where(Opinion.draft_id == draft.id))}
    articles = _articles(session, draft.id)
    used = {o.article_id for o in opinions.values()}

    def label(article_id: int | None) -> str:
        found = articles.get(article_id)
        return found[1] if found else "总体意见"

    members: dict[int, list[ReportComment]] = defaultdict(list)
    supporters: Counter[int] = Counter()
    sources: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    per_point: Counter[int] = Counter()
    point_counts: dict[int, Counter[str]] = defaultdict(Counter)
    where = comment_filter(draft.id, scope)
    # Streamed: the counts come grouped from the database now, the texts later. Groups
    # arrive in the order of their first comment, so the tallies fill in the same order
    # as when the comments are walked one by one (which ties in most_common() follow).
    def each_comment():
        """Not streamed: every comment read now, counted one by one."""
        for c in comment_batches(session, where):
            if c.opinion_id in opinions:
                members[c.opinion_id].append(report_comment(c, label(c.article_id), points,
                                                             meeting_titles, internal))
            yield c.opinion_id, c.article_id, c.contact_point_id, c.channel, 1

    groups = comment_counts(session, where) if engine is not None else each_comment()
    for opinion_id, article_id, point_id, channel, n in groups:
        if opinion_id not in opinions:
            continue
        used.add(article_id)
        supporters[opinion_id] += n
        name = points.get(point_id)
        if name is not None:
            per_point[point_id] += n
            point_counts[opinion_id][name] += n
        row = sources[opinion_id].setdefault(name or ONLINE_UNIT, {})
        row[channel] = row.get(channel, 0) + n

    # Staff wrote these; a masked report still masks whatever personal data slipped in.
    # Reasons and notes repeat across many opinions: each distinct text is masked once.
    masked: dict[str, str] = {}

    def shown(text: str) -> str:
        if internal or not text:
            return text
        found = masked.get(text)
        if found is None:
            found = masked[text] = privacy.mask(text)
        return found

    report_opinions = []
    for opinion_id, count in supporters.items():
        opinion = opinions[opinion_id]
        article = articles.get(opinion.article_id)
        report_opinions.append(ReportOpinion(
            id=opinion.id,
            article_label=label(opinion.article_id),
            article_ordinal=article[0] + 1 if article else 0,
            text=shown(opinion.text),
            supporters=count,
            contact_points=[name for name, _ in point_counts[opinion_id].most_common()],
            state=opinion.state,
            reason=shown(opinion.reason),
            change_note=shown(opinion.change_note),
            comments=members.get(opinion_id, []),
            sources=sources[opinion_id],
        ))
    report_opinions.sort(key=lambda o: (o.article_ordinal, -o.supporters, o.id))
    consulted = {a[0] + 1: ReportArticle(a[0] + 1, a[1], a[2])
                 for article_id, a in articles.items() if article_id in used}
    return ReportData(
        draft_title=draft.title,
        office=office,
        report_date=today(),
        contact_point=point.name if point else None,
        contact_points=len(per_point),
        meetings=[ReportMeeting(title=meeting_titles[s.id], contact_point=points.get(s.contact_point_id, ""),
                                date=s.held_on, place=s.place,
                                participants=s.participant_count or s.expected_participants,
                                host=s.host_name)
                  for s in meeting_rows],
        participants=sum(s.participant_count or s.expected_participants for s in meeting_rows),
        comments=sum(supporters.values()),
        opinions=report_opinions,
        internal=internal,
        period=(draft.comment_start, draft.comment_end),
        draft_id=draft.id,
        articles=sorted(consulted.values(), key=lambda a: a.ordinal),
        point_names=[points[pid] for pid, _ in
                     sorted(per_point.items(), key=lambda kv: (-kv[1], points[kv[0]]))],
        published=draft.feedback_published_at is not None,
        point_host=_host_of(session, point) if point else "",
        point_parent=(points.get(point.parent_id, "") if point and point.parent_id else ""),
        # 修改情况: only in the office's own report, once a later version exists.
        changes=(revision_service.article_changes(session, draft=draft)
                 if point is None and len(revision_service.versions_of(session, draft=draft)) > 1
                 else []),
        comment_loader=(comment_loader(engine, where, label, points, meeting_titles, internal)
                        if engine is not None else None),
    )


def _meeting_rows(session: Session, draft_id: int, scope: set[int] | None) -> list:
    query = select(Meeting.id, Meeting.title, Meeting.contact_point_id,
                   Meeting.held_on, Meeting.place, Meeting.participant_count,
                   Meeting.expected_participants, Meeting.host_name
                   ).where(Meeting.draft_id == draft_id)
    if scope is not None:
        query = query.where(Meeting.contact_point_id.in_(scope))
    return list(session.execute(query.order_by(Meeting.held_on, Meeting.id)))


def _articles(session: Session, draft_id: int) -> dict[int, tuple[int, str, str]]:
    """(ordinal, label, text) by article id, for every version of the draft (a few thousand
    rows at most), so that comment batches need no further query."""
    query = (select(Article.id, Article.ordinal, Article.label, Article.text)
             .join(DraftVersion, DraftVersion.id == Article.version_id)
             .where(DraftVersion.draft_id == draft_id))
    return {row.id: (row.ordinal, row.label, row.text) for row in session.execute(query)}


def _host_of(session: Session, point: ContactPoint) -> str:
    """The point's host (联络员) as named on their account, for the point's own submission."""
    users = session.exec(select(User).where(User.contact_point_id == point.id,
                                            User.role == "host", User.disabled.is_(False))
                         .order_by(User.id)).all()
    return "、".join(u.display_name or u.username for u in users)


KINDS = ("opinions", "comments", "comparison")


def build_for_export(session: Session, *, draft_id: int, office: str,
                     contact_point_id: int | None = None, internal: bool = False,
                     engine: Engine | None = None, fmt: str = "docx"):
    """The report's data with staff's letterhead, and its sections as staff left them;
    with ``engine``, comments are streamed from the database as the file is written.
    A spreadsheet prints no sections: none are drafted for it (drafting loads the
    matching package's word lists, about 100 MB)."""
    from legis.services import report_texts

    data = build_report(session, draft_id=draft_id, office=office,
                        contact_point_id=contact_point_id, internal=internal, engine=engine)
    report_texts.apply_letterhead(session, data)
    return data, (report_texts.sections(session, data=data) if fmt == "docx" else [])


def render(data: ReportData, *, fmt: str, kind: str = "opinions", sections=None,
           ids: bool = False) -> bytes:
    """The file bytes for one format: the congress report or a point's submission (.docx),
    the 修改前后对照表 (.docx, kind "comparison") or a spreadsheet.

    ``sections`` are the report's texts as staff edited them (see report_texts).
    """
    if fmt == "docx" and kind == "comparison":
        return comparison.comparison_table(data)
    if fmt == "docx" and data.contact_point:
        return submission.point_submission(data)
    if fmt == "docx":
        return docx_report.congress_report(data, sections)
    writers = {
        ("xlsx", "opinions"): spreadsheets.opinions_xlsx,
        ("xlsx", "comments"): spreadsheets.comments_xlsx,
        ("csv", "opinions"): spreadsheets.opinions_csv,
        ("csv", "comments"): spreadsheets.comments_csv,
    }
    if (fmt, kind) not in writers:
        raise ValidationError("导出格式应为 docx、xlsx 或 csv；表格可选“归纳意见”或“原始意见”，"
                              "修改前后对照表只有 docx 格式。")
    return writers[(fmt, kind)](data, ids=ids)


def filename(data: ReportData, *, fmt: str, kind: str = "opinions") -> str:
    what = ("修改前后对照表" if kind == "comparison" else
            "报送材料" if fmt == "docx" and data.contact_point else
            "征求意见情况报告" if fmt == "docx" else
            "归纳意见" if kind == "opinions" else "原始意见")
    scope = f"-{data.contact_point}" if data.contact_point else ""
    internal = "-内部" if data.internal else ""
    return f"{data.draft_title}{scope}-{what}{internal}.{FORMATS[fmt][1]}"


def export_for_job(engine, *, job_id: int, draft_id: int, office: str, fmt: str, kind: str,
                   contact_point_id: int | None, internal: bool, progress) -> dict:
    """Build an export as a background job (large drafts) and keep it with the job, in the
    database, so whichever server the download request reaches can send it."""
    from legis.db import session_scope
    from legis.services import jobs
    from legis.services.report_texts import final_sections

    progress(0.05, "正在读取意见")
    with session_scope(engine) as session:
        data, views = build_for_export(session, draft_id=draft_id, office=office,
                                       contact_point_id=contact_point_id, internal=internal,
                                       engine=engine, fmt=fmt)
    progress(0.4, f"正在生成文件（{len(data.opinions)}条归纳意见，{data.comments}条意见）")
    body = render(data, fmt=fmt, kind=kind, sections=final_sections(views))
    jobs.keep_file(engine, job_id, body)
    return {"file": True, "filename": filename(data, fmt=fmt, kind=kind), "format": fmt,
            "internal": internal, "bytes": len(body),
            "message": f"已生成，共{len(body) // 1024} KB，可以下载。"}


def comment_count(session: Session, *, draft_id: int) -> int:
    """How many comments a draft has: above a limit, its exports run as a background job."""
    return session.exec(select(func.count(Comment.id)).where(Comment.draft_id == draft_id)).one()
