"""A resident's personal data typed into a comment reaches no public page and no masked export."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from docx import Document
from sqlmodel import select

from legis.models import Comment, Opinion
from legis.services import dispositions, merging
from legis.services import opinions as opinion_service
from tests.factories import article, make_draft, make_meeting, make_point

# Each secret is something a resident typed; none may appear in public or masked output.
TEXTS = [
    ("我是幸福里3号楼502的王秀兰，电话13812345678，身份证370102195001011234，"
     "建议将变更登记期限由三十日延长至六十日。"),
    "建议将变更登记期限由三十日延长至六十日。我叫赵建国，座机021-62345678，住5栋2单元301室。",
    "变更登记期限建议延长到六十日，联系人：欧阳娜娜，邮箱 ouyang.nn@163.com，0571—8888888。",
]
SECRETS = ["王秀兰", "13812345678", "370102195001011234", "3号楼502", "赵建国", "62345678",
           "2单元301室", "欧阳娜娜", "ouyang.nn@163.com", "8888888"]


@pytest.fixture
def published(engine, db, client):
    draft = make_draft(db, slug="dogs")
    point = make_point(db)
    meeting = make_meeting(db, draft=draft, point=point)
    eight = article(db, draft, 8).id
    receipts = []
    for text in TEXTS:
        response = client.post("/drafts/dogs/comments", data={
            "text": text, "article_id": str(eight), "form_token": client.get(
                "/drafts/dogs/comment").text.split('name="form_token" value="')[1].split('"')[0],
            "s": meeting.token})
        assert response.status_code == 303, response.text
        receipts.append(response.headers["location"].split("/r/")[1].split("?")[0])
    merging.merge_draft(engine, draft_id=draft.id)
    first = db.exec(select(Comment).order_by(Comment.id)).first()
    return draft, db.get(Opinion, first.opinion_id), receipts


def test_comment_is_flagged_when_stored(db, published):
    flags = [c.personal_data for c in db.exec(select(Comment).order_by(Comment.id))]
    assert flags == ["姓名、电话、身份证号、住址", "姓名、电话、住址", "姓名、电话、邮箱"]


def test_engine_text_is_masked_and_waits_for_approval(client, db, published):
    draft, opinion, receipts = published
    assert opinion.approved is False
    assert not any(secret in opinion.text for secret in SECRETS)
    dispositions.decide(db, opinion=opinion, state="部分采纳", reason="调整为四十五日", actor="staff")
    db.commit()
    client.post(f"/manage/drafts/{draft.id}/publish", data={"publish": "1", "confirm": "1"})
    wall = client.get("/drafts/dogs/feedback").text
    assert "意见正在整理中" in wall and "调整为四十五日" not in wall
    everyone = db.exec(select(Opinion)).all()
    assert all(secret not in o.text for o in everyone for secret in SECRETS)
    opinion_service.approve(db, draft_id=draft.id, opinion_ids=[o.id for o in everyone], actor="staff")
    db.commit()
    wall = client.get("/drafts/dogs/feedback").text
    assert "调整为四十五日" in wall and "延长" in wall
    pages = [wall] + [client.get(f"/r/{code}").text for code in receipts]
    for page in pages:
        for secret in SECRETS:
            assert secret not in page, secret
    first = client.get(f"/r/{receipts[0]}").text
    assert "电话138****5678" in first and "身份证3701**********1234" in first and "王某" in first
    assert "3号楼***" in first and "公开显示时已隐去" in first


def test_masked_exports_hold_no_personal_data_and_internal_keeps_it(client, signed_in, db, published):
    draft, _opinion, _receipts = published
    base = f"/manage/drafts/{draft.id}/export"
    docx = Document(io.BytesIO(client.get(f"{base}?format=docx").content))
    outputs = ["\n".join(p.text for p in docx.paragraphs)
               + "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)]
    for kind in ("opinions", "comments"):
        outputs.append(client.get(f"{base}?format=csv&kind={kind}").content.decode("utf-8-sig"))
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}?format=xlsx&kind={kind}").content))
        outputs.append("\n".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True)
                                 for v in r if v is not None))
    meeting_id = db.exec(select(Comment.meeting_id)).first()
    book = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/manage/meetings/{meeting_id}/export.xlsx").content))
    outputs.append("\n".join(str(v) for r in book.active.iter_rows(values_only=True) for v in r if v))
    for output in outputs:
        for secret in SECRETS:
            assert secret not in output, secret
    assert "138****5678" in outputs[3]
    internal = signed_in("clerk", "staff").get(f"{base}?format=csv&kind=comments&internal=1")
    rows = list(csv.reader(io.StringIO(internal.content.decode("utf-8-sig"))))
    assert any("13812345678" in cell for row in rows for cell in row)


def test_staff_see_original_and_flag_admins_see_it_masked(client, signed_in, db, published):
    draft, opinion, _receipts = published
    staff = signed_in("clerk", "staff")
    for url in (f"/manage/drafts/{draft.id}/opinions/{opinion.article_id}",
                f"/manage/drafts/{draft.id}/comments"):
        page = staff.get(url).text
        assert "13812345678" in page and "含个人信息：姓名、电话、身份证号、住址" in page
        # System administrators manage accounts, not residents' data.
        page = client.get(url).text
        assert "13812345678" not in page and "138****5678" in page and "含个人信息" in page


def test_staff_text_with_personal_data_is_refused(db, published):
    from legis.errors import LegisError

    _draft, opinion, _r = published
    with pytest.raises(LegisError, match="个人信息（电话）"):
        opinion_service.edit_text(db, opinion=opinion, text="建议延长，联系13900001111", actor="s")
