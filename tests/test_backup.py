"""Backup and restore: every row of every table survives a round trip, across engines."""

from __future__ import annotations

import json
import os

import pytest
import sqlmodel
from sqlalchemy import select
from sqlmodel import SQLModel

from legis.cli import main
from legis.db import create_schema, make_engine
from legis.errors import LegisError
from legis.models import Opinion
from legis.services import backup, dispositions, merging
from legis.services import comments as comment_service
from tests.conftest import make_user, postgres_schema
from tests.factories import article, make_draft, make_meeting, make_point


def rows_of(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {table.name: [tuple(r) for r in connection.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in SQLModel.metadata.sorted_tables}


@pytest.fixture
def filled(engine, db):
    draft = make_draft(db, slug="dogs")
    parent = make_point(db, name="主站")
    child = make_point(db, name="子点", kind="点", parent=parent)
    parent.parent_id = None
    # A parent with a higher id than its child: restore must still put parents first.
    late_parent = make_point(db, name="后建主站")
    child.parent_id = late_parent.id
    db.add(child)
    db.commit()
    cs = make_meeting(db, draft=draft, point=child, title="座谈会")
    for text in ("建议延长期限至六十日", "建議延長期限至六十日！", "建议删除本条"):
        data = comment_service.CommentInput(text=text, name="王小明", phone="13812345678",
                                            consent=True, article_id=article(db, draft, 8).id)
        comment_service.submit_comment(db, draft=draft, data=data, channel="现场", meeting=cs)
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    opinion = db.exec(sqlmodel.select(Opinion)).first()
    dispositions.decide(db, opinion=opinion, state="部分采纳", reason="部分吸收", actor="staff")
    make_user(db, "clerk", "staff")
    db.commit()
    return engine


def test_round_trip_keeps_every_row(filled, tmp_path):
    path = tmp_path / "legis.backup.jsonl"
    counts = backup.backup_file(filled, path)
    assert counts["comment"] == 3 and counts["user"] == 1
    header = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "legis-backup" and header["version"] == 1
    target = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    backup.restore_file(target, path)
    assert rows_of(target) == rows_of(filled)
    target.dispose()


def test_round_trip_across_engines(filled, tmp_path):
    base = os.environ.get("LEGIS_TEST_DATABASE_URL")
    if not base:
        pytest.skip("crossing engines needs LEGIS_TEST_DATABASE_URL (PostgreSQL)")
    # PostgreSQL -> SQLite -> a fresh PostgreSQL schema: every row the same.
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    backup.backup_file(filled, first)
    sqlite = make_engine(f"sqlite:///{tmp_path / 'middle.db'}")
    backup.restore_file(sqlite, first)
    backup.backup_file(sqlite, second)
    with postgres_schema(base) as url:
        target = make_engine(url)
        backup.restore_file(target, second)
        assert rows_of(target) == rows_of(filled)
        # Sequences continue after the restored ids: new rows get new ids.
        with target.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO reasontemplate (text, ordinal) VALUES ('新理由', 99)")
        target.dispose()
    sqlite.dispose()


def test_restore_refuses_non_empty_database_and_changes_nothing(filled, tmp_path):
    path = tmp_path / "b.jsonl"
    backup.backup_file(filled, path)
    before = rows_of(filled)
    with pytest.raises(LegisError, match="不是空的"):
        backup.restore_file(filled, path)
    assert rows_of(filled) == before


def test_broken_backup_restores_nothing(filled, tmp_path):
    path = tmp_path / "b.jsonl"
    backup.backup_file(filled, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[len(lines) // 2] = '{"table": "comment", "row": {broken'
    path.write_text("\n".join(lines), encoding="utf-8")
    target = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    with pytest.raises(LegisError, match="已损坏"):
        backup.restore_file(target, path)
    create_schema(target)
    assert all(not rows for rows in rows_of(target).values())
    not_a_backup = tmp_path / "x.jsonl"
    not_a_backup.write_text("hello\n", encoding="utf-8")
    with pytest.raises(LegisError, match="不是 legis 备份文件"):
        backup.restore_file(target, not_a_backup)


def test_cli_backup_and_restore(filled, settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    path = tmp_path / "cli.jsonl"
    assert main(["backup", str(path)]) == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli-restored.db'}")
    assert main(["restore", str(path)]) == 0
    assert "已恢复" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "missing.jsonl")]) == 1
