"""Export benchmark, end to end from a real database: `legis export` at 100k and 400k comments.

    .venv/bin/python benchmarks/export.py [--sizes 100000,400000] [--db sqlite,pg]
        [--pg postgresql://root@127.0.0.1/test]

For each database and size, a draft with one opinion per ten comments (sample data from
``legis.exporters.sample``: realistic texts, names, phones, meetings, 400+ articles) is
written into a fresh database (a temp-file SQLite database, or a schema of its own in
PostgreSQL, dropped afterwards). Then each measurement runs in a fresh child process so
its peak RSS (``ru_maxrss``) is its own:

- ``baseline``: a bare Core ``SELECT`` of the same comment rows (text, article, point,
  meeting, channel, time, name, phone, receipt, opinion) written to CSV with the csv module:
  the least any export of these rows can cost;
- ``docx``: ``legis export DRAFT --format docx`` (checks, letterhead, sections, report
  with 对照表 and 原始意见 appendix, written to a file), as staff run it;
- ``xlsx``: ``legis export DRAFT --format xlsx --kind comments`` (one row per comment);
- ``csv``: ``legis export DRAFT --format csv --kind comments``;
- ``openpyxl`` (only with ``--modes``): the same 原始意见 sheet through openpyxl's
  write-only mode, as legis wrote .xlsx before: what the streaming writer replaced.

Each row gives wall-clock and CPU seconds (user + system of the child, the figure
least disturbed by other processes on a shared machine) and peak RSS; ratios are CPU
and RSS against the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("baseline", "docx", "xlsx", "csv")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KiB


def seed(url: str, comments: int) -> int:
    """Write a draft with ``comments`` comments merged into comments/10 opinions; its id."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from legis.db import create_schema, make_engine
    from legis.exporters.sample import sample_report_data
    from legis.models import (
        Article,
        Comment,
        ContactPoint,
        Draft,
        DraftVersion,
        Meeting,
        Opinion,
    )

    opinions = comments // 10
    data = sample_report_data(opinions, comments, articles=max(30, opinions // 25), internal=True)
    engine = make_engine(url)
    create_schema(engine)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        draft_id = conn.execute(insert(Draft).values(
            slug=f"bench-{uuid.uuid4().hex[:8]}", title=data.draft_title, status="open",
            comment_start=data.period[0], comment_end=data.period[1], description="",
            withdrawn_reason="", created_at=now, updated_at=now)).inserted_primary_key[0]
        version_id = conn.execute(insert(DraftVersion).values(
            draft_id=draft_id, number=1, name="征求意见稿", is_current=True, source_filename="",
            source_sha256="", preamble="", warnings=[], created_at=now)).inserted_primary_key[0]
        article_ids = {}
        for a in data.articles:
            article_ids[a.ordinal] = conn.execute(insert(Article).values(
                version_id=version_id, ordinal=a.ordinal - 1, number=a.ordinal, sub=0,
                label=a.label, text=a.text, paragraphs=a.text.split("\n"), path=[]
            )).inserted_primary_key[0]
        point_ids, meeting_ids = {}, {}
        for s in data.meetings:
            point_ids[s.contact_point] = conn.execute(insert(ContactPoint).values(
                name=s.contact_point, kind="点", district="", address="", report_level="站",
                created_at=now)).inserted_primary_key[0]
            meeting_ids[s.title] = conn.execute(insert(Meeting).values(
                draft_id=draft_id, contact_point_id=point_ids[s.contact_point], title=s.title,
                held_on=s.date, place=s.place, host_name="", expected_participants=0,
                participant_count=s.participants, channel="现场",
                token=uuid.uuid4().hex, created_at=now)).inserted_primary_key[0]
        rows = []
        for op in data.opinions:
            opinion_id = conn.execute(insert(Opinion).values(
                draft_id=draft_id, article_id=article_ids.get(op.article_ordinal), text=op.text,
                state=op.state, reason=op.reason, change_note=op.change_note, decided_by="",
                approved_by="", created_at=now, updated_at=now)).inserted_primary_key[0]
            for c in op.comments:
                rows.append({
                    "draft_id": draft_id, "version_id": version_id,
                    "article_id": article_ids.get(op.article_ordinal), "text": c.text,
                    "name": c.name or "", "community": c.community or "", "phone": c.phone or "",
                    "consent": True, "contact_point_id": point_ids.get(c.contact_point),
                    "meeting_id": meeting_ids.get(c.meeting), "channel": c.channel,
                    "receipt_code": f"B{c.id:09d}", "opinion_id": opinion_id,
                    "excluded": False, "excluded_reason": "", "personal_data": "",
                    "awaiting_confirmation": False, "withdrawn": False, "withdrawn_reason": "",
                    "visitor": "", "created_at": (c.created_at - timedelta(hours=8)).replace(tzinfo=UTC)})
                if len(rows) >= 10_000:
                    conn.execute(insert(Comment), rows)
                    rows = []
        if rows:
            conn.execute(insert(Comment), rows)
    engine.dispose()
    return draft_id


def child(mode: str, url: str, draft_id: int, out: str) -> dict:
    t0 = time.perf_counter()
    if mode == "baseline":
        from sqlalchemy import select

        from legis.db import make_engine
        from legis.models import Comment

        engine = make_engine(url)
        query = (select(Comment.id, Comment.opinion_id, Comment.article_id, Comment.text,
                        Comment.contact_point_id, Comment.meeting_id, Comment.channel,
                        Comment.created_at, Comment.name, Comment.community, Comment.phone,
                        Comment.receipt_code)
                 .where(Comment.draft_id == draft_id, Comment.excluded.is_(False),
                        Comment.withdrawn.is_(False)).order_by(Comment.id))
        with engine.connect() as conn, open(out, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            result = conn.execute(query.execution_options(yield_per=5000))
            for batch in result.partitions():
                writer.writerows(batch)
    elif mode == "openpyxl":
        _openpyxl_comments(url, draft_id, out)
    else:
        from legis.cli import main

        os.environ["DATABASE_URL"] = url
        fmt = mode
        extra = [] if mode == "docx" else ["--kind", "comments"]
        code = main(["export", str(draft_id), "--format", fmt, "-o", out, *extra])
        if code:
            raise SystemExit(f"legis export failed: {code}")
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"mode": mode, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_peak_mib": _rss_mib(),
            "size_mib": Path(out).stat().st_size / 2**20}


def _openpyxl_comments(url: str, draft_id: int, out: str) -> None:
    """The 原始意见 sheet as legis wrote it before (openpyxl's write-only mode, a
    WriteOnlyCell per wrapped or dated cell), from the same rows: the old writer's cost."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    from legis.db import make_engine, session_scope
    from legis.exporters.spreadsheets import COMMENT_HEADERS, comment_rows
    from legis.services import reports

    engine = make_engine(url)
    with session_scope(engine) as session:
        data = reports.build_report(session, draft_id=draft_id, office="", engine=engine)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("原始意见")
    sheet.append(COMMENT_HEADERS)
    wrapped = Alignment(wrap_text=True, vertical="top")
    for row in comment_rows(data):
        values = list(row)
        for i in (3, 5):
            if isinstance(values[i], str):
                values[i] = WriteOnlyCell(sheet, value=values[i])
                values[i].alignment = wrapped
        values[7] = WriteOnlyCell(sheet, value=values[7])
        values[7].number_format = "yyyy-mm-dd hh:mm"
        sheet.append(values)
    workbook.save(out)


def run(mode: str, url: str, draft_id: int, folder: Path) -> dict:
    out = folder / f"out.{ {'baseline': 'csv', 'openpyxl': 'xlsx'}.get(mode, mode)}"
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--url", url,
                           "--draft", str(draft_id), "--out", str(out)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pg_schema(base: str):
    """A fresh schema in the PostgreSQL database ``base``: (its URL, a function dropping it)."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return f"{base}{'&' if '?' in base else '?'}schema={schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,400000")
    parser.add_argument("--db", default="sqlite,pg")
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1/test")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--child")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--url")
    parser.add_argument("--draft", type=int)
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.seed:
        print(seed(args.url, args.seed))
        return
    if args.child:
        print(json.dumps(child(args.child, args.url, args.draft, args.out)))
        return
    modes = args.modes.split(",")
    print(f"{'db':<7}{'comments':>9}{'export':>9}{'wall s':>8}{'CPU s':>8}{'x base':>8}"
          f"{'RSS MiB':>9}{'x base':>8}{'file MiB':>9}")
    for db in args.db.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                drop = None
                url = (f"sqlite:///{folder / 'bench.db'}" if db == "sqlite"
                       else None)
                if url is None:
                    url, drop = pg_schema(args.pg)
                try:
                    t0 = time.perf_counter()
                    # Seeded in a child too: Linux keeps a process's peak RSS across
                    # fork and exec, so a parent grown by seeding would lend its peak
                    # to every measurement started from it.
                    draft_id = int(subprocess.run(
                        [sys.executable, __file__, "--seed", str(size), "--url", url],
                        check=True, capture_output=True, text=True).stdout.split()[-1])
                    print(f"# {db} {size}: seeded in {time.perf_counter() - t0:.0f} s", flush=True)
                    results = [run(mode, url, draft_id, folder) for mode in modes]
                finally:
                    if drop:
                        drop()
            base = next((r for r in results if r["mode"] == "baseline"), None)
            for r in results:
                ratio_s = r["cpu"] / base["cpu"] if base else float("nan")
                ratio_m = r["rss_peak_mib"] / base["rss_peak_mib"] if base else float("nan")
                print(f"{db:<7}{size:>9}{r['mode']:>9}{r['seconds']:>8.1f}{r['cpu']:>8.1f}{ratio_s:>8.1f}"
                      f"{r['rss_peak_mib']:>9.0f}{ratio_m:>8.1f}{r['size_mib']:>9.1f}",
                      flush=True)


if __name__ == "__main__":
    main()
