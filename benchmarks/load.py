"""Load: 200 simulated residents submitting for 60 s plus staff reading pages, against the real
server — SQLite with 1 worker and PostgreSQL with 4 — then a check that every comment that got a
receipt is in the database exactly once. Optionally kills a worker / restarts PostgreSQL mid-run.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--residents 200] [--crash]
        [--postgres postgresql://root@127.0.0.1/test]

Loopback only; every loop is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import postgres_schema
from tests.factories import SAMPLE_TEXT
from tests.live import legis, running_server, server_env
from tests.loadgen import crowd, run_async
from tests.test_resilience import (
    check_every_receipt_once,
    restart_postgresql,
    workers_of,
)

STAFF_PASSWORD = "load-test-staff-pw"


def run_one(label: str, database_url: str, workers: int, args, tmp: Path) -> dict:
    # 4 workers × (5 + 10 overflow) connections stays under PostgreSQL's default 100.
    env = server_env(tmp, database_url, LEGIS_COMMENT_RATE="100000000", LEGIS_DB_POOL_SIZE="5")
    draft_file = tmp / "dogs.txt"
    draft_file.write_text(SAMPLE_TEXT, encoding="utf-8")
    legis("import", str(draft_file), "--slug", "dogs", "--open", env=env)
    subprocess.run([sys.executable, "-m", "legis", "create-user", "loadstaff", "--role", "staff",
                    "--password-stdin"], input=STAFF_PASSWORD + "\n", text=True, env=env,
                   check=True, capture_output=True)
    staff = ("loadstaff", STAFF_PASSWORD, ["/manage/drafts/1/comments", "/manage/drafts/1/opinions"],
             args.staff)
    with running_server(env, workers=workers, log=tmp / f"{label}.log") as (base, process):
        during = None
        if args.crash:
            async def during():
                victims = workers_of(process.pid)
                if workers > 1 and victims:
                    os.kill(victims[0], signal.SIGKILL)
                    print(f"  killed worker {victims[0]}", flush=True)
                if database_url.startswith("postgres"):
                    await asyncio.to_thread(restart_postgresql)
                    print("  restarted PostgreSQL", flush=True)
        tally = run_async(crowd(base, "dogs", residents=args.residents, seconds=args.seconds,
                                  staff=staff, during=during))
    check_every_receipt_once(database_url, tally.receipts)
    result = {
        "label": label,
        "accepted": len(tally.receipts),
        "per_second": len(tally.receipts) / args.seconds,
        "p50_ms": 1000 * tally.percentile(0.50),
        "p99_ms": 1000 * tally.percentile(0.99),
        "retries": tally.retries,
        "failures": tally.failures,
        "staff_pages": tally.staff_pages,
        "staff_p99_ms": 1000 * tally.percentile(0.99, tally.staff_latencies),
    }
    print(f"{label}: {result['accepted']} comments with receipts "
          f"({result['per_second']:.0f}/s), p50 {result['p50_ms']:.0f} ms, "
          f"p99 {result['p99_ms']:.0f} ms, retries {tally.retries} {tally.errors or ''}, "
          f"gave up {tally.failures}; staff pages {tally.staff_pages} "
          f"(p99 {result['staff_p99_ms']:.0f} ms); every receipt stored exactly once",
          flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--staff", type=int, default=4, help="staff readers")
    parser.add_argument("--crash", action="store_true", help="kill a worker / restart PostgreSQL")
    parser.add_argument("--postgres", default=os.environ.get(
        "LEGIS_TEST_DATABASE_URL", "postgresql://root@127.0.0.1/test"))
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    results = []
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run_one("SQLite, 1 worker", f"sqlite:///{tmp}/load.db", 1, args,
                                   Path(tmp)))
    if args.only != "sqlite":
        with tempfile.TemporaryDirectory() as tmp, postgres_schema(args.postgres) as url:
            results.append(run_one("PostgreSQL, 4 workers", url, 4, args, Path(tmp)))
    print("\n| setup | comments with receipt | per second | p50 | p99 | staff pages (p99) | retries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['label']} | {r['accepted']} | {r['per_second']:.0f} | {r['p50_ms']:.0f} ms "
              f"| {r['p99_ms']:.0f} ms | {r['staff_pages']} ({r['staff_p99_ms']:.0f} ms) "
              f"| {r['retries']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
