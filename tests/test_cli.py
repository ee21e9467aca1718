"""The legis command: parse, import, init-db, dedupe, as a user runs them."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from legis.cli import main
from legis.db import make_engine
from legis.models import Article, Draft
from tests.factories import SAMPLE_TEXT


def write_sample(tmp_path):
    path = tmp_path / "dogs.txt"
    path.write_text(SAMPLE_TEXT, encoding="utf-8")
    return path


def test_parse_json_prints_one_object_per_file(tmp_path, capsys):
    path = write_sample(tmp_path)
    assert main(["parse", "--format", "json", str(path), str(path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    result = json.loads(lines[0])
    assert result["file"] == str(path)
    assert result["title"] == "某市养犬管理条例（草案）"
    assert [a["number"] for a in result["articles"]] == list(range(1, 14))
    fifth = result["articles"][4]
    assert set(fifth) == {"number", "sub", "label", "caption", "path", "text", "paragraphs"}
    assert fifth["path"] == ["第二章 养犬登记"] and len(fifth["paragraphs"]) == 3
    assert result["warnings"] == []


def test_parse_bad_file_exits_nonzero_with_chinese_error(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "fake.docx"
    junk.write_bytes(b"this is not a zip file at all" * 10)
    assert main(["parse", str(empty), str(junk)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: 错误：" in err and "fake.docx: 错误：" in err
    assert "Traceback" not in err


def test_parse_missing_file(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 1
    assert "错误" in capsys.readouterr().err


def test_import_stores_draft_and_open_sets_period(tmp_path, database_url, monkeypatch, capsys):
    url = database_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LEGIS_DATA_DIR", str(tmp_path))
    assert main(["init-db"]) == 0
    path = write_sample(tmp_path)
    assert main(["import", str(path), "--slug", "dogs", "--open", "--until", "2030-01-31"]) == 0
    assert "已导入《某市养犬管理条例（草案）》：13条" in capsys.readouterr().out
    engine = make_engine(url)
    with Session(engine) as session:
        draft = session.exec(select(Draft)).one()
        assert draft.status == "征求意见中" and str(draft.comment_end) == "2030-01-31"
        assert len(session.exec(select(Article)).all()) == 13
    engine.dispose()


def test_import_of_bad_file_writes_nothing(tmp_path, database_url, monkeypatch, capsys):
    url = database_url
    monkeypatch.setenv("DATABASE_URL", url)
    bad = tmp_path / "notes.txt"
    bad.write_text("这是一份会议纪要，没有任何条文。\n请大家讨论。", encoding="utf-8")
    assert main(["import", str(bad)]) == 1
    assert "错误" in capsys.readouterr().err
    engine = make_engine(url)
    from legis.db import create_schema

    create_schema(engine)
    with Session(engine) as session:
        assert session.exec(select(Draft)).all() == []
    engine.dispose()


def test_help_lists_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    for name in ("parse", "import", "init-db", "serve", "dedupe"):
        assert name in out
