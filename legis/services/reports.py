"""Build the plain ReportData the exporters write, from the database, for a draft or one contact point."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func
from sqlmodel import Session, select

from legis import privacy
from legis.errors import ValidationError
from legis.exporters import comparison, docx_report, spreadsheets, submission
from legis.exporters.masking import mask_name, mask_phone
from legis.exporters.model import (
    ReportArticle,
    ReportComment,
    ReportData,
    ReportMeeting,
    ReportOpinion,
)
from legis.models import Article, Comment, ContactPoint, Meeting, Opinion, User
from legis.services import revisions as revision_service
from legis.services.accounts import point_subtree
from legis.services.drafts import get_draft
from legis.timefmt import to_beijing, today

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def build_report(session: Session, *, draft_id: int, office: str, contact_point_id: int | None = None,
                 internal: bool = False) -> ReportData:
    """Everything a report needs; personal data masked unless ``internal``."""
    draft = get_draft(session, draft_id=draft_id)
    point = None
    scope: set[int] | None = None
    if contact_point_id is not None:
        point = session.get(ContactPoint, contact_point_id)
        if point is None:
            raise ValidationError("没有找到这个联系点。")
        scope = point_subtree(session, point_id=point.id)

    comment_query = select(Comment).where(Comment.draft_id == draft.id, Comment.excluded.is_(False),
                                          Comment.withdrawn.is_(False))
    if scope is not None:
        comment_query = comment_query.where(Comment.contact_point_id.in_(scope))
    comments = list(session.exec(comment_query.order_by(Comment.id)))
    points = {p.id: p.name for p in session.exec(select(ContactPoint))}
    meeting_query = select(Meeting).where(Meeting.draft_id == draft.id)
    if scope is not None:
        meeting_query = meeting_query.where(Meeting.contact_point_id.in_(scope))
    meetings = list(session.exec(meeting_query.order_by(Meeting.held_on, Meeting.id)))
    meeting_titles = {s.id: s.title or f"座谈会{s.id}" for s in meetings}
    article_ids = {c.article_id for c in comments if c.article_id}
    opinions = {o.id: o for o in session.exec(select(Opinion).where(Opinion.draft_id == draft.id))}
    article_ids |= {o.article_id for o in opinions.values() if o.article_id}
    articles = {a.id: a for a in session.exec(select(Article).where(Article.id.in_(article_ids)))}

    def label(article_id: int | None) -> str:
        return articles[article_id].label if article_id in articles else "总体意见"

    members: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.opinion_id in opinions:
            members[comment.opinion_id].append(comment)

    report_opinions = []
    for opinion_id, group in members.items():
        opinion = opinions[opinion_id]
        counted = Counter(points[c.contact_point_id] for c in group if c.contact_point_id in points)
        article = articles.get(opinion.article_id)
        report_opinions.append(ReportOpinion(
            id=opinion.id,
            article_label=label(opinion.article_id),
            article_ordinal=article.ordinal + 1 if article else 0,
            # Staff wrote these; a masked report still masks whatever personal data slipped in.
            text=opinion.text if internal else privacy.mask(opinion.text),
            supporters=len(group),
            contact_points=[name for name, _ in counted.most_common()],
            state=opinion.state,
            reason=opinion.reason if internal else privacy.mask(opinion.reason),
            change_note=opinion.change_note if internal else privacy.mask(opinion.change_note),
            comments=[_report_comment(c, label(c.article_id), points, meeting_titles, internal)
                      for c in group],
        ))
    report_opinions.sort(key=lambda o: (o.article_ordinal, -o.supporters, o.id))
    counted_comments = [c for g in members.values() for c in g]
    per_point = Counter(c.contact_point_id for c in counted_comments if c.contact_point_id in points)
    used_points = set(per_point)
    consulted = {a.ordinal + 1: ReportArticle(a.ordinal + 1, a.label, a.text)
                 for a in articles.values()}
    return ReportData(
        draft_title=draft.title,
        office=office,
        report_date=today(),
        contact_point=point.name if point else None,
        contact_points=len(used_points),
        meetings=[ReportMeeting(title=s.title or f"座谈会{s.id}", contact_point=points.get(s.contact_point_id, ""),
                                date=s.held_on, place=s.place,
                                participants=s.participant_count or s.expected_participants,
                                host=s.host_name)
                  for s in meetings],
        participants=sum(s.participant_count or s.expected_participants for s in meetings),
        comments=sum(len(g) for g in members.values()),
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
    )


def _host_of(session: Session, point: ContactPoint) -> str:
    """The point's host (联络员) as named on their account, for the point's own submission."""
    users = session.exec(select(User).where(User.contact_point_id == point.id,
                                            User.role == "host", User.disabled.is_(False))
                         .order_by(User.id)).all()
    return "、".join(u.display_name or u.username for u in users)


def _report_comment(comment: Comment, article_label: str, points: dict[int, str],
                    meeting_titles: dict[int, str], internal: bool) -> ReportComment:
    return ReportComment(
        id=comment.id,
        text=comment.text if internal else privacy.public_text(comment.text, comment.personal_data),
        article_label=article_label,
        contact_point=points.get(comment.contact_point_id),
        meeting=meeting_titles.get(comment.meeting_id),
        channel=comment.channel,
        created_at=to_beijing(comment.created_at).replace(tzinfo=None),
        name=(comment.name if internal else mask_name(comment.name)) or None,
        community=(comment.community if internal else "") or None,
        phone=(comment.phone if internal else mask_phone(comment.phone)) or None,
        receipt_code=comment.receipt_code,
    )


KINDS = ("opinions", "comments", "comparison")


def build_for_export(session: Session, *, draft_id: int, office: str,
                     contact_point_id: int | None = None, internal: bool = False):
    """The report's data with staff's letterhead, and its sections as staff left them."""
    from legis.services import report_texts

    data = build_report(session, draft_id=draft_id, office=office,
                        contact_point_id=contact_point_id, internal=internal)
    report_texts.apply_letterhead(session, data)
    return data, report_texts.sections(session, data=data)


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
                                       contact_point_id=contact_point_id, internal=internal)
    progress(0.4, f"正在生成文件（{len(data.opinions)}条归纳意见，{data.comments}条意见）")
    body = render(data, fmt=fmt, kind=kind, sections=final_sections(views))
    jobs.keep_file(engine, job_id, body)
    return {"file": True, "filename": filename(data, fmt=fmt, kind=kind), "format": fmt,
            "internal": internal, "bytes": len(body),
            "message": f"已生成，共{len(body) // 1024} KB，可以下载。"}


def comment_count(session: Session, *, draft_id: int) -> int:
    """How many comments a draft has: above a limit, its exports run as a background job."""
    return session.exec(select(func.count(Comment.id)).where(Comment.draft_id == draft_id)).one()
