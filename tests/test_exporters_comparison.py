"""The 对照表: three columns on landscape pages, one row per change."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from legis.exporters.comparison import comparison_table
from legis.exporters.model import ArticleChange

CHANGES = [
    ArticleChange("第十二条", "历史建筑由所有人修缮。", "第十二条",
                  "历史建筑由所有人修缮，区人民政府给予补助。", [7, 9], "采纳群众意见。"),
    ArticleChange("", "", "第十二条之一", "新增条文内容。", [3]),
    ArticleChange("第二十条", "应予删除的条文。", "", "", [], "与上位法重复。"),
]


def test_comparison_table_rows_and_layout():
    doc = Document(BytesIO(comparison_table(CHANGES, "《某市条例（草案）》修改前后对照表",
                                            opinion_numbers={7: 1, 9: 4})))
    assert doc.paragraphs[0].text == "《某市条例（草案）》修改前后对照表"
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.LANDSCAPE]
    assert doc.sections[0].page_width > doc.sections[0].page_height
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["原条文", "修改后条文", "修改理由/依据的意见"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = [["\n".join(p.text for p in c.paragraphs) for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == len(CHANGES)
    assert rows[0] == ["第十二条　历史建筑由所有人修缮。",
                       "第十二条　历史建筑由所有人修缮，区人民政府给予补助。",
                       "采纳群众意见。\n依据的意见：意见1、意见4"]
    assert rows[1][0] == "（新增条文）" and rows[1][2] == "依据的意见：意见编号3"
    assert rows[2][1] == "（删除）" and rows[2][2] == "与上位法重复。"


def test_comparison_without_numbers_cites_ids_and_empty_list_says_so():
    doc = Document(BytesIO(comparison_table(CHANGES[:1], "对照表")))
    assert doc.tables[0].rows[1].cells[2].text.endswith("\n依据的意见：意见编号7、意见编号9")
    empty = Document(BytesIO(comparison_table([], "对照表")))
    assert not empty.tables and "本草案未作修改。" in [p.text for p in empty.paragraphs]
