"""The GB/T 9704 template read back from the .docx XML: page, grid, fonts, numbers, tables, titles."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from legis.exporters.docx_report import COMMENT_COLUMNS, congress_report
from legis.exporters.sample import sample_report_data
from legis.exporters.titles import title_lines

WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
VML = "{urn:schemas-microsoft-com:vml}"


@pytest.fixture(scope="module")
def doc():
    return Document(BytesIO(congress_report(sample_report_data(opinions=45, comments=180,
                                                                articles=25))))


def test_pages_are_a4_with_the_standard_margins_and_22_lines(doc):
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE,
                                                      WD_ORIENT.LANDSCAPE]
    for s in doc.sections:
        size = (round(s.page_width / Mm(1)), round(s.page_height / Mm(1)))
        assert size == ((297, 210) if s.orientation == WD_ORIENT.LANDSCAPE else (210, 297))
        margins = [round(m / Mm(1), 1) for m in
                   (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)]
        assert margins == [37, 35, 28, 26]
        grid = s._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "lines"
        pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
        type_area_pt = (297 - 37 - 35) / 25.4 * 72
        assert int(type_area_pt / pitch_pt) == 22


def test_body_lines_hold_28_characters(doc):
    """Word's rule without a character grid: a line holds floor(text width / (font size +
    character spacing)) characters, all in twips as the XML states them."""
    sect = doc.sections[0]._sectPr
    page, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    width = (int(page.get(qn("w:w"))) - int(margins.get(qn("w:left")))
             - int(margins.get(qn("w:right"))))
    body = [p for p in doc.paragraphs if p.style.name == "Normal" and p.text]
    assert body
    indent = doc.styles["Normal"].element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    first_line = int(indent.get(qn("w:firstLine")))
    assert first_line == 2 * 16 * 20                      # two 三号 characters
    for p in body:
        for r in p.runs:
            rpr = r._r.find(qn("w:rPr"))
            size = int(rpr.find(qn("w:sz")).get(qn("w:val"))) * 10    # half-points -> twips
            spacing = int(rpr.find(qn("w:spacing")).get(qn("w:val")))
            assert size == 16 * 20
            assert width // (size + spacing) == 28
            assert (width - first_line) // (size + spacing) == 26


def test_fonts_sizes_and_spacing_per_part(doc):
    def east_asia(style) -> str:
        return style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia"))

    assert east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    assert east_asia(doc.styles["Heading 1"]) == "黑体"
    assert east_asia(doc.styles["Heading 2"]) == "楷体_GB2312"
    assert east_asia(doc.styles["Legis Title"]) == "方正小标宋简体"
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.9, abs=0.05)
    assert normal.paragraph_format.first_line_indent.pt == 32
    assert doc.styles["Legis Title"].font.size.pt == 22
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    for el in [defaults] + [doc.styles[n].element for n in ("Normal", "Heading 1", "Heading 2")]:
        rfonts = el.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert rfonts.get(qn("w:eastAsia")) and not any("Theme" in k for k in rfonts.attrib)
    runs = [r for r in doc.element.body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
    for r in runs:
        fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.findtext(qn("w:t"))
    # Tables, titles and captions are not pulled onto the body's line grid.
    for name in ("Legis Table", "Legis Title", "Legis Caption", "Legis Figure",
                 "Legis Figure Caption"):
        snap = doc.styles[name].element.find(f"{qn('w:pPr')}/{qn('w:snapToGrid')}")
        assert snap is not None and snap.get(qn("w:val")) == "0"


def test_page_numbers_portrait_and_landscape(doc):
    assert doc.settings.odd_and_even_pages_header_footer
    portrait = doc.sections[0]
    for footer, side in ((portrait.footer, "right"), (portrait.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert "".join(t.text for t in p._p.iter(qn("w:instrText"))).strip() == "PAGE"
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert side in str(p.alignment).lower()
    # Landscape pages: GB/T 9704 §10.1 turns the table's head towards the binding on odd
    # pages and the outer edge on even ones -- towards the portrait page's left edge on
    # both -- so the portrait bottom is the landscape left edge. The number: a text box
    # reading top to bottom, its middle 7 mm left of the type area (28 mm margin), one
    # 四号 character (4.94 mm) in from the type area's bottom (odd) or top (even) edge.
    # It is a VML box in the header placed relative to the page: from the footer, or as
    # a DrawingML shape, LibreOffice draws page 1's box at the page's top left.
    for section in doc.sections[1:]:
        for header, footer, odd in ((section.header, section.footer, True),
                                    (section.even_page_header, section.even_page_footer,
                                     False)):
            assert footer._element.find(f".//{qn('w:instrText')}") is None
            el = header._element
            shapes = list(el.iter(f"{VML}shape"))
            assert len(shapes) == 1 and el.find(f".//{WPS}wsp") is None
            style = dict(item.split(":") for item in shapes[0].get("style").split(";"))
            assert style["position"] == "absolute" and style["layout-flow"] == "vertical"
            assert (style["mso-position-horizontal-relative"]
                    == style["mso-position-vertical-relative"] == "page")
            mm = {k: float(style[k].removesuffix("pt")) * 25.4 / 72
                  for k in ("margin-left", "margin-top", "width", "height")}
            mid_x = mm["margin-left"] + mm["width"] / 2
            mid_y = mm["margin-top"] + mm["height"] / 2
            assert "".join(t.text for t in el.iter(qn("w:instrText"))).strip() == "PAGE"
            assert mid_x == pytest.approx(28 - 7, abs=0.1)
            if odd:   # the number's far end 4.94 mm above the type area's bottom (175 mm)
                assert 175 - 4.94 - 12 < mid_y < 175 - 4.94 - 6
            else:     # its near end 4.94 mm below the type area's top (37 mm)
                assert 37 + 4.94 + 6 < mid_y < 37 + 4.94 + 12
            texts = "".join(t.text or "" for t in el.iter(qn("w:t")))
            assert texts.startswith("— ") and texts.endswith(" —")
    # Portrait pages after a landscape one do not inherit its header.
    for section in doc.sections:
        if section.orientation == WD_ORIENT.PORTRAIT:
            for header in (section.header, section.even_page_header):
                assert not header.is_linked_to_previous
                assert header._element.find(f".//{WPS}bodyPr") is None


def test_every_table_row_is_kept_whole_and_the_tally_with_its_total(doc):
    for table in doc.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
    tally = next(t for t in doc.tables if t.rows[0].cells[-1].text == "占比")
    *kept, last = tally.rows
    for row in kept:
        for cell in row.cells:
            assert cell.paragraphs[0]._p.pPr.find(qn("w:keepNext")) is not None
    assert last.cells[0].text == "合计"
    assert last.cells[0].paragraphs[0]._p.pPr.find(qn("w:keepNext")) is None


def _justified(p, styles) -> bool:
    jc = p.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    if jc is not None:
        return jc.get(qn("w:val")) in ("both", "distribute")
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style.get(qn("w:val")) if style is not None else "Normal"
    return styles.get(style_id, "both") in ("both", "distribute")


def test_no_line_break_inside_a_justified_paragraph(doc):
    styles = {}
    for s in doc.styles.element.iter(qn("w:style")):
        jc = s.find(f"{qn('w:pPr')}/{qn('w:jc')}")
        styles[s.get(qn("w:styleId"))] = jc.get(qn("w:val")) if jc is not None else "both"
    paragraphs = list(doc.element.body.iter(qn("w:p")))
    with_breaks = [p for p in paragraphs if p.find(f".//{qn('w:br')}") is not None]
    assert all(not _justified(p, styles) for p in with_breaks)
    # Table cells never hold a line break: each line (each 款) is its own paragraph.
    for table in doc.tables:
        assert table._tbl.find(f".//{qn('w:br')}") is None
    multi = [c for t in doc.tables for r in t.rows for c in r.cells if len(c.paragraphs) > 1]
    assert multi, "the sample has articles of several 款"


@pytest.mark.parametrize(("title", "lines"), [
    ("关于《某市养犬管理条例（草案）》征求意见情况的报告",
     ["关于《某市养犬管理条例（草案）》", "征求意见情况的报告"]),
    ("关于《某市历史文化街区保护条例（草案）》征求意见情况的报告",
     ["关于《某市历史文化街区保护条例（草案）》", "征求意见情况的报告"]),
    ("关于《某市历史文化街区保护管理条例（草案）》征求意见情况的报告",
     ["关于《某市历史文化街区保护管理条例", "（草案）》征求意见情况的报告"]),
    ("关于《某市物业管理条例（草案）》征求意见情况的报告",
     ["关于《某市物业管理条例（草案）》", "征求意见情况的报告"]),
    ("关于《某市犬只收容管理规定（草案）》征求意见情况的报告",
     ["关于《某市犬只收容管理规定（草案）》", "征求意见情况的报告"]),
    ("关于征求意见情况的报告", ["关于征求意见情况的报告"]),
    # A point's submission: the draft's name kept whole on a line of its own.
    ("东湖街道代表之家关于《某市历史文化街区保护条例（草案）》征求意见情况的报告",
     ["东湖街道代表之家关于", "《某市历史文化街区保护条例（草案）》", "征求意见情况的报告"]),
])
def test_title_breaks_at_sensible_places(title, lines):
    assert title_lines(title, 20) == lines


def test_long_titles_stay_balanced_and_never_start_a_line_with_closing_marks():
    title = "关于《某自治州少数民族传统村落和历史建筑保护利用若干规定（草案修改稿）》征求意见情况的报告"
    lines = title_lines(title, 20)
    assert "".join(lines) == title and all(len(line) <= 20 for line in lines)
    assert len(lines) == 3 and max(map(len, lines)) - min(map(len, lines)) <= 6
    assert not any(line[0] in "》）」，。" for line in lines)
    assert not any(line[-1] in "《（" for line in lines)
    # A pasted title of 200 characters is broken too (the search once tried every cut).
    pasted = "关于《" + "某市历史文化街区保护管理" * 16 + "条例（草案）》征求意见情况的报告"
    lines = title_lines(pasted, 20)
    assert "".join(lines) == pasted and all(len(line) <= 20 for line in lines)


def test_attachment_title_on_line_three_and_columns_wide_enough(doc):
    texts = [p.text for p in doc.paragraphs]
    for label in ("附件1", "附件2"):
        at = texts.index(label)
        assert texts[at + 1] == "" and texts[at + 2] in ("意见采纳情况对照表", "原始意见")
        p = doc.paragraphs[at]
        assert p.style.name == "Legis Attachment" and not p.paragraph_format.first_line_indent
    article = next(c for c in COMMENT_COLUMNS if c.title == "条款")
    # 「第一百二十一条」 in 五号 (10.5 pt) plus the cell margins (2 x 85 twips).
    needed_mm = 7 * 10.5 * 25.4 / 72 + 2 * 85 / 1440 * 25.4
    assert article.width_mm >= needed_mm


def test_signature_follows_the_body_right_aligned_and_kept_with_the_attachments(doc):
    texts = [p.text for p in doc.paragraphs]
    at = texts.index("某市人大常委会法制工作委员会", texts.index("五、下一步工作"))
    signatory, when = doc.paragraphs[at], doc.paragraphs[at + 1]
    assert when.text == "2024年6月3日"
    for p, chars in ((signatory, 2), (when, 4)):
        assert "right" in str(p.alignment or p.style.paragraph_format.alignment).lower()
        ind = p._p.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:rightChars")) == str(chars * 100)
    notes = doc.paragraphs[texts.index("附件：1. 意见采纳情况对照表"):at]
    assert all(p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
               for p in notes)


def test_charts_fit_the_type_area(doc):
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    for shape in shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        assert doc.part.related_parts[rid].blob[:8] == b"\x89PNG\r\n\x1a\n"
        assert shape.width <= Mm(156) + 1 and shape.height <= Mm(120) + 1


def _article_column_fits(docx: bytes) -> int:
    """Check every table with a 条款 column: 「第一百二十一条」 in the cells' own size plus the
    cell margins fits its width (from the XML, in twips). Returns how many were checked."""
    document = Document(BytesIO(docx))
    checked = 0
    for table in document.tables:
        head = [c.text for c in table.rows[0].cells]
        if "条款" not in head:
            continue
        column = head.index("条款")
        width = int(table._tbl.tblGrid.findall(qn("w:gridCol"))[column].get(qn("w:w")))
        margins = table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
        pad = sum(int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right"))
        body = next(r for r in table.rows[1:] if len(r.cells) > column and r.cells[column].text)
        size = int(body.cells[column].paragraphs[0].runs[0]._r.find(
            f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val"))) * 10      # half-points -> twips
        assert width >= 7 * size + pad, (head, width, size)
        checked += 1
    return checked


def test_article_columns_hold_the_longest_article_label_on_one_line():
    from legis.exporters.feedback_sheet import feedback_docx
    from legis.services.feedback import FeedbackRow, FeedbackSheet

    sheet = FeedbackSheet("某市养犬管理条例（草案）", "东湖街道代表之家",
                          [FeedbackRow(1, "第一百二十一条", "建议延长征求意见期限。", 3, "采纳", ""),
                           FeedbackRow(2, "第二十一条", "建议明确收容场所。", 1, "未采纳",
                                       "该事项属于区人民政府职责。")], comments=4)
    assert _article_column_fits(feedback_docx(sheet, office="某市人大常委会法制工作委员会",
                                              on=date(2024, 6, 3))) == 1
    report = congress_report(sample_report_data(opinions=45, comments=180, articles=25))
    assert _article_column_fits(report) >= 1


def test_point_submission_keeps_its_last_lines_with_the_signature():
    """The 落款 never stands on a page of its own: from the body's last paragraph to the
    signatory every paragraph is kept with the next."""
    from legis.exporters.submission import point_submission

    for published in (False, True):
        data = sample_report_data(opinions=10, comments=30, contact_point="东湖街道代表之家")
        data.point_host, data.published = "李某", published
        document = Document(BytesIO(point_submission(data)))
        texts = [p.text for p in document.paragraphs]
        signer = texts.index("东湖街道代表之家（联络员：李某）")
        body_end = texts.index("附件：原始意见") - 2
        assert texts[body_end] and not texts[body_end + 1]
        for p in document.paragraphs[body_end:signer + 1]:
            assert p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next
