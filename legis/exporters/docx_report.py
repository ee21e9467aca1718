"""The 征求意见情况的报告 for the city people's congress, as a GB/T 9704 .docx.

Reading order as such a report is really sent: 主送机关; the opening; 一、基本情况;
二、主要意见及采纳情况 (the tally table and the charts, then article by article);
三、未采纳意见及理由; 修改情况 once a revised version exists; 下一步工作; the
附件说明; the 落款 (signatory, date). Then 附件1 意见采纳情况对照表 and 附件2 原始意见
on landscape pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from legis.exporters import charts
from legis.exporters.drafting import Section, draft_sections, quote
from legis.exporters.figures import (
    cn_date,
    disposition_text,
    ordered_opinions,
    source_text,
    tally_rows,
)
from legis.exporters.model import ArticleChange, ReportData, ReportOpinion
from legis.exporters.official import GB_FONTS, WU_HAO, Fonts, OfficialDocument
from legis.exporters.wordxml import Column, Continued, Merged, Span
from legis.numerals import int_to_cn

INTERNAL_MARK = "内部资料"
INTERNAL_NOTE = "（本版本含群众个人信息，仅供内部工作使用）"

TALLY_COLUMNS = [Column("采纳情况", 50, "center"), Column("意见数（项）", 45, "center"),
                 Column("占比", 45, "center")]
# 附件1: the three columns of the 意见采纳情况对照表 (landscape type area: 243 mm).
CONTRAST_COLUMNS = [Column("条文", 96), Column("意见", 90), Column("采纳情况", 57)]
COMMENT_COLUMNS = [
    Column("序号", 14, "center"), Column("条款", 30, "center"), Column("意见原文", 97),
    Column("联系点", 34), Column("渠道", 13, "center"), Column("姓名", 22, "center"),
    Column("电话", 33, "center"),
]
# A line of section text that is a subheading: 「（三）关于第十二条」, short, no full stop.
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十百]+）[^。；]{1,40}$")


@dataclass(frozen=True)
class Block:
    """One part of the report in reading order; the .docx and the HTML preview both walk these.

    kind: mark, number, title, subtitle, addressee, p, h1, h2, figures (table 1 and the
    charts), attach (附件说明 lines), sign (signatory, date).
    """

    kind: str
    text: str = ""
    extra: tuple[str, ...] = ()


def report_blocks(data: ReportData, sections: Sequence[Section] | None = None) -> list[Block]:
    """The body of the report, from staff's sections (default: legis's drafts)."""
    sections = list(sections) if sections is not None else draft_sections(data)
    text = {s.key: s for s in sections}
    letter = data.letterhead
    heads = (int_to_cn(i) for i in range(1, 20))
    out: list[Block] = []
    if data.internal:
        out.append(Block("mark", INTERNAL_MARK))
    if letter.doc_number:
        out.append(Block("number", letter.doc_number))
    out.append(Block("title", f"关于《{data.draft_title}》征求意见情况的报告"))
    if data.internal:
        out.append(Block("subtitle", INTERNAL_NOTE))
    if letter.addressee:
        out.append(Block("addressee", f"{letter.addressee}："))
    if "opening" in text:
        out += _text_blocks(text["opening"].text.splitlines())
    for key in ("basics", "opinions", "rejected"):
        section = text.get(key)
        if section is None:
            continue
        out.append(Block("h1", f"{next(heads)}、{section.title}", (key,)))
        lines = section.text.splitlines()
        if key == "opinions":
            out += _text_blocks(lines[:1])
            out.append(Block("figures"))
            lines = lines[1:]
        out += _text_blocks(lines)
    if data.changes:
        out.append(Block("h1", f"{next(heads)}、修改情况"))
        out += _change_blocks(data.changes, data.opinions)
    if "next" in text:
        out.append(Block("h1", f"{next(heads)}、{text['next'].title}", ("next",)))
        out += _text_blocks(text["next"].text.splitlines())
    attachments = attachment_names(data)
    if attachments:
        out.append(Block("attach", "附件：", tuple(
            f"{i}. {name}" if len(attachments) > 1 else name
            for i, name in enumerate(attachments, 1))))
    out.append(Block("sign", letter.signatory or data.office, (cn_date(data.report_date),)))
    return out


def attachment_names(data: ReportData) -> list[str]:
    return [a.strip() for a in data.letterhead.attachments if a.strip()]


def preview_blocks(data: ReportData, sections: Sequence[Section] | None = None) -> list[Block]:
    """The same blocks for the HTML preview (the page shows figures as a note)."""
    return report_blocks(data, sections)


def _text_blocks(lines: Sequence[str]) -> list[Block]:
    """Section text: 「（一）…」 lines as 楷体 subheadings, every other line its own paragraph."""
    out = []
    for line in lines:
        line = line.strip()
        if line:
            out.append(Block("h2" if _SUBHEADING.match(line) else "p", line))
    return out


def congress_report(data: ReportData, sections: Sequence[Section] | None = None,
                    fonts: Fonts = GB_FONTS) -> bytes:
    """The whole report as .docx bytes; ``sections`` are staff's edited texts (default: drafted)."""
    doc = OfficialDocument(fonts)
    opinions = ordered_opinions(data.opinions)
    blocks = report_blocks(data, sections)
    # The body's last paragraph goes with the 附件说明 and 落款 to a new page if they must.
    last_text = max((i for i, b in enumerate(blocks) if b.kind == "p"), default=-1)
    for i, block in enumerate(blocks):
        kind = block.kind
        if kind == "mark":
            doc.mark(block.text)
        elif kind == "number":
            doc.centered(block.text)
        elif kind == "title":
            doc.blank()
            doc.title(block.text)
            if not data.internal:
                doc.blank()
        elif kind == "subtitle":
            doc.subtitle(block.text)
            doc.blank()
        elif kind == "addressee":
            doc.left(block.text)
        elif kind == "h1":
            doc.heading1(block.text)
        elif kind == "h2":
            doc.heading2(block.text)
        elif kind == "p":
            doc.para(block.text, keep=i == last_text)
        elif kind == "figures":
            _tally_and_charts(doc, data, opinions)
        elif kind == "attach":
            doc.blank(keep=True)
            doc.hanging(block.text, block.extra)
        elif kind == "sign":
            doc.signature(block.text, block.extra[0])

    _attachments(doc, data, opinions)
    return doc.to_bytes()


def _attachments(doc: OfficialDocument, data: ReportData, opinions: list[ReportOpinion]) -> None:
    """The attachments named in the 附件说明, each on landscape pages of its own."""
    names = {name: i for i, name in enumerate(attachment_names(data), 1)}
    if "意见采纳情况对照表" in names:
        doc.new_section(landscape=True)
        doc.attachment_label(f"附件{names['意见采纳情况对照表']}")
        doc.title("意见采纳情况对照表")
        doc.blank()
        doc.table(CONTRAST_COLUMNS, contrast_rows(data))
    if "原始意见" in names:
        doc.new_section(landscape=True)
        doc.attachment_label(f"附件{names['原始意见']}")
        doc.title("原始意见")
        comments = sum(op.supporters for op in opinions)
        doc.centered(f"（共{comments}条，按归纳意见分组）")
        doc.table(COMMENT_COLUMNS, comment_rows(data, opinions), size=WU_HAO)


def _tally_and_charts(doc: OfficialDocument, data: ReportData,
                      opinions: list[ReportOpinion]) -> None:
    doc.caption("表1　意见采纳情况统计")   # table titles go above the table
    doc.table(TALLY_COLUMNS, tally_rows(data), repeat_header=False, keep_together=True)
    if not opinions:
        return
    width = doc.text_width_mm
    many = len({op.article_ordinal for op in opinions}) > charts.MAX_BARS
    doc.picture(charts.stacked_bars_png(opinions), width,
                "图1　各条原始意见数量及采纳情况" + ("（意见最多的条文）" if many else ""))
    doc.picture(charts.sources_png(opinions), width, "图2　各联系点及网络征集的原始意见数量（按渠道）")


def contrast_rows(data: ReportData) -> Iterator[list[object]]:
    """意见采纳情况对照表: article text (as consulted) beside its opinions, 总体意见 first."""
    texts = {a.ordinal: a for a in data.articles}
    opinions = ordered_opinions(data.opinions)
    for n, op in enumerate(opinions, 1):
        opinion = f"{n}. {op.text.strip()}\n（{op.supporters}条：{source_text(op)}）"
        reason = disposition_text(op)
        outcome = op.state + ("\n" + reason if reason else "")
        more = n < len(opinions) and opinions[n].article_ordinal == op.article_ordinal
        if n == 1 or opinions[n - 2].article_ordinal != op.article_ordinal:
            article = texts.get(op.article_ordinal)
            head = (f"{op.article_label}　{article.text}" if article and article.text
                    else op.article_label)
            yield [Merged(head, more), opinion, outcome]
        else:
            yield [Continued(more), opinion, outcome]


def comment_rows(data: ReportData, opinions: list[ReportOpinion], *,
                 with_state: bool = True) -> Iterator[list[object] | Span]:
    """原始意见 rows under a heading row per opinion; ``with_state=False`` leaves out the
    decision (a point's submission before the results are published). Comments come
    as the table is written (read from the database a chunk at a time for a large export)."""
    n = 0
    for i, (op, comments) in enumerate(data.comments_of(opinions), 1):
        if not comments:
            continue
        state = f"{op.state}，" if with_state else ""
        yield Span(f"{i}. {op.article_label}：{quote(op.text, 60)}（{state}"
                   f"原始意见{len(comments)}条）")
        for c in comments:
            n += 1
            yield [n, c.article_label, c.text, c.contact_point or "网络征集", c.channel,
                   c.name or "", c.phone or ""]


def _change_blocks(changes: list[ArticleChange],
                   opinions: list[ReportOpinion]) -> list[Block]:
    by_id = {op.id: op for op in opinions}
    out = []
    for i, change in enumerate(changes, 1):
        label = change.new_label or change.old_label
        out.append(Block("h2", f"（{int_to_cn(i)}）{label}"))
        out += _article_text("原条文", change.old_label, change.old_text, "（新增条文）")
        out += _article_text("修改后", change.new_label, change.new_text, "（删除该条）")
        cited = cited_by_text(change.opinion_ids, by_id)
        if cited:
            out.append(Block("p", f"依据的意见：{cited}。"))
        if change.reason:
            out.append(Block("p", f"修改理由：{change.reason}"))
    return out


def _article_text(lead: str, label: str, text: str, empty: str) -> list[Block]:
    """An article's 款 each as its own paragraph (a line break would stretch a justified line)."""
    if not text:
        return [Block("p", f"{lead}：{empty}")]
    first, *rest = text.splitlines()
    return [Block("p", f"{lead}：{label}　{first}")] + [
        Block("p", line.strip()) for line in rest if line.strip()]


def cited_by_text(opinion_ids: list[int], by_id: dict[int, ReportOpinion]) -> str:
    """「“建议明确……”（3条）」 for each opinion behind a change, by its text, not a number."""
    return "；".join(f"“{quote(by_id[i].text, 60)}”（{by_id[i].supporters}条）"
                    for i in opinion_ids if i in by_id)
