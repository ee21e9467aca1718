"""Background jobs in the database: one active job per kind and draft across all processes.

A job row is claimed by inserting it with a unique ``active_key``; a second
start while it runs finds the same row instead of starting another. Progress
is written to the row, so any server process can show it. A job whose worker
died (no heartbeat for STALE_AFTER) is marked failed and can be started again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from legis import logs
from legis.db import session_scope
from legis.errors import NotFound
from legis.models import Job, JobFile, utcnow

log = logging.getLogger("legis.jobs")
STALE_AFTER = timedelta(seconds=90)
FILE_KEPT = timedelta(hours=24)   # a job's file: long enough to download, not a second archive
WORKER = f"{socket.gethostname()}:{os.getpid()}"

Progress = Callable[[float, str], None]


def active_key(kind: str, draft_id: int | None) -> str:
    return f"{kind}:{draft_id or 0}"


def claim(engine: Engine, *, kind: str, draft_id: int | None, actor: str) -> tuple[Job, bool]:
    """The active job of this kind for this draft, creating it if none runs: (job, created)."""
    key = active_key(kind, draft_id)
    with session_scope(engine, write=True) as session:
        _expire_stale(session, key)
    try:
        with session_scope(engine, write=True) as session:
            job = Job(kind=kind, draft_id=draft_id, active_key=key, started_by=actor,
                      status="queued", message="排队中")
            session.add(job)
            session.flush()
            return job, True
    except IntegrityError:
        with session_scope(engine) as session:
            job = session.exec(select(Job).where(Job.active_key == key)).first()
            if job is None:  # it finished between our insert and this read
                return claim(engine, kind=kind, draft_id=draft_id, actor=actor)
            return job, False


def _expire_stale(session: Session, key: str) -> None:
    job = session.exec(select(Job).where(Job.active_key == key)).first()
    if job is None:
        return
    last = job.heartbeat_at or job.created_at
    if utcnow() - last > STALE_AFTER:
        job.status = "failed"
        job.message = "任务中断（服务进程已停止），请重新开始。"
        job.active_key = None
        job.finished_at = utcnow()
        session.add(job)


def run(engine: Engine, job_id: int, work: Callable[[Progress], dict]) -> None:
    """Run ``work`` for a claimed job, recording progress, the result or the failure."""
    _update(engine, job_id, status="running", started_at=utcnow(), claimed_by=WORKER,
            message="正在处理")
    started = time.monotonic()

    def progress(fraction: float, message: str) -> None:
        _update(engine, job_id, progress=max(0.0, min(1.0, fraction)), message=message[:500])

    try:
        result = work(progress)
    except Exception as error:  # noqa: BLE001 (any failure is recorded on the job and shown)
        # One line: the kind of error and where, never its message (it may quote data).
        log.error("job %s failed after %.1f s: %s at %s", job_id, time.monotonic() - started,
                  type(error).__name__, logs.where(error))
        message = getattr(error, "message", None) or "处理失败，请重试；如反复出现请联系管理员。"
        _update(engine, job_id, status="failed", message=message, active_key=None,
                finished_at=utcnow())
        return
    _update(engine, job_id, status="done", progress=1.0, result=result, active_key=None,
            finished_at=utcnow(), message=(result or {}).get("message", "已完成"))
    log.info("job %s done in %.1f s", job_id, time.monotonic() - started)


def start_in_thread(engine: Engine, job: Job, work: Callable[[Progress], dict]) -> threading.Thread:
    thread = threading.Thread(target=run, args=(engine, job.id, work), daemon=True,
                              name=f"legis-job-{job.id}")
    thread.start()
    return thread


def _update(engine: Engine, job_id: int, **values) -> None:
    with session_scope(engine, write=True) as session:
        job = session.get(Job, job_id)
        for key, value in values.items():
            setattr(job, key, value)
        job.heartbeat_at = utcnow()
        session.add(job)


def get(session: Session, *, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound("没有找到这个任务。")
    return job


def latest(session: Session, *, kind: str, draft_id: int) -> Job | None:
    return session.exec(
        select(Job).where(Job.kind == kind, Job.draft_id == draft_id).order_by(Job.id.desc())
    ).first()


def keep_file(engine: Engine, job_id: int, data: bytes) -> None:
    """Store the file a job made, for any server to offer; files older than FILE_KEPT go."""
    with session_scope(engine, write=True) as session:
        session.exec(delete(JobFile).where(  # type: ignore[call-overload]
            JobFile.created_at < utcnow() - FILE_KEPT))
        session.add(JobFile(job_id=job_id, data=data))


def file_of(session: Session, *, job_id: int) -> bytes | None:
    """The job's file, or None once it has been cleared."""
    found = session.get(JobFile, job_id)
    return found.data if found is not None else None
