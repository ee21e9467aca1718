"""Engine and session: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL via psycopg 3."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from legis.errors import ValidationError

SCHEMA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_WRITE_LOCKS: dict[int, threading.RLock] = {}


def normalise_url(url: str) -> str:
    """postgres:// and postgresql:// both mean PostgreSQL through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pool_size: int = 5, statement_timeout_ms: int = 30_000,
                max_overflow: int | None = None) -> Engine:
    """One engine per process; SQLite gets the pragmas that make concurrent writers safe."""
    from legis.services import page_stamps

    page_stamps.install()   # cached public pages follow every write, on every server
    url = normalise_url(url)
    if is_sqlite(url):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        import psycopg  # noqa: F401  (an optional dependency: legis[postgres])
    except ImportError:
        raise ValidationError("使用 PostgreSQL 需要安装驱动：pip install 'legis[postgres]'"
                              "（或在项目目录下运行 make）。", field="DATABASE_URL") from None
    # Our own ?schema=NAME puts every table in one PostgreSQL schema: tests give
    # each test its own, and one database can hold several deployments.
    parsed = make_url(url)
    schema = parsed.query.get("schema")
    options = f"-c statement_timeout={int(statement_timeout_ms)}"
    if schema:
        if not SCHEMA_RE.match(schema):
            raise ValueError("schema names are letters, digits and underscores")
        options += f" -c search_path={schema}"
        parsed = parsed.difference_update_query(["schema"])
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size * 2 if max_overflow is None else max_overflow,
        pool_pre_ping=True,
        # Bound values are residents' names and phones: never in an error message or a log.
        hide_parameters=True,
        connect_args={"options": options},
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling would fight BEGIN IMMEDIATE; let
    # SQLAlchemy's "begin" event issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A write transaction takes the write lock at BEGIN (IMMEDIATE), so two
    # writers queue on busy_timeout instead of one failing when it upgrades a
    # read lock mid-transaction. Reads stay DEFERRED and never block writers.
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    immediate = options.get("legis_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    from legis import models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    ``write=True`` marks a transaction that will write, so SQLite takes its
    write lock up front; on PostgreSQL the flag changes nothing.
    """
    if write and engine.dialect.name == "sqlite":
        # SQLite has one writer at a time. Queue this process's writers on a
        # lock instead of letting them all poll SQLite's busy handler, whose
        # growing sleeps (up to 100 ms each) made tail latency ten times worse.
        with _WRITE_LOCKS.setdefault(id(engine), threading.RLock()):
            yield from _scoped(engine.execution_options(legis_write=True))
        return
    yield from _scoped(engine)


def _scoped(bind) -> Iterator[Session]:
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def lock_names(session: Session, *names: str) -> None:
    """Hold a lock on each name until this transaction ends, across every worker process.

    PostgreSQL: transaction-level advisory locks, taken in a fixed order so two
    transactions never wait on each other. SQLite needs none: a write
    transaction already holds the database's only write lock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({int.from_bytes(hashlib.sha256(n.encode()).digest()[:8], "big", signed=True)
                   for n in names})
    for key in keys:
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=key))
