"""Fixtures: settings on tmp_path, a real database, the app under TestClient, signed-in users."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session
from starlette.testclient import TestClient

from legis.config import Settings
from legis.db import create_schema, make_engine, normalise_url
from legis.services import accounts
from legis.web.app import create_app

PASSWORD = "correct-horse-battery"


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
    with postgres_schema(base) as url:
        yield url


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
