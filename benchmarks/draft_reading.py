"""The public draft page: bytes of the first screen against the whole draft on one page, and
what counting participants and searching cost against building the page, in the same run.

    .venv/bin/python benchmarks/draft_reading.py [--comments 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert
from starlette.testclient import TestClient

from legis.config import Settings
from legis.db import create_schema, make_engine, session_scope
from legis.models import Comment, utcnow
from legis.parsing import parse_file
from legis.services import draft_parts as reading
from legis.services import participation
from legis.services.drafts import articles_of, current_version, headings_of, import_draft
from legis.timefmt import today
from legis.web.app import create_app

SAMPLES = {"wuye": "shandong-wuye-guanli-tiaoli.txt", "yusuan": "shanghai-yusuan-shencha-jiandu-tiaoli.txt"}


def gz(data: bytes) -> int:
    """Bytes on the wire: the app's GZipMiddleware compresses at level 6."""
    return len(gzip.compress(data, compresslevel=6))


def median_ms(work, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def fill(engine, draft_id: int, version_id: int, articles: list[int], count: int) -> None:
    """``count`` comments, three from each browser visit on average, a fifth typed in with a phone."""
    rng = random.Random(7)
    start = utcnow() - timedelta(days=30)
    rows = []
    with engine.begin() as connection:
        for i in range(count):
            rows.append({
                "draft_id": draft_id, "version_id": version_id, "article_id": rng.choice(articles),
                "text": f"第{i}条意见：建议进一步明确物业服务收费标准。", "name": "", "community": "",
                "phone": f"1380000{i % 5000:04d}" if i % 5 == 0 else "", "consent": False,
                "visitor": "" if i % 5 == 0 else f"v{i // 3}", "channel": "线上",
                "receipt_code": f"B{i:07d}", "excluded": False, "excluded_reason": "",
                "created_at": start + timedelta(seconds=i * 25),
            })
            if len(rows) == 5000:
                connection.execute(insert(Comment), rows)
                rows = []
        if rows:
            connection.execute(insert(Comment), rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/reading.db"
        engine = make_engine(url)
        create_schema(engine)
        ids, layouts = {}, {}
        with session_scope(engine, write=True) as session:
            for slug, name in SAMPLES.items():
                draft = import_draft(session, parsed=parse_file(ROOT / "legis" / "sample_drafts" / name), slug=slug,
                                     open_until=today() + timedelta(days=30))
                version = current_version(session, draft=draft)
                ids[slug] = (draft.id, version.id, [a.id for a in articles_of(session, version=version)])
                layouts[slug] = reading.lay_out(headings_of(session, version=version),
                                                articles_of(session, version=version))
        app = create_app(Settings(database_url=url, secret_key="bench", data_dir=Path(tmp),
                                  load_samples=False))
        with TestClient(app) as client:
            css = gz(client.get("/static/app.css").content)
            js = gz(client.get("/static/app.js").content)
            print(f"styles {css:,} B and script {js:,} B compressed, on every first visit")
            print("| draft | articles | pages | first page KB | largest page KB | one page KB | ratio |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            for slug in SAMPLES:
                first = client.get(f"/drafts/{slug}").content
                count = len(layouts[slug].parts)
                sizes = [gz(first)] + [gz(client.get(f"/drafts/{slug}/part/{n}").content)
                                       for n in range(2, count + 1)]
                saved, reading.PAGE_ARTICLES = reading.PAGE_ARTICLES, 10**6
                app.state.pages.clear()
                app.state.readings.clear()
                whole = gz(client.get(f"/drafts/{slug}").content)
                reading.PAGE_ARTICLES = saved
                app.state.pages.clear()
                app.state.readings.clear()
                kb = [(s + css + js) / 1024 for s in (sizes[0], max(sizes), whole)]
                print(f"| {slug} | {len(ids[slug][2])} | {count} | {kb[0]:.1f} | {kb[1]:.1f} | "
                      f"{kb[2]:.1f} | {kb[0] / kb[2]:.2f} |")

            draft_id, version_id, articles = ids["wuye"]
            started = time.perf_counter()
            fill(engine, draft_id, version_id, articles, args.comments)
            print(f"\ninserted {args.comments:,} comments in {time.perf_counter() - started:.1f} s "
                  f"({engine.dialect.name})")
            client.get("/drafts/wuye")   # warm the page cache, as in production
            page = median_ms(lambda: client.get("/drafts/wuye"))

            def count() -> None:
                with session_scope(engine) as session:
                    participation.turnout(session, draft_ids=[draft_id])

            laid_out = layouts["wuye"]

            def laid_out_search() -> None:
                reading.search(laid_out, "业主大会")

            with session_scope(engine) as session:
                shown = participation.turnout(session, draft_ids=[draft_id])[draft_id]
            turnout = median_ms(count)
            searched = median_ms(laid_out_search)
            search_page = median_ms(lambda: client.get("/drafts/wuye/search?q=业主大会"))
            print(f"turnout: {shown.comments:,} comments from {shown.participants:,} participants")
            print("| step | median ms | ratio to the draft page |")
            print("|---|---:|---:|")
            print(f"| draft page (first chapter), whole request | {page:.1f} | 1.00 |")
            print(f"| counting comments and participants | {turnout:.1f} | {turnout / page:.2f} |")
            print(f"| search in 84 articles (service) | {searched:.2f} | {searched / page:.3f} |")
            print(f"| search results page, whole request | {search_page:.1f} | {search_page / page:.2f} |")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
