"""CPU per comment inside the app (no HTTP server, no network): this checkout against another.

Run: .venv/bin/python benchmarks/intake_cpu.py [--comments 4000] [--rounds 3] [--code /work/main]
         [--postgres postgresql://root@127.0.0.1/test] [--instructions]

On a shared machine wall-clock rates swing with other people's load; the CPU a process
spends per comment moves much less. Each round runs, in a fresh process per checkout and
alternating between them, 64 concurrent submissions straight into the ASGI app made by
`create_app` (every middleware, the handler, group commit, the real database: SQLite in a
temporary directory, or a schema of its own with --postgres, rate limit lifted as in
benchmarks/intake.py) and reports process CPU per comment. The baseline is --code (by
default only this checkout runs). With --instructions each child runs under valgrind's
callgrind, instrumented only while the measured comments go through, and the figure is
instructions per comment (all threads): the same on a quiet and a loaded machine. Exits
non-zero when a submission is not answered 303.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 64
WARMUP = 5   # submissions per client before measuring


def measure(comments: int, postgres: str) -> dict:
    """In this process: CPU seconds per comment through the app of the checkout on sys.path."""
    # The checkout measured is the working directory (``one_round``): its benchmarks/intake.py
    # puts its own code first on sys.path, so the baseline runs the baseline's code.
    sys.path.insert(0, str(Path.cwd() / "benchmarks"))
    from intake import DRAFT_FILE, SLUG, count_comments, databases

    from legis.config import Settings
    from legis.web.app import create_app
    from legis.web.formtokens import FormTokens
    from tests.live import legis, server_env

    with tempfile.TemporaryDirectory(prefix="legis-intake-cpu-") as tmp, \
            databases(Path(tmp), postgres) as (url, _unused):
        env = server_env(Path(tmp), url, LEGIS_COMMENT_RATE="1000000000")
        legis("import", str(DRAFT_FILE), "--slug", SLUG, "--open", env=env)
        _, article_ids = count_comments(url)
        app = create_app(Settings.from_env(env))
        tokens = FormTokens(env["LEGIS_SECRET_KEY"])
        per_client = comments // CLIENTS
        bodies = iter([urlencode({
            "form_token": tokens.issue(),
            "text": f"第{n}位居民：建议物业服务合同到期前三个月公示续聘方案，并听取业主意见。编号{n}",
            "article_id": "" if n % 8 == 0 else str(article_ids[n % len(article_ids)]),
            "name": "", "community": "", "phone": ""}).encode()
            for n in range(CLIENTS * (per_client + WARMUP))])
        statuses: dict[int, int] = {}

        async def submit(body: bytes) -> None:
            path = f"/drafts/{SLUG}/comments"
            scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                     "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                     "query_string": b"", "root_path": "", "client": ("127.0.0.1", 50000),
                     "server": ("127.0.0.1", 8000), "state": {},
                     "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip, deflate"),
                                 (b"origin", b"http://127.0.0.1"),
                                 (b"content-type", b"application/x-www-form-urlencoded"),
                                 (b"content-length", str(len(body)).encode())]}
            messages = [{"type": "http.request", "body": body, "more_body": False}]

            async def receive() -> dict:
                if messages:
                    return messages.pop()
                await asyncio.sleep(3600)   # never: the body was read whole
                return {"type": "http.disconnect"}

            async def send(message: dict) -> None:
                if message["type"] == "http.response.start":
                    statuses[message["status"]] = statuses.get(message["status"], 0) + 1

            await app(scope, receive, send)

        async def client(n: int) -> None:
            for _ in range(n):
                await submit(next(bodies))

        async def run() -> float:
            await asyncio.gather(*(client(WARMUP) for _ in range(CLIENTS)))
            _instrument("on")
            before = time.process_time()
            await asyncio.gather(*(client(per_client) for _ in range(CLIENTS)))
            cpu = time.process_time() - before
            _instrument("off")
            return cpu

        cpu = asyncio.run(run())
        stored, _ = count_comments(url)
        return {"cpu_ms": cpu / (per_client * CLIENTS) * 1000, "statuses": statuses,
                "stored": stored}


def _instrument(state: str) -> None:
    """Under callgrind (--instructions), count only the measured submissions."""
    if os.environ.get("LEGIS_CALLGRIND"):
        subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True,
                       capture_output=True, timeout=120)


def one_round(code: Path, comments: int, postgres: str, instructions: bool = False) -> dict:
    """``measure`` in a fresh process running the checkout at ``code`` (under callgrind:
    instructions executed per comment, every thread, repeatable on a loaded machine)."""
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, __file__, "--child", "--comments", str(comments), "--postgres", postgres]
    with tempfile.TemporaryDirectory(prefix="legis-callgrind-") as tmp:
        out_file = Path(tmp) / "callgrind.out"
        if instructions:
            env["LEGIS_CALLGRIND"] = "1"
            command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                       f"--callgrind-out-file={out_file}", *command]
        out = subprocess.run(command, env=env, cwd=code, capture_output=True, text=True,
                             timeout=3600, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if instructions:
            totals = [line for line in out_file.read_text().splitlines()
                      if line.startswith(("summary:", "totals:"))]
            per = CLIENTS * (comments // CLIENTS)
            result["instructions"] = int(totals[-1].split()[1]) / per
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", default="", help="the baseline checkout (e.g. /work/main)")
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL instead of SQLite")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per comment under valgrind's callgrind instead of "
                             "CPU time (slow; use --comments 640 or so)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.comments, args.postgres)))
        return 0
    checkouts = {"this checkout": ROOT}
    if args.code:
        checkouts = {"baseline": Path(args.code).resolve(), **checkouts}
    results: dict[str, list[float]] = {name: [] for name in checkouts}
    failed = False
    for _ in range(max(1, args.rounds)):
        for name, code in checkouts.items():
            result = one_round(code, args.comments, args.postgres, args.instructions)
            results[name].append(result["instructions"] / 1e6 if args.instructions
                                 else result["cpu_ms"])
            print(f"{name}: {result['cpu_ms']:.3f} ms CPU per comment; "
                  f"{result.get('instructions', 0) / 1e6:.3f} M instructions; "
                  f"answers {result['statuses']}", file=sys.stderr, flush=True)
            failed |= set(result["statuses"]) != {303}
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}; load average "
          f"{os.getloadavg()[0]:.1f}; {args.comments:,} comments, {CLIENTS} at once, per round")
    unit = "M instructions" if args.instructions else "ms"
    print(f"| checkout | {'instructions' if args.instructions else 'CPU'} per comment (median) | rounds |")
    print("|---|---:|---|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.3f} {unit} | "
              f"{', '.join(f'{v:.3f}' for v in values)} |")
    if args.code:
        ratio = statistics.median(results["this checkout"]) / statistics.median(results["baseline"])
        print(f"this checkout / baseline: {ratio:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
