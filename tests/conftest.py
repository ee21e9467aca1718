"""Fixtures: settings on tmp_path, a real database, the app under TestClient, signed-in users."""

from __future__ import annotations

import fcntl
import os
import tempfile
import uuid
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session
from starlette.testclient import TestClient

from legis.config import Settings
from legis.db import create_schema, make_engine, normalise_url
from legis.services import accounts, passwords
from legis.web.app import create_app

PASSWORD = "correct-horse-battery"


# Tests that start real servers, browsers or builds: `make check` leaves them out.
SLOW_MODULES = {"browser", "test_resilience.py", "test_concurrency.py", "test_packaging.py",
                "test_passwords.py"}


def pytest_itemcollected(item):
    if set(item.path.relative_to(item.config.rootpath).parts) & SLOW_MODULES:
        item.add_marker(pytest.mark.slow)


def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (`make test`), every browser test on one worker: they share one
    seeded server and one Chromium, which take longer to start than most of the suite's tests.
    Every other test is scheduled on its own. (xdist's own --dist loadgroup marks no longer
    work with pytest 9, which ignores the node ids it rewrites.)"""
    if config.getvalue("dist") != "load":   # an explicit --dist choice wins
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserTogether(config, log)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """argon2 at its lowest cost for the test process: signing in was most of the suite's
    time at the production cost (about 0.8 s per signed-in client). Servers the tests start
    in a subprocess, and test_passwords.py, keep the production cost."""
    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(previous)


@pytest.fixture
def database_url(tmp_path) -> str:
    """A fresh, empty database for one test.

    SQLite by default; with LEGIS_TEST_DATABASE_URL (PostgreSQL) each test gets a
    schema of its own in that database, dropped afterwards, so tests never see
    each other's rows.
    """
    base = os.environ.get("LEGIS_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'legis.db'}"
        return
    fcntl.flock(_postgres_lock(), fcntl.LOCK_SH)
    try:
        with postgres_schema(base) as url:
            yield url
    finally:
        fcntl.flock(_postgres_lock(), fcntl.LOCK_UN)


_LOCK_FD: int | None = None


def _postgres_lock() -> int:
    """One lock file for every test process (pytest-xdist workers): each PostgreSQL test holds
    it shared; a test that restarts PostgreSQL converts its hold to exclusive."""
    global _LOCK_FD
    if _LOCK_FD is None:
        path = os.path.join(tempfile.gettempdir(), "legis-tests-postgres.lock")
        _LOCK_FD = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    return _LOCK_FD


@pytest.fixture
def postgres_to_itself(database_url):
    """For a test that restarts PostgreSQL: waits until no other test process uses it."""
    if database_url.startswith("postgres"):
        fcntl.flock(_postgres_lock(), fcntl.LOCK_EX)
    yield database_url


@contextmanager
def postgres_schema(base: str):
    """A new empty schema in the PostgreSQL database at ``base``; its URL, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    # No pool: a test may restart the server in between.
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}schema={schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key",
        data_dir=tmp_path,
        load_samples=False,
    )


@pytest.fixture
def engine(settings):
    engine = make_engine(settings.database_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    """A session for arranging and checking data.

    It runs in autocommit mode, so it never holds a lock the app under test
    waits for, and every query sees what the app has committed.
    """
    with Session(engine.execution_options(isolation_level="AUTOCOMMIT"),
                 expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app(settings, engine):
    return create_app(settings)


def make_user(db, username: str, role: str, point=None, body=None):
    user, _ = accounts.create_user(db, username=username, role=role, password=PASSWORD,
                                   contact_point_id=point.id if point else None,
                                   body_id=body.id if body else None)
    db.commit()
    return user


def login(client: TestClient, username: str, password: str = PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def anon(app):
    """A visitor who is not signed in (residents, attackers)."""
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def client(app, db):
    """A signed-in system administrator: may open every page."""
    make_user(db, "admin", "admin")
    with TestClient(app, follow_redirects=False) as client:
        yield login(client, "admin")


@pytest.fixture
def signed_in(app, db):
    """signed_in(username, role, point=None, body=None) -> a TestClient signed in as a new user."""
    clients = []

    def make(username: str, role: str, point=None, body=None) -> TestClient:
        make_user(db, username, role, point, body)
        client = TestClient(app, follow_redirects=False)
        client.__enter__()
        clients.append(client)
        return login(client, username)

    yield make
    for client in clients:
        client.__exit__(None, None, None)
