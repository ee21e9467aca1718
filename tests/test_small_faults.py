"""The smaller faults of issue 15, each as a user meets it."""

from __future__ import annotations

import re
import string

from sqlmodel import select
from starlette.testclient import TestClient

from legis.models import Comment
from legis.services import accounts, paper_import
from legis.services import comments as comment_service
from tests.factories import article, make_draft, make_meeting, make_point
from tests.test_public_comments import post_comment


def test_landline_numbers_are_accepted_in_the_form_and_in_imports(client, db):
    draft = make_draft(db, slug="dogs")
    for typed, stored in (("021-62345678", "021-62345678"), ("0571—8888888", "0571-8888888"),
                          ("（010）88886666", "010-88886666")):
        response = post_comment(client, draft, text="建议延长登记有效期。", phone=typed, name="李阿姨",
                                consent="1")
        assert response.status_code == 303, response.text
        assert db.exec(select(Comment).order_by(Comment.id.desc())).first().phone == stored
    rows = paper_import.validate_paper_rows(
        [["条款", "意见内容", "电话"], ["12", "建议加大处罚力度。", "0571-8888888"]],
        [article(db, draft, 12)])
    assert rows[0].ok and rows[0].phone == "0571-8888888"
    assert "电话号码格式不对" in post_comment(client, draft, text="建议延长。", phone="0213",
                                                consent="1").text


def test_long_comment_is_kept_not_cut_and_the_limit_is_shown(client, db):
    draft = make_draft(db, slug="dogs")
    page = client.get(f"/drafts/{draft.slug}/comment").text
    box = re.search(r"<textarea[^>]*name=\"text\"[^>]*>", page).group()
    assert "maxlength" not in box                 # the browser never cuts silently
    assert "上限2000字" in page
    long_text = "建议" * 1050
    response = post_comment(client, draft, text=long_text)
    assert response.status_code == 422 and f">{long_text}</textarea>" in response.text
    assert "请删减100字" in response.text


def test_receipt_codes_in_full_width_or_lower_case_are_found(client, db):
    draft = make_draft(db, slug="dogs")
    comment, _ = comment_service.submit_comment(db, draft=draft, channel="线上",
                                                data=comment_service.CommentInput(text="建议延长。"))
    code = comment.receipt_code
    wide = code.translate(str.maketrans(string.ascii_uppercase + string.digits,
                                        "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９"))
    for typed in (code.lower(), wide, f" {code[:4]}－{code[4:].lower()} ", f"{code[:4]}　{code[4:]}"):
        response = client.get("/r", params={"code": typed})
        assert response.status_code == 303 and response.headers["location"] == f"/r/{code}", typed
    assert client.get(f"/r/{code.lower()}").status_code == 200


def test_wrong_code_returns_to_the_form_with_the_code_kept(client, db):
    response = client.get("/r", params={"code": "abcd2345"})
    assert response.status_code == 404
    field = re.search(r'<input id="code"[^>]*>', response.text).group()
    assert 'value="abcd2345"' in field and "autofocus" in field
    assert "没有找到这个回执码" in response.text
    assert "格式不对" in client.get("/r", params={"code": "？？"}).text


def test_continue_after_commenting_returns_to_the_article(client, db):
    draft = make_draft(db, slug="dogs")
    art = article(db, draft, 12)
    sent = post_comment(client, draft, text="建议明确清理责任。", article_id=str(art.id))
    receipt = client.get(sent.headers["location"]).text
    assert re.search(r'href="/drafts/dogs#a12"[^>]*>继续提意见', receipt)
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    page = client.get(f"/s/{meeting.token}").text
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    sent = client.post("/drafts/dogs/comments", data={"form_token": token, "article_id": "",
                                                     "text": "总体赞成。", "s": meeting.token})
    receipt = client.get(sent.headers["location"]).text
    assert re.search(rf'href="/s/{meeting.token}#overall"[^>]*>继续提意见', receipt)


def test_qr_poster_warns_about_a_loopback_link_and_shows_deadline_and_lookup(app, client, db):
    draft = make_draft(db, slug="dogs")
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    from tests.conftest import login

    with TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False) as local:
        login(local, "admin")
        poster = local.get(f"/manage/meetings/{meeting.id}/qr").text
    assert "居民扫了打不开" in poster and "LEGIS_BASE_URL" in poster
    assert f"意见征集截止：{draft.comment_end.year}年" in poster
    assert "凭回执码在 http://127.0.0.1:8000/r 查询" in poster
    app.state.settings.base_url = "https://yijian.example.gov.cn"
    poster = client.get(f"/manage/meetings/{meeting.id}/qr").text
    assert "居民扫了打不开" not in poster and "https://yijian.example.gov.cn/r 查询" in poster


def test_one_time_passwords_have_no_look_alike_characters():
    seen = "".join(accounts.new_password() for _ in range(300))
    assert not set(seen) & set("0Oo1lI")
    assert len(set(seen)) > 40 and all(len(accounts.new_password()) >= 12 for _ in range(5))


def test_new_user_form_does_not_default_to_admin(client, db):
    page = client.get("/manage/users").text
    select_box = re.search(r'(?s)<select id="new-role".*?</select>', page).group()
    assert re.search(r'<option value="" selected>（请选择角色）', select_box)
    response = client.post("/manage/users", data={"username": "newbie", "role": ""})
    assert "请选择角色" in response.text


# Secondary buttons looking secondary is checked in a real browser:
# tests/browser/test_journeys.py::test_staff_merge_decide_publish_and_export.


def test_entry_button_and_hint_name_the_same_key(client, db):
    draft = make_draft(db, slug="dogs")
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    page = client.get(f"/manage/meetings/{meeting.id}/entry").text
    hint = re.search(r'<p class="hint">([^<]*?)保存；', page).group(1).strip()
    button = re.search(r'<button type="submit" class="button">保存（([^）]+)）</button>', page).group(1)
    assert hint == button == "Ctrl+Enter"
    from legis.resources import resource_dir

    script = (resource_dir("static") / "entry.js").read_text(encoding="utf-8")
    assert "event.ctrlKey || event.metaKey" in script
