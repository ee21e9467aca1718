"""Staff figures of a large draft through the real server: the 处理情况 page with its two
charts, the opinions overview (意见归并与处理) and the 台账, at 100,000 and 400,000 comments
(10 comments an opinion, 100 articles, half the opinions decided, 30 contact points),
against the same app's /healthz in the same run. ``--before DIR`` runs the code in DIR
(e.g. /work/main) on the same database too (100,000 comments only).

    .venv/bin/python benchmarks/dispositions.py [--comments 100000 400000]
        [--database-url postgresql://root@127.0.0.1/test] [--workers 1] [--before /work/main]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2 as httpx
from sqlalchemy import select, text

from benchmarks import staff_data
from benchmarks.review_page import elsewhere, signed_in, timed
from legis.models import Opinion
from tests.live import running_server, server_env

ARTICLES = 100
PER_OPINION = 10


def page_and_charts(client: httpx.Client, url: str) -> tuple[float, float, int]:
    """Seconds for the page and both chart images as a browser first loads them, and the
    same again when the browser asks whether its copies are still current; the page's size."""
    started = time.perf_counter()
    page = client.get(url)
    page.raise_for_status()
    charts = re.findall(r'<img src="([^"]+\.svg[^"]*)"', page.text)
    tags = []
    for src in charts:
        response = client.get(src)
        response.raise_for_status()
        tags.append((src, response.headers.get("etag")))
    cold = time.perf_counter() - started
    started = time.perf_counter()
    client.get(url).raise_for_status()
    for src, tag in tags:
        client.get(src, headers={"If-None-Match": tag} if tag else {})
    warm = time.perf_counter() - started
    return cold * 1000, warm * 1000, len(page.content)


def decide(client: httpx.Client, opinion_id: int, state: str) -> None:
    """A staff member's decision through the page's own form (what changes the figures)."""
    response = client.post(f"/manage/opinions/{opinion_id}/disposition",
                           data={"state": state, "reason": "上位法已有规定"})
    if response.status_code != 303:
        raise SystemExit(f"decision failed: {response.status_code}")


def run(label: str, env: dict, workers: int, draft_id: int, repeat: int, opinion_ids: list[int]) -> None:
    with running_server(env, workers=workers, timeout=120) as (base, _process), signed_in(base) as client:
        hello, _ = timed(client, "/healthz", 30)
        print(f"[{label}] /healthz (baseline): {hello:.2f} ms")
        url = f"/manage/drafts/{draft_id}/dispositions"
        # The data was written in bulk, around the ORM: the first staff page counts it once.
        first_cold, _warm, size = page_and_charts(client, url)
        print(f"[{label}] 处理情况 page + 2 charts, first load after the bulk load: {first_cold:8.1f} ms")
        runs = [page_and_charts(client, url) for _ in range(repeat)]
        warm = statistics.median(r[1] for r in runs)
        # What staff see right after deciding: a decision, then the page and charts as a
        # browser loads them (new image addresses), then the opinions overview and 台账.
        after, overview_after, ledger_after = [], [], []
        for n, opinion_id in enumerate(opinion_ids[:repeat]):
            decide(client, opinion_id, ("采纳", "部分采纳", "未采纳")[n % 3])
            after.append(page_and_charts(client, url)[0])
            decide(client, opinion_ids[-1 - n], ("采纳", "部分采纳", "未采纳")[n % 3])
            overview_after.append(timed(client, f"/manage/drafts/{draft_id}/opinions", 1)[0])
            decide(client, opinion_ids[n + repeat], ("采纳", "部分采纳", "未采纳")[n % 3])
            ledger_after.append(timed(client, "/manage/ledger", 1)[0])
        cold = statistics.median(after)
        print(f"[{label}] 处理情况 page + 2 charts, first load after a decision: {cold:8.1f} ms  "
              f"x{cold / hello:.0f} /healthz  again (304s): {warm:8.1f} ms  x{warm / hello:.0f} /healthz  "
              f"page {size / 1024:.0f} KB")
        for name, path, changed in (
                ("opinions overview", f"/manage/drafts/{draft_id}/opinions", overview_after),
                ("台账 (ledger)", "/manage/ledger", ledger_after)):
            ms, body = timed(client, path, repeat)
            first = statistics.median(changed)
            print(f"[{label}] {name}: after a decision {first:8.1f} ms  x{first / hello:.0f} /healthz  "
                  f"again {ms:8.1f} ms  x{ms / hello:.0f} /healthz  {body / 1024:6.0f} KB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", default="")
    args = parser.parse_args()
    for total in args.comments:
        rng = random.Random(total)
        with tempfile.TemporaryDirectory() as tmp, \
                staff_data.database(args.database_url, Path(tmp)) as (url, engine):
            started = time.perf_counter()
            draft_id, version_id, articles = staff_data.make_draft(engine, articles=ARTICLES)
            points = staff_data.make_points(engine, 30)
            for article_id in articles:
                per_article = total // ARTICLES
                staff_data.fill_article(engine, draft_id=draft_id, version_id=version_id,
                                        article_id=article_id, comments=per_article,
                                        opinions=per_article // PER_OPINION, rng=rng, points=points,
                                        decided=0.5)
            staff_data.make_clerk(engine)
            with engine.connect() as connection:
                opinion_ids = list(connection.execute(
                    select(Opinion.id).where(Opinion.draft_id == draft_id).order_by(Opinion.id)).scalars())
            if engine.dialect.name == "postgresql":
                # As a database in use would be (autovacuum): index-only scans need a visibility map.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(text("VACUUM ANALYZE"))
            print(f"\n{total:,} comments, {total // PER_OPINION:,} opinions on {engine.dialect.name}, "
                  f"{args.workers} worker(s) (filled in {time.perf_counter() - started:.0f} s)")
            engine.dispose()
            env = server_env(Path(tmp), url)
            run("now", env, args.workers, draft_id, args.repeat, opinion_ids[::97])
            if args.before and total <= 100_000:
                with elsewhere(args.before, url):
                    run("before", env, args.workers, draft_id, 1, opinion_ids[::97])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
