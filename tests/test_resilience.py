"""Crashes under load: a worker killed with SIGKILL, the database restarted. Every comment that
got a receipt is stored exactly once, and the server serves again without manual repair."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import Session, select

from legis.db import make_engine
from legis.models import Comment, Job
from tests.factories import SAMPLE_TEXT
from tests.live import legis, running_server, server_env, wait_until_up
from tests.loadgen import crowd, run_async

RESIDENTS = 20
SECONDS = 8.0


def workers_of(pid: int) -> list[int]:
    """uvicorn's worker processes under the supervisor (not multiprocessing's helpers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"spawn_main" in cmdline:
                found.append(int(child))
    return found


def prepare(tmp_path, database_url) -> dict[str, str]:
    draft_file = tmp_path / "dogs.txt"
    draft_file.write_text(SAMPLE_TEXT, encoding="utf-8")
    env = server_env(tmp_path, database_url, LEGIS_COMMENT_RATE="1000000")
    legis("import", str(draft_file), "--slug", "dogs", "--open", env=env)
    return env


def check_every_receipt_once(database_url: str, receipts: dict[str, str]) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = session.exec(select(Comment.receipt_code, Comment.text)).all()
    engine.dispose()
    by_code = dict(stored)
    missing = [code for code in receipts if code not in by_code]
    assert not missing, f"{len(missing)} receipted comments are missing"
    assert all(by_code[code] == text for code, text in receipts.items())
    doubled = [text for text, count in Counter(text for _, text in stored).items() if count > 1]
    assert not doubled, f"stored twice: {doubled[:3]}"


def serves_again(base: str) -> None:
    wait_until_up(base, timeout=30)
    for _ in range(5):
        assert httpx.get(f"{base}/drafts/dogs", timeout=10).status_code == 200


def test_worker_killed_mid_load_loses_nothing(tmp_path, database_url):
    env = prepare(tmp_path, database_url)
    with running_server(env, workers=2, log=tmp_path / "server.log") as (base, process):
        workers = workers_of(process.pid)
        assert len(workers) >= 2, "uvicorn did not start two workers"

        async def kill_one():
            os.kill(workers[0], signal.SIGKILL)

        tally = run_async(crowd(base, "dogs", residents=RESIDENTS, seconds=SECONDS,
                                  during=kill_one))
        serves_again(base)
        replaced = workers_of(process.pid)
        assert workers[0] not in replaced and len(replaced) == 2   # uvicorn started a new one
    assert len(tally.receipts) > RESIDENTS
    check_every_receipt_once(env["DATABASE_URL"], tally.receipts)


def restart_postgresql() -> None:
    clusters = os.listdir("/etc/postgresql")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[0], "main", "restart"],
                   check=True, capture_output=True, timeout=60)


def test_database_restart_mid_load_loses_nothing(tmp_path, postgres_to_itself):
    database_url = postgres_to_itself
    if not database_url.startswith("postgres"):
        pytest.skip("restarting the database applies to PostgreSQL (LEGIS_TEST_DATABASE_URL)")
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql"):
        pytest.skip("restarting PostgreSQL needs root and pg_ctlcluster on this machine")
    env = prepare(tmp_path, database_url)
    with running_server(env, workers=2, log=tmp_path / "server.log") as (base, _process):

        async def restart():
            await asyncio.to_thread(restart_postgresql)

        tally = run_async(crowd(base, "dogs", residents=RESIDENTS, seconds=SECONDS,
                                  during=restart))
        serves_again(base)
    # Residents got receipts across the restart (so the check below is not vacuous) ...
    assert tally.receipts
    check_every_receipt_once(env["DATABASE_URL"], tally.receipts)


def test_merge_job_is_shared_by_all_worker_processes(tmp_path, database_url):
    """Two staff click 归并 at once on a server with two processes: one job runs, and its
    progress is visible whichever process answers."""
    env = prepare(tmp_path, database_url)
    legis("create-user", "clerk1", "--role", "staff", "--password-stdin", env=env,
          input="clerk-password-1\n")
    legis("create-user", "clerk2", "--role", "staff", "--password-stdin", env=env,
          input="clerk-password-2\n")
    with running_server(env, workers=2, log=tmp_path / "server.log") as (base, _process):
        run_async(crowd(base, "dogs", residents=4, seconds=2))

        async def two_clicks():
            # Both sign in first, then click at the same moment (a login verifies argon2,
            # whose time would otherwise separate the clicks).
            async with httpx.AsyncClient(base_url=base, timeout=30) as one, \
                    httpx.AsyncClient(base_url=base, timeout=30) as two:
                await one.post("/login", data={"username": "clerk1", "password": "clerk-password-1"})
                await two.post("/login", data={"username": "clerk2", "password": "clerk-password-2"})
                return await asyncio.gather(
                    *(c.post("/manage/drafts/1/merge", data={"mode": "incremental"})
                      for c in (one, two)))

        answers = run_async(two_clicks())
        assert [a.status_code for a in answers] == [303, 303]
        engine = make_engine(env["DATABASE_URL"])
        with Session(engine) as session:
            merge_jobs = session.exec(select(Job).where(Job.kind == "merge").order_by(Job.id)).all()
        # Clicks that overlap share one job. On a loaded machine the first job may finish
        # before the second click arrives, and the second click then rightly starts another;
        # what must never happen is two merge jobs of one draft running at the same time.
        assert 1 <= len(merge_jobs) <= 2
        if len(merge_jobs) == 2:
            first, second = merge_jobs
            assert first.finished_at is not None
            assert second.created_at >= first.finished_at
        job_id = merge_jobs[-1].id
        seen = set()
        with httpx.Client(base_url=base, timeout=10) as staff:
            staff.post("/login", data={"username": "clerk2", "password": "clerk-password-2"})
            for _ in range(100):
                # A new connection each time, so both processes get to answer.
                status = httpx.get(f"{base}/manage/jobs/{job_id}", cookies=staff.cookies).json()
                seen.add(status["status"])
                if status["status"] == "done":
                    break
                time.sleep(0.1)
        assert "done" in seen
        with Session(engine) as session:
            assert all(c.opinion_id for c in session.exec(select(Comment)))
        engine.dispose()
