"""The congress report read back with python-docx: every figure, font, section and image."""

from __future__ import annotations

import re
from dataclasses import replace
from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from legis.exporters.docx_report import INTERNAL_MARK, congress_report
from legis.exporters.figures import ordered_opinions, percentages
from legis.exporters.model import STATES, ReportData
from legis.exporters.official import COMMON_FONTS
from legis.exporters.sample import sample_report_data

W_T = qn("w:t")


@pytest.fixture(scope="module")
def data() -> ReportData:
    return sample_report_data(opinions=45, comments=180, articles=25)


@pytest.fixture(scope="module")
def doc(data):
    return Document(BytesIO(congress_report(data)))


def cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def table_with(doc, header: str):
    found = [t for t in doc.tables if header in [c.text for c in t.rows[0].cells]]
    assert len(found) == 1, f"one table with header {header!r}"
    return found[0]


def is_group_row(row) -> bool:
    """A row whose one cell spans every column (python-docx repeats the same cell)."""
    return len({id(c._tc) for c in row.cells}) == 1


def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


# -- figures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def thirds(data) -> ReportData:
    """45 opinions split 15/15/15 over three states: thirds that do not round to 100."""
    states = ["采纳", "部分采纳", "未采纳"]
    opinions = [replace(o, state=states[i % 3], reason="已有规定" if i % 3 else "",
                        change_note="" if i % 3 else "已修改")
                for i, o in enumerate(data.opinions)]
    return replace(data, opinions=opinions)


def test_tally_table_counts_and_percentages_add_up(thirds):
    table = table_with(Document(BytesIO(congress_report(thirds))), "占比")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    # Three thirds print as 33.4 + 33.3 + 33.3, so the column adds up to the 合计 row.
    assert rows == [["采纳", "15", "33.4%"], ["部分采纳", "15", "33.3%"],
                    ["未采纳", "15", "33.3%"], ["待研究", "0", "0.0%"], ["合计", "45", "100.0%"]]


def test_overview_and_summary_state_the_data_figures(thirds):
    text = body_text(Document(BytesIO(congress_report(thirds))))
    assert f"{thirds.contact_points}个基层立法联系点" in text
    assert f"征求意见活动{len(thirds.sessions)}场" in text
    assert f"参与群众{thirds.participants}人次" in text
    assert "收集意见建议180条" in text and "归纳为意见45条" in text
    summary = "共归纳意见45条，采纳15条，部分采纳15条，未采纳15条，待研究0条"
    assert text.count(summary) == 2   # under the tally and above the opinions table


def test_opinions_table_has_one_row_per_opinion_in_article_order(doc, data):
    table = table_with(doc, "意见内容")
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "条款", "意见内容", "提出人数", "提出单位", "采纳情况", "理由或修改情况"]
    rows = table.rows[1:]
    assert len(rows) == len(data.opinions)
    expected = ordered_opinions(data.opinions)
    for i, (row, op) in enumerate(zip(rows, expected), 1):
        cells = [cell_text(c) for c in row.cells]
        assert cells[0] == str(i)
        assert cells[1] == op.article_label
        assert cells[2] == op.text
        assert int(cells[3]) == op.supporters
        assert cells[5] == op.state
    states = [r.cells[5].text for r in rows]
    assert {s: states.count(s) for s in STATES} == data.tally()
    assert sum(int(r.cells[3].text) for r in rows) == sum(o.supporters for o in data.opinions)
    # The header row repeats on every page.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_appendix_lists_every_comment_grouped_by_opinion(doc, data):
    table = table_with(doc, "意见原文")
    rows = table.rows[1:]
    groups = [r for r in rows if is_group_row(r)]
    comments = [r for r in rows if not is_group_row(r)]
    total = sum(len(o.comments) for o in data.opinions)
    assert len(comments) == total
    assert len(groups) == sum(1 for o in data.opinions if o.comments)
    assert [int(r.cells[0].text) for r in comments] == list(range(1, total + 1))
    expected = [c for o in ordered_opinions(data.opinions) for c in o.comments]
    for row, c in zip(comments, expected):
        assert cell_text(row.cells[2]) == c.text
        assert row.cells[3].text == (c.contact_point or "")
        assert row.cells[4].text == c.channel
        assert row.cells[6].text == c.phone
    # Each group row names the opinion's number and how many originals follow it.
    first = ordered_opinions(data.opinions)[0]
    assert groups[0].cells[0].text.startswith("意见1（")
    assert groups[0].cells[0].text.endswith(f"原始意见{len(first.comments)}条")
    assert f"（共{total}条，按归纳意见分组）" in body_text(doc)


def test_public_version_is_masked_and_internal_one_is_marked(doc):
    appendix = table_with(doc, "意见原文")
    phones = [r.cells[6].text for r in appendix.rows[1:] if not is_group_row(r)]
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", p) for p in phones)
    assert all(INTERNAL_MARK not in s.header.paragraphs[0].text for s in doc.sections)

    internal = Document(BytesIO(congress_report(sample_report_data(8, 20, internal=True))))
    for section in internal.sections:
        assert section.header.paragraphs[0].text == INTERNAL_MARK
        assert section.even_page_header.paragraphs[0].text == INTERNAL_MARK
    appendix = table_with(internal, "意见原文")
    phones = [r.cells[6].text for r in appendix.rows[1:] if not is_group_row(r)]
    assert all(re.fullmatch(r"1\d{10}", p) for p in phones)


# -- layout ----------------------------------------------------------------------------------
def test_sections_orientation_size_and_margins(doc):
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
                            WD_ORIENT.LANDSCAPE]
    for s in doc.sections:
        size = (round(s.page_width / Mm(1)), round(s.page_height / Mm(1)))
        assert size == ((297, 210) if s.orientation == WD_ORIENT.LANDSCAPE else (210, 297))
        margins = [round(m / Mm(1), 1) for m in
                   (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)]
        assert margins == [37, 35, 28, 26]
    # The opinions table sits in the first landscape section, the appendix in the last.
    body = doc.element.body
    breaks = [p for p in body.iterchildren(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
              is not None]
    kids = list(body)
    opinions = table_with(doc, "意见内容")._tbl
    appendix = table_with(doc, "意见原文")._tbl
    assert kids.index(breaks[0]) < kids.index(opinions) < kids.index(breaks[1])
    assert kids.index(breaks[2]) < kids.index(appendix)


def test_no_changes_section_without_changes(data):
    plain = ReportData(**{**data.__dict__, "changes": []})
    doc = Document(BytesIO(congress_report(plain)))
    assert [s.orientation for s in doc.sections] == [
        WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.LANDSCAPE]
    assert "修改情况" not in body_text(doc)


def test_changes_section_cites_opinion_numbers(doc, data):
    text = body_text(doc)
    numbers = {o.id: i for i, o in enumerate(ordered_opinions(data.opinions), 1)}
    assert "四、修改情况" in text
    for change in data.changes:
        assert f"修改后：{change.new_label}　{change.new_text}" in text
        for oid in change.opinion_ids:
            assert f"意见{numbers[oid]}" in text


def test_footer_has_page_field_in_dashes_on_odd_and_even_pages(doc):
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        instr = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment is not None and side in str(p.alignment).lower()
        fonts = p._p.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert all(s.footer.is_linked_to_previous for s in doc.sections[1:])


def east_asia(style) -> str | None:
    fonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_east_asian_fonts_on_styles_and_runs(doc):
    assert east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    assert east_asia(doc.styles["Heading 1"]) == "黑体"
    assert east_asia(doc.styles["Heading 2"]) == "楷体_GB2312"
    assert east_asia(doc.styles["Legis Title"]) == "方正小标宋简体"
    assert east_asia(doc.styles["Legis Table"]) == "仿宋_GB2312"
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.9, abs=0.05)
    assert normal.paragraph_format.first_line_indent.pt == 32
    assert doc.styles["Legis Title"].font.size.pt == 22
    # No theme font may override the names (Word prefers w:eastAsiaTheme when present).
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    for el in [defaults] + [doc.styles[n].element for n in ("Normal", "Heading 1", "Heading 2")]:
        rfonts = el.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert rfonts.get(qn("w:eastAsia")) and not any("Theme" in k for k in rfonts.attrib)
    # Every run written with text carries its East Asian font, in the body and in tables.
    runs = [r for r in doc.element.body.iter(qn("w:r")) if r.find(W_T) is not None]
    assert runs
    for r in runs:
        fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.findtext(W_T)
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [p.text[:2] for p in headings] == ["一、", "二、", "三、", "四、"]


def test_charts_are_embedded_png_images(doc):
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blob = doc.part.related_parts[rid].blob
        assert blob[:8] == b"\x89PNG\r\n\x1a\n"
        assert shape.width <= Mm(156) + 1


# -- variants and edge cases -----------------------------------------------------------------
def test_contact_point_submission_names_point_and_lists_sessions():
    data = sample_report_data(12, 30, contact_point="东湖街道代表之家")
    doc = Document(BytesIO(congress_report(data)))
    text = body_text(doc)
    assert "（东湖街道代表之家报送材料）" in text
    assert "（一）征求意见活动" in text
    for s in data.sessions:
        assert f"召开{s.title}，参加群众{s.participants}人次" in text
    assert "本次征求意见，东湖街道代表之家共组织" in text


def test_empty_report_and_awkward_text():
    data = sample_report_data(3, 3)
    data.opinions[0].text = "含<尖括号>&“引号”\x07和控制字符\n第二行"
    data.opinions = data.opinions[:1]
    doc = Document(BytesIO(congress_report(data)))
    row = table_with(doc, "意见内容").rows[1]
    assert cell_text(row.cells[2]) == "含<尖括号>&“引号”和控制字符\n第二行"

    empty = ReportData(draft_title="空草案", office="法工委", report_date=data.report_date,
                       contact_point=None, contact_points=0, sessions=[], participants=0,
                       comments=0, opinions=[])
    doc = Document(BytesIO(congress_report(empty)))
    assert len(table_with(doc, "意见内容").rows) == 1
    tally = table_with(doc, "占比")
    assert [c.text for c in tally.rows[-1].cells] == ["合计", "0", "0.0%"]


def test_common_fonts_variant_uses_bold_songti_title():
    doc = Document(BytesIO(congress_report(sample_report_data(3, 3), COMMON_FONTS)))
    title = doc.styles["Legis Title"]
    assert east_asia(title) == "宋体" and title.font.bold
    assert east_asia(doc.styles["Normal"]) == "仿宋"
    assert east_asia(doc.styles["Heading 2"]) == "楷体"


@pytest.mark.parametrize("counts", [[1, 1, 1, 0], [2, 1, 0, 0], [7, 9, 22, 2], [1, 0, 0, 0],
                                    [333, 333, 334, 1], [1, 1, 1, 1, 1, 1, 1]])
def test_percentages_always_sum_to_100(counts):
    shares = percentages(counts)
    assert sum(round(float(s[:-1]) * 10) for s in shares) == 1000
    for c, s in zip(counts, shares):
        assert abs(float(s[:-1]) - c * 100 / sum(counts)) < 0.1 + 1e-9
