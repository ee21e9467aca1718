"""Page numbers 「— 1 —」 as WordprocessingML: in the footer of portrait pages, and in a
rotated text box on landscape pages so that they sit where portrait pages have them.

Where they go is decided in :mod:`legis.exporters.official` (the template); this module
only writes the XML.
"""

from __future__ import annotations

from docx.oxml.ns import nsdecls

_V = 'xmlns:v="urn:schemas-microsoft-com:vml"'
_O = 'xmlns:o="urn:schemas-microsoft-com:office:office"'
# A box just long enough for 「— 123 —」 in 四号, the number centred in it: where the
# number sits then does not depend on how a reader aligns rotated text.
BOX_MM = (9, 22)   # across, along the text


def number_runs(rpr: str) -> str:
    """「— 1 —」 with a PAGE field, each run carrying ``rpr``."""
    return (f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rpr}<w:t>1</w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
            f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>')


def rotated_number(rpr: str, centre_mm: tuple[float, float], shape_id: int) -> str:
    """A run holding a text box with the page number, for a landscape page's header.

    The box is centred on ``centre_mm`` (from the page's left and top edges), its text
    reading top to bottom (``layout-flow:vertical``: upright once the sheet is turned
    to portrait), placed relative to the page from the header.

    It is a VML text box (``w:pict``, ECMA-376 Part 4 §14.1; Word reads and writes it).
    A DrawingML one (``wps``) is placed by LibreOffice 7.4 at the page's top left on
    page 1 of a short document that starts landscape (a two-page 对照表), from the
    header or the footer, with offsets from the page, the margin or the paragraph;
    the VML box is placed by its offsets on every page.
    """
    across, along = BOX_MM
    cx, cy = centre_mm
    pt = 72 / 25.4
    style = ";".join((
        "position:absolute", f"margin-left:{(cx - across / 2) * pt:.2f}pt",
        f"margin-top:{(cy - along / 2) * pt:.2f}pt", f"width:{across * pt:.2f}pt",
        f"height:{along * pt:.2f}pt", f"z-index:{shape_id}",
        "mso-position-horizontal-relative:page", "mso-position-vertical-relative:page",
        "layout-flow:vertical"))
    ppr = '<w:pPr><w:pStyle w:val="LegisPageNumber"/><w:jc w:val="center"/></w:pPr>'
    return (
        f'<w:r {nsdecls("w")} {_V} {_O}><w:pict>'
        f'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f'<v:shape id="PageNumber{shape_id}" type="#_x0000_t202" style="{style}" '
        'filled="f" stroked="f">'
        '<v:textbox style="layout-flow:vertical" inset="0,0,0,0"><w:txbxContent>'
        f'<w:p>{ppr}{number_runs(rpr)}</w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
