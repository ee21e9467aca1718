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
