"""A Chinese official document (GB/T 9704-2012) built with python-docx: page, fonts, footer, parts.

Every typesetting rule of the standard lives here, in one place: the A4 page and
its margins, the 22 x 28 character grid, fonts and sizes per part, the
「— 1 —」 page numbers (also on landscape pages, where §10.1 wants them where a
portrait page has them), titles broken at sensible places, table rows that do
not split, and the attachment layout (附件 on line 1, its title on line 3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from legis.exporters import pagenumbers
from legis.exporters.titles import title_lines
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
# The grid of GB/T 9704 §5.2.2: 22 lines of 28 characters in the 156 x 225 mm type area.
# Lines: a docGrid of 22 lines, pitch 579 twips (28.95 pt); the page is 16838 twips high,
# the margins 2098 + 1984, so floor(12756 / 579) = 22 lines.
# Characters: Word sets a line of CJK text without a character grid at font size plus
# character spacing per character, so a line holds floor(text width / (size + spacing)).
# The page is 11906 twips wide, the margins 1587 + 1474: the text is 8845 twips (442.25
# pt) wide. 三号 (16 pt) alone gives floor(442.25 / 16) = 27 characters; body text is set
# 0.25 pt tighter (w:spacing -5 twips): floor(442.25 / 15.75) = floor(28.08) = 28, and
# the first line, indented two characters (640 twips = 32 pt), floor(410.25 / 15.75) = 26.
# LibreOffice's PDF reads the same (tests/test_exporters_render.py counts the lines).
# A character grid (docGrid linesAndChars with charSpace -849) would do the same in Word,
# but LibreOffice gives every character wider than the grid pitch two cells and prints
# 14 characters to the line; tightened spacing reads the same in both.
GRID_LINE_PITCH = 579    # twips
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_SQUEEZE = -5        # twentieths of a point: 16 pt - 0.25 pt = 15.75 pt per character
# Page numbers (§7.5): 「— 1 —」 in 四号, its dashes 7 mm below the type area, odd pages
# 右空一字, even pages 左空一字. A footer 25 mm from the page's bottom edge puts the
# dashes there (LibreOffice's PDF: their middle 269 mm from the top, 262 + 7).
FOOTER_DISTANCE_MM = 25
NUMBER_DROP_MM = 7
NUMBER_HALF_MM = 9       # half of 「— 12 —」 in 四号


def number_centre(side: str, *, landscape: bool = False) -> tuple[float, float]:
    """The middle of a page's number, in mm from the page's left and top edges.

    The standard places the number against the type area (版心): its dashes 7 mm
    below the type area, one character in from its right (odd) or left (even) edge.
    A landscape page keeps that place on the turned sheet (§10.1: the table's head
    towards the binding on odd pages and towards the outer edge on even ones, so on
    both towards the portrait left edge; turned back a quarter anticlockwise, the
    portrait bottom is the landscape left edge): 7 mm left of the type area, one
    character up from its bottom (odd) or down from its top (even), reading top to
    bottom.
    """
    one_char = SI_HAO * 25.4 / 72
    if landscape:
        x = MARGINS_MM["left"] - NUMBER_DROP_MM
        if side == "right":
            return x, A4[0] - MARGINS_MM["bottom"] - one_char - NUMBER_HALF_MM
        return x, MARGINS_MM["top"] + one_char + NUMBER_HALF_MM
    y = A4[1] - MARGINS_MM["bottom"] + NUMBER_DROP_MM
    if side == "right":
        return A4[0] - MARGINS_MM["right"] - one_char - NUMBER_HALF_MM, y
    return MARGINS_MM["left"] + one_char + NUMBER_HALF_MM, y


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
         keep_next: bool = False, outline: int | None = None, snap: bool = True,
         keep_lines: bool = False) -> str:
    """Paragraph properties; ``snap=False`` for text not set on the 28-character grid."""
    first = round(first_chars * size * 20)
    spacing = (f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" '
               + (f'w:line="{round(line * 20)}" w:lineRule="exact"/>' if line
                  else 'w:line="240" w:lineRule="auto"/>'))
    return ("<w:pPr>" + ("<w:keepNext/>" if keep_next else "")
            + ("<w:keepLines/>" if keep_lines else "") + "<w:widowControl/>"
            + ("" if snap else '<w:snapToGrid w:val="0"/>') + spacing + f'<w:ind w:firstLineChars="{first_chars * 100}" w:firstLine="{first}"/>'
            + (f'<w:jc w:val="{jc}"/>' if jc else "")
            + (f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "")
            + "</w:pPr>")


def _rpr(font: str, size: float, bold: bool = False) -> str:
    half = round(size * 2)
    squeeze = BODY_SQUEEZE if size == SAN_HAO else 0
    b = "<w:b/><w:bCs/>" if bold else "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>"
    return (f'<w:rPr>{rfonts(font)}{b}<w:color w:val="000000"/>'
            + (f'<w:spacing w:val="{squeeze}"/>' if squeeze else "")
            + f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
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

    def __init__(self, fonts: Fonts = GB_FONTS, *, landscape: bool = False) -> None:
        self.fonts = fonts
        self.doc = Document()
        self._tables: dict[str, TableXml] = {}
        self._rows: dict[str, Iterable] = {}
        self._setup_styles()
        section = self.doc.sections[0]
        self._page_setup(section, landscape=landscape)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._footers(section, landscape=landscape)

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
                      _ppr(first_chars=2, jc="both", keep_next=True, outline=0),
                      _rpr(f.heading1, SAN_HAO))
        _define_style(styles, "Heading2", "heading 2",
                      _ppr(first_chars=2, jc="both", keep_next=True, outline=1),
                      _rpr(f.heading2, SAN_HAO))
        _define_style(styles, "LegisTitle", "Legis Title",
                      _ppr(jc="center", size=ER_HAO, line=36, outline=0, snap=False,
                           keep_next=True),
                      _rpr(f.title, ER_HAO, f.title_bold))
        _define_style(styles, "LegisSubtitle", "Legis Subtitle",
                      _ppr(jc="center", keep_next=True), _rpr(f.heading2, SAN_HAO))
        _define_style(styles, "LegisCenter", "Legis Center", _ppr(jc="center"),
                      _rpr(f.body, SAN_HAO))
        _define_style(styles, "LegisLeft", "Legis Left", _ppr(jc="left"),
                      _rpr(f.body, SAN_HAO))
        _define_style(styles, "LegisMark", "Legis Mark", _ppr(jc="left"),
                      _rpr(f.heading1, SAN_HAO))
        _define_style(styles, "LegisAttachment", "Legis Attachment",
                      _ppr(jc="left", keep_next=True), _rpr(f.heading1, SAN_HAO))
        _define_style(styles, "LegisSignature", "Legis Signature",
                      _ppr(jc="right", keep_next=True), _rpr(f.body, SAN_HAO))
        # The date ends the chain: kept with the next paragraph it would drag the 落款
        # onto the attachment's new page.
        _define_style(styles, "LegisDate", "Legis Date", _ppr(jc="right"), _rpr(f.body, SAN_HAO))
        # 附件说明 and the 落款 stay on one page with the last lines of the body.
        _define_style(styles, "LegisKeep", "Legis Keep", _ppr(jc="left", keep_next=True),
                      _rpr(f.body, SAN_HAO))
        _define_style(styles, "LegisFigure", "Legis Figure",
                      _ppr(jc="center", line=None, before=6, keep_next=True, snap=False),
                      _rpr(f.body, SAN_HAO))
        _define_style(styles, "LegisCaption", "Legis Caption",
                      _ppr(jc="center", size=XIAO_SI, line=None, before=6, after=6,
                           keep_next=True, snap=False),
                      _rpr(f.heading2, XIAO_SI))
        # A figure's caption goes below it and must not chain the figure to what follows.
        _define_style(styles, "LegisFigureCaption", "Legis Figure Caption",
                      _ppr(jc="center", size=XIAO_SI, line=None, before=6, after=6,
                           snap=False),
                      _rpr(f.heading2, XIAO_SI))
        _define_style(styles, "LegisTable", "Legis Table",
                      _ppr(size=XIAO_SI, line=None, snap=False), _rpr(f.body, XIAO_SI))
        _define_style(styles, "LegisTableHead", "Legis Table Head",
                      _ppr(jc="center", size=XIAO_SI, line=None, snap=False),
                      _rpr(f.heading1, XIAO_SI))
        _define_style(styles, "LegisTableGroup", "Legis Table Group",
                      _ppr(size=XIAO_SI, line=None, keep_next=True, snap=False),
                      _rpr(f.heading2, XIAO_SI))
        _define_style(styles, "LegisPageNumber", "Legis Page Number",
                      _ppr(size=SI_HAO, line=None, snap=False), _rpr(f.page_number, SI_HAO))

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
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        sect_pr = section._sectPr
        for old in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(old)
        # 22 lines to the page (see GRID_LINE_PITCH); tables, titles and captions opt out.
        sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" '
                                 f'w:linePitch="{GRID_LINE_PITCH}"/>'))

    def _footers(self, section, *, landscape: bool) -> None:
        """「— 1 —」: odd pages on the right, even pages on the left, one character in.

        On a landscape page the number stays where a portrait page has it once the
        sheet is turned (see :func:`number_centre`): a rotated text box by the page's
        left edge, near the bottom (odd) or the top (even).
        """
        rpr = _rpr(self.fonts.page_number, SI_HAO)
        index = len(self.doc.sections)
        for header, footer, side in ((section.header, section.footer, "right"),
                                     (section.even_page_header, section.even_page_footer,
                                      "left")):
            for part in (header, footer):
                part.is_linked_to_previous = False
                p = part.paragraphs[0]
                for child in list(p._p):
                    p._p.remove(child)
                p.style = self.doc.styles["Legis Page Number"]
            if landscape:
                header.paragraphs[0]._p.append(parse_xml(pagenumbers.rotated_number(
                    rpr, number_centre(side, landscape=True),
                    900 + 2 * index + (side == "left"))))
                continue
            p = footer.paragraphs[0]
            p_pr = p._p.get_or_add_pPr()
            p_pr.append(parse_xml(f'<w:ind {nsdecls("w")} w:{side}="{round(SI_HAO * 20)}" '
                                  f'w:{side}Chars="100"/>'))
            p_pr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="{side}"/>'))
            for run in parse_xml(f'<w:p {nsdecls("w")}>{pagenumbers.number_runs(rpr)}</w:p>'):
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
        """The title in 二号, broken at sensible places into balanced lines (centred)."""
        p = self.doc.add_paragraph(style=self.doc.styles["Legis Title"])
        lines = title_lines(text, self.title_chars)
        for i, line in enumerate(lines):
            run = self._run(p, line, self.fonts.title, ER_HAO, self.fonts.title_bold)
            if i < len(lines) - 1:
                run.add_break()

    @property
    def title_chars(self) -> int:
        """How many 二号 characters fit on one line of the current page."""
        return int(self.text_width_mm / (ER_HAO * 25.4 / 72))

    def subtitle(self, text: str) -> None:
        self._paragraph(text, "Legis Subtitle", self.fonts.heading2, SAN_HAO)

    def centered(self, text: str) -> None:
        self._paragraph(text, "Legis Center", self.fonts.body, SAN_HAO)

    def left(self, text: str) -> None:
        """A line flush left without indent (主送机关, 附件说明 continuation)."""
        self._paragraph(text, "Legis Left", self.fonts.body, SAN_HAO)

    def mark(self, text: str) -> None:
        """「内部资料」: 3号黑体 at the top left of the first page (GB/T 9704 §7.2.3)."""
        self._paragraph(text, "Legis Mark", self.fonts.heading1, SAN_HAO)

    def blank(self, *, keep: bool = False) -> None:
        """An empty line; ``keep`` holds it on the page of what follows."""
        self.doc.add_paragraph(style=self.doc.styles["Legis Keep" if keep else "Legis Center"])

    def heading1(self, text: str) -> None:
        self._paragraph(text, "Heading 1", self.fonts.heading1, SAN_HAO)

    def heading2(self, text: str) -> None:
        self._paragraph(text, "Heading 2", self.fonts.heading2, SAN_HAO)

    def para(self, text: str, *, keep: bool = False) -> None:
        """Body text; each line of ``text`` (each 款) becomes its own indented paragraph.

        ``keep`` holds it on the page of what follows (the last paragraph before the
        落款, so that the 落款 never stands on a page of its own).
        """
        for line in (text.splitlines() or [""]):
            p = self._paragraph(line, "Normal", self.fonts.body, SAN_HAO)
            if keep:
                p.paragraph_format.keep_with_next = True

    def keep_last(self) -> None:
        """Hold the last paragraph added on the page of what follows: the body's last
        lines go with the 附件说明 and 落款, which never stand on a page of their own."""
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True

    def hanging(self, label: str, lines: Sequence[str]) -> None:
        """「附件：1. …」: the label, then one paragraph per item aligned under the first."""
        for i, line in enumerate(lines):
            p = self._paragraph((label if i == 0 else "") + line, "Legis Keep", self.fonts.body,
                                SAN_HAO)
            chars = 2 if i == 0 else 2 + len(label)
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:ind {nsdecls("w")} w:leftChars="{chars * 100}" '
                f'w:left="{round(chars * SAN_HAO * 20)}"/>'))

    def signature(self, signatory: str, when: str) -> None:
        """The 落款 after the body: a blank line, the signatory 右空二字, the date 右空四字."""
        self.blank(keep=True)
        for text, chars, style in ((signatory, 2, "Legis Signature"), (when, 4, "Legis Date")):
            p = self._paragraph(text, style, self.fonts.body, SAN_HAO)
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:ind {nsdecls("w")} w:rightChars="{chars * 100}" '
                f'w:right="{round(chars * SAN_HAO * 20)}"/>'))

    def attachment_label(self, text: str) -> None:
        """「附件1」 on the first line; the attachment's title then goes on line 3."""
        self._paragraph(text, "Legis Attachment", self.fonts.heading1, SAN_HAO)
        self.blank()

    def caption(self, text: str) -> None:
        """A table's title, above the table and kept with it."""
        self._paragraph(text, "Legis Caption", self.fonts.heading2, XIAO_SI)

    def picture(self, png: bytes, width_mm: float, caption: str = "", *,
                max_height_mm: float = 120) -> None:
        """A centred image ``width_mm`` wide, narrower if it would be taller than the limit."""
        from PIL import Image

        with Image.open(BytesIO(png)) as image:
            ratio = image.height / image.width
        width_mm = min(width_mm, max_height_mm / ratio)
        p = self.doc.add_paragraph(style=self.doc.styles["Legis Figure"])
        p.add_run().add_picture(BytesIO(png), width=Mm(width_mm))
        if caption:
            self._paragraph(caption, "Legis Figure Caption", self.fonts.heading2, XIAO_SI)

    def new_section(self, *, landscape: bool) -> None:
        """Start a new page with its own orientation (wide tables go on landscape pages)."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page_setup(section, landscape=landscape)
        self._footers(section, landscape=landscape)

    @property
    def text_width_mm(self) -> float:
        section = self.doc.sections[-1]
        width = (section.page_width - section.left_margin - section.right_margin) / Mm(1)
        return int(width * 10) / 10   # the page size in twips rounds up a hair

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[object] | Span], *,
              size: float = XIAO_SI, repeat_header: bool = True,
              keep_together: bool = False) -> None:
        """A bordered table; ``rows`` is consumed once, while the file is written.

        No row splits across pages; ``keep_together`` keeps a short table (a tally
        with its 合计 row) on one page.
        """
        key = str(len(self._tables))
        f = self.fonts
        self._tables[key] = TableXml(
            columns, repeat_header=repeat_header, keep_together=keep_together,
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
