"""A contact point's 反馈单 as a GB/T 9704 .docx, for the point's notice board (公示栏)."""

from __future__ import annotations

from datetime import date

from legis.exporters.figures import cn_date
from legis.exporters.official import GB_FONTS, Fonts, OfficialDocument
from legis.exporters.wordxml import Column

# 156 mm in all. 条款 holds 「第一百二十一条」 on one line: 7 characters of 小四 (29.6 mm)
# plus the cell margins (2 x 1.5 mm).
COLUMNS = [Column("序号", 12, "center"), Column("条款", 33, "center"), Column("意见内容", 50),
           Column("提出人数", 14, "center"), Column("是否采纳", 20, "center"), Column("采纳理由", 27)]


def feedback_docx(sheet, *, office: str, on: date, fonts: Fonts = GB_FONTS) -> bytes:
    """``sheet`` is a services.feedback.FeedbackSheet; its texts are already masked."""
    doc = OfficialDocument(fonts)
    doc.title(f"《{sheet.draft_title}》意见建议采纳情况反馈单")
    doc.subtitle(f"（{sheet.point}）")
    doc.blank()
    doc.para(sheet.summary + "现将各条意见的处理情况反馈如下，感谢您的参与。")
    doc.table(COLUMNS, ([r.number, r.article, r.text, r.supporters, r.state, r.reason]
                        for r in sheet.rows))
    doc.blank()
    doc.centered(office)
    doc.centered(cn_date(on))
    return doc.to_bytes()
