"""Schema migrations: bring any legis database, SQLite or PostgreSQL, up to the current schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

FIRST_REVISION = "0001"
MIGRATION_LOCK = 0x6C65   # "le": with the schema, the advisory lock taken while migrating


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

    A database with tables but no alembic_version was made by ``create_schema``:
    when its tables already match the models it is at head, otherwise it was
    made before migrations existed and is at the first revision, which created
    exactly those tables.
    """
    cfg = config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several servers starting at once on one database: one migrates, the
            # others wait here until it commits, then find nothing left to do.
            # Keyed by schema: deployments (and tests) in other schemas do not wait.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                               {"key": MIGRATION_LOCK})
        before = MigrationContext.configure(connection).get_current_revision()
        cfg.attributes["connection"] = connection
        if before is None and inspect(connection).has_table("draft"):
            before = head() if _matches_models(connection) else FIRST_REVISION
            command.stamp(cfg, before)
        command.upgrade(cfg, revision)
    return before, current(engine) or ""


def _matches_models(connection) -> bool:
    from alembic.autogenerate import compare_metadata
    from sqlmodel import SQLModel

    from legis import models  # noqa: F401  (registers the tables)

    context = MigrationContext.configure(connection)
    return not [d for d in compare_metadata(context, SQLModel.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table")]
