"""Opinions and comments of a report as xlsx and csv, with every field."""

from __future__ import annotations

from collections.abc import Iterator

from legis.exporters.figures import ordered_opinions, tally_rows, units_text
from legis.exporters.model import ReportData
from legis.exporters.tables import to_csv, to_xlsx

OPINION_HEADERS = ["序号", "意见编号", "条款", "条序号", "意见内容", "提出人数", "提出单位",
                   "采纳情况", "理由", "修改情况", "原始意见数"]
COMMENT_HEADERS = ["序号", "归纳意见序号", "意见编号", "原始意见编号", "条款", "意见原文", "联系点",
                   "座谈会", "渠道", "提交时间", "姓名", "社区", "电话", "回执码", "采纳情况"]
TALLY_HEADERS = ["采纳情况", "意见数", "占比"]
_OPINION_WIDTHS = [6, 9, 12, 7, 60, 9, 30, 10, 40, 40, 10]
_COMMENT_WIDTHS = [8, 12, 9, 12, 12, 60, 22, 28, 8, 17, 10, 12, 14, 12, 10]


def opinion_rows(data: ReportData) -> Iterator[list[object]]:
    for i, op in enumerate(ordered_opinions(data.opinions), 1):
        yield [i, op.id, op.article_label, op.article_ordinal, op.text, op.supporters,
               units_text(op), op.state, op.reason, op.change_note, len(op.comments)]


def comment_rows(data: ReportData) -> Iterator[list[object]]:
    n = 0
    for i, op in enumerate(ordered_opinions(data.opinions), 1):
        for c in op.comments:
            n += 1
            yield [n, i, op.id, c.id, c.article_label, c.text, c.contact_point, c.session,
                   c.channel, c.created_at, c.name, c.community, c.phone, c.receipt_code, op.state]


def opinions_xlsx(data: ReportData) -> bytes:
    """归纳意见 sheet (one row per opinion) and 采纳情况统计 sheet."""
    return to_xlsx([("归纳意见", OPINION_HEADERS, opinion_rows(data)),
                    ("采纳情况统计", TALLY_HEADERS, tally_rows(data))],
                   widths={"归纳意见": _OPINION_WIDTHS})


def comments_xlsx(data: ReportData) -> bytes:
    """原始意见 sheet: one row per comment, with the opinion it was merged into."""
    return to_xlsx([("原始意见", COMMENT_HEADERS, comment_rows(data))],
                   widths={"原始意见": _COMMENT_WIDTHS})


def opinions_csv(data: ReportData) -> bytes:
    return to_csv(OPINION_HEADERS, opinion_rows(data))


def comments_csv(data: ReportData) -> bytes:
    return to_csv(COMMENT_HEADERS, comment_rows(data))
