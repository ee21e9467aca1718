"""Render the sample report with LibreOffice (docx -> PDF -> PNG) to look at the pages.

    .venv/bin/python benchmarks/render_report.py [OUT_DIR] [--keep-docs]

Renders the report, its internal version, a contact point's submission and the
修改前后对照表 into OUT_DIR/<name>/ (report.docx, report.pdf, page-N.png; default
OUT_DIR /tmp/legis-render); with --keep-docs also copies the pages listed in KEEP
to docs/.
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


def documents() -> dict[str, bytes]:
    """The four documents staff and hosts send: report, internal report, a point's
    submission, the 修改前后对照表."""
    from datetime import date

    from legis.exporters.comparison import comparison_table
    from legis.exporters.model import ReportMeeting
    from legis.exporters.submission import point_submission

    data = sample_report_data(opinions=40, comments=160)
    internal = sample_report_data(opinions=40, comments=160, internal=True)
    point = sample_report_data(opinions=10, comments=30, contact_point="东湖街道代表之家")
    point.meetings.append(ReportMeeting("幸福社区居民恳谈会", "幸福社区联系点", date(2024, 5, 20),
                                        "幸福社区活动室", 14, "王某"))
    point.point_host, point.point_parent, point.published = "李某", "东湖街道人大工委", True
    return {"report": congress_report(data), "internal": congress_report(internal),
            "point": point_submission(point), "comparison": comparison_table(data)}


# Pages kept in docs/ (name -> (document, page number)); chosen after looking at every page.
KEEP = {"report-cover": ("report", 1), "report-figures": ("report", 2),
        "report-opinions": ("report", 4), "report-end": ("report", 15),
        "report-contrast": ("report", 16), "report-appendix": ("report", 25),
        "report-internal": ("internal", 1), "point-submission": ("point", 1),
        "point-submission-end": ("point", 5), "comparison": ("comparison", 1)}


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    out_dir = Path(args[0]) if args else Path(tempfile.gettempdir()) / "legis-render"
    rendered = {}
    for name, docx in documents().items():
        rendered[name] = render(docx, out_dir / name)
        print(f"{name}: {len(rendered[name])} pages in {out_dir / name}")
    if "--keep-docs" in argv:
        for target, (name, number) in KEEP.items():
            pages = rendered[name]
            page = pages[min(number, len(pages)) - 1]
            shutil.copy(page, ROOT / "docs" / f"{target}.png")
            print(f"docs/{target}.png <- {name}/{page.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
