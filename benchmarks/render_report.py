"""Render the sample report with LibreOffice (docx -> PDF -> PNG) to look at the pages.

    .venv/bin/python benchmarks/render_report.py [OUT_DIR] [--keep-docs]

Writes report.docx, report.pdf and page-N.png into OUT_DIR (default
/tmp/legis-render); with --keep-docs also copies the cover page, the first
landscape opinions page and the first appendix page to docs/report-*.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from legis.exporters.docx_report import congress_report
from legis.exporters.sample import sample_report_data


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def render(docx: bytes, out_dir: Path, dpi: int = 60) -> list[Path]:
    """PNG pages of ``docx`` (needs LibreOffice and pdftoppm on PATH)."""
    office = soffice()
    if office is None or shutil.which("pdftoppm") is None:
        raise RuntimeError("LibreOffice (soffice) and pdftoppm are needed to render")
    out_dir.mkdir(parents=True, exist_ok=True)
    source = out_dir / "report.docx"
    source.write_bytes(docx)
    # A private profile: a user's running LibreOffice would otherwise swallow the job.
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(source)],
                       check=True, capture_output=True, timeout=180)
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(out_dir / "report.pdf"),
                    str(out_dir / "page")], check=True, timeout=180)
    return sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    out_dir = Path(args[0]) if args else Path(tempfile.gettempdir()) / "legis-render"
    data = sample_report_data(opinions=40, comments=160)
    pages = render(congress_report(data), out_dir)
    print(f"{len(pages)} pages in {out_dir}")
    if "--keep-docs" in argv:
        from PIL import Image
        landscape = [p for p in pages if Image.open(p).width > Image.open(p).height]
        picks = {"cover": pages[0], "opinions": landscape[0], "appendix": _appendix(pages)}
        for name, page in picks.items():
            shutil.copy(page, ROOT / "docs" / f"report-{name}.png")
            print(f"docs/report-{name}.png <- {page.name}")


def _appendix(pages: list[Path]) -> Path:
    """The first page of the appendix: found through the PDF's text, page by page."""
    pdf = pages[0].parent / "report.pdf"
    for i, page in enumerate(pages, 1):
        text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
                              check=False, capture_output=True, text=True).stdout
        if "附件" in text and "原始意见" in text:
            return page
    return pages[-1]


if __name__ == "__main__":
    main(sys.argv[1:])
