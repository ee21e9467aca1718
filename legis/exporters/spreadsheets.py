"""Opinions and comments of a report as xlsx and csv: the same figures and wording as the .docx.

Internal database ids are left out unless asked for (``ids=True``): a reader needs
the 序号 the report uses, not the row numbers of our tables.
"""

from __future__ import annotations

from collections.abc import Iterator

from legis.exporters.figures import (
    disposition_text,
    ordered_opinions,
    share_value,
    source_text,
    tally_rows,
)
from legis.exporters.model import ONLINE_UNIT, ReportData
from legis.exporters.tables import to_csv, to_xlsx

OPINION_HEADERS = ["序号", "条款", "意见内容", "提出人数", "提出单位", "采纳情况",
                   "理由或修改情况", "原始意见数"]
COMMENT_HEADERS = ["序号", "归纳意见序号", "条款", "意见原文", "联系点", "座谈会", "渠道",
                   "提交时间", "姓名", "社区", "电话", "回执码", "采纳情况"]
TALLY_HEADERS = ["采纳情况", "意见数（项）", "占比"]
_OPINION_WIDTHS = [6, 12, 60, 9, 36, 10, 50, 10]
_COMMENT_WIDTHS = [8, 12, 12, 60, 22, 28, 8, 17, 10, 12, 14, 12, 10]
_OPINION_WRAP = [2, 4, 6]
_COMMENT_WRAP = [3, 5]


def opinion_headers(ids: bool = False) -> list[str]:
    return OPINION_HEADERS + (["意见编号"] if ids else [])


def comment_headers(ids: bool = False) -> list[str]:
    return COMMENT_HEADERS + (["意见编号", "原始意见编号"] if ids else [])


def opinion_rows(data: ReportData, *, ids: bool = False) -> Iterator[list[object]]:
    for i, op in enumerate(ordered_opinions(data.opinions), 1):
        yield [i, op.article_label, op.text, op.supporters, source_text(op), op.state,
               disposition_text(op), len(op.comments)] + ([op.id] if ids else [])


def comment_rows(data: ReportData, *, ids: bool = False) -> Iterator[list[object]]:
    n = 0
    for i, op in enumerate(ordered_opinions(data.opinions), 1):
        for c in op.comments:
            n += 1
            yield [n, i, c.article_label, c.text, c.contact_point or ONLINE_UNIT, c.meeting,
                   c.channel, c.created_at, c.name, c.community, c.phone, c.receipt_code,
                   op.state] + ([op.id, c.id] if ids else [])


def _tally_values(data: ReportData) -> list[list[object]]:
    return [[state, count, share_value(share)] for state, count, share in tally_rows(data)]


def opinions_xlsx(data: ReportData, *, ids: bool = False) -> bytes:
    """归纳意见 sheet (one row per opinion) and 采纳情况统计 sheet (shares as percentages)."""
    return to_xlsx([("归纳意见", opinion_headers(ids), opinion_rows(data, ids=ids)),
                    ("采纳情况统计", TALLY_HEADERS, _tally_values(data))],
                   widths={"归纳意见": _OPINION_WIDTHS, "采纳情况统计": [14, 14, 10]},
                   wrap={"归纳意见": _OPINION_WRAP}, percent={"采纳情况统计": [2]})


def comments_xlsx(data: ReportData, *, ids: bool = False) -> bytes:
    """原始意见 sheet: one row per comment, with the opinion it was merged into."""
    return to_xlsx([("原始意见", comment_headers(ids), comment_rows(data, ids=ids))],
                   widths={"原始意见": _COMMENT_WIDTHS}, wrap={"原始意见": _COMMENT_WRAP})


def opinions_csv(data: ReportData, *, ids: bool = False) -> bytes:
    return to_csv(opinion_headers(ids), opinion_rows(data, ids=ids))


def comments_csv(data: ReportData, *, ids: bool = False) -> bytes:
    return to_csv(comment_headers(ids), comment_rows(data, ids=ids))
