"""The network pages over HTTP: a host reports, the station returns, the office tracks, feedback
prints without personal data, a body answers its referral, the 台账 downloads."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import select

from legis.models import Comment, Opinion, Referral, Submission
from legis.services import comments as comment_service
from legis.services import dispositions, merging, referrals
from legis.services import opinions as opinions_service
from legis.timefmt import today
from tests.factories import article, make_draft, make_meeting, make_three_level_tree


@pytest.fixture
def net(engine, db):
    draft = make_draft(db, slug="dogs", points_deadline=today() + timedelta(days=3))
    tree = make_three_level_tree(db)
    for point, text, phone in ((tree["a"], "建议把变更登记期限延长到六十日", "13812345678"),
                               (tree["b"], "烈性犬目录应由公安机关公布，联系我13911112222", "13911112222")):
        cs = make_meeting(db, draft=draft, point=point, title=f"{point.name}座谈会", participant_count=9)
        data = comment_service.CommentInput(text=text, name="王秀兰", phone=phone, consent=True,
                                            article_id=article(db, draft, 8).id)
        comment_service.submit_comment(db, draft=draft, data=data, channel="现场", meeting=cs)
    db.commit()
    return {"draft": draft, **tree}


def url(net, point, tail=""):
    return f"/manage/drafts/{net['draft'].id}/submissions/{net[point].id}{tail}"


def test_report_up_review_and_track(signed_in, net, db):
    host_a = signed_in("host_a", "host", net["a"])
    host_b = signed_in("host_b", "host", net["b"])
    host_s = signed_in("host_s", "host", net["s"])
    page = host_a.get(url(net, "a"))
    assert page.status_code == 200 and "建议把变更登记期限延长到六十日" in page.text
    assert "报送给东风片区实践站" in page.text
    assert host_a.post(url(net, "a", "/cover"), data={"cover_note": "座谈会一场"}).status_code == 303
    assert host_a.post(url(net, "a", "/submit")).status_code == 303
    assert host_b.post(url(net, "b", "/submit")).status_code == 303
    # A sibling cannot open or review another point's submission.
    assert host_a.get(url(net, "b")).status_code == 403
    assert host_a.post(url(net, "b", "/review"), data={"decision": "accept"}).status_code == 403
    returned = host_s.post(url(net, "b", "/review"), data={"decision": "return", "note": "请补充照片"})
    assert returned.status_code == 303
    follow = host_b.get(url(net, "b"))
    assert "请补充照片" in follow.text and "已退回" in follow.text
    # The frozen version downloads as the .docx that was submitted.
    doc = host_a.get(url(net, "a", "/versions/1.docx"))
    assert doc.status_code == 200
    assert "东风一社区联系点" in "\n".join(p.text for p in Document(io.BytesIO(doc.content)).paragraphs)
    # A submitted version cannot be edited any more.
    host_a.post(url(net, "a", "/cover"), data={"cover_note": "改过的说明"})
    db.expire_all()
    sub_a = db.exec(select(Submission).where(Submission.contact_point_id == net["a"].id)).one()
    assert sub_a.cover_note == "座谈会一场" and sub_a.state == "已报送"

    staff = signed_in("clerk", "staff")
    table = staff.get(f"/manage/drafts/{net['draft'].id}/tracking")
    assert table.status_code == 200
    for name in ("东风一社区联系点", "东风二社区联系点", "东风片区实践站"):
        assert name in table.text
    assert "已退回" in table.text and "请补充照片" in table.text
    filtered = staff.get(f"/manage/drafts/{net['draft'].id}/tracking?station={net['s'].id}")
    assert "东风一社区联系点" in filtered.text
    bad = staff.post(f"/manage/drafts/{net['draft'].id}/points-deadline", data={"points_deadline": "明天"})
    assert bad.status_code == 303
    assert "日期格式不对" in staff.get(bad.headers["location"]).text
    assert host_a.get(f"/manage/drafts/{net['draft'].id}/tracking").status_code == 403


def test_feedback_sheet_prints_without_personal_data(engine, signed_in, client, net, db):
    merging.merge_draft(engine, draft_id=net["draft"].id)
    db.expire_all()
    for opinion in db.exec(select(Opinion)).all():
        dispositions.decide(db, opinion=opinion, state="未采纳", reason="上位法已有规定", actor="clerk")
    draft = net["draft"]
    opinions_service.approve(db, draft_id=draft.id, actor="clerk",
                             opinion_ids=[o.id for o in db.exec(select(Opinion)).all()])
    host_b = signed_in("host_b", "host", net["b"])
    assert host_b.get(f"/manage/drafts/{draft.id}/feedback/{net['b'].id}").status_code == 409
    dispositions.set_published(db, draft=draft, published=True, actor="clerk")
    db.commit()
    page = host_b.get(f"/manage/drafts/{draft.id}/feedback/{net['b'].id}")
    assert page.status_code == 200
    board = page.text.split('<article class="notice-board">')[1].split("</article>")[0]
    assert "烈性犬目录应由公安机关公布" in board and "上位法已有规定" in board
    assert "13911112222" not in board and "139****2222" in board
    assert "延长到六十日" not in board             # point A's opinion is not B's
    assert "13911112222" in page.text              # the host's list of whom to tell
    admin_view = client.get(f"/manage/drafts/{draft.id}/feedback/{net['b'].id}")
    assert "13911112222" not in admin_view.text
    docx = host_b.get(f"/manage/drafts/{draft.id}/feedback/{net['b'].id}/docx")
    cells = [c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells]
    assert any("烈性犬目录" in c for c in cells) and not any("13911112222" in c for c in cells)
    network = host_b.get("/manage/network")
    assert f"/manage/drafts/{draft.id}/feedback/{net['b'].id}" in network.text


def test_referral_answered_by_its_body(engine, signed_in, net, db):
    merging.merge_draft(engine, draft_id=net["draft"].id)
    db.expire_all()
    opinion = db.exec(select(Opinion)).first()
    staff = signed_in("clerk", "staff")
    draft_id = net["draft"].id
    missing = staff.post(f"/manage/drafts/{draft_id}/referrals",
                         data={"opinion": opinion.id, "body": "市公安局", "question": ""})
    assert "请写明" in staff.get(missing.headers["location"]).text
    made = staff.post(f"/manage/drafts/{draft_id}/referrals",
                      data={"opinion": opinion.id, "body": "市公安局", "question": "期限能否延长？",
                            "due_on": str(today() + timedelta(days=5))})
    assert made.status_code == 303
    referral = db.exec(select(Referral)).one()
    police = signed_in("police", "body", body=referrals.body_named(db, name="市公安局"))
    assert police.post(f"/manage/referrals/{referral.id}/answer",
                       data={"answer": "可以延长"}).status_code == 303
    assert police.post(f"/manage/referrals/{referral.id}/reason").status_code == 403
    lists = staff.get(f"/manage/referrals?draft={draft_id}")
    assert "问题 <strong>2</strong> / 交办 <strong>1</strong> / 办结 <strong>1</strong>" in lists.text
    assert staff.post(f"/manage/referrals/{referral.id}/reason").status_code == 303
    db.expire_all()
    assert db.get(Opinion, opinion.id).reason == "可以延长"


def test_ledger_page_and_export_limited_to_the_hosts_subtree(engine, signed_in, net, db):
    merging.merge_draft(engine, draft_id=net["draft"].id)
    host_s = signed_in("host_s", "host", net["s"])
    page = host_s.get("/manage/ledger")
    assert page.status_code == 200 and "东风一社区联系点" in page.text
    assert "东风街道代表之家" not in page.text.split("<table>")[1]   # above the host: not theirs
    book = load_workbook(io.BytesIO(host_s.get("/manage/ledger/export.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    station = next(r for r in rows if r[1] == "东风片区实践站")
    comments = len(db.exec(select(Comment)).all())
    assert station[8] == comments and station[0] == 1
    assert host_s.get(f"/manage/ledger/points/{net['root'].id}").status_code == 403
    record = host_s.get(f"/manage/ledger/points/{net['s'].id}?year=all")
    assert "先后对1部法规草案征集意见建议" in record.text
