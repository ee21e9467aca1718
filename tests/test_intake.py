"""The lean intake path: what it cached never lets a comment onto a closed draft or an old text,
and no service commits on its own — the unit of work decides."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from legis.db import session_scope
from legis.models import Comment, DraftVersion
from legis.parsing import parse_text
from legis.services import comments as comment_service
from legis.services import drafts as draft_service
from legis.services import intake
from legis.timefmt import today
from legis.vocabulary import DraftStatus
from tests.factories import SAMPLE_TEXT, article, make_draft


def send(browser, slug: str, text: str, article_id: int | str = ""):
    page = browser.get(f"/drafts/{slug}")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    return browser.post(f"/drafts/{slug}/comments",
                        data={"form_token": token, "text": text, "article_id": str(article_id)})


def stored(db) -> list[Comment]:
    return list(db.exec(select(Comment).order_by(Comment.id)).all())


@pytest.mark.parametrize("close, status, message", [
    ("end", 409, "已于"),
    ("status", 409, "不在意见征集期内"),
    ("withdrawn", 404, "已撤回"),
])
def test_a_draft_closed_while_residents_comment_takes_no_more(app, anon, db, close, status,
                                                              message):
    draft = make_draft(db, slug="yangquan")
    first = send(anon, "yangquan", "第一条意见：赞成。")
    assert first.status_code == 303   # the draft's ids are now cached by the server
    if close == "end":
        draft.comment_start, draft.comment_end = today() - timedelta(days=9), today() - timedelta(days=1)
    elif close == "status":
        draft.status = DraftStatus.CLOSED.value
    else:
        draft.status = DraftStatus.WITHDRAWN.value
    db.add(draft)
    db.commit()
    # A form loaded before the draft closed, sent after.
    late = anon.post("/drafts/yangquan/comments", data={
        "form_token": app.state.form_tokens.issue(), "text": "截止后才提的意见。", "article_id": ""})
    assert late.status_code == status and message in late.text
    assert [c.text for c in stored(db)] == ["第一条意见：赞成。"]


def test_a_new_version_while_residents_comment(anon, db):
    draft = make_draft(db, slug="yangquan")
    old_article = article(db, draft, 6)
    assert send(anon, "yangquan", "有效期太短。", old_article.id).status_code == 303
    new_text = SAMPLE_TEXT.replace("犬只登记有效期为一年。", "犬只登记有效期为三年。")
    draft_service.add_version(db, draft=draft, parsed=parse_text(new_text), name="二审稿")
    db.commit()
    new_version = db.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id,
                                                     DraftVersion.is_current)).one()
    # A page loaded before the new text still names the old article: refused with a reason.
    late = send(anon, "yangquan", "有效期还是太短。", old_article.id)
    assert late.status_code == 400 and "当前文本" in late.text
    # Comments sent now go to the new text.
    assert send(anon, "yangquan", "三年合适。", article(db, draft, 6).id).status_code == 303
    assert send(anon, "yangquan", "总体赞成。").status_code == 303
    comments = stored(db)
    assert [c.text for c in comments] == ["有效期太短。", "三年合适。", "总体赞成。"]
    assert comments[0].version_id != new_version.id
    assert {c.version_id for c in comments[1:]} == {new_version.id}


def test_an_article_of_another_draft_is_refused(anon, db):
    make_draft(db, slug="yangquan")
    other = make_draft(db, slug="other")
    response = send(anon, "yangquan", "张冠李戴的意见。", article(db, other, 3).id)
    assert response.status_code == 400 and "当前文本" in response.text
    assert stored(db) == []


def test_services_store_nothing_unless_the_unit_of_work_commits(engine, db):
    draft = make_draft(db, slug="yangquan")
    data = comment_service.CommentInput(text="不会保存的意见。").validate()
    batch = [intake.Submission(slug="yangquan", data=data, form_token="t2", visitor="v")]
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as session:
        comment_service.submit_comment(session, draft=draft, data=data, channel="线上",
                                       form_token="t1")
        intake.store_all(session, targets=intake.Targets(), items=batch)
        raise RuntimeError("the request failed after both services ran")
    assert stored(db) == []
    with session_scope(engine, write=True) as session:
        comment_service.submit_comment(session, draft=draft, data=data, channel="线上",
                                       form_token="t1")
        intake.store_all(session, targets=intake.Targets(), items=batch)
    assert [c.form_token for c in stored(db)] == ["t1", "t2"]


def test_one_batch_stores_what_each_draft_takes_and_each_form_once(engine, db):
    draft = make_draft(db, slug="yangquan")
    make_draft(db, slug="closed", open_days=None)
    other = make_draft(db, slug="other")

    def item(slug: str, token: str, text: str, article_id: int | None = None):
        data = comment_service.CommentInput(text=text, article_id=article_id).validate()
        return intake.Submission(slug=slug, data=data, form_token=token, visitor="v")

    batch = [
        item("yangquan", "a", "第六条有效期太短。", article(db, draft, 6).id),
        item("yangquan", "a", "第六条有效期太短。", article(db, draft, 6).id),   # a double tap
        item("yangquan", "b", "张冠李戴。", article(db, other, 6).id),
        item("closed", "c", "尚未公开的草案。"),
        item("nosuchdraft", "d", "没有这部草案。"),
        item("other", "e", "另一部草案的总体意见。"),
    ]
    with session_scope(engine, write=True) as session:
        results = intake.store_all(session, targets=intake.Targets(), items=batch)
    assert results[0] is not None and results[1] == results[0]
    assert results[2:5] == [None, None, None]
    assert results[5] is not None and results[5][1:] == (other.id, "other")
    comments = stored(db)
    assert [(c.form_token, c.receipt_code, c.draft_id) for c in comments] == [
        ("a", results[0][0], draft.id), ("e", results[5][0], other.id)]
    # The same form again in a later batch: the unique index refuses it, nothing is half-written.
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as session:
        intake.store_all(session, targets=intake.Targets(), items=[batch[5], batch[0]])
    assert len(stored(db)) == 2
