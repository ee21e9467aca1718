"""Migrations: a database made by the first migration upgrades to head and matches the models."""

from __future__ import annotations

import io

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select
from starlette.testclient import TestClient

from legis import migrate
from legis.cli import main
from legis.config import Settings
from legis.db import make_engine
from legis.models import Comment, PaperImport
from legis.services import accounts
from legis.web.app import create_app


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
    # Such a database holds exactly the first revision's tables, and no alembic_version.
    engine = make_engine(database_url)
    migrate.upgrade(engine, migrate.FIRST_REVISION)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
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


def test_migration_flags_personal_data_in_existing_comments(database_url):
    engine = make_engine(database_url)
    migrate.upgrade(engine, migrate.FIRST_REVISION)
    now = "2026-01-01 00:00:00"
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO draft (id, slug, title, issuing_body, description, status, created_at, updated_at)"
            f" VALUES (1, 'd', '某条例', '', '', '征求意见中', '{now}', '{now}')"))
        connection.execute(text(
            "INSERT INTO draftversion (id, draft_id, number, name, is_current, source_filename, preamble,"
            f" warnings, created_at) VALUES (1, 1, 1, '征求意见稿', true, '', '', '[]', '{now}')"))
        for cid, body in ((1, "我是王秀兰，电话13812345678，建议延长时间。"), (2, "第十二条的150平方米太大。")):
            connection.execute(text(
                "INSERT INTO comment (id, draft_id, version_id, text, name, community, phone, consent, channel,"
                " receipt_code, excluded, excluded_reason, created_at)"
                f" VALUES ({cid}, 1, 1, :body, '', '', '', false, '线上', 'CODE{cid}', false, '', '{now}')"),
                {"body": body})
    migrate.upgrade(engine)
    with engine.connect() as connection:
        flags = dict(connection.execute(text("SELECT id, personal_data FROM comment")).all())
    assert flags == {1: "姓名、电话", 2: ""}
    engine.dispose()


def test_meetings_and_their_comments_survive_the_rename(database_url, tmp_path):
    # A database at 0003, when the 座谈会 table was still commentsession and comments
    # pointed at it through session_id.
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0003_i19w_comment_visitor")
    now = "2026-01-01 00:00:00"
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO draft (id, slug, title, issuing_body, description, status, created_at, updated_at)"
            f" VALUES (1, 'dogs', '某市养犬管理条例', '', '', '征求意见中', '{now}', '{now}')"))
        connection.execute(text(
            "INSERT INTO draftversion (id, draft_id, number, name, is_current, source_filename, preamble,"
            f" warnings, created_at) VALUES (1, 1, 1, '征求意见稿', true, '', '', '[]', '{now}')"))
        connection.execute(text(
            "INSERT INTO article (id, version_id, ordinal, number, sub, label, text, paragraphs, path)"
            " VALUES (1, 1, 1, 1, 0, '第一条', '携带犬只出户的，应当束犬链。', '[\"携带犬只出户的，应当束犬链。\"]', '[]')"))
        connection.execute(text(
            "INSERT INTO contactpoint (id, name, kind, district, address, report_level, created_at)"
            f" VALUES (3, '东风社区联络站', '站', '', '', '站', '{now}')"))
        connection.execute(text(
            "INSERT INTO commentsession (id, draft_id, contact_point_id, title, held_on, place, host_name,"
            " expected_participants, participant_count, channel, token, created_at)"
            f" VALUES (7, 1, 3, '东风社区养犬座谈会', '2026-01-01', '社区活动室', '', 20, 12, '现场',"
            f" 'tok7meeting', '{now}')"))
        for cid, body in ((1, "遛狗应当牵绳，建议写明绳长。"), (2, "建议增加夜间遛狗的时段限制。")):
            connection.execute(text(
                "INSERT INTO comment (id, draft_id, version_id, text, name, community, phone, consent,"
                " contact_point_id, session_id, channel, receipt_code, excluded, excluded_reason,"
                " personal_data, awaiting_confirmation, withdrawn, withdrawn_reason, visitor, created_at)"
                f" VALUES ({cid}, 1, 1, :body, '', '', '', false, 3, 7, '现场', 'CODE{cid}', false, '',"
                f" '', false, false, '', '', '{now}')"), {"body": body})
        connection.execute(text(
            "INSERT INTO paperimport (id, session_id, file_hash, filename, rows, withdrawn, created_at)"
            f" VALUES (1, 7, 'abc', '纸质意见.xlsx', 2, false, '{now}')"))
    migrate.upgrade(engine)
    assert differences(engine) == []
    engine.dispose()

    settings = Settings(database_url=database_url, secret_key="test-secret-key", data_dir=tmp_path,
                        load_samples=False)
    app = create_app(settings)
    with Session(app.state.engine) as session:
        accounts.create_user(session, username="admin", role="admin", password="pass-word-1234")
        session.commit()
        assert [c.id for c in session.exec(select(Comment).where(Comment.meeting_id == 7))] == [1, 2]
        assert session.exec(select(PaperImport.meeting_id)).one() == 7
    with TestClient(app, follow_redirects=False) as client:
        assert client.post("/login", data={"username": "admin", "password": "pass-word-1234"}
                           ).status_code == 303
        page = client.get("/manage/meetings/7")
        assert page.status_code == 200
        assert "东风社区养犬座谈会" in page.text and "东风社区联络站" in page.text
        sheet = load_workbook(io.BytesIO(client.get("/manage/meetings/7/export.xlsx").content))
        texts = {cell for row in sheet.worksheets[0].iter_rows(values_only=True) for cell in row}
        assert {"遛狗应当牵绳，建议写明绳长。", "建议增加夜间遛狗的时段限制。"} <= texts
        # The QR link printed for this meeting before the upgrade still opens the draft.
        resident = client.get("/s/tok7meeting")
        assert resident.status_code == 200 and "某市养犬管理条例" in resident.text
        # New meetings are still created (on PostgreSQL through the renamed id sequence).
        created = client.post("/manage/meetings", data={
            "draft_id": "1", "contact_point_id": "3", "title": "第二场", "held_on": "2026-01-02"})
        assert created.status_code == 303
        assert "第二场" in client.get(created.headers["location"]).text


def test_servers_starting_together_migrate_once(database_url):
    """Several servers behind one load balancer start at once on one empty PostgreSQL schema:
    one migrates, the others wait for it and start on the migrated schema, none fails."""
    import threading

    import pytest

    if not database_url.startswith("postgres"):
        pytest.skip("several servers share one database only on PostgreSQL")
    engines = [make_engine(database_url) for _ in range(3)]
    start = threading.Barrier(len(engines))
    outcomes: list = []

    def server(engine) -> None:
        start.wait()
        try:
            outcomes.append(migrate.upgrade(engine)[1])
        except Exception as error:  # noqa: BLE001 (reported by the assert below)
            outcomes.append(error)

    threads = [threading.Thread(target=server, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == [migrate.head()] * len(engines)
    assert differences(engines[0]) == []
    for engine in engines:
        engine.dispose()
