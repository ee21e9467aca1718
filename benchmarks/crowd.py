"""A session's crowd: 200 residents at once open a draft (100 and 1,000 articles) and comment,
against a bare Starlette "hello" measured in the same run.

Run: .venv/bin/python benchmarks/crowd.py [--residents 200] [--duration 10] [--warmup 2]
        [--postgres postgresql://root@127.0.0.1/test] [--code /work/main]

Each resident is one keep-alive connection that opens a page of the draft (the first page,
or a chapter of the long one), then submits a comment with a form token pre-signed with the
server's secret, and again, until the time is up (bounded; loopback only). `legis serve`
runs on SQLite with one worker and, with --postgres, on PostgreSQL with two. --code runs the
server from another checkout (e.g. main before this change) so before and after share a run.
Prints p50/p99 of page loads and of submissions, pages/s, and the ratio to hello's rate,
counting the requests made in the measured window; the slowest page asked for during the
warm-up (the wait for the first renders after the server started) is shown apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.intake import BROWSER_HEADERS, cpu_seconds, get_request, hello_server, read_response
from legis.numerals import article_label, int_to_cn
from legis.web.formtokens import FormTokens
from tests.conftest import postgres_schema
from tests.live import legis, running_server, server_env

SECRET = "live-test-secret"        # tests.live.server_env's key: tokens are signed with it
PER_CHAPTER = 25


def draft_text(articles: int) -> str:
    """A made-up regulation of ``articles`` articles in chapters of PER_CHAPTER."""
    lines = [f"某市城市更新条例（{articles}条测试稿）", ""]
    for n in range(1, articles + 1):
        if n % PER_CHAPTER == 1:
            chapter = n // PER_CHAPTER + 1
            lines += ["", f"第{int_to_cn(chapter)}章　第{chapter}部分规定", ""]
        lines.append(f"{article_label(n)}　城市更新项目实施主体应当在第{n}项工作开始前，"
                     "征求所在街道、社区居民委员会和利害关系人的意见，公示实施方案不少于三十日，"
                     "并将意见采纳情况向社会公开；涉及历史文化街区的，还应当听取专家意见。")
    return "\n".join(lines) + "\n"


@dataclass
class Tally:
    pages: list[float] = field(default_factory=list)
    posts: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    page_bytes: int = 0
    slow: list[tuple[float, float, str]] = field(default_factory=list)   # (seconds, at, path)
    cold: float = 0.0   # the longest wait of a page asked for in the warm-up

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def read_body(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body bytes) of one response with Content-Length (as legis and hello send)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return int(head[9:12]), length


async def resident(host: str, port: int, paths: list[str], posts, tally: Tally,
                   warm_end: float, end: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < end:
            start = time.perf_counter()
            path = random.choice(paths)
            writer.write(get_request(path))
            status, size = await read_body(reader)
            done = time.perf_counter()
            tally.statuses[f"GET {status}"] += 1
            # Counted when asked for within the window: a page asked for during the warm-up
            # waited for the first renders after the server started (the cold start, kept apart).
            if warm_end <= start <= end:
                tally.pages.append(done - start)
                tally.page_bytes += size
                tally.slow.append((done - start, start - warm_end, path))
            elif start < warm_end:
                tally.cold = max(tally.cold, done - start)
            if posts is None:
                continue
            start = time.perf_counter()
            writer.write(posts())
            status, _keep = await read_response(reader)
            done = time.perf_counter()
            tally.statuses[f"POST {status}"] += 1
            if warm_end <= start <= end:
                tally.posts.append(done - start)
    finally:
        writer.close()


def submissions(slug: str, article_ids: list[int]):
    tokens, counter = FormTokens(SECRET), iter(range(10**9))

    def next_post() -> bytes:
        n = next(counter)
        body = urlencode({"form_token": tokens.issue(), "article_id": str(random.choice(article_ids)),
                          "text": f"第{n}位居民：建议公示期延长到四十五日，并在小区张贴。"}).encode()
        return (f"POST /drafts/{slug}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n{BROWSER_HEADERS}"
                "Origin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    return next_post


def group_cpu(pid: int) -> float:
    """CPU seconds of a server and its workers (started in a session of their own)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:       # the process group: the server and its workers
            total += cpu_seconds(int(stat.parent.name))
    return total


def crowd(base: str, pid: int, paths: list[str], posts, args,
          cpu_of=group_cpu) -> tuple[Tally, float]:
    """The tally, and the server's CPU (share of one core) over the measured window."""
    url, tally = urlsplit(base), Tally()
    cpu: list[float] = []

    async def clock(warm_end: float, end: float) -> None:
        await asyncio.sleep(max(0.0, warm_end - time.perf_counter()))
        cpu.append(cpu_of(pid))
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        cpu.append(cpu_of(pid))

    async def main() -> None:
        warm_end = time.perf_counter() + args.warmup
        end = warm_end + args.duration
        await asyncio.wait_for(asyncio.gather(clock(warm_end, end), *[
            resident(url.hostname, url.port, paths, posts, tally, warm_end, end)
            for _ in range(args.residents)]), timeout=args.warmup + args.duration + 120)

    asyncio.run(main())
    return tally, (cpu[1] - cpu[0]) / args.duration


def article_ids(env: dict, slug: str) -> list[int]:
    from sqlmodel import Session, select

    from legis.db import make_engine
    from legis.models import Article, Draft, DraftVersion

    engine = make_engine(env["DATABASE_URL"])
    try:
        with Session(engine) as session:
            return list(session.exec(
                select(Article.id).join(DraftVersion, DraftVersion.id == Article.version_id)
                .join(Draft, Draft.id == DraftVersion.draft_id).where(Draft.slug == slug)).all())
    finally:
        engine.dispose()


def row(label: str, tally: Tally, hello_rate: float, cpu: float, duration: float) -> str:
    rate = len(tally.pages) / duration
    kb = tally.page_bytes / max(1, len(tally.pages)) / 1024
    return (f"| {label} | {Tally.pct(tally.pages, .5) * 1000:,.0f} ms | "
            f"{Tally.pct(tally.pages, .99) * 1000:,.0f} ms | {rate:,.0f} | {rate / hello_rate:.1%} | "
            f"{kb:,.0f} KB | {Tally.pct(tally.posts, .5) * 1000:,.0f} ms | "
            f"{Tally.pct(tally.posts, .99) * 1000:,.0f} ms | {len(tally.posts) / duration:,.0f} | "
            f"{cpu:.0%} | {cpu * duration / max(1, len(tally.pages) + len(tally.posts)) * 1e6:,.0f} µs | "
            f"{tally.cold * 1000:,.0f} ms | {dict(tally.statuses)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--sizes", default="100,1000", help="articles per draft, comma-separated")
    parser.add_argument("--postgres", default="", help="also run on this PostgreSQL (2 workers)")
    parser.add_argument("--pages-only", action="store_true", help="open pages, submit nothing")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest pages")
    parser.add_argument("--code", default="", help="run the server from this checkout instead")
    args = parser.parse_args(argv)
    if not 1 <= args.residents <= 1000 or args.duration <= 0:
        parser.error("--residents 1..1000 and --duration > 0")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    lines = [("| run | page p50 | page p99 | pages/s | of hello | page size | post p50 | post p99 "
              "| posts/s | server CPU | CPU per request | warm-up's slowest page | answers |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        extra = {"PYTHONPATH": args.code} if args.code else {}
        if args.code:   # `python -m legis` finds the package in its working directory first
            os.chdir(args.code)
        env = server_env(Path(tmp), **extra)
        with hello_server(env, 1) as (base, process):   # one worker, as legis on SQLite
            hello, cpu = crowd(base, process.pid, ["/hello"], None, args, cpu_seconds)
        hello_rate = len(hello.pages) / args.duration
        lines.append(f"| hello (bare Starlette), {args.residents} connections | "
                     f"{Tally.pct(hello.pages, .5) * 1000:,.1f} ms | {Tally.pct(hello.pages, .99) * 1000:,.1f} ms"
                     f" | {hello_rate:,.0f} | 100% | | | | | {cpu:.0%} | {cpu * args.duration / max(1, len(hello.pages)) * 1e6:,.0f} µs"
                     f" | | {dict(hello.statuses)} |")
        databases = [("SQLite, 1 worker", f"sqlite:///{Path(tmp) / 'crowd.db'}", 1)]
        if args.postgres:
            databases.append(("PostgreSQL, 2 workers", stack.enter_context(postgres_schema(args.postgres)), 2))
        for label, url, workers in databases:
            env = server_env(Path(tmp) / label[:6], url, LEGIS_COMMENT_RATE="100000000",
                             LEGIS_DB_POOL_SIZE="10", **extra)
            for size in sizes:
                source = Path(tmp) / f"draft{size}.txt"
                source.write_text(draft_text(size), encoding="utf-8")
                legis("import", str(source), "--slug", f"d{size}", "--open", env=env)
            with running_server(env, workers=workers, log=Path(tmp) / f"{label[:6]}.log") as (base, process):
                for size in sizes:
                    parts = max(1, -(-size // PER_CHAPTER)) if size > 40 else 1
                    paths = [f"/drafts/d{size}"] + [f"/drafts/d{size}/part/{p}" for p in range(2, parts + 1)]
                    posts = None if args.pages_only else submissions(f"d{size}", article_ids(env, f"d{size}"))
                    tally, cpu = crowd(base, process.pid, paths, posts, args)
                    lines.append(row(f"{label}, {size} articles", tally, hello_rate, cpu, args.duration))
                    print(lines[-1], flush=True)
                    if args.slowest:   # the tail: how long, when (s after warm-up), which page
                        print(sorted(tally.slow, reverse=True)[:args.slowest], flush=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
