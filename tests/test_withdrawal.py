"""Withdrawing a draft hides it from residents and keeps its comments; only an empty draft is deleted."""

from __future__ import annotations

from sqlmodel import select

from legis.models import Article, Comment, Draft, DraftVersion, Heading
from legis.services import comments as comment_service
from legis.services.comments import CommentInput
from tests.factories import article, make_draft


def _comment(db, draft) -> Comment:
    data = CommentInput(text="建议明确遛狗时必须牵绳。", article_id=article(db, draft, 3).id)
    comment, _ = comment_service.submit_comment(db, draft=draft, data=data, channel="线上")
    return comment


def test_withdrawn_draft_is_hidden_from_residents_and_keeps_its_comments(client, anon, db):
    draft = make_draft(db, slug="dogs")
    comment = _comment(db, draft)
    assert "某市养犬管理条例" in anon.get("/").text
    response = client.post(f"/manage/drafts/{draft.id}/withdraw",
                           data={"reason": "起草单位将另行起草"})
    assert response.status_code == 303
    db.refresh(draft)
    assert draft.status == "已撤回" and draft.withdrawn_reason == "起草单位将另行起草"
    assert "某市养犬管理条例" not in anon.get("/").text
    page = anon.get("/drafts/dogs")
    assert page.status_code == 404 and "已撤回" in page.text
    assert anon.get("/drafts/dogs/feedback").status_code == 404
    assert db.get(Comment, comment.id) is not None
    staff_page = client.get(f"/manage/drafts/{draft.id}")
    assert "起草单位将另行起草" in staff_page.text and "不能删除" in staff_page.text


def test_withdrawal_needs_a_reason(client, db):
    draft = make_draft(db)
    response = client.post(f"/manage/drafts/{draft.id}/withdraw", data={"reason": "  "},
                           follow_redirects=True)
    assert "请填写撤回的理由" in response.text
    db.refresh(draft)
    assert draft.status == "征求意见中"


def test_draft_with_comments_is_not_deleted(client, db):
    draft = make_draft(db)
    _comment(db, draft)
    response = client.post(f"/manage/drafts/{draft.id}/delete", follow_redirects=True)
    assert "已有1条意见，不能删除" in response.text
    assert db.exec(select(Draft)).all() != []
    assert len(db.exec(select(Comment)).all()) == 1


def test_draft_without_comments_is_deleted_with_its_versions(client, db):
    draft = make_draft(db)
    keep = make_draft(db)
    response = client.post(f"/manage/drafts/{draft.id}/delete")
    assert response.status_code == 303
    assert [d.id for d in db.exec(select(Draft)).all()] == [keep.id]
    assert {v.draft_id for v in db.exec(select(DraftVersion)).all()} == {keep.id}
    versions = {v.id for v in db.exec(select(DraftVersion)).all()}
    assert {a.version_id for a in db.exec(select(Article)).all()} == versions
    assert {h.version_id for h in db.exec(select(Heading)).all()} <= versions
    assert client.get(f"/manage/drafts/{draft.id}").status_code == 404
