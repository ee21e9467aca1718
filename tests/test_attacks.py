"""Faults found by attacking legis from outside (issue 16), each replayed over HTTP against the app.

The ones that need the real server, several workers or a crowd are in test_attacks_live.py.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

import docx
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from legis.models import Comment, Draft
from legis.numerals import int_to_cn
from tests.conftest import PASSWORD, login, make_user
from tests.factories import article, make_draft, make_meeting, make_point

TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client: TestClient, path: str = "/drafts/dogs") -> str:
    return TOKEN_RE.search(client.get(path).text).group(1)


def post_comment(client: TestClient, text: str, *, token: str | None = None, slug: str = "dogs",
                 **fields) -> object:
    data = {"form_token": token or form_token(client, f"/drafts/{slug}"), "text": text,
            "article_id": ""} | fields
    return client.post(f"/drafts/{slug}/comments", data=data)


# 1 ---------------------------------------------------------------------------


def test_made_up_session_links_do_not_lift_the_rate_limit(app, anon, db):
    draft = make_draft(db, slug="dogs")
    real = make_meeting(db, draft=draft, point=make_point(db))
    other = make_meeting(db, draft=make_draft(db, slug="cats"), point=make_point(db, name="乙"))
    app.state.settings.comment_rate_per_minute = 3
    for n in range(3):
        assert post_comment(anon, f"第{n}条普通意见，建议延长期限").status_code == 303
    # Limited now; an invented `s`, or the link of another draft's session, changes nothing.
    for n, s in enumerate([*(f"x{i}" for i in range(1, 6)), other.token]):
        answer = post_comment(anon, f"伪造座谈会链接的意见{n}", s=s)
        assert answer.status_code == 429, (s, answer.status_code)
        assert "太快" in answer.text
    # A real meeting of this draft keeps its own allowance and its channel.
    assert post_comment(anon, "座谈会上居民的意见", s=real.token).status_code == 303
    stored = db.exec(select(Comment).order_by(Comment.id)).all()
    assert len(stored) == 4
    assert stored[-1].meeting_id == real.id and stored[-1].channel == "现场"
    assert all(c.meeting_id is None for c in stored[:3])


# 4 ---------------------------------------------------------------------------


def test_logout_ends_the_session_even_for_a_copied_cookie(app, db):
    make_user(db, "wang", "staff")
    with TestClient(app, follow_redirects=False) as browser:
        login(browser, "wang")
        cookie = browser.cookies.get("legis_session")
        assert browser.post("/logout").status_code == 303
    with TestClient(app, follow_redirects=False, cookies={"legis_session": cookie}) as thief:
        answer = thief.get("/manage/")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_password_change_reset_and_disable_end_other_sessions(app, client, db):
    user = make_user(db, "li", "staff")
    with TestClient(app, follow_redirects=False) as laptop, \
            TestClient(app, follow_redirects=False) as phone:
        login(laptop, "li")
        login(phone, "li")
        changed = laptop.post("/account/password", data={
            "current": PASSWORD, "password": "another-long-pass-9", "repeat": "another-long-pass-9"})
        assert changed.status_code == 303
        assert laptop.get("/manage/").status_code == 200          # this browser stays in
        assert phone.get("/manage/").status_code == 303           # the other one is out
        login(phone, "li", "another-long-pass-9")
        reset = client.post(f"/manage/users/{user.id}/reset")
        assert reset.status_code in (200, 303)
        assert laptop.get("/manage/").status_code == 303
        assert phone.get("/manage/").status_code == 303


def test_disabling_an_account_ends_its_sessions(app, client, db):
    user = make_user(db, "zhao", "staff")
    with TestClient(app, follow_redirects=False) as browser:
        login(browser, "zhao")
        assert browser.get("/manage/").status_code == 200
        client.post(f"/manage/users/{user.id}", data={
            "role": "staff", "display_name": "", "contact_point_id": "", "disabled": "1"})
        assert browser.get("/manage/").status_code == 303


# 5 ---------------------------------------------------------------------------


def test_nul_and_control_characters_are_refused_or_stripped(anon, db, caplog):
    make_draft(db, slug="dogs")
    caplog.set_level(logging.DEBUG)
    for path in ("/r/AB%00CDEFG", "/s/%00abc", "/drafts/dogs%1b", "/r?code=AB%00C"):
        answer = anon.get(path)
        assert answer.status_code == 400, path
        assert "控制字符" in answer.text
    answer = post_comment(anon, "建议\x00延长\x1b登记期限", name="王秀\x00兰",
                          phone="13812345678", consent="1")
    assert answer.status_code == 303
    stored = db.exec(select(Comment)).one()
    assert (stored.text, stored.name) == ("建议延长登记期限", "王秀兰")
    assert "13812345678" not in caplog.text and "王秀" not in caplog.text


# 6 ---------------------------------------------------------------------------


def test_a_different_comment_on_the_same_form_is_stored_not_dropped(anon, db):
    draft = make_draft(db, slug="dogs")
    article_id = str(article(db, draft, 8).id)
    token = form_token(anon)
    first = post_comment(anon, "建议延长登记有效期", token=token, article_id=article_id)
    second = post_comment(anon, "另外建议免收登记费", token=token, article_id=article_id)
    again = post_comment(anon, "建议延长登记有效期", token=token, article_id=article_id)
    assert first.status_code == second.status_code == again.status_code == 303
    assert second.headers["location"] != first.headers["location"]
    assert again.headers["location"] == first.headers["location"]
    assert sorted(c.text for c in db.exec(select(Comment))) == ["另外建议免收登记费", "建议延长登记有效期"]


def test_forms_and_personal_pages_are_never_cached(anon, client, db):
    draft = make_draft(db, slug="dogs")
    receipt = post_comment(anon, "建议延长登记有效期", name="王秀兰", phone="13812345678",
                           consent="1").headers["location"]
    for browser, path in [(anon, "/drafts/dogs"), (anon, "/drafts/dogs/comment"),
                          (anon, receipt), (anon, "/login"), (client, "/manage/"),
                          (client, f"/manage/drafts/{draft.id}/comments")]:
        answer = browser.get(path)
        assert answer.status_code == 200, path
        assert "no-store" in answer.headers.get("cache-control", ""), path
    assert "no-store" not in anon.get("/static/app.css").headers.get("cache-control", "")


# 9 ---------------------------------------------------------------------------


def test_unpublished_draft_is_not_found_and_not_named(anon, db):
    make_draft(db, slug="open")
    make_draft(db, slug="secret", open_days=None, title="某市尚未公开的保密条例（草案）")
    for answer in (anon.get("/drafts/secret"), anon.get("/drafts/secret/feedback"),
                   anon.get("/drafts/secret/comment"),
                   post_comment(anon, "试探未公开草案", token=form_token(anon, "/drafts/open"),
                                slug="secret")):
        assert answer.status_code == 404
        assert "保密条例" not in answer.text
    assert db.exec(select(Comment)).all() == []


# 10 --------------------------------------------------------------------------


def test_unknown_host_is_refused_when_hosts_are_configured(app, client, db):
    draft = make_draft(db, slug="dogs")
    meeting = make_meeting(db, draft=draft, point=make_point(db))
    app.state.settings.allowed_hosts = ("yijian.example.gov.cn",)
    page = f"/manage/meetings/{meeting.id}"
    forged = client.get(page, headers={"Host": "evil.example"})
    assert forged.status_code == 400 and "evil.example" not in forged.text
    good = client.get(page, headers={"Host": "yijian.example.gov.cn"})
    assert good.status_code == 200
    assert f"http://yijian.example.gov.cn/s/{meeting.token}" in good.text


def test_forwarded_host_is_ignored_without_a_trusted_proxy(anon, db):
    make_draft(db, slug="dogs")
    token = form_token(anon)
    answer = anon.post("/drafts/dogs/comments", data={"form_token": token, "text": "跨站提交的意见"},
                       headers={"Origin": "https://evil.example",
                                "X-Forwarded-Host": "evil.example"})
    assert answer.status_code == 403
    assert db.exec(select(Comment)).all() == []


def test_current_password_guessing_is_throttled(signed_in, db):
    browser = signed_in("sun", "staff")
    for n in range(5):
        wrong = browser.post("/account/password", data={
            "current": f"guess-{n}-xxxxx", "password": "new-long-pass-77", "repeat": "new-long-pass-77"})
        assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
    right = browser.post("/account/password", data={
        "current": PASSWORD, "password": "new-long-pass-77", "repeat": "new-long-pass-77"})
    assert right.status_code == 429 and "次数过多" in right.text
    # The password did not change: the old one still logs in from another address later.
    assert browser.get("/manage/").status_code == 200


def docx_with(parts: dict[str, bytes]) -> bytes:
    document = docx.Document()
    document.add_paragraph("某市测试条例（草案）")
    document.add_paragraph("第一条　为了测试，制定本条例。")
    plain = io.BytesIO()
    document.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for name, blob in parts.items():
            target.writestr(name, blob)
    return out.getvalue()


DTD = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'


@pytest.mark.parametrize("name,blob", [
    ("customXml/legis1.xml", b"\xff\xfe\x00\x00" + DTD.encode("utf-32-le")),
    ("customXml/legis2.xml", DTD.encode("utf-32-be")),
    ("word/extra.bin", b"\xfe\xff" + DTD.encode("utf-16-be")),
    ("word/ebcdic.xml", DTD.replace('version="1.0"', 'version="1.0" encoding="cp037"')
     .encode("cp037")),
])
def test_doctype_in_any_part_in_any_encoding_is_refused(client, db, name, blob):
    answer = client.post("/manage/drafts/import",
                         files={"file": ("draft.docx", docx_with({name: blob}), "application/octet-stream")})
    assert answer.status_code in (400, 422), name
    assert "DOCTYPE" in answer.text
    assert db.exec(select(Draft)).all() == []


def test_token_slot_name_in_a_draft_is_shown_as_written(anon, db):
    text = "某市测试条例（草案）\n第一条　本条含有 LEGISFORMTOKENSLOT 与 LEGISMEETINGSLOT 字样。\n"
    make_draft(db, slug="slot", text=text)
    page = anon.get("/drafts/slot").text
    assert "本条含有 LEGISFORMTOKENSLOT 与 LEGISMEETINGSLOT 字样" in page


# 8 ---------------------------------------------------------------------------


def test_draft_with_too_many_articles_is_refused_with_a_clear_message(app, client, db):
    app.state.settings.max_articles = 50
    text = "某市测试条例（草案）\n" + "\n".join(
        f"第{int_to_cn(i)}条　" + "有关单位应当依法办理登记。" * (1 + i % 3) for i in range(1, 52))
    answer = client.post("/manage/drafts/import",
                         files={"file": ("big.txt", text.encode(), "text/plain")})
    assert answer.status_code == 422
    assert "51条" in answer.text and "50条的上限" in answer.text
    assert db.exec(select(Draft)).all() == []
    exactly = "\n".join(text.splitlines()[:51])
    assert client.post("/manage/drafts/import",
                       files={"file": ("ok.txt", exactly.encode(), "text/plain")}).status_code == 303
