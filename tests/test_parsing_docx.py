"""legis.parsing on Word files built in the test: styles, bold centred headings, tables, altChunk."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from legis.errors import DraftParseError
from legis.parsing import parse_bytes
from legis.parsing.safezip import check_office_zip


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def keys(parsed):
    return [(a.number, a.sub) for a in parsed.articles]


def test_heading_styles():
    document = docx.Document()
    document.add_heading("某市物业管理条例（草案）", level=0)       # Title style
    document.add_paragraph("（2024年1月1日通过）")
    document.add_heading("第一章 总则", level=1)
    document.add_paragraph("第一条 为了规范物业管理，制定本条例。")
    document.add_heading("第一节 一般规定", level=2)
    document.add_paragraph("第二条 本条例适用于本市。")
    document.add_paragraph("（一）住宅小区；")
    document.add_heading("一、其他规定", level=1)
    document.add_paragraph("第三条 本条例自公布之日起施行。")
    parsed = parse_bytes(save(document), "draft.bin")          # detected by content
    assert parsed.title == "某市物业管理条例（草案）"
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0)]
    assert parsed.articles[1].path == ("第一章 总则", "第一节 一般规定")
    assert parsed.articles[1].paragraphs == ["本条例适用于本市。", "（一）住宅小区；"]
    assert parsed.articles[2].path == ("一、其他规定",)
    assert parsed.preamble == ""


def test_bold_centred_headings_and_label_in_its_own_bold_run():
    document = docx.Document()
    for text in ("某市养犬管理条例（草案）", "第一章  总则"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = True
    for label, body in (("第一条", "为了规范养犬行为，制定本条例。"), ("第二条", "本条例适用于本市。")):
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.add_run(body)                     # no separator after the label
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("二、附则").bold = True
    document.add_paragraph("第三条 本条例自公布之日起施行。")
    parsed = parse_bytes(save(document))
    assert parsed.title == "某市养犬管理条例（草案）"
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0)]
    assert parsed.articles[0].text == "为了规范养犬行为，制定本条例。"
    assert parsed.headings[0].path == ("第一章 总则",)
    assert parsed.articles[2].path == ("二、附则",)


def test_text_inside_tables_in_document_order():
    document = docx.Document()
    document.add_paragraph("某市条例（草案）")
    document.add_paragraph("第一条 为了规范管理，制定本条例。")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "第二条 本条写在表格里。"
    table.cell(1, 0).text = "表格里的第二款。"
    document.add_paragraph("第三条 本条例自公布之日起施行。")
    parsed = parse_bytes(save(document))
    assert keys(parsed) == [(1, 0), (2, 0), (3, 0)]
    assert parsed.articles[1].paragraphs == ["本条写在表格里。", "表格里的第二款。"]


ALT_HTML = """<html><head><meta charset="utf-8"><title>ignored</title></head><body>
<h1>某市历史文化街区保护条例（草案）</h1>
<h2>第一章&nbsp;总则</h2>
<p>第一条 为了保护历史文化街区，制定本条例。</p>
<p>第二条 本条例适用于本市。</p><p>保护应当坚持<b>科学规划</b>。</p>
</body></html>"""


def with_alt_chunk(payload: bytes, content_type: str = "text/html", name: str = "afchunk.htm") -> bytes:
    """A .docx whose body is a w:altChunk pointing at an embedded part, as Word makes them."""
    base = save(docx.Document())
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b'<w:body><w:altChunk r:id="rIdAlt1"/>', 1)
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdAlt1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/aFChunk" Target="' + name.encode()
                    + b'"/></Relationships>')
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/' + name.encode() + b'" ContentType="'
                    + content_type.encode() + b'"/></Types>')
            target.writestr(info.filename, data)
        target.writestr("word/" + name, payload)
    return out.getvalue()


def test_alt_chunk_html_is_read():
    parsed = parse_bytes(with_alt_chunk(ALT_HTML.encode("utf-8")), "draft.docx")
    assert parsed.title == "某市历史文化街区保护条例（草案）"
    assert keys(parsed) == [(1, 0), (2, 0)]
    assert parsed.headings[0].path == ("第一章 总则",)
    assert parsed.articles[1].paragraphs == ["本条例适用于本市。", "保护应当坚持科学规划。"]


def test_alt_chunk_gbk_html_is_read():
    html = ALT_HTML.replace('charset="utf-8"', 'charset="gbk"').encode("gbk")
    parsed = parse_bytes(with_alt_chunk(html), "draft.docx")
    assert keys(parsed) == [(1, 0), (2, 0)]


def test_alt_chunk_of_another_kind_is_refused_with_advice():
    data = with_alt_chunk(b"MIME-Version: 1.0\r\n\r\n...", "message/rfc822", "afchunk.mht")
    with pytest.raises(DraftParseError) as info:
        parse_bytes(data, "draft.docx")
    assert "altChunk" in info.value.message
    assert "另存为 .docx" in info.value.message


def test_zip_bomb_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/filler.bin", b"\x00" * (20 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100_000
    with pytest.raises(DraftParseError, match="压缩炸弹"):
        parse_bytes(data, "draft.docx")


def test_declared_total_size_limit():
    data = save(docx.Document())
    check_office_zip(data, required="word/document.xml", kind="Word")     # a real docx is fine
    with pytest.raises(DraftParseError, match="压缩炸弹"):
        check_office_zip(data, kind="Word", max_uncompressed=10_000)


@pytest.mark.parametrize("declaration", [
    b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!doctype x>',
])
def test_doctype_and_entities_are_refused(declaration):
    base = save(docx.Document())
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b"?>" + declaration, 1)
            target.writestr(info.filename, data)
    with pytest.raises(DraftParseError, match="DOCTYPE"):
        parse_bytes(out.getvalue(), "draft.docx")


def test_xlsx_is_not_a_draft():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DraftParseError, match="不是 Word"):
        parse_bytes(buffer.getvalue(), "draft.docx")


def test_docx_without_articles():
    document = docx.Document()
    document.add_paragraph("会议通知")
    document.add_paragraph("请各单位派员参加。")
    with pytest.raises(DraftParseError, match="没有找到任何条文"):
        parse_bytes(save(document), "notice.docx")


NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 w:abstractNumId="90">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
  <w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
  <w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>"""
NUM = """<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">
 <w:abstractNumId w:val="90"/></w:num>"""


def test_word_automatic_numbering_becomes_labels():
    from docx.oxml import parse_xml

    document = docx.Document()
    root = document.part.numbering_part.element
    first_num = root.find(docx.oxml.ns.qn("w:num"))
    if first_num is not None:
        first_num.addprevious(parse_xml(NUMBERING))   # abstractNums come before nums
    else:
        root.append(parse_xml(NUMBERING))
    root.append(parse_xml(NUM))
    document.add_paragraph("某市条例（草案）")

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        num_pr = parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        paragraph._p.get_or_add_pPr().append(num_pr)

    for n in range(1, 13):
        numbered(f"第{n}条的内容。", 0)
    numbered("本条第一项；", 1)
    numbered("本条第二项。", 1)
    numbered("第十三条的内容。", 0)
    parsed = parse_bytes(save(document))
    assert [a.label for a in parsed.articles][-3:] == ["第十一条", "第十二条", "第十三条"]
    assert keys(parsed) == [(n, 0) for n in range(1, 14)]
    assert parsed.articles[11].paragraphs == ["第12条的内容。", "（一）本条第一项；", "（二）本条第二项。"]
