"""A contact point's own submission (报送材料): its meetings, its residents' comments by
article, and the outcomes only once the draft's results are published. Signed by the point."""

from __future__ import annotations

from collections import defaultdict

from legis.exporters.docx_report import COMMENT_COLUMNS, comment_rows
from legis.exporters.drafting import channel_text, period_text, quote
from legis.exporters.figures import cn_date, ordered_opinions, summary_line
from legis.exporters.model import ReportData, ReportMeeting
from legis.exporters.official import GB_FONTS, WU_HAO, Fonts, OfficialDocument
from legis.numerals import int_to_cn


def point_submission(data: ReportData, fonts: Fonts = GB_FONTS) -> bytes:
    """The .docx a point's host sends up to its station or to the office."""
    point = data.contact_point or ""
    doc = OfficialDocument(fonts)
    heads = (int_to_cn(i) for i in range(1, 10))
    if data.internal:
        doc.mark("内部资料")
    doc.blank()
    doc.title(f"{point}关于《{data.draft_title}》征求意见情况的报告")
    doc.blank()
    doc.left(f"{data.point_parent or data.office}：")
    when = period_text(data)
    doc.para(f"按照{data.office}的工作安排，{point}" + (f"于{when}" if when else "")
             + f"就《{data.draft_title}》组织征求意见。现将有关情况报告如下：")

    doc.heading1(f"{next(heads)}、征求意见活动")
    _sessions(doc, data)

    doc.heading1(f"{next(heads)}、收集的意见建议")
    opinions = ordered_opinions(data.opinions)
    if data.comments:
        doc.para(f"共收集意见建议{data.comments}条（{channel_text(data)}），"
                 f"涉及{len({op.article_ordinal for op in opinions})}个条文或总体意见，"
                 f"归纳为{len(opinions)}项，按条文分列如下。")
    else:
        doc.para("本次未收集到意见建议。")
    by_article: dict[int, list] = defaultdict(list)
    for op in opinions:
        by_article[op.article_ordinal].append(op)
    groups = [ops for _, ops in sorted(by_article.items())]
    for i, ops in enumerate(groups, 1):
        label = ops[0].article_label
        doc.heading2(f"（{int_to_cn(i)}）关于{label}" if len(groups) > 1 else f"关于{label}")
        for n, op in enumerate(ops, 1):
            note = f"备注：{op.note.strip()}" if op.note.strip() else ""
            doc.para(f"{n}. {quote(op.text, 400)}（{op.supporters}条）{note}")

    if data.published:
        doc.heading1(f"{next(heads)}、采纳情况")
        doc.para(summary_line(data).replace("共归纳意见", "本联系点报送的意见共归纳"))
        for op in opinions:
            reason = op.change_note.strip() or op.reason.strip()
            doc.para(f"{op.article_label}：{quote(op.text, 60)}——{op.state}"
                     + (f"，{reason.rstrip('。')}" if reason else "") + "。")

    doc.keep_last()
    doc.blank(keep=True)
    doc.hanging("附件：", ["原始意见"])
    signer = point + (f"（联络员：{data.point_host}）" if data.point_host else "")
    doc.signature(signer, cn_date(data.report_date))

    doc.new_section(landscape=True)
    doc.attachment_label("附件")
    doc.title("原始意见")
    doc.centered(f"（共{sum(op.supporters for op in opinions)}条）")
    doc.table(COMMENT_COLUMNS, comment_rows(data, opinions, with_state=data.published),
              size=WU_HAO)
    return doc.to_bytes()


def _sessions(doc: OfficialDocument, data: ReportData) -> None:
    """Each meeting named with its date, place and people; a child point's under the child."""
    if not data.meetings:
        doc.para("本联系点未组织座谈会等现场活动，意见通过书面、电话和网络等渠道收集。")
        return
    by_point: dict[str, list[ReportMeeting]] = defaultdict(list)
    for s in data.meetings:
        by_point[s.contact_point].append(s)
    own = data.contact_point or ""
    order = sorted(by_point, key=lambda name: (name != own, name))
    total = sum(s.participants for s in data.meetings)
    doc.para(f"共组织征求意见活动{len(data.meetings)}场，参加群众{total}人次。")
    for i, name in enumerate(order, 1):
        if len(order) > 1:
            doc.heading2(f"（{int_to_cn(i)}）{name}" + ("" if name == own else "（下级联系点）"))
        for n, s in enumerate(by_point[name], 1):
            when = cn_date(s.date) + "，" if s.date else ""
            place = f"在{s.place}" if s.place else ""
            host = f"，由{s.host}主持" if s.host else ""
            doc.para(f"{n}. {when}{place}召开“{s.title}”{host}，参加群众{s.participants}人次。")
