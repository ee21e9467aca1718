"""Page numbers 「— 1 —」 as WordprocessingML: in the footer of portrait pages, and in a
rotated text box on landscape pages so that they sit where portrait pages have them.

Where they go is decided in :mod:`legis.exporters.official` (the template); this module
only writes the XML.
"""

from __future__ import annotations

from docx.oxml.ns import nsdecls

_WPS = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
_MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
EMU_PER_MM = 36000
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
    reading top to bottom (upright once the sheet is turned to portrait). The box is
    anchored in the header and placed relative to the page: LibreOffice (7.4) ignores
    a page-relative offset of a shape in the footer on a document's first page, and
    draws it at the page's top left; from the header, Word and LibreOffice both
    place it by the offset (OOXML 20.4.2.10/11, relativeFrom="page").
    """
    across, along = BOX_MM
    cx, cy = centre_mm
    x, y = round((cx - across / 2) * EMU_PER_MM), round((cy - along / 2) * EMU_PER_MM)
    w, h = across * EMU_PER_MM, along * EMU_PER_MM
    ppr = '<w:pPr><w:pStyle w:val="LegisPageNumber"/><w:jc w:val="center"/></w:pPr>'
    return (
        f'<w:r {nsdecls("w", "wp", "a")} {_WPS} {_MC}>'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{w}" cy="{h}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{shape_id}" name="PageNumber{shape_id}"/>'
        '<wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        '</wps:spPr><wps:txbx><w:txbxContent>'
        f'<w:p>{ppr}{number_runs(rpr)}</w:p>'
        '</w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" vert="vert" wrap="square" lIns="0" tIns="0" rIns="0" '
        'bIns="0" anchor="ctr" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        '<mc:Fallback/></mc:AlternateContent></w:r>')
