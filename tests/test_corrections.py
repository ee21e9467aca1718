"""Hosts correct their own paper work: imports remembered by file, repeats flagged, edits and withdrawals audited."""

from __future__ import annotations

from sqlmodel import select

from legis.models import AuditLog, Comment, Opinion, PaperImport
from legis.services import dispositions, merging
from tests.conftest import login, make_user
from tests.factories import make_draft, make_meeting, make_point
from tests.test_paper_import import _comments, _confirm, _upload, _xlsx

ROWS = [
    ["条款", "意见内容", "姓名", "社区", "电话"],
    ["12", "建议在小区内设置犬粪收集箱。", "李华", "东风社区", ""],
    ["8", "建议把变更登记期限延长到六十日。", "", "", ""],
    ["总体", "希望条例尽快出台。", "张强", "", "13900001111"],
]


def import_file(client, cs, rows=ROWS):
    preview = _upload(client, cs, _xlsx(rows), name="座谈会记录.xlsx")
    assert preview.status_code == 200, preview.text
    done = _confirm(client, cs, preview.text)
    assert done.status_code == 303
    return preview


def setup_meeting(db):
    from legis.timefmt import today

    draft = make_draft(db, slug="dogs")
    point = make_point(db)
    return draft, point, make_meeting(db, draft=draft, point=point, held_on=today())


def test_same_file_again_is_refused_naming_the_earlier_import(client, db):
    _draft, _point, cs = setup_meeting(db)
    import_file(client, cs)
    assert len(_comments(db)) == 3
    again = _upload(client, cs, _xlsx(ROWS), name="另存为.xlsx")
    assert again.status_code == 409
    batch = db.exec(select(PaperImport)).one()
    assert f"第{batch.id}号导入" in again.text and "座谈会记录.xlsx" in again.text and "3条意见" in again.text
    assert len(_comments(db)) == 3
    # Into another meeting the same file is a new import.
    other = make_meeting(db, draft=_draft, point=_point, held_on=cs.held_on, title="第二场")
    import_file(client, other)
    assert len(_comments(db)) == 6


def test_row_repeating_a_stored_comment_is_flagged(client, db):
    _draft, _point, cs = setup_meeting(db)
    import_file(client, cs)
    new = ["5", "建议增加疫苗接种点。", "", "", ""]
    changed = [ROWS[0], ROWS[1], new, new, ["12", "建议在小区内设置犬粪收集箱。", "李四", "", ""]]
    preview = _upload(client, cs, _xlsx(changed))
    assert preview.status_code == 200     # a warning, not an error: the host decides
    assert "2行可能是重复录入" in preview.text and "第2行、第4行" in preview.text
    assert "本场座谈会已有一条相同的意见" in preview.text and "与本表第3行相同" in preview.text


def test_host_edits_own_paper_comment_and_history_keeps_the_original(app, db):
    from starlette.testclient import TestClient

    _draft, point, cs = setup_meeting(db)
    make_user(db, "host1", "host", point)
    make_user(db, "host2", "host", point)
    with TestClient(app, follow_redirects=False) as host, TestClient(app, follow_redirects=False) as other:
        login(host, "host1")
        login(other, "host2")
        import_file(host, cs)
        comment = _comments(db)[0]
        url = f"/manage/comments/{comment.id}/correct"
        assert other.get(url).status_code == 403          # not who entered it
        bad = host.post(url, data={"article": "99", "text": "建议在小区内设置犬粪收集箱和拾便袋。"})
        assert bad.status_code == 422 and "草案中没有第九十九条" in bad.text
        assert "建议在小区内设置犬粪收集箱和拾便袋。</textarea>" in bad.text
        done = host.post(url, data={"article": "11", "text": "建议在小区内设置犬粪收集箱和拾便袋，电话13812345678。"})
        assert done.status_code == 303
        db.expire_all()
        edited = db.get(Comment, comment.id)
        assert edited.text.startswith("建议在小区内设置犬粪收集箱和拾便袋") and edited.personal_data == "电话"
        page = host.get(url).text
        assert "原文“建议在小区内设置犬粪收集箱。”" in page
        entry = db.exec(select(AuditLog).where(AuditLog.action == "comment.edit")).one()
        assert entry.actor == "host1" and entry.before["text"] == "建议在小区内设置犬粪收集箱。"


def test_withdrawn_comments_leave_merge_and_counts_but_stay_stored(client, engine, db):
    draft, _point, cs = setup_meeting(db)
    import_file(client, cs)
    first = _comments(db)[0]
    url = f"/manage/comments/{first.id}/withdraw"
    missing = client.post(url, data={"reason": " "})
    assert missing.status_code == 422 and "请写明撤回的原因" in missing.text
    assert client.post(url, data={"reason": "重复录入"}).status_code == 303
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    kept = db.get(Comment, first.id)
    assert kept.withdrawn and kept.opinion_id is None and kept.text == "建议在小区内设置犬粪收集箱。"
    csv = client.get(f"/manage/drafts/{draft.id}/export?format=csv&kind=comments").content.decode("utf-8-sig")
    assert "犬粪收集箱" not in csv and "变更登记期限" in csv
    assert "已撤回" in client.get(f"/manage/meetings/{cs.id}").text
    receipt = client.get(f"/r/{kept.receipt_code}").text
    assert "已由录入人撤回" in receipt


def test_withdrawing_an_import_withdraws_all_its_rows(client, db):
    _draft, _point, cs = setup_meeting(db)
    import_file(client, cs)
    batch = db.exec(select(PaperImport)).one()
    page = client.get(f"/manage/meetings/{cs.id}").text
    assert f"第{batch.id}号导入" in page
    done = client.post(f"/manage/meetings/{cs.id}/imports/{batch.id}/withdraw", data={"reason": "导错了场次"})
    assert done.status_code == 303
    rows = _comments(db)
    assert len(rows) == 3 and all(c.withdrawn and c.withdrawn_reason == "导错了场次" for c in rows)
    # Withdrawn, the same file may be imported again.
    import_file(client, cs)
    assert len([c for c in _comments(db) if not c.withdrawn]) == 3


def test_decided_opinion_locks_its_comments(client, engine, db):
    draft, _point, cs = setup_meeting(db)
    import_file(client, cs)
    merging.merge_draft(engine, draft_id=draft.id)
    first = _comments(db)[0]
    opinion = db.get(Opinion, first.opinion_id)
    dispositions.decide(db, opinion=opinion, state="采纳", actor="staff")
    db.commit()
    refused = client.post(f"/manage/comments/{first.id}/withdraw", data={"reason": "录错"})
    assert refused.status_code == 409 and "已作出处理决定（采纳）" in refused.text
    db.expire_all()
    assert not db.get(Comment, first.id).withdrawn
