"""Merging in the product: the job, incremental joins, staff review actions, re-runs keep staff work."""

from __future__ import annotations

import time

from sqlmodel import select

from legis.models import AuditLog, Comment, Job, Opinion
from legis.services import comments as comment_service
from legis.services import dispositions, jobs, merging
from legis.services import opinions as opinion_service
from tests.factories import article, make_draft

DOG_COMMENTS = [
    "建议将变更登记期限由三十日延长至六十日",
    "我建议：变更登记期限由三十日延长到六十日。",
    "變更登記期限建議由三十日延長至六十日，謝謝！",
    "希望变更登记的期限从30日延长到60日，望采纳",
    "建议将变更登记期限由三十日缩短至十五日",
    "建议取消变更登记，改为网上备案即可",
]


def add_comments(db, draft, number, texts):
    art = article(db, draft, number)
    stored = []
    for text in texts:
        data = comment_service.CommentInput(text=text, article_id=art.id)
        comment, _ = comment_service.submit_comment(db, draft=draft, data=data, channel="线上")
        stored.append(comment)
    return stored


def opinions_of(db, draft):
    db.expire_all()   # the app wrote through its own session
    result = {}
    for opinion in db.exec(select(Opinion).where(Opinion.draft_id == draft.id)):
        ids = sorted(c.id for c in db.exec(select(Comment).where(Comment.opinion_id == opinion.id)))
        result[opinion.id] = ids
    return result


def test_merge_groups_near_duplicates_and_keeps_contrasts_apart(engine, db):
    draft = make_draft(db)
    stored = add_comments(db, draft, 8, DOG_COMMENTS)
    result = merging.merge_draft(engine, draft_id=draft.id, actor="staff")
    assert result["new_opinions"] == 3
    groups = sorted(opinions_of(db, draft).values())
    ids = [c.id for c in stored]
    assert ids[:4] in groups                  # same opinion in four wordings
    assert [ids[4]] in groups and [ids[5]] in groups   # 十五日 and 取消 stay apart
    # Every comment is kept and placed.
    db.expire_all()
    assert all(c.opinion_id for c in db.exec(select(Comment)).all())


def test_new_comments_join_existing_opinions_incrementally(engine, db):
    draft = make_draft(db)
    add_comments(db, draft, 8, DOG_COMMENTS[:2])
    merging.merge_draft(engine, draft_id=draft.id)
    (opinion_id,) = opinions_of(db, draft)
    late = add_comments(db, draft, 8, ["建议：变更登记期限由三十日延长至六十日！"])[0]
    assert merging.unmerged_count(db, draft_id=draft.id) == 1
    result = merging.merge_draft(engine, draft_id=draft.id)
    assert result["mode"] == "incremental" and result["placed"] == 1
    db.expire_all()
    assert db.get(Comment, late.id).opinion_id == opinion_id


def test_rerun_keeps_edits_moves_splits_and_dispositions(engine, db):
    draft = make_draft(db)
    stored = add_comments(db, draft, 8, DOG_COMMENTS)
    merging.merge_draft(engine, draft_id=draft.id)
    big = next(oid for oid, ids in opinions_of(db, draft).items() if len(ids) == 4)
    opinion = db.get(Opinion, big)
    opinion_service.edit_text(db, opinion=opinion, text="建议延长变更登记期限至六十日", actor="staff")
    dispositions.decide(db, opinion=opinion, state="部分采纳", reason="期限改为四十五日",
                        change_note="第八条期限改为四十五日", actor="staff")
    # Staff split one comment out, and moved the 取消 comment into its own new opinion.
    new = opinion_service.split(db, opinion=opinion, comment_ids=[stored[3].id], actor="staff")
    db.commit()
    before = opinions_of(db, draft)

    merging.merge_draft(engine, draft_id=draft.id, full=True)
    db.expire_all()
    after = opinions_of(db, draft)
    assert after[big] == before[big] and after[new.id] == before[new.id]
    kept = db.get(Opinion, big)
    assert kept.text == "建议延长变更登记期限至六十日"
    assert (kept.state, kept.reason) == ("部分采纳", "期限改为四十五日")
    assert len(db.exec(select(Comment)).all()) == len(DOG_COMMENTS)


def test_full_rerun_regroups_untouched_opinions_without_losing_comments(engine, db):
    draft = make_draft(db)
    add_comments(db, draft, 8, DOG_COMMENTS)
    merging.merge_draft(engine, draft_id=draft.id)
    first = opinions_of(db, draft)
    merging.merge_draft(engine, draft_id=draft.id, full=True)
    db.expire_all()
    second = opinions_of(db, draft)
    assert second == first            # nothing changed, so ids and members are stable


def test_move_merge_exclude_are_audited_and_never_delete_comments(engine, db):
    draft = make_draft(db)
    stored = add_comments(db, draft, 8, DOG_COMMENTS)
    merging.merge_draft(engine, draft_id=draft.id)
    groups = opinions_of(db, draft)
    single = next(oid for oid, ids in groups.items() if ids == [stored[4].id])
    other_single = next(oid for oid, ids in groups.items() if ids == [stored[5].id])
    opinion_service.merge(db, source=db.get(Opinion, single), target=db.get(Opinion, other_single),
                          actor="staff")
    db.commit()
    assert db.get(Opinion, single) is None
    assert sorted(opinions_of(db, draft)[other_single]) == [stored[4].id, stored[5].id]
    comment = db.get(Comment, stored[5].id)
    opinion_service.move_comment(db, comment=comment, target=None, actor="staff")
    opinion_service.set_excluded(db, comment=db.get(Comment, stored[4].id), excluded=True,
                                 reason="广告", actor="staff")
    db.commit()
    assert len(db.exec(select(Comment)).all()) == len(DOG_COMMENTS)
    assert db.get(Comment, stored[4].id).excluded
    actions = [a.action for a in db.exec(select(AuditLog).order_by(AuditLog.id))]
    for action in ("merge.run", "opinion.merge", "opinion.move", "comment.exclude"):
        assert action in actions


def test_two_merge_clicks_run_one_job(engine, db):
    draft = make_draft(db)
    first, created_first = jobs.claim(engine, kind="merge", draft_id=draft.id, actor="a")
    second, created_second = jobs.claim(engine, kind="merge", draft_id=draft.id, actor="b")
    assert created_first and not created_second and first.id == second.id
    jobs.run(engine, first.id, lambda progress: {"message": "ok"})
    third, created_third = jobs.claim(engine, kind="merge", draft_id=draft.id, actor="c")
    assert created_third and third.id != first.id


def test_merge_page_starts_job_and_shows_progress(client, db):
    draft = make_draft(db)
    add_comments(db, draft, 8, DOG_COMMENTS)
    response = client.post(f"/manage/drafts/{draft.id}/merge", data={"mode": "incremental"})
    assert response.status_code == 303
    job = db.exec(select(Job)).one()
    for _ in range(100):
        db.expire_all()
        if db.get(Job, job.id).status in ("done", "failed"):
            break
        time.sleep(0.05)
    status = client.get(f"/manage/jobs/{job.id}").json()
    assert status["status"] == "done" and status["progress"] == 1.0
    page = client.get(f"/manage/drafts/{draft.id}/opinions")
    assert "第八条" in page.text and "归并完成" in page.text
    review = client.get(f"/manage/drafts/{draft.id}/opinions/{article(db, draft, 8).id}")
    assert review.status_code == 200
    assert "4 人提出" in review.text and DOG_COMMENTS[4] in review.text


def test_review_actions_through_the_web(client, engine, db):
    draft = make_draft(db)
    stored = add_comments(db, draft, 8, DOG_COMMENTS)
    merging.merge_draft(engine, draft_id=draft.id)
    big = next(oid for oid, ids in opinions_of(db, draft).items() if len(ids) == 4)
    art = article(db, draft, 8).id
    edited = client.post(f"/manage/opinions/{big}/text", data={"text": "<b>延长期限</b>"})
    assert edited.status_code == 303 and f"/opinions/{art}" in edited.headers["location"]
    page = client.get(edited.headers["location"])
    assert "&lt;b&gt;延长期限&lt;/b&gt;" in page.text
    split = client.post(f"/manage/opinions/{big}/split", data={"comment": [str(stored[0].id)]})
    assert split.status_code == 303
    assert len(opinions_of(db, draft)[big]) == 3
    empty = client.post(f"/manage/opinions/{big}/text", data={"text": " "})
    assert empty.status_code == 422 and "不能为空" in empty.text


def test_merge_move_and_exclude_through_the_web(client, engine, db):
    draft = make_draft(db)
    stored = add_comments(db, draft, 8, DOG_COMMENTS)
    merging.merge_draft(engine, draft_id=draft.id)
    groups = opinions_of(db, draft)
    big = next(oid for oid, ids in groups.items() if len(ids) == 4)
    shorter = next(oid for oid, ids in groups.items() if ids == [stored[4].id])
    cancel = next(oid for oid, ids in groups.items() if ids == [stored[5].id])
    art = article(db, draft, 8).id

    # 合并: the 缩短 opinion goes into the 取消 one; its comment follows, nothing is deleted.
    merged = client.post(f"/manage/opinions/{shorter}/merge", data={"into": str(cancel)})
    assert merged.status_code == 303
    # back on the page of the review that holds the opinion merged into
    assert merged.headers["location"].endswith(f"/opinions/{art}?show={cancel}#o{cancel}")
    assert "已合并两条归纳意见" in client.get(merged.headers["location"]).text
    groups = opinions_of(db, draft)
    assert shorter not in groups and groups[cancel] == [stored[4].id, stored[5].id]
    nowhere = client.post(f"/manage/opinions/{cancel}/merge", data={"into": ""})
    assert nowhere.status_code == 400 and "请选择要合并到的归纳意见" in nowhere.text

    # 移动: the 取消 comment goes to the big opinion, then out into a new one of its own.
    moved = client.post(f"/manage/comments/{stored[5].id}/move", data={"target": str(big)})
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"#o{big}")
    assert stored[5].id in opinions_of(db, draft)[big]
    alone = client.post(f"/manage/comments/{stored[5].id}/move", data={"target": "new"})
    assert alone.status_code == 303
    groups = opinions_of(db, draft)
    assert stored[5].id not in groups[big]
    assert [stored[5].id] in groups.values()
    bad = client.post(f"/manage/comments/{stored[5].id}/move", data={"target": "x"})
    assert bad.status_code == 400 and "请选择要移到哪条归纳意见" in bad.text

    # 非意见: marked, kept, and restored.
    excluded = client.post(f"/manage/comments/{stored[4].id}/exclude",
                           data={"exclude": "1", "reason": "广告"})
    assert excluded.status_code == 303
    assert "已标记为非意见" in client.get(excluded.headers["location"]).text
    db.expire_all()
    assert db.get(Comment, stored[4].id).excluded
    restored = client.post(f"/manage/comments/{stored[4].id}/exclude", data={"exclude": "0"})
    assert restored.status_code == 303
    db.expire_all()
    assert not db.get(Comment, stored[4].id).excluded
    assert len(db.exec(select(Comment)).all()) == len(DOG_COMMENTS)


def test_review_actions_refuse_what_does_not_exist(client, engine, db):
    draft = make_draft(db)
    add_comments(db, draft, 8, DOG_COMMENTS[:2])
    merging.merge_draft(engine, draft_id=draft.id)
    (only,) = opinions_of(db, draft)
    assert client.post(f"/manage/opinions/{only}/merge", data={"into": "999999"}).status_code == 404
    assert client.post("/manage/comments/999999/move", data={"target": "new"}).status_code == 404
    assert client.post("/manage/comments/999999/exclude", data={"exclude": "1"}).status_code == 404
