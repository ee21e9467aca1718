"""The staff review page of a hot article, by article size, through the real server.

Articles of 200, 1,000 and 5,000 comments (about 20 comments an opinion, long-tailed), one
draft; `legis serve` on a loopback port; the page's median time and size against the same
app's /healthz measured in the same run; then /healthz while four clients keep opening the
5,000-comment page (a render on the event loop would hold it up); and the cost of finding
personal data in comment text against the normalisation merging does. ``--before DIR`` also
runs the code in DIR (e.g. /work/main) on the same database, for the same figures before.

    .venv/bin/python benchmarks/review_page.py [--database-url postgresql://root@127.0.0.1/test]
        [--workers 1] [--repeat 15] [--before /work/main]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2 as httpx
from sqlalchemy import text

from benchmarks import staff_data
from legis import matching, privacy
from legis.db import make_engine
from tests.live import running_server, server_env

SIZES = (200, 1000, 5000)
PER_OPINION = 20


def timed(client: httpx.Client, url: str, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        size = len(response.content)
    return statistics.median(times) * 1000, size


@contextmanager
def signed_in(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=300) as client:
        response = client.post("/login", data={"username": staff_data.USER,
                                               "password": staff_data.PASSWORD})
        if response.status_code != 303:
            raise SystemExit(f"login failed: {response.status_code}")
        yield client


@contextmanager
def elsewhere(checkout: str, database_url: str) -> Iterator[None]:
    """Start servers from another checkout (`python -m legis` imports the package from the
    working directory first), the database marked at that checkout's newest migration so
    it starts on the same tables (ours only add a table and an index it does not read)."""
    head = subprocess.run([sys.executable, "-c", "from legis.migrate import head; print(head())"],
                          cwd=checkout, capture_output=True, text=True, check=True).stdout.strip()
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    engine.dispose()
    here = os.getcwd()
    os.chdir(checkout)
    try:
        yield
    finally:
        os.chdir(here)


def healthz_under_load(base: str, url: str, *, clients: int = 4, rounds: int = 3) -> tuple[float, float]:
    """/healthz p50 and max (ms) while ``clients`` clients each open ``url`` ``rounds`` times."""
    done = threading.Event()

    def busy() -> None:
        with signed_in(base) as client:
            for _ in range(rounds):
                client.get(url).raise_for_status()

    workers = [threading.Thread(target=busy) for _ in range(clients)]
    for worker in workers:
        worker.start()
    times = []
    with httpx.Client(base_url=base, timeout=300) as probe:
        time.sleep(0.05)
        while any(w.is_alive() for w in workers) and len(times) < 2000:
            started = time.perf_counter()
            probe.get("/healthz").raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.02)
    for worker in workers:
        worker.join()
    done.set()
    return statistics.median(times), max(times)


def run(label: str, env: dict, workers: int, urls: dict[int, str], repeat: int) -> None:
    with running_server(env, workers=workers) as (base, _process):
        with signed_in(base) as client:
            for url in urls.values():
                client.get(url)                  # warm templates and caches
            hello, _ = timed(client, "/healthz", repeat * 3)
            print(f"[{label}] /healthz (baseline): {hello:.2f} ms")
            for size, url in urls.items():
                count = repeat if label == "now" or size < 5000 else 1
                ms, body = timed(client, url, count)
                print(f"[{label}] {size:>5} comments / {size // PER_OPINION:>3} opinions: {ms:8.1f} ms "
                      f"{body / 1024:8.1f} KB   x{ms / hello:.0f} /healthz")
        p50, worst = healthz_under_load(base, urls[max(urls)], rounds=3 if label == "now" else 1)
        print(f"[{label}] /healthz while 4 clients open the {max(urls)}-comment page: "
              f"p50 {p50:.1f} ms, max {worst:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--before", default="", help="a checkout of the code to compare with")
    args = parser.parse_args()
    rng = random.Random(20)
    with tempfile.TemporaryDirectory() as tmp, staff_data.database(args.database_url, Path(tmp)) as (url, engine):
        draft_id, version_id, articles = staff_data.make_draft(engine, articles=len(SIZES))
        points = staff_data.make_points(engine, 12)
        for article_id, size in zip(articles, SIZES, strict=True):
            staff_data.fill_article(engine, draft_id=draft_id, version_id=version_id, article_id=article_id,
                                    comments=size, opinions=size // PER_OPINION, rng=rng, points=points,
                                    decided=0.3)
        staff_data.make_clerk(engine)
        engine.dispose()
        urls = {size: f"/manage/drafts/{draft_id}/opinions/{article_id}"
                for size, article_id in zip(SIZES, articles, strict=True)}
        print(f"database: {engine.dialect.name}, {args.workers} worker(s); median of {args.repeat}")
        env = server_env(Path(tmp), url)
        run("now", env, args.workers, urls, args.repeat)
        if args.before:
            with elsewhere(args.before, url):
                run("before", env, args.workers, urls, 3)
    personal_data_cost(rng)
    return 0


def personal_data_cost(rng: random.Random) -> None:
    """Finding personal data in comment text, against the normalisation merging does per comment."""
    sample = [f"关于{rng.choice(staff_data.TOPICS)}的意见{i}：建议对养犬登记的要求作出更明确的规定。"
              f"{rng.choice(staff_data.EXTRAS)}" for i in range(20_000)]
    started = time.perf_counter()
    for body in sample:
        matching.normalise(body)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(1 for body in sample if privacy.kinds(body))
    cost = time.perf_counter() - started
    print(f"personal data in 20,000 comments: {cost * 1000:.0f} ms ({cost / len(sample) * 1e6:.0f} µs each,"
          f" {found} with personal data); normalising them for merging: {baseline * 1000:.0f} ms"
          f" (x{cost / baseline:.2f})")


if __name__ == "__main__":
    raise SystemExit(main())
