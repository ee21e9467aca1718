"""Report export benchmark: 10,000 opinions / 100,000 comments to .docx, against python-docx's API.

    .venv/bin/python benchmarks/export.py [--opinions 10000 --comments 100000 --naive-scale 10]

Each measurement runs in a fresh child process so that its peak RSS is its own.
The baseline ("naive") builds the same report's tables with python-docx's table
API (``table.add_row()`` then ``cell.text = ...`` per cell, ``merge`` for group
rows, no per-cell styling or fonts, so it does less than the real writer); it runs on a tenth of
the data and the fast writer runs on that same tenth too, so the speed-up is
measured like for like; the naive full-size time is extrapolated linearly.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB


def child(mode: str, opinions: int, comments: int) -> dict:
    from legis.exporters import docx_report
    from legis.exporters.sample import sample_report_data
    from legis.exporters.spreadsheets import comments_xlsx, opinions_xlsx

    t0 = time.perf_counter()
    data = sample_report_data(opinions, comments, articles=max(30, opinions // 25))
    built = time.perf_counter() - t0
    rss_data = _rss_mib()
    if mode == "naive":
        docx_report.OfficialDocument = _naive_document_class()
    t0 = time.perf_counter()
    if mode == "xlsx":
        size = len(opinions_xlsx(data)) + len(comments_xlsx(data))
    else:
        size = len(docx_report.congress_report(data))
    seconds = time.perf_counter() - t0
    return {"mode": mode, "opinions": opinions, "comments": comments, "build_s": built,
            "export_s": seconds, "rss_data_mib": rss_data, "rss_peak_mib": _rss_mib(),
            "size_mib": size / 2**20}


def _naive_document_class():
    """OfficialDocument whose tables go through python-docx's cell-by-cell API."""
    from legis.exporters.official import OfficialDocument
    from legis.exporters.wordxml import Continued, Merged, Span

    class NaiveDocument(OfficialDocument):
        def table(self, columns, rows, *, size=12, repeat_header=True, keep_together=False):
            table = self.doc.add_table(rows=1, cols=len(columns))
            table.style = self.doc.styles["Table Grid"]
            for cell, column in zip(table.rows[0].cells, columns):
                cell.text = column.title
            for values in rows:
                cells = table.add_row().cells
                if isinstance(values, Span):
                    merged = cells[0].merge(cells[-1])
                    merged.text = values.text
                    continue
                # Cells keep the Normal style: setting paragraph.style per cell would make
                # this baseline several times slower still (python-docx scans every style).
                for cell, value in zip(cells, values):
                    cell.text = (value.text if isinstance(value, Merged) else
                                 "" if isinstance(value, Continued) else str(value))

    return NaiveDocument


def run(mode: str, opinions: int, comments: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--opinions", str(opinions),
                          "--comments", str(comments)], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opinions", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--naive-scale", type=int, default=10)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.opinions, args.comments)))
        return
    small = (args.opinions // args.naive_scale, args.comments // args.naive_scale)
    half = (small[0] // 2, small[1] // 2)
    results = [run("fast", args.opinions, args.comments), run("fast", *small),
               run("naive", *small), run("naive", *half), run("xlsx", args.opinions, args.comments)]
    print(f"{'writer':<7}{'opinions':>9}{'comments':>9}{'data s':>8}{'export s':>9}"
          f"{'RSS data MiB':>13}{'RSS peak MiB':>13}{'file MiB':>9}")
    for r in results:
        print(f"{r['mode']:<7}{r['opinions']:>9}{r['comments']:>9}{r['build_s']:>8.2f}"
              f"{r['export_s']:>9.2f}{r['rss_data_mib']:>13.0f}{r['rss_peak_mib']:>13.0f}"
              f"{r['size_mib']:>9.1f}")
    full, fast_small, naive_small, naive_half = results[:4]
    print(f"speed-up at {small[0]}/{small[1]}: "
          f"{naive_small['export_s'] / fast_small['export_s']:.1f}x; naive grows "
          f"{naive_small['export_s'] / naive_half['export_s']:.1f}x for 2x the rows, so at full "
          f"size it needs at least ~{naive_small['export_s'] * args.naive_scale:.0f} s "
          f"(linear extrapolation) vs {full['export_s']:.1f} s measured")


if __name__ == "__main__":
    main()
