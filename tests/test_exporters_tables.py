"""Masking, csv/xlsx writers and the opinions/comments spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from legis.exporters.figures import disposition_text, ordered_opinions
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
    ordered = ordered_opinions(data.opinions)
    assert len(rows) - 1 == len(ordered)
    for i, (row, op) in enumerate(zip(rows[1:], ordered), 1):
        assert (row[0], row[1], row[2], row[3], row[5], row[7]) == (
            i, op.article_label, op.text, op.supporters, op.state, len(op.comments))
        # The same 理由或修改情况 the .docx prints (and nothing made up where it is empty).
        assert (row[6] or "") == disposition_text(op)
    tally = {r[0]: r[1] for r in wb["采纳情况统计"].iter_rows(min_row=2, values_only=True)}
    assert tally == {**data.tally(), "合计": len(data.opinions)}
    assert read_csv(opinions_csv(data))[1:] == [["" if v is None else str(v) for v in r]
                                                for r in rows[1:]]


def test_sheets_are_ready_to_read_and_print(data):
    wb = load_workbook(io.BytesIO(opinions_xlsx(data)))
    sheet = wb["归纳意见"]
    assert sheet.auto_filter.ref == f"A1:H{len(data.opinions) + 1}"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.freeze_panes == "A2"
    text_cell = sheet["C2"]
    assert text_cell.alignment.wrap_text
    # Shares are numbers shown as percentages, adding up to one.
    shares = [r for r in wb["采纳情况统计"].iter_rows(min_row=2)]
    values = [row[2].value for row in shares[:-1]]
    assert all(isinstance(v, float) for v in values) and round(sum(values), 4) == 1.0
    assert all(row[2].number_format == "0.0%" for row in shares)


def test_comment_sheets_hold_every_comment_with_real_times_and_no_ids(data):
    wb = load_workbook(io.BytesIO(comments_xlsx(data)))
    sheet = wb["原始意见"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COMMENT_HEADERS
    assert not any("编号" in h for h in rows[0])
    expected = [c for op in ordered_opinions(data.opinions) for c in op.comments]
    assert len(rows) - 1 == len(expected) == data.comments
    for row, c in zip(rows[1:], expected):
        assert (row[2], row[3], row[4], row[6], row[7], row[8], row[10], row[11]) == (
            c.article_label, c.text, c.contact_point or "网络征集", c.channel, c.created_at,
            c.name, c.phone, c.receipt_code)
        assert isinstance(row[7], datetime)
    assert sheet["H2"].number_format == "yyyy-mm-dd hh:mm"
    lines = read_csv(comments_csv(data))
    assert len(lines) - 1 == len(expected)
    assert lines[1][7] == rows[1][7].strftime("%Y-%m-%d %H:%M")


def test_ids_only_when_asked(data):
    wb = load_workbook(io.BytesIO(comments_xlsx(data, ids=True)))
    head = [c.value for c in next(wb["原始意见"].iter_rows(max_row=1))]
    assert head[-2:] == ["意见编号", "原始意见编号"]
    first = next(wb["原始意见"].iter_rows(min_row=2, values_only=True))
    op = ordered_opinions(data.opinions)[0]
    assert first[-2:] == (op.id, op.comments[0].id)
