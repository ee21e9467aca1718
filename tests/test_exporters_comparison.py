"""The 修改前后对照表: changed words marked, opinions cited by their text, landscape pages."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from legis.exporters.comparison import comparison_table, marked
from legis.exporters.model import ArticleChange, ReportOpinion
from legis.exporters.sample import sample_report_data

CHANGES = [
    ArticleChange("第十二条", "历史建筑由所有人修缮。\n区人民政府负责监督。", "第十二条",
                  "历史建筑由所有人修缮，区人民政府给予补助。\n区人民政府负责监督。", [7, 9],
                  "采纳群众意见。"),
    ArticleChange("", "", "第十二条之一", "新增条文内容。", [3]),
    ArticleChange("第二十条", "应予删除的条文。", "", "", [], "与上位法重复。"),
]


def data_with(changes):
    data = sample_report_data(opinions=3, comments=6)
    data.opinions = [ReportOpinion(7, "第十二条", 12, "建议政府给予修缮补助。", 4, [], "采纳"),
                     ReportOpinion(9, "第十二条", 12, "希望对困难家庭补助。", 2, [], "部分采纳"),
                     ReportOpinion(3, "总体意见", 0, "建议增加一条。", 1, [], "采纳")]
    data.changes = changes
    return data


def runs(cell, mark):
    out = []
    for r in cell._tc.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        if rpr is not None and rpr.find(mark) is not None:
            out.append("".join(t.text for t in r.iter(qn("w:t"))))
    return "".join(out)


def test_comparison_table_rows_and_layout():
    doc = Document(BytesIO(comparison_table(data_with(CHANGES))))
    assert doc.paragraphs[0].text == "《某市历史文化街区保护条例（草案）》修改前后对照表"
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.LANDSCAPE]
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["原条文", "修改后条文", "修改理由及依据的意见"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = [["\n".join(p.text for p in c.paragraphs) for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == len(CHANGES)
    # Each 款 its own paragraph.
    assert rows[0][0] == "第十二条　历史建筑由所有人修缮。\n区人民政府负责监督。"
    assert rows[0][1] == "第十二条　历史建筑由所有人修缮，区人民政府给予补助。\n区人民政府负责监督。"
    # Opinions cited by their words and counts, never as 意见N.
    assert rows[0][2] == ("修改理由：采纳群众意见。\n依据的意见：\n“建议政府给予修缮补助”（4条）\n"
                          "“希望对困难家庭补助”（2条）")
    assert "意见编号" not in "".join(r[2] for r in rows)
    assert rows[1][0] == "（新增条文）" and rows[1][2] == "依据的意见：\n“建议增加一条”（1条）"
    assert rows[2][1] == "（删除）" and rows[2][2] == "修改理由：与上位法重复。"


def test_changed_words_are_marked():
    doc = Document(BytesIO(comparison_table(data_with(CHANGES[:1]))))
    old, new, _why = doc.tables[0].rows[1].cells
    assert runs(new, qn("w:u")) == "，区人民政府给予补助"
    assert runs(new, qn("w:b")) == "，区人民政府给予补助"
    assert runs(old, qn("w:strike")) == ""           # nothing removed, only added
    old_rich, new_rich = marked("罚款五百元。", "罚款一千元。")
    assert [p for p in old_rich.pieces if p[1] == "del"] == [("五百", "del")]
    assert [p for p in new_rich.pieces if p[1] == "ins"] == [("一千", "ins")]


def test_empty_list_says_so():
    empty = Document(BytesIO(comparison_table(data_with([]))))
    assert not empty.tables and "本草案未作修改。" in [p.text for p in empty.paragraphs]
