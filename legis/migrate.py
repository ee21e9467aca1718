"""Schema migrations: bring any legis database, SQLite or PostgreSQL, up to the current schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

FIRST_REVISION = "0001"


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade to ``revision``; returns (revision before, revision after).

    A database made before migrations existed (tables but no alembic_version)
    is taken to be at the first revision, which created exactly those tables.
    """
    cfg = config()
    before = current(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        if before is None and inspect(connection).has_table("draft"):
            command.stamp(cfg, FIRST_REVISION)
            before = FIRST_REVISION
        command.upgrade(cfg, revision)
    return before, current(engine) or ""
