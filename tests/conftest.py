"""Fixtures: settings on tmp_path, a real database, the app under TestClient."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from legis.config import Settings
from legis.db import create_schema, make_engine
from legis.web.app import create_app


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'legis.db'}",
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


@pytest.fixture
def client(app):
    with TestClient(app, follow_redirects=False) as client:
        yield client
