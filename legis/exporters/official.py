"""A Chinese official document (GB/T 9704-2012) built with python-docx: page, fonts, footer, parts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from legis.exporters.wordxml import (
    CellStyle,
    Column,
    Span,
    TableXml,
    clean,
    escape,
    marker_paragraph,
    rfonts,
    splice,
)

# Chinese type sizes in points.
ER_HAO, SAN_HAO, SI_HAO, XIAO_SI, WU_HAO = 22, 16, 14, 12, 10.5
LINE_PT = 28.9           # fixed line pitch: 22 lines in the 225 mm type area
A4 = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


@dataclass(frozen=True)
class Fonts:
    """Font names written into the document; Word and LibreOffice substitute missing ones."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"
    title_bold: bool = False   # the real 小标宋 is heavy already; 宋体 needs bold


GB_FONTS = Fonts()
# For readers without the GB2312-era fonts installed (plain Windows / WPS fonts).
COMMON_FONTS = Fonts(title="宋体", body="仿宋", heading2="楷体", title_bold=True)
# Font-table alternates: what Word uses when the named GB font is missing.
ALT_NAMES = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}


def _ppr(*, jc: str | None = None, first_chars: int = 0, size: float = SAN_HAO,
         line: float | None = LINE_PT, before: float = 0, after: float = 0,
         keep_next: bool = False, outline: int | None = None) -> str:
    first = round(first_chars * size * 20)
    spacing = (f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
               + (f'w:line="{round(line * 20)}" w:lineRule="exact"/>' if line
                  else 'w:line="240" w:lineRule="auto"/>'))
    return ("<w:pPr>" + ("<w:keepNext/>" if keep_next else "") + "<w:widowControl/>"
            + spacing + f'<w:ind w:firstLineChars="{first_chars * 100}" w:firstLine="{first}"/>'
            + (f'<w:jc w:val="{jc}"/>' if jc else "")
            + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
            + "</w:pPr>")


def _rpr(font: str, size: float, bold: bool = False) -> str:
    half = round(size * 2)
    b = "<w:b/><w:bCs/>" if bold else "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>"
    return (f'<w:rPr>{rfonts(font)}{b}<w:color w:val="000000"/>'
            f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>')


def _define_style(styles, style_id: str, name: str, ppr: str, rpr: str) -> None:
    """Create a paragraph style, or strip an existing one down to our pPr/rPr."""
    el = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{style_id}"]')
    if el is None:
        el = parse_xml(f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
                       f'w:styleId="{style_id}"><w:name w:val="{name}"/>'
                       '<w:basedOn w:val="Normal"/><w:qFormat/></w:style>')
        styles.append(el)
    for child in el.findall(qn("w:pPr")) + el.findall(qn("w:rPr")):
        el.remove(child)
    el.append(parse_xml(ppr.replace("<w:pPr>", f"<w:pPr {nsdecls('w')}>", 1)))
    el.append(parse_xml(rpr.replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))


class OfficialDocument:
    """Builder for a GB/T 9704 report: add parts in reading order, then :meth:`to_bytes`."""

    def __init__(self, fonts: Fonts = GB_FONTS, header_text: str | None = None, *,
                 landscape: bool = False) -> None:
        self.fonts = fonts
        self.doc = Document()
        self._tables: dict[str, TableXml] = {}
        self._rows: dict[str, Iterable] = {}
        self._setup_styles()
        section = self.doc.sections[0]
        self._page_setup(section, landscape=landscape)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._footers(section)
        if header_text:
            for header in (section.header, section.even_page_header):
                p = header.paragraphs[0]
                p.style = self.doc.styles["Legis Header"]
                self._run(p, header_text, fonts.heading1, XIAO_SI)

    # -- setup -----------------------------------------------------------------------------
    def _setup_styles(self) -> None:
        f = self.fonts
        styles = self.doc.styles.element
        # Theme fonts in the defaults would win over the names below in Word: replace them.
        defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
        for child in list(defaults):
            defaults.remove(child)
        defaults.append(parse_xml(_rpr(f.body, SAN_HAO).replace(
            "<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))
        body = _ppr(first_chars=2, jc="both")
        _define_style(styles, "Normal", "Normal", body, _rpr(f.body, SAN_HAO))
        _define_style(styles, "Heading1", "heading 1",
                      _ppr(first_chars=2, keep_next=True, outline=0), _rpr(f.heading1, SAN_HAO))
        _define_style(styles, "Heading2", "heading 2",
                      _ppr(first_chars=2, keep_next=True, outline=1), _rpr(f.heading2, SAN_HAO))
        _define_style(styles, "LegisTitle", "Legis Title",
                      _ppr(jc="center", size=ER_HAO, line=36, outline=0),
                      _rpr(f.title, ER_HAO, f.title_bold))
        _define_style(styles, "LegisSubtitle", "Legis Subtitle",
                      _ppr(jc="center"), _rpr(f.heading2, SAN_HAO))
        _define_style(styles, "LegisCenter", "Legis Center", _ppr(jc="center"),
                      _rpr(f.body, SAN_HAO))
        _define_style(styles, "LegisAttachment", "Legis Attachment", _ppr(keep_next=True),
                      _rpr(f.heading1, SAN_HAO))
        _define_style(styles, "LegisFigure", "Legis Figure",
                      _ppr(jc="center", line=None, before=6, keep_next=True),
                      _rpr(f.body, SAN_HAO))
        _define_style(styles, "LegisCaption", "Legis Caption",
                      _ppr(jc="center", size=XIAO_SI, line=None, before=6, after=6,
                           keep_next=True),
                      _rpr(f.heading2, XIAO_SI))
        _define_style(styles, "LegisTable", "Legis Table", _ppr(size=XIAO_SI, line=None),
                      _rpr(f.body, XIAO_SI))
        _define_style(styles, "LegisTableHead", "Legis Table Head",
                      _ppr(jc="center", size=XIAO_SI, line=None), _rpr(f.heading1, XIAO_SI))
        _define_style(styles, "LegisTableGroup", "Legis Table Group",
                      _ppr(size=XIAO_SI, line=None, keep_next=True), _rpr(f.heading2, XIAO_SI))
        _define_style(styles, "LegisPageNumber", "Legis Page Number",
                      _ppr(size=SI_HAO, line=None), _rpr(f.page_number, SI_HAO))
        _define_style(styles, "LegisHeader", "Legis Header",
                      _ppr(jc="right", size=XIAO_SI, line=None), _rpr(f.heading1, XIAO_SI))

    @staticmethod
    def _page_setup(section, *, landscape: bool) -> None:
        short, long_ = Mm(A4[0]), Mm(A4[1])
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
        section.top_margin = Mm(MARGINS_MM["top"])
        section.bottom_margin = Mm(MARGINS_MM["bottom"])
        section.left_margin = Mm(MARGINS_MM["left"])
        section.right_margin = Mm(MARGINS_MM["right"])
        section.header_distance = Mm(15)
        section.footer_distance = Mm(25)   # number sits about 7 mm below the type area

    def _footers(self, section) -> None:
        """「— 1 —」: odd pages on the right, even pages on the left, one character in."""
        indent = round(SI_HAO * 20)
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            p = footer.paragraphs[0]
            p.style = self.doc.styles["Legis Page Number"]
            p_pr = p._p.get_or_add_pPr()
            p_pr.append(parse_xml(f'<w:ind {nsdecls("w")} w:{side}="{indent}" '
                                  f'w:{side}Chars="100"/>'))
            p_pr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="{side}"/>'))
            rpr = _rpr(self.fonts.page_number, SI_HAO)
            runs = (f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                    f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                    f'<w:r>{rpr}<w:t>1</w:t></w:r>'
                    f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                    f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>')
            for run in parse_xml(f'<w:p {nsdecls("w")}>{runs}</w:p>'):
                p._p.append(run)

    # -- content ---------------------------------------------------------------------------
    def _run(self, paragraph, text: str, font: str, size: float, bold: bool = False):
        run = paragraph.add_run(clean(text))
        run._r.insert(0, parse_xml(_rpr(font, size, bold).replace(
            "<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1)))
        return run

    def _paragraph(self, text: str, style: str, font: str, size: float, bold: bool = False):
        p = self.doc.add_paragraph(style=self.doc.styles[style])
        if text:
            self._run(p, text, font, size, bold)
        return p

    def title(self, text: str) -> None:
        self._paragraph(text, "Legis Title", self.fonts.title, ER_HAO, self.fonts.title_bold)

    def subtitle(self, text: str) -> None:
        self._paragraph(text, "Legis Subtitle", self.fonts.heading2, SAN_HAO)

    def centered(self, text: str) -> None:
        self._paragraph(text, "Legis Center", self.fonts.body, SAN_HAO)

    def blank(self) -> None:
        self.doc.add_paragraph(style=self.doc.styles["Legis Center"])

    def heading1(self, text: str) -> None:
        self._paragraph(text, "Heading 1", self.fonts.heading1, SAN_HAO)

    def heading2(self, text: str) -> None:
        self._paragraph(text, "Heading 2", self.fonts.heading2, SAN_HAO)

    def para(self, text: str) -> None:
        self._paragraph(text, "Normal", self.fonts.body, SAN_HAO)

    def attachment_label(self, text: str) -> None:
        self._paragraph(text, "Legis Attachment", self.fonts.heading1, SAN_HAO)

    def caption(self, text: str) -> None:
        self._paragraph(text, "Legis Caption", self.fonts.heading2, XIAO_SI)

    def picture(self, png: bytes, width_mm: float, caption: str = "") -> None:
        p = self.doc.add_paragraph(style=self.doc.styles["Legis Figure"])
        p.add_run().add_picture(BytesIO(png), width=Mm(width_mm))
        if caption:
            self.caption(caption)

    def new_section(self, *, landscape: bool) -> None:
        """Start a new page with its own orientation (wide tables go on landscape pages)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape=landscape)

    @property
    def text_width_mm(self) -> float:
        section = self.doc.sections[-1]
        width = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
        return int(width * 10) / 10   # the page size in twips rounds up a hair

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[object] | Span], *,
              size: float = XIAO_SI, repeat_header: bool = True) -> None:
        """A bordered table; ``rows`` is consumed once, while the file is written."""
        key = str(len(self._tables))
        f = self.fonts
        self._tables[key] = TableXml(
            columns, repeat_header=repeat_header,
            body=CellStyle("LegisTable", f.body, size),
            head=CellStyle("LegisTableHead", f.heading1, size, shade="E7E6E6"),
            group=CellStyle("LegisTableGroup", f.heading2, size, shade="F2F2F2"))
        self._rows[key] = rows
        self.doc.add_paragraph(marker_paragraph(key))

    def to_bytes(self) -> bytes:
        raw = BytesIO()
        self.doc.save(raw)
        tables = {key: (lambda key=key: self._tables[key].chunks(self._rows[key]))
                  for key in self._tables}
        return splice(raw.getvalue(), tables, {"word/fontTable.xml": self._font_table()})

    def _font_table(self) -> bytes:
        f = self.fonts
        names = dict.fromkeys([f.title, f.body, f.heading1, f.heading2, f.page_number,
                               "Times New Roman"])
        fonts = "".join(
            f'<w:font w:name="{escape(name)}">'
            + (f'<w:altName w:val="{escape(ALT_NAMES[name])}"/>' if name in ALT_NAMES else "")
            + ('<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/>'
               if name != "Times New Roman" else
               '<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/>')
            + "</w:font>" for name in names)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:fonts {nsdecls("w")}>{fonts}</w:fonts>').encode()
