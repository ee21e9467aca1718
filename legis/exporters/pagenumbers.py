"""Page numbers 「— 1 —」 as WordprocessingML: in the footer of portrait pages, and in a
rotated text box on landscape pages so that they sit where portrait pages have them."""

from __future__ import annotations

from docx.oxml.ns import nsdecls

_WPS = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
_MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def number_runs(rpr: str) -> str:
    """「— 1 —」 with a PAGE field, each run carrying ``rpr``."""
    return (f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r>{rpr}<w:t>1</w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
            f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>')


def rotated_number(side: str, rpr: str, a4: tuple[int, int],
                   margins: dict[str, float]) -> str:
    """A text box holding the page number, turned to read along the page's short edge."""
    emu = 36000  # per mm
    # A box just long enough for 「— 123 —」 in 四号, the number centred in it: where the
    # number sits then does not depend on how a reader aligns rotated text.
    box_w, box_h = 9 * emu, 22 * emu
    # Portrait: the number ends one character (5 mm) inside the type area's right edge
    # (odd pages) or starts 5 mm inside its left edge (even pages); its middle 25 mm
    # above the bottom edge. Turned, those become distances from the landscape bottom.
    half = 10   # mm: half the printed number's length
    if side == "right":      # odd page: portrait bottom = landscape left edge
        x, vert = (25 - 4.5) * emu, "vert"
        middle = a4[0] - margins["right"] - 5 - half
    else:                    # even page: portrait bottom = landscape right edge
        x, vert = (a4[1] - 25 - 4.5) * emu, "vert270"
        middle = a4[0] - margins["left"] - 5 - half
    y = middle * emu - box_h / 2
    jc = "center"
    ppr = ('<w:pPr><w:pStyle w:val="LegisPageNumber"/>'
           f'<w:jc w:val="{jc}"/></w:pPr>')
    return (
        f'<w:r {nsdecls("w", "wp", "a")} {_WPS} {_MC}>'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>{round(x)}</wp:posOffset>'
        '</wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>{round(y)}</wp:posOffset>'
        '</wp:positionV>'
        f'<wp:extent cx="{box_w}" cy="{box_h}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapNone/><wp:docPr id="' + ("901" if side == "right" else "902")
        + '" name="PageNumber"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{box_w}" cy="{box_h}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        '</wps:spPr><wps:txbx><w:txbxContent>'
        f'<w:p>{ppr}{number_runs(rpr)}</w:p>'
        '</w:txbxContent></wps:txbx>'
        f'<wps:bodyPr rot="0" vert="{vert}" wrap="square" lIns="0" tIns="0" rIns="0" '
        'bIns="0" anchor="ctr" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
        '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        '<mc:Fallback/></mc:AlternateContent></w:r>')
