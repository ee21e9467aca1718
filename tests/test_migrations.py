"""Migrations: a database made by the first migration upgrades to head and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from legis import migrate
from legis.cli import main
from legis.db import create_schema, make_engine


def differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, SQLModel.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]


def test_first_migration_upgrades_to_head_and_matches_models(database_url):
    engine = make_engine(database_url)
    before, after = migrate.upgrade(engine, migrate.FIRST_REVISION)
    assert (before, after) == (None, migrate.FIRST_REVISION)
    before, after = migrate.upgrade(engine)
    assert before == migrate.FIRST_REVISION and after == migrate.head()
    assert differences(engine) == []
    # Running it again changes nothing.
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())
    engine.dispose()


def test_database_made_before_migrations_is_adopted(database_url):
    engine = make_engine(database_url)
    create_schema(engine)
    before, after = migrate.upgrade(engine)
    assert before == migrate.FIRST_REVISION and after == migrate.head()
    engine.dispose()


def test_migrate_command(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["migrate"]) == 0
    assert migrate.head() in capsys.readouterr().out


def test_unreachable_database_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert "无法连接或升级数据库" in err and "Traceback" not in err
