"""The 征求意见情况的报告 for the city people's congress, as a GB/T 9704 .docx."""

from __future__ import annotations

from collections.abc import Iterator

from legis.exporters import charts
from legis.exporters.figures import (
    cited_opinions,
    cn_date,
    disposition_text,
    ordered_opinions,
    overview_sentence,
    summary_line,
    tally_rows,
    units_text,
)
from legis.exporters.model import ArticleChange, ReportData, ReportOpinion
from legis.exporters.official import GB_FONTS, WU_HAO, Fonts, OfficialDocument
from legis.exporters.wordxml import Column, Span
from legis.numerals import int_to_cn

INTERNAL_MARK = "内部资料 含个人信息"

TALLY_COLUMNS = [Column("采纳情况", 50, "center"), Column("意见数（条）", 45, "center"),
                 Column("占比", 45, "center")]
OPINION_COLUMNS = [
    Column("序号", 12, "center"), Column("条款", 22, "center"), Column("意见内容", 72),
    Column("提出人数", 14, "center"), Column("提出单位", 40), Column("采纳情况", 20, "center"),
    Column("理由或修改情况", 63),
]
COMMENT_COLUMNS = [
    Column("序号", 14, "center"), Column("条款", 22, "center"), Column("意见原文", 103),
    Column("联系点", 34), Column("渠道", 13, "center"), Column("姓名", 24, "center"),
    Column("电话", 33, "center"),
]


def congress_report(data: ReportData, fonts: Fonts = GB_FONTS) -> bytes:
    """The whole report as .docx bytes: overview, tally, charts, opinions, changes, appendix."""
    doc = OfficialDocument(fonts, header_text=INTERNAL_MARK if data.internal else None)
    opinions = ordered_opinions(data.opinions)
    numbers = {op.id: i for i, op in enumerate(opinions, 1)}
    heads = (int_to_cn(i) for i in range(1, 10))

    doc.title(f"关于《{data.draft_title}》征求意见情况的报告")
    if data.contact_point:
        doc.subtitle(f"（{data.contact_point}报送材料）")
    doc.blank()
    doc.centered(data.office)
    doc.centered(cn_date(data.report_date))
    if data.internal:
        doc.centered(f"（{INTERNAL_MARK}）")
    doc.blank()
    who = data.contact_point or data.office
    doc.para(f"根据工作安排，{who}就《{data.draft_title}》组织开展征求意见工作。"
             "现将有关情况报告如下：")

    doc.heading1(f"{next(heads)}、基本情况")
    doc.para(overview_sentence(data))
    if data.contact_point:
        _sessions(doc, data)

    doc.heading1(f"{next(heads)}、意见采纳情况")
    doc.para(summary_line(data))
    doc.caption("表1　意见采纳情况统计")   # table titles go above the table
    doc.table(TALLY_COLUMNS, tally_rows(data), repeat_header=False)
    width = doc.text_width_mm
    doc.picture(charts.stacked_bars_png(opinions), width, "图1　各条意见数量及采纳情况"
                + ("（横轴为条序号）" if charts.has_cjk_font() else
                   "（横轴为条序号，0为总体意见；绿：采纳，蓝：部分采纳，红：未采纳，灰：待研究）"))
    doc.picture(charts.tally_png(data.tally()), width * 0.8, "图2　意见采纳情况")

    doc.new_section(landscape=True)
    table_part = next(heads)
    doc.heading1(f"{table_part}、逐条意见及采纳情况")
    doc.para(summary_line(data))
    doc.table(OPINION_COLUMNS, _opinion_rows(opinions))

    if data.changes:
        doc.new_section(landscape=False)
        doc.heading1(f"{next(heads)}、修改情况")
        _changes(doc, data.changes, numbers, table_part)

    doc.new_section(landscape=True)
    doc.attachment_label("附件")
    doc.title("原始意见")
    comments = sum(len(op.comments) for op in opinions)
    doc.centered(f"（共{comments}条，按归纳意见分组）")
    doc.table(COMMENT_COLUMNS, _comment_rows(opinions), size=WU_HAO)
    return doc.to_bytes()


def _sessions(doc: OfficialDocument, data: ReportData) -> None:
    doc.heading2("（一）征求意见活动")
    if not data.sessions:
        doc.para("本联系点未组织现场征求意见活动，意见均通过其他渠道收集。")
    for i, s in enumerate(data.sessions, 1):
        place = f"在{s.place}" if s.place else ""
        when = cn_date(s.date) + "，" if s.date else ""
        doc.para(f"{i}. {when}{place}召开{s.title}，参加群众{s.participants}人次。")


def _opinion_rows(opinions: list[ReportOpinion]) -> Iterator[list[object]]:
    for i, op in enumerate(opinions, 1):
        yield [i, op.article_label, op.text, op.supporters, units_text(op), op.state,
               disposition_text(op)]


def _comment_rows(opinions: list[ReportOpinion]) -> Iterator[list[object] | Span]:
    n = 0
    for i, op in enumerate(opinions, 1):
        if not op.comments:
            continue
        yield Span(f"意见{i}（{op.article_label}，{op.state}）：{_clip(op.text, 60)}"
                   f"——原始意见{len(op.comments)}条")
        for c in op.comments:
            n += 1
            yield [n, c.article_label, c.text, c.contact_point or "", c.channel,
                   c.name or "", c.phone or ""]


def _changes(doc: OfficialDocument, changes: list[ArticleChange], numbers: dict[int, int],
             table_part: str) -> None:
    for i, change in enumerate(changes, 1):
        label = change.new_label or change.old_label
        doc.heading2(f"（{int_to_cn(i)}）{label}")
        doc.para(f"原条文：{change.old_label}　{change.old_text}" if change.old_text
                 else "原条文：（新增条文）")
        doc.para(f"修改后：{change.new_label}　{change.new_text}" if change.new_text
                 else "修改后：（删除该条）")
        if change.opinion_ids:
            cited = cited_opinions(change.opinion_ids, numbers)
            doc.para(f"依据的意见：{cited}（序号见第{table_part}部分意见表）。")
        if change.reason:
            doc.para(f"修改理由：{change.reason}")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

