"""Import catches mistakes: the same draft twice, a deadline in the past; PDFs come in by upload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from legis.cli import main
from legis.errors import LegisError
from legis.models import Draft, DraftVersion
from legis.parsing import parse_bytes, parse_text
from legis.services import drafts as draft_service
from legis.services.duplicates import DuplicateDraft, content_hash
from legis.timefmt import today
from tests.factories import SAMPLE_TEXT
from tests.pdfmaker import typeset

PDF_TITLE = "某市养犬管理条例（草案）"
PDF_PARAGRAPHS = [
    ("第一条 为了规范养犬行为，保障公民人身安全，维护市容环境卫生和社会公共秩序，根据有关法律、"
    "法规，结合本市实际，制定本条例。"),
    "第二条 本市行政区域内养犬和与养犬有关的管理活动，适用本条例。",
    "第三条 养犬管理工作遵循政府监管、养犬人自律、部门协作、公众参与的原则。",
]


def pdf_bytes() -> bytes:
    return typeset(PDF_TITLE, PDF_PARAGRAPHS, header=f"《{PDF_TITLE}》（征求意见稿）")


def _import(db, data: bytes, name: str = "draft.txt", **kwargs) -> Draft:
    parsed = parse_bytes(data, name)
    draft = draft_service.import_draft(db, parsed=parsed, filename=name,
                                       source_hash=content_hash(data), **kwargs)
    db.commit()
    return draft


def test_same_file_twice_is_refused_naming_the_existing_draft(db):
    data = SAMPLE_TEXT.encode()
    first = _import(db, data, slug="dogs")
    with pytest.raises(DuplicateDraft, match="已经导入过.*某市养犬管理条例（草案）.*dogs") as caught:
        _import(db, data)
    assert caught.value.draft_id == first.id
    db.rollback()
    assert len(db.exec(select(Draft)).all()) == 1


def test_same_title_and_articles_from_another_file_is_refused(db):
    _import(db, SAMPLE_TEXT.encode(), slug="dogs")
    other_encoding = SAMPLE_TEXT.replace("\n", "\r\n").encode("gb18030")
    with pytest.raises(DuplicateDraft, match="已有同名草案.*条文与这份文件完全相同"):
        _import(db, other_encoding)


def test_same_title_with_changed_articles_is_a_new_draft(db):
    _import(db, SAMPLE_TEXT.encode(), slug="dogs")
    changed = SAMPLE_TEXT.replace("第一条", "第一条 （目的）", 1).replace("为了", "为了进一步", 1)
    second = _import(db, changed.encode())
    assert second.title == "某市养犬管理条例（草案）"
    assert len(db.exec(select(Draft)).all()) == 2


def test_stage_line_names_the_first_version(db):
    draft = _import(db, pdf_bytes(), "draft.pdf")
    version = db.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id)).one()
    assert draft.title == PDF_TITLE
    assert version.name == "征求意见稿"
    assert version.source_sha256 == content_hash(pdf_bytes())


def test_open_until_a_past_date_is_refused(db):
    with pytest.raises(LegisError, match="已经过去") as caught:
        _import(db, SAMPLE_TEXT.encode(), open_until=today() - timedelta(days=1))
    assert caught.value.field == "until"
    db.rollback()
    assert db.exec(select(Draft)).all() == []


def test_cli_refuses_a_past_deadline_and_a_second_import(tmp_path, database_url, monkeypatch,
                                                          capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LEGIS_DATA_DIR", str(tmp_path))
    assert main(["migrate"]) == 0
    path = tmp_path / "dogs.pdf"
    path.write_bytes(pdf_bytes())
    assert main(["import", str(path), "--open", "--until", "2001-01-01"]) == 1
    assert "2001-01-01 已经过去" in capsys.readouterr().err
    assert main(["import", str(path), "--slug", "dogs"]) == 0
    assert f"已导入《{PDF_TITLE}》：3条" in capsys.readouterr().out
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "已经导入过" in err and "dogs" in err and "Traceback" not in err


def test_cli_parse_reads_a_pdf(tmp_path, capsys):
    path = tmp_path / "dogs.pdf"
    path.write_bytes(pdf_bytes())
    assert main(["parse", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert f'"title": "{PDF_TITLE}"' in out and '"stage": "征求意见稿"' in out


def test_web_import_of_a_pdf_and_of_the_same_pdf_again(client, db):
    upload = {"file": ("草案.pdf", pdf_bytes(), "application/pdf")}
    response = client.post("/manage/drafts/import", files=upload)
    assert response.status_code == 303
    draft = db.exec(select(Draft)).one()
    assert draft.title == PDF_TITLE
    again = client.post("/manage/drafts/import", files=upload)
    assert again.status_code == 409
    assert "已经导入过" in again.text and PDF_TITLE in again.text
    assert f'href="/manage/drafts/{draft.id}"' in again.text
    assert len(db.exec(select(Draft)).all()) == 1


def test_web_import_of_a_scanned_pdf_says_what_to_do(client, db):
    from tests.pdfmaker import Page, make_pdf

    upload = {"file": ("扫描件.pdf", make_pdf([Page()]), "application/pdf")}
    response = client.post("/manage/drafts/import", files=upload)
    assert response.status_code == 422
    assert "扫描件" in response.text and "OCR" in response.text
    assert db.exec(select(Draft)).all() == []


def test_web_version_import_of_the_current_text_is_refused(client, db):
    data = SAMPLE_TEXT.encode()
    draft = _import(db, data, slug="dogs")
    response = client.post(f"/manage/drafts/{draft.id}/versions/import",
                           files={"file": ("same.txt", data, "text/plain")})
    assert response.status_code == 422
    assert "这份文件就是本草案已有的征求意见稿" in response.text
    retyped = {"file": ("retyped.txt", SAMPLE_TEXT.replace("\n", "\n\n").encode(), "text/plain")}
    response = client.post(f"/manage/drafts/{draft.id}/versions/import", files=retyped)
    assert response.status_code == 422 and "完全相同" in response.text


def test_web_period_with_an_end_in_the_past_is_refused(client, db):
    draft = _import(db, SAMPLE_TEXT.encode(), slug="dogs")
    past = today() - timedelta(days=3)
    response = client.post(f"/manage/drafts/{draft.id}", data={
        "title": draft.title, "status": "征求意见中",
        "comment_start": str(past - timedelta(days=10)), "comment_end": str(past)})
    assert response.status_code in (200, 422)
    assert "已经过去" in response.text
    db.refresh(draft)
    assert draft.status != "征求意见中"


def test_plain_text_import_still_works_after_the_checks(db):
    parsed = parse_text(SAMPLE_TEXT)
    assert parsed.stage == ""
    draft = draft_service.import_draft(db, parsed=parsed)
    assert draft.title == "某市养犬管理条例（草案）"


def test_web_draft_form_shows_every_field_error_and_keeps_nothing(client, db):
    draft = _import(db, SAMPLE_TEXT.encode(), slug="dogs")
    title = draft.title
    response = client.post(f"/manage/drafts/{draft.id}", data={
        "title": " ", "status": "草稿", "comment_start": "明天", "comment_end": "2026-13-40",
        "issuing_body": "市人民政府"})
    assert response.status_code == 422
    assert "标题不能为空" in response.text and response.text.count("日期格式应为") >= 2
    # A valid title with a wrong status: the title change is not kept either.
    response = client.post(f"/manage/drafts/{draft.id}", data={
        "title": "新标题", "status": "征求意见中", "issuing_body": "市人民政府"})
    assert response.status_code == 422 and "请设定截止日期" in response.text
    assert 'value="新标题"' in response.text           # the form keeps what was typed
    db.refresh(draft)
    assert (draft.title, draft.issuing_body, draft.status) == (title, "", "草稿")
