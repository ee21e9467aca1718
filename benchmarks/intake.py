"""Comment submissions per second and latency on the real server, against a bare Starlette "hello".

Run: .venv/bin/python benchmarks/intake.py [--duration 10] [--warmup 2] [--clients 16,64]
         [--postgres postgresql://root@127.0.0.1/test] [--workers N]

Starts `legis serve` twice — as deployed (group commit on) and with LEGIS_GROUP_COMMIT=0
(every comment in its own transaction) — each on its own database (SQLite in a temporary
directory, or with --postgres a schema of its own; a shipped draft imported with
`legis import --open`, the per-client rate limit lifted), with one worker (two with
--postgres unless --workers says otherwise) and, as the baseline measured in the same
run, benchmarks/hello_app.py under uvicorn with the same settings (as many workers,
uvicorn's default loop and HTTP implementation, access log off as `legis serve` has it,
no proxy headers). Server CPU counts the whole process tree (every worker). The load comes from a keep-alive HTTP/1.1
client on raw asyncio streams: N connections, each sending its next request as
soon as the previous answer is read, for a fixed time after a warm-up.

Every submission carries a form token pre-signed here with the server's secret,
so each POST is a new comment rather than a replay; afterwards the database must
hold exactly as many comments as the client saw 303 answers. Exits non-zero on
errors (a non-303 answer, a lost or doubled comment), not on a missed target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func
from sqlmodel import Session, select

from legis.db import make_engine
from legis.models import Article, Comment
from legis.web.formtokens import FormTokens
from tests.live import free_port, legis, running_server, server_env

DRAFT_FILE = ROOT / "legis" / "sample_drafts" / "shandong-wuye-guanli-tiaoli.txt"
SLUG = "bench"
TARGET_RATIO = 0.15          # submissions / hello throughput (issue 20)
TARGET_P99_S = 0.250         # at the highest concurrency (issue 20)
TOKEN_MARGIN = 1.25          # tokens pre-signed per request the hello server managed
BROWSER_HEADERS = "Accept-Encoding: gzip, deflate\r\nUser-Agent: legis-bench\r\n"


@dataclass
class Run:
    """One (endpoint, concurrency) measurement."""

    name: str
    clients: int
    window: float
    latencies: list[float] = field(default_factory=list)   # answers completed inside the window
    statuses: Counter = field(default_factory=Counter)     # every answer, warm-up included
    total: float = 0.0                                      # warm-up + window, seconds
    server_cpu: float = 0.0                                 # cores used by the server process
    client_cpu: float = 0.0
    exhausted: bool = False

    @property
    def cpu_per_request(self) -> float:
        """Server CPU seconds per answer: unlike req/s, barely moved by other load on the machine."""
        answers = sum(self.statuses.values())
        return self.server_cpu * self.total / answers if answers else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.window

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- the load generator -------------------------------------------------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return (status, keep-alive). Handles Content-Length and chunked."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked, keep = 0, False, True
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            keep = b"close" not in value.lower()
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep


async def connection(host: str, port: int, next_request: Callable[[], bytes | None], run: Run,
                     warm_end: float, end: float) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < end:
            request = next_request()
            if request is None:
                run.exhausted = True
                return
            start = time.perf_counter()
            writer.write(request)
            status, keep = await read_response(reader)
            done = time.perf_counter()
            run.statuses[status] += 1
            if warm_end <= done <= end:
                run.latencies.append(done - start)
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and every process under it (Linux /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue   # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, total = {pid}, 0
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    total = sum(times.get(p, 0) for p in tree)
    return total / os.sysconf("SC_CLK_TCK")


def load(name: str, base: str, pid: int, clients: int, next_request: Callable[[], bytes | None],
         *, warmup: float, duration: float, profile: Path | None = None) -> Run:
    url = urlsplit(base)
    run = Run(name, clients, duration, total=warmup + duration)
    spy = None
    if profile is not None:
        # Sampled over the whole run (collapsed stacks, raw); its figures are not comparable.
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid),
             "--subprocesses", "--rate", "250", "--format", "raw", "--output", str(profile),
             "--duration", str(max(1, int(warmup + duration)))],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def main() -> None:
        warm_end = time.perf_counter() + warmup
        end = warm_end + duration
        tasks = [connection(url.hostname, url.port, next_request, run, warm_end, end)
                 for _ in range(clients)]
        # Bounded: a connection stops sending at `end`; a stuck server fails the run.
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=warmup + duration + 60)

    server_before, client_before = cpu_seconds(pid), time.process_time()
    asyncio.run(main())
    total = warmup + duration
    run.server_cpu = (cpu_seconds(pid) - server_before) / total
    run.client_cpu = (time.process_time() - client_before) / total
    if spy is not None:
        spy.wait(timeout=60)
    return run


def get_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{BROWSER_HEADERS}\r\n".encode()


def constant(request: bytes) -> Callable[[], bytes]:
    return lambda: request


def submissions(secret: str, count: int, article_ids: list[int], first: int) -> Callable[[], bytes | None]:
    """`count` ready-to-send POSTs, each with its own freshly signed form token."""
    tokens = FormTokens(secret)
    requests = []
    for n in range(first, first + count):
        body = urlencode({
            "form_token": tokens.issue(),
            "text": f"第{n}位居民：建议物业服务合同到期前三个月公示续聘方案，并听取业主意见。编号{n}",
            # Most residents comment on an article; every eighth on the draft as a whole.
            "article_id": "" if n % 8 == 0 else str(article_ids[n % len(article_ids)]),
            "name": "",
            "community": "",
            "phone": "",
        }).encode()
        requests.append(
            f"POST /drafts/{SLUG}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n{BROWSER_HEADERS}"
            "Origin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        )
    pending = iter(requests)
    return lambda: next(pending, None)


# --- the servers ----------------------------------------------------------------------------


@contextmanager
def hello_server(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """benchmarks/hello_app.py under uvicorn with the settings `legis serve` passes."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hello_app:app", "--app-dir", str(Path(__file__).parent),
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--no-proxy-headers", "--log-level", "info", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the hello server did not start")
            try:
                if httpx.get(base + "/hello", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def count_comments(database_url: str) -> tuple[int, list[int]]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            comments = session.exec(select(func.count()).select_from(Comment)).one()
            articles = list(session.exec(select(Article.id)).all())
    finally:
        engine.dispose()
    return comments, articles


# --- the report ----------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    lines = ["| endpoint | clients | req/s | p50 | p99 | server CPU | server CPU/req | client CPU |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        lines.append(f"| {r.name} | {r.clients} | {r.rate:,.0f} | {r.pct(0.5) * 1000:.1f} ms | "
                     f"{r.pct(0.99) * 1000:.1f} ms | {r.server_cpu:.0%} | "
                     f"{r.cpu_per_request * 1000:.2f} ms | {r.client_cpu:.0%} |")
    return "\n".join(lines)


def verdicts(runs: list[Run], levels: list[int]) -> None:
    """Each submission run against hello in the same run, and the p99 at the top level."""
    by = {(r.name, r.clients): r for r in runs}
    for clients in levels:
        hello = by["hello", clients]
        for name in ("submit comment (POST → 303)", "submit, one transaction each"):
            if (name, clients) not in by:
                continue
            sub = by[name, clients]
            ratio = sub.rate / hello.rate
            met = "met" if ratio >= TARGET_RATIO else "MISSED"
            cpu = hello.cpu_per_request / sub.cpu_per_request
            print(f"{name} / hello throughput @{clients}: {ratio:.1%} (target ≥ {TARGET_RATIO:.0%}: "
                  f"{met}); by server CPU per request: {cpu:.1%}")
    top = max(levels)
    for name in ("submit comment (POST → 303)", "submit, one transaction each"):
        if (name, top) not in by:
            continue
        p99 = by[name, top].pct(0.99)
        met = "met" if p99 < TARGET_P99_S else "MISSED"
        print(f"{name} p99 @{top}: {p99 * 1000:.1f} ms (target < {TARGET_P99_S * 1000:.0f} ms: {met})")


@contextmanager
def databases(tmp: Path, postgres: str) -> Iterator[tuple[str, str]]:
    """Two empty databases: SQLite files in ``tmp``, or two schemas in ``postgres``."""
    if not postgres:
        yield f"sqlite:///{tmp / 'group.db'}", f"sqlite:///{tmp / 'single.db'}"
        return
    from tests.conftest import postgres_schema

    with postgres_schema(postgres) as first, postgres_schema(postgres) as second:
        yield first, second


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--clients", default="16,64", help="concurrent connections, comma-separated")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL instead of SQLite")
    parser.add_argument("--workers", type=int, default=0,
                        help="worker processes per server (default 1, with --postgres 2)")
    parser.add_argument("--page", action="store_true", help="also measure the draft page (GET)")
    parser.add_argument("--profile", default="",
                        help="a folder: py-spy samples the group-commit server during each of its runs "
                             "(then: benchmarks/profile_summary.py FILE)")
    parser.add_argument("--only-group", action="store_true",
                        help="skip the one-transaction-each server")
    args = parser.parse_args(argv)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if not levels or min(levels) < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--clients needs positive integers; --duration must be > 0")
    workers = args.workers or (2 if args.postgres else 1)

    runs: list[Run] = []
    seen: dict[str, int] = {"group": 0, "single": 0}
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="legis-intake-") as tmp, \
            databases(Path(tmp), args.postgres) as (group_url, single_url):
        envs = {}
        for mode, url, flag in (("group", group_url, "1"), ("single", single_url, "0")):
            envs[mode] = server_env(
                Path(tmp) / mode, url, LEGIS_COMMENT_RATE="1000000000", LEGIS_GROUP_COMMIT=flag,
                PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
            legis("import", str(DRAFT_FILE), "--slug", SLUG, "--open", env=envs[mode])
        _, article_ids = count_comments(group_url)
        secret = envs["group"]["LEGIS_SECRET_KEY"]
        with running_server(envs["group"], workers=workers, timeout=180,
                            log=Path(tmp) / "group.log") as (base, server), \
                running_server(envs["single"], workers=workers, timeout=180,
                               log=Path(tmp) / "single.log") as (single_base, single), \
                hello_server(envs["group"], workers) as (hello_base, hello):
            for clients in levels:
                timing = {"warmup": args.warmup, "duration": args.duration}
                print(f"-- {clients} clients: hello ...", file=sys.stderr, flush=True)
                ref = load("hello", hello_base, hello.pid, clients, constant(get_request("/hello")),
                           **timing)
                # A submission is never cheaper than "hello" on the same stack, so the
                # hello rate bounds how many tokens one run can use.
                count = int(ref.rate * (args.warmup + args.duration) * TOKEN_MARGIN) + 1000
                measured = [(ref, 200)]
                for mode, name, url, process in (
                        ("group", "submit comment (POST → 303)", base, server),
                        ("single", "submit, one transaction each", single_base, single)):
                    if mode == "single" and args.only_group:
                        continue
                    print(f"-- {clients} clients: {mode}: signing {count:,} form tokens ...",
                          file=sys.stderr, flush=True)
                    next_post = submissions(secret, count, article_ids,
                                            first=seen[mode] + 1_000_000 * clients)
                    print(f"-- {clients} clients: {mode}: submit ...", file=sys.stderr, flush=True)
                    profile = (Path(args.profile) / f"{mode}-{clients}.txt"
                               if args.profile and mode == "group" else None)
                    sub = load(name, url, process.pid, clients, next_post, profile=profile, **timing)
                    seen[mode] += sub.statuses[303]
                    measured.append((sub, 303))
                if args.page:
                    print(f"-- {clients} clients: draft page ...", file=sys.stderr, flush=True)
                    measured.append((load("draft page (GET, gzip)", base, server.pid, clients,
                                          constant(get_request(f"/drafts/{SLUG}")), **timing), 200))
                for r, ok in measured:
                    other = {s: n for s, n in r.statuses.items() if s != ok}
                    if other:
                        errors.append(f"{r.name} @{clients}: unexpected statuses {other}")
                    if r.exhausted:
                        errors.append(f"{r.name} @{clients}: ran out of pre-signed tokens")
                    runs.append(r)
        stored = {"group": count_comments(group_url)[0], "single": count_comments(single_url)[0]}

    database = f"PostgreSQL, {workers} workers" if args.postgres else f"SQLite, {workers} worker(s)"
    print(f"{database}; machine shared with other engineers' runs")
    print(table(runs))
    print()
    for mode in ("group",) if args.only_group else ("group", "single"):
        verdict = "nothing lost, nothing doubled" if stored[mode] == seen[mode] else "MISMATCH"
        print(f"{mode}: comments stored: {stored[mode]:,}; 303 answers seen: {seen[mode]:,} — {verdict}")
        if stored[mode] != seen[mode]:
            errors.append(f"{mode}: {stored[mode]} comments stored for {seen[mode]} 303 answers")
    verdicts(runs, levels)
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
