"""回音壁 at 5,000 published opinions on the real server: the first page after the results
change (counted and rendered), then pages served to 50 residents at once, against a bare
Starlette "hello" in the same run.

Run: .venv/bin/python benchmarks/feedback_wall.py [--opinions 5000] [--duration 6] [--code /work/main]

Prints: the first load after publishing (time, page size, bytes sent), the first load after
each of 5 staff decisions (p50; not with --code), one resident at a
time (p50 of 20 loads), then --clients at once (p50, p99, pages/s and the share of hello's
rate), hello's rate. SQLite, one worker, loopback, bounded by --duration. --code runs the server from another
checkout (e.g. main, where the wall is one unpaged page) so both are measured in one run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.crowd import Tally, crowd, draft_text
from benchmarks.intake import hello_server
from tests.live import legis, running_server, server_env

SLUG = "d100"


def publish(database_url: str, opinions: int) -> None:
    """``opinions`` approved opinions with 1–4 comments each, spread over the articles; published."""
    from sqlalchemy import insert, select, update

    from legis.db import make_engine
    from legis.models import Article, Comment, Draft, DraftVersion, Opinion, utcnow

    # Core on a bare connection: the same rows whichever checkout's schema this is (--code).
    engine = make_engine(database_url)
    rng = random.Random(7)
    with engine.begin() as db:
        draft_id = db.execute(select(Draft.id).where(Draft.slug == SLUG)).scalar_one()
        version_id = db.execute(select(DraftVersion.id).where(DraftVersion.draft_id == draft_id)).scalar_one()
        articles = db.execute(select(Article.id).where(Article.version_id == version_id)).scalars().all()
        db.execute(insert(Opinion), [
            {"draft_id": draft_id, "article_id": articles[n % len(articles)], "approved": True,
             "text": f"第{n}条归纳意见：建议公示期延长，并在小区公告栏和业主群同时公布方案。",
             "state": rng.choice(["采纳", "部分采纳", "未采纳", "待研究"]),
             "reason": "已在修改稿中体现。" if n % 3 else ""} for n in range(opinions)])
        ids = db.execute(select(Opinion.id, Opinion.article_id).where(Opinion.draft_id == draft_id)).all()
        rows, code = [], 0
        for opinion_id, article_id in ids:
            for _ in range(rng.randint(1, 4)):
                code += 1
                rows.append({"draft_id": draft_id, "version_id": version_id, "article_id": article_id,
                             "opinion_id": opinion_id, "text": "建议延长公示期。", "channel": "线上",
                             "receipt_code": f"W{code:07d}"})
        db.execute(insert(Comment), rows)
        db.execute(update(Draft).where(Draft.id == draft_id).values(feedback_published_at=utcnow()))
    engine.dispose()


def decide(database_url: str, n: int) -> None:
    """A decision on the ``n``-th opinion as staff make it (the ORM, one transaction)."""
    from sqlmodel import select

    from legis.db import make_engine, session_scope
    from legis.models import Draft, Opinion
    from legis.services import dispositions

    engine = make_engine(database_url)
    with session_scope(engine, write=True) as session:
        draft_id = session.exec(select(Draft.id).where(Draft.slug == SLUG)).one()
        opinion = session.exec(select(Opinion).where(Opinion.draft_id == draft_id)
                               .order_by(Opinion.id).offset(n * 37).limit(1)).one()
        dispositions.decide(session, opinion=opinion, state=("采纳", "部分采纳", "未采纳")[n % 3],
                            reason="已在修改稿中体现。", actor="bench")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opinions", type=int, default=5000)
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--code", default="", help="run the server from this checkout instead")
    args = parser.parse_args(argv)
    load = SimpleNamespace(residents=args.clients, duration=args.duration, warmup=1.0)
    with tempfile.TemporaryDirectory() as tmp:
        extra = {"PYTHONPATH": args.code} if args.code else {}
        if args.code:   # `python -m legis` finds the package in its working directory first
            os.chdir(args.code)
        env = server_env(Path(tmp), **extra)
        with hello_server(env, 1) as (base, process):   # one worker, as legis on SQLite
            hello, _ = crowd(base, process.pid, ["/hello"], None, load)
        hello_rate = len(hello.pages) / args.duration
        source = Path(tmp) / "draft.txt"
        source.write_text(draft_text(100), encoding="utf-8")
        legis("import", str(source), "--slug", SLUG, "--open", env=env)
        publish(env["DATABASE_URL"], args.opinions)
        if not args.code:   # rows written around the ORM: counted once, as after any bulk load
            legis("recount", env=env)
        with running_server(env, log=Path(tmp) / "server.log") as (base, process):
            start = time.perf_counter()
            first = httpx.get(f"{base}/drafts/{SLUG}/feedback", headers={"Accept-Encoding": "gzip"},
                              timeout=120)
            cold = time.perf_counter() - start
            changed = []
            for n in range(0 if args.code else 5):   # a staff decision, then a resident's first load
                decide(env["DATABASE_URL"], n)
                start = time.perf_counter()
                httpx.get(f"{base}/drafts/{SLUG}/feedback", headers={"Accept-Encoding": "gzip"},
                          timeout=120).raise_for_status()
                changed.append(time.perf_counter() - start)
            counted = re.search(r"共(\d+)页", first.text)     # main's wall has no pages
            pages = int(counted.group(1)) if counted else 1
            paths = [f"/drafts/{SLUG}/feedback"] + [f"/drafts/{SLUG}/feedback?page={n}"
                                                     for n in range(2, pages + 1)]
            with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}) as one:
                alone = []
                for n in range(20):     # one resident at a time: what a page load costs
                    start = time.perf_counter()
                    one.get(paths[n % len(paths)], timeout=60)
                    alone.append(time.perf_counter() - start)
            tally, _cpu = crowd(base, process.pid, paths, None, load)
    rate = len(tally.pages) / args.duration
    print(f"| 回音壁, {args.opinions:,} opinions{' (' + args.code + ')' if args.code else ''} | "
          f"{cold * 1000:,.0f} ms, {len(first.content) / 1024:,.0f} KB ({first.num_bytes_downloaded / 1024:,.0f} KB sent) | "
          f"{Tally.pct(changed, .5) * 1000 if changed else float('nan'):,.1f} ms | "
          f"{Tally.pct(alone, .5) * 1000:,.1f} ms | "
          f"{Tally.pct(tally.pages, .5) * 1000:,.1f} ms | {Tally.pct(tally.pages, .99) * 1000:,.1f} ms | "
          f"{rate:,.0f} | {rate / hello_rate:.1%} | {hello_rate:,.0f} | {dict(tally.statuses)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
