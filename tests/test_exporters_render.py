"""The report opens in LibreOffice: pages render, numbered 「— N —」, landscape where wide."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from legis.exporters.docx_report import congress_report
from legis.exporters.figures import summary_line
from legis.exporters.sample import sample_report_data

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftoppm")
    or not shutil.which("pdftotext"),
    reason="LibreOffice and poppler-utils are needed to render")


def load_renderer():
    spec = importlib.util.spec_from_file_location("render_report",
                                                  ROOT / "benchmarks" / "render_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_report_renders_with_numbered_and_landscape_pages(tmp_path):
    from PIL import Image

    data = sample_report_data(opinions=12, comments=40)
    pages = load_renderer().render(congress_report(data), tmp_path, dpi=30)
    assert len(pages) >= 4
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())                            # pdftotext spaces vary
    for n in range(1, len(pages) + 1):
        assert f"—{n}—" in flat
    assert "".join(summary_line(data).split()) in flat
    shapes = [Image.open(p).size for p in pages]
    assert shapes[0][0] < shapes[0][1]                      # portrait cover
    assert any(w > h for w, h in shapes)                    # landscape tables


def test_body_lines_hold_28_characters_and_pages_22_lines(tmp_path):
    """Read back from LibreOffice's PDF: a paragraph of plain characters breaks every 28."""
    from legis.exporters.official import OfficialDocument

    doc = OfficialDocument()
    doc.para("征求意见情况" * 80)          # 480 characters, about 17 lines
    doc.para("立法联系点" * 120)           # 600 more: the paragraph goes on to page 2
    load_renderer().render(doc.to_bytes(), tmp_path, dpi=20)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    lines = [line.replace(" ", "") for line in pages[0].splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("—")]
    assert [len(line) for line in lines] == (
        [26] + [28] * 16 + [480 - 26 - 16 * 28]    # first paragraph: indent, full lines, rest
        + [26] + [28] * 3)                         # second paragraph fills the page: 22 lines


def _number_places(pdf: Path) -> list[tuple[float, float, bool]]:
    """Per page: the middle of its printed number 「— N —」 in mm from the page's left and
    top edges, and whether the page is landscape."""
    import re

    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    places = []
    for n, page in enumerate(re.findall(r"<page (.*?)</page>", xml, re.DOTALL), start=1):
        width, height = (float(v) for v in re.findall(r'(?:width|height)="([\d.]+)"', page)[:2])
        words = [(w, *map(float, box)) for *box, w in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)]
        dashes = [w for w in words if w[0] == "—"]
        digits = [w for w in words if w[0] == str(n) and any(
            abs(d[1] - w[1]) + abs(d[2] - w[2]) < 60 for d in dashes)]
        assert len(digits) == 1, (n, digits)
        _, x0, y0, x1, y1 = digits[0]
        mm = 25.4 / 72
        places.append(((x0 + x1) / 2 * mm, (y0 + y1) / 2 * mm, width > height))
    return places


def test_page_numbers_sit_where_the_standard_puts_them_on_every_page(tmp_path):
    """Portrait: 7 mm below the type area (dashes 262 + 7 mm from the top), odd right, even
    left. Landscape (the sheet turned, head towards the portrait left edge): 7 mm left of
    the type area (28 - 7 mm), odd near the bottom, even near the top -- page 1 of a
    document that starts landscape included."""
    from legis.exporters.comparison import comparison_table
    from legis.exporters.model import ArticleChange

    data = sample_report_data(opinions=120, comments=300)
    adopted = [o for o in data.opinions if o.article_ordinal][:24]
    data.changes = [ArticleChange(o.article_label, "历史文化街区内的建筑物，应当按照规定进行保护。",
                                  o.article_label, "历史文化街区内的建筑物，由所有人负责修缮。",
                                  [o.id], "采纳群众意见。") for o in adopted]
    renderer = load_renderer()
    places = {}
    short = sample_report_data(opinions=40, comments=160)     # a two-page 对照表
    for name, docx in (("comparison", comparison_table(data)),
                       ("short", comparison_table(short)),
                       ("report", congress_report(sample_report_data(opinions=12, comments=40)))):
        renderer.render(docx, tmp_path / name, dpi=10)
        places[name] = _number_places(tmp_path / name / "report.pdf")
    assert len(places["comparison"]) >= 3 and all(land for *_, land in places["comparison"])
    assert len(places["short"]) == 2 and all(land for *_, land in places["short"])
    assert sum(land for *_, land in places["report"]) >= 3
    for name, pages in places.items():
        for n, (x, y, landscape) in enumerate(pages, start=1):
            odd = n % 2 == 1
            if landscape:
                assert x == pytest.approx(21, abs=2), (name, n)
                assert (105 < y < 175) if odd else (37 < y < 105), (name, n, y)
            else:
                assert y == pytest.approx(269, abs=2), (name, n)
                assert (105 < x < 184) if odd else (28 < x < 105), (name, n, x)
