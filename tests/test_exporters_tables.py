"""Masking, csv/xlsx writers and the opinions/comments spreadsheets."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from legis.exporters.masking import mask_name, mask_phone
from legis.exporters.sample import sample_report_data
from legis.exporters.spreadsheets import (
    COMMENT_HEADERS,
    OPINION_HEADERS,
    comments_csv,
    comments_xlsx,
    opinions_csv,
    opinions_xlsx,
)
from legis.exporters.tables import to_csv, to_xlsx


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"),
    (" 138 1234 5678 ", "138****5678"),
    ("+86 13812345678", "138****5678"),
    ("8613812345678", "138****5678"),
    ("0571-87654321", "057*****4321"),
    ("87654321", "****4321"),
    ("12345", "***45"),
    ("不方便留", "****"),
    ("", ""),
    (None, None),
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(("raw", "masked"), [
    ("王小明", "王某"), ("李四", "李某"), ("欧阳娜娜", "欧阳某"), ("欧阳", "欧某"),
    ("John Smith", "J***"), ("匿名", "匿名"), ("", ""), (None, None),
])
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


def read_csv(blob: bytes) -> list[list[str]]:
    assert blob.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Chinese"
    return list(csv.reader(io.StringIO(blob.decode("utf-8-sig"))))


def test_csv_keeps_text_and_defuses_formulas():
    rows = read_csv(to_csv(["意见", "数"], [["=HYPERLINK(\"x\")", 3], ["第一行\n第二行, 逗号", None],
                                           ["-1", 0]]))
    assert rows == [["意见", "数"], ["'=HYPERLINK(\"x\")", "3"], ["第一行\n第二行, 逗号", ""],
                    ["'-1", "0"]]


def test_xlsx_stores_formula_like_text_as_text():
    blob = to_xlsx([("意见[1]", ["a", "b"], [["=1+1", 5], ["含\x07控制字符", None]])])
    ws = load_workbook(io.BytesIO(blob))["意见_1_"]
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 5
    assert ws["A3"].value == "含控制字符"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold


@pytest.fixture(scope="module")
def data():
    return sample_report_data(opinions=30, comments=120)


def test_opinion_sheets_hold_every_opinion_and_the_tally(data):
    wb = load_workbook(io.BytesIO(opinions_xlsx(data)))
    rows = list(wb["归纳意见"].iter_rows(values_only=True))
    assert list(rows[0]) == OPINION_HEADERS
    assert len(rows) - 1 == len(data.opinions)
    by_id = {o.id: o for o in data.opinions}
    for row in rows[1:]:
        op = by_id[row[1]]
        assert (row[2], row[4], row[5], row[7]) == (op.article_label, op.text, op.supporters,
                                                    op.state)
        assert row[10] == len(op.comments)
    ordinals = [r[3] for r in rows[1:]]
    assert ordinals == sorted(ordinals)
    tally = {r[0]: r[1] for r in wb["采纳情况统计"].iter_rows(min_row=2, values_only=True)}
    assert tally == {**data.tally(), "合计": len(data.opinions)}
    assert read_csv(opinions_csv(data))[1:] == [["" if v is None else str(v) for v in r]
                                                for r in rows[1:]]


def test_comment_sheets_hold_every_comment_with_all_fields(data):
    wb = load_workbook(io.BytesIO(comments_xlsx(data)))
    rows = list(wb["原始意见"].iter_rows(values_only=True))
    assert list(rows[0]) == COMMENT_HEADERS
    comments = {c.id: c for o in data.opinions for c in o.comments}
    assert len(rows) - 1 == len(comments) == data.comments
    for row in rows[1:]:
        c = comments[row[3]]
        assert (row[5], row[6], row[8], row[9], row[10], row[12], row[13]) == (
            c.text, c.contact_point, c.channel, c.created_at, c.name, c.phone, c.receipt_code)
    lines = read_csv(comments_csv(data))
    assert len(lines) - 1 == len(comments)
    assert lines[1][9] == rows[1][9].strftime("%Y-%m-%d %H:%M")
