"""Residents beside hostile load (issue 16): comment latency alone, during a flood of wrong logins,
and during a staff import of the largest draft allowed; and the time a big draft holds the write lock.

    .venv/bin/python benchmarks/hostile.py [--rounds 20] [--articles 5000]
        [--postgres postgresql://root@127.0.0.1/test]

Every figure is a ratio against the baseline measured in the same run (comments with nothing else
going on). Loopback only; every loop is bounded by --rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legis.db import create_schema, make_engine, session_scope
from legis.parsing import parse_text
from legis.services.drafts import import_draft
from tests.conftest import postgres_schema
from tests.factories import SAMPLE_TEXT
from tests.live import legis, running_server, server_env
from tests.loadgen import run_async

TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')
STAFF_PASSWORD = "hostile-bench-staff-pw"


def big_draft(articles: int) -> str:
    return "某市测试条例（草案）\n" + "\n".join(
        f"第{i}条　第{i}条的内容，规定了有关单位和个人应当遵守的事项。" for i in range(1, articles + 1))


async def comment_latencies(client: httpx.AsyncClient, base: str, rounds: int) -> list[float]:
    token = TOKEN_RE.search((await client.get(f"{base}/drafts/dogs")).text).group(1)
    times = []
    for n in range(rounds):
        started = time.monotonic()
        answer = await client.post(f"{base}/drafts/dogs/comments",
                                   data={"form_token": token, "text": f"基准意见{n}：建议延长期限{time.time()}"})
        assert answer.status_code == 303, answer.status_code
        times.append(time.monotonic() - started)
    return times


async def scenario(base: str, rounds: int, articles: int) -> dict[str, list[float]]:
    results = {}
    async with httpx.AsyncClient(timeout=300) as client:
        results["alone"] = await comment_latencies(client, base, rounds)

        async def logins():
            # Waves of five wrong passwords, each from its own (forwarded) address and for
            # its own username, so the throttle never cuts argon2 short.
            async with httpx.AsyncClient(timeout=300) as attacker:
                for wave in range(rounds * 4):
                    await asyncio.gather(*(attacker.post(
                        f"{base}/login", data={"username": f"x{wave}-{n}", "password": "wrong"},
                        headers={"X-Forwarded-For": f"10.{wave // 250}.{wave % 250}.{n + 1}"})
                        for n in range(5)))

        flood = asyncio.create_task(logins())
        await asyncio.sleep(0.05)
        results["login flood"] = await comment_latencies(client, base, rounds)
        flood.cancel()

        async with httpx.AsyncClient(timeout=300) as staff:
            await staff.post(f"{base}/login", data={"username": "benchstaff",
                                                    "password": STAFF_PASSWORD})
            upload = asyncio.create_task(staff.post(
                f"{base}/manage/drafts/import",
                files={"file": ("big.txt", big_draft(articles).encode(), "text/plain")}))
            await asyncio.sleep(0.05)
            results[f"import of {articles} articles"] = await comment_latencies(client, base, rounds)
            answer = await upload
            assert answer.status_code == 303, answer.status_code
    return results


def store_time(database_url: str, articles: int) -> float:
    """Seconds the import of ``articles`` articles spends in its write transaction."""
    engine = make_engine(database_url)
    create_schema(engine)
    parsed = parse_text(big_draft(articles))
    started = time.perf_counter()
    with session_scope(engine, write=True) as session:
        import_draft(session, parsed=parsed, filename="big.txt", max_articles=articles)
    engine.dispose()
    return time.perf_counter() - started


def run(label: str, database_url: str, args, tmp: Path) -> None:
    env = server_env(tmp, database_url, LEGIS_COMMENT_RATE="100000000", LEGIS_TRUST_PROXY="1")
    draft_file = tmp / "dogs.txt"
    draft_file.write_text(SAMPLE_TEXT, encoding="utf-8")
    legis("import", str(draft_file), "--slug", "dogs", "--open", env=env)
    legis("create-user", "benchstaff", "--role", "staff", "--password-stdin", env=env,
          input=STAFF_PASSWORD + "\n")
    with running_server(env, workers=1, log=tmp / f"{label}.log") as (base, _process):
        results = run_async(scenario(base, args.rounds, args.articles))
    base_median = statistics.median(results["alone"])
    print(f"\n{label}: resident comment latency, {args.rounds} comments each")
    print(f"{'while':<28}{'median ms':>10}{'max ms':>9}{'× alone':>9}")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:<28}{median * 1000:>10.1f}{max(times) * 1000:>9.1f}"
              f"{median / base_median:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        print(f"storing {args.articles} articles (one write transaction): "
              f"{store_time(url, args.articles):.2f} s on SQLite")
        run("SQLite, 1 worker", f"sqlite:///{Path(tmp) / 'live.db'}", args, Path(tmp))
    if args.postgres:
        with tempfile.TemporaryDirectory() as tmp, postgres_schema(args.postgres) as url:
            run("PostgreSQL, 1 worker", url, args, Path(tmp))


if __name__ == "__main__":
    main()
