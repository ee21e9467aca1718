"""Logs: one line per request error and per background job, and no personal data in them."""

from __future__ import annotations

import logging

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
