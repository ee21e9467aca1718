"""Logs: one line per request error and per background job, and no personal data in them."""

from __future__ import annotations

import logging

import httpx2 as httpx
import pytest

from legis.services import comments as comment_service
from legis.services import merging
from tests.factories import article, make_draft

PHONE = "13812345678"


@pytest.fixture
def lines():
    """What the "legis" loggers write, as text lines."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("legis")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [r.getMessage() for r in records]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_missing_page_is_logged_with_its_status(anon, lines):
    anon.get("/r/NOSUCHCODE")
    assert any(line.startswith("GET /r/NOSUCHCODE -> 404") for line in lines())


def test_a_background_job_is_one_line(engine, db, lines):
    draft = make_draft(db)
    data = comment_service.CommentInput(text=f"建议延长期限，电话{PHONE}",
                                        article_id=article(db, draft, 8).id)
    comment_service.submit_comment(db, draft=draft, data=data, channel="线上")
    db.commit()
    from legis.services import jobs

    job, _ = jobs.claim(engine, kind="merge", draft_id=draft.id, actor="staff")
    jobs.run(engine, job.id, lambda progress: merging.merge_draft(engine, draft_id=draft.id)
             and {"message": "ok"})
    failed, _ = jobs.claim(engine, kind="merge", draft_id=draft.id, actor="staff")

    def broken(progress):
        raise ValueError(f"cannot handle {PHONE}")

    jobs.run(engine, failed.id, broken)
    logged = [line for line in lines() if line.startswith("job ")]
    assert len(logged) == 2
    assert logged[0].startswith(f"job {job.id} done in ")
    assert logged[1].startswith(f"job {failed.id} failed after ")
    assert "ValueError at test_logs.py:" in logged[1] and PHONE not in logged[1]


def test_a_refused_comment_is_one_line_without_what_was_typed(anon, db, lines):
    make_draft(db, slug="yangquan")
    page = anon.get("/drafts/yangquan")
    token = page.text.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    # A name and a phone without consent: the form comes back with 422 (no exception raised).
    response = anon.post("/drafts/yangquan/comments", data={
        "form_token": token, "text": "我姓王，请回电。", "name": "王建国", "phone": PHONE})
    assert response.status_code == 422
    logged = [line for line in lines() if "/drafts/yangquan/comments" in line]
    assert logged == ["POST /drafts/yangquan/comments -> 422"]
    assert not any(PHONE in line or "王建国" in line or "回电" in line for line in lines())


def test_a_form_with_too_many_fields_is_refused_with_a_message(anon, db, lines):
    make_draft(db, slug="yangquan")
    fields = {f"f{i}": "x" for i in range(300)}
    response = anon.post("/drafts/yangquan/comments", data={**fields, "text": "赞成。"})
    assert response.status_code == 400 and "字段过多" in response.text
    assert [line for line in lines() if "comments" in line] == [
        "POST /drafts/yangquan/comments -> 400 ValidationError"]


@pytest.mark.slow
def test_the_access_log_is_off_unless_asked_for(tmp_path):
    from tests.live import running_server, server_env

    for flag, expected in (("", False), ("1", True)):
        log = tmp_path / f"server{flag}.log"
        env = server_env(tmp_path, LEGIS_ACCESS_LOG=flag)
        with running_server(env, log=log) as (base, _process):
            httpx.get(f"{base}/drafts")
            httpx.get(f"{base}/r/ZZZZZZZZ")
        text = log.read_text(encoding="utf-8", errors="replace")
        assert ('"GET /drafts HTTP/1.1" ' in text) is expected, text[-2000:]
        # Failed requests are logged by legis either way.
        assert "GET /r/ZZZZZZZZ -> 404" in text
