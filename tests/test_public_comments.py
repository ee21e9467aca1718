"""Residents: the draft list, the reading page, commenting, receipts, closed drafts, abuse limits."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select
from starlette.testclient import TestClient

from legis.models import Comment
from legis.services import comments as comment_service
from legis.timefmt import today
from tests.factories import article, make_draft, make_meeting, make_point


def token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def post_comment(client, draft, **fields):
    page = client.get(f"/drafts/{draft.slug}")
    data = {"form_token": token_of(page.text), "article_id": "", "text": "", **fields}
    return client.post(f"/drafts/{draft.slug}/comments", data=data)


def test_home_lists_open_drafts_with_deadline(client, db):
    draft = make_draft(db, slug="yangquan")
    make_draft(db, slug="hidden", open_days=None)  # still 草稿: not public
    page = client.get("/")
    assert page.status_code == 200
    assert draft.title in page.text
    assert "截止日期" in page.text and f"{draft.comment_end.year}年" in page.text
    assert "/drafts/hidden" not in page.text


def test_draft_page_shows_articles_in_order_with_outline_and_forms(client, db):
    make_draft(db, slug="yangquan")
    page = client.get("/drafts/yangquan")
    assert page.status_code == 200
    text = page.text
    assert text.index("第一条") < text.index("第十二条") < text.index("第十三条")
    assert 'id="a12"' in text                       # article anchors
    assert "第二章" in text and "养犬登记" in text     # chapter in outline and body
    assert text.count('class="comment-form"') == 13 + 1  # every article + 总体意见
    assert "提总体意见" in text
    assert 'lang="zh-CN"' in text
    assert "（一）具有完全民事行为能力" in text


def test_comment_on_article_gives_receipt_and_is_stored(client, db):
    draft = make_draft(db, slug="yangquan")
    art = article(db, draft, 12)
    response = post_comment(client, draft, article_id=str(art.id),
                            text="  建议明确粪便清理的处罚标准。  ", name="王小明", phone="138 1234 5678",
                            consent="1")
    assert response.status_code == 303
    receipt_url = response.headers["location"]
    code = re.search(r"/r/([A-Z0-9]+)", receipt_url).group(1)
    assert len(code) == 8 and not set(code) & set("01OIL")
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200
    assert code in receipt.text and "建议明确粪便清理的处罚标准。" in receipt.text
    assert "第十二条" in receipt.text and "正在研究" in receipt.text
    stored = db.exec(select(Comment)).one()
    assert stored.text == "建议明确粪便清理的处罚标准。"   # trimmed
    assert stored.phone == "13812345678" and stored.article_id == art.id
    assert stored.channel == "线上"


def test_overall_comment_has_no_article(client, db):
    draft = make_draft(db, slug="yangquan")
    response = post_comment(client, draft, text="整体上赞成，建议加强宣传。")
    assert response.status_code == 303
    assert db.exec(select(Comment)).one().article_id is None
    assert "总体意见" in client.get(response.headers["location"]).text


def test_empty_and_too_long_comment_keep_text_and_explain(client, db):
    draft = make_draft(db, slug="yangquan")
    art = article(db, draft, 3)
    empty = post_comment(client, draft, article_id=str(art.id), text="   ")
    assert empty.status_code == 422
    assert "请填写意见内容" in empty.text
    long_text = "很长的意见" * 500
    too_long = post_comment(client, draft, article_id=str(art.id), text=long_text)
    assert too_long.status_code == 422
    assert "超过了2000字" in too_long.text
    assert long_text in too_long.text            # what the user typed is still there
    assert db.exec(select(Comment)).all() == []


def test_bad_phone_and_missing_consent_are_explained(client, db):
    draft = make_draft(db, slug="yangquan")
    bad = post_comment(client, draft, text="建议延长登记有效期。", phone="12345", consent="1")
    assert bad.status_code == 422 and "电话号码格式不对" in bad.text
    no_consent = post_comment(client, draft, text="建议延长登记有效期。", name="李阿姨")
    assert no_consent.status_code == 422 and "请勾选同意" in no_consent.text
    assert db.exec(select(Comment)).all() == []


def test_json_submission_stays_on_page(client, db):
    draft = make_draft(db, slug="yangquan")
    page = client.get("/drafts/yangquan")
    response = client.post("/drafts/yangquan/comments", headers={"Accept": "application/json"},
                           data={"form_token": token_of(page.text), "text": "赞成本条。",
                                 "article_id": str(article(db, draft, 1).id)})
    body = response.json()
    assert body["ok"] and len(body["receipt_code"]) == 8 and body["form_token"]
    errors = client.post("/drafts/yangquan/comments", headers={"Accept": "application/json"},
                         data={"form_token": body["form_token"], "text": "x"}).json()
    assert not errors["ok"] and "太短" in errors["errors"]["text"]


def test_double_submission_creates_one_comment(client, db):
    make_draft(db, slug="yangquan")
    token = token_of(client.get("/drafts/yangquan").text)
    data = {"form_token": token, "text": "建议增加养犬人培训。", "article_id": ""}
    first = client.post("/drafts/yangquan/comments", data=data)
    second = client.post("/drafts/yangquan/comments", data=data)
    assert first.headers["location"] == second.headers["location"]
    assert len(db.exec(select(Comment)).all()) == 1


def test_same_page_token_serves_different_articles(client, db):
    """One page load holds a form per article; each article's comment is kept."""
    draft = make_draft(db, slug="yangquan")
    token = token_of(client.get("/drafts/yangquan").text)
    for number in (1, 2):
        client.post("/drafts/yangquan/comments", data={
            "form_token": token, "text": f"对第{number}条的意见。",
            "article_id": str(article(db, draft, number).id)})
    assert len(db.exec(select(Comment)).all()) == 2


def test_forged_token_is_refused_with_message(client, db):
    make_draft(db, slug="yangquan")
    response = client.post("/drafts/yangquan/comments", data={"form_token": "forged", "text": "赞成。"})
    assert response.status_code == 400 and "刷新页面" in response.text


def test_closed_draft_refuses_with_end_date(client, db):
    draft = make_draft(db, slug="old")
    token = token_of(client.get("/drafts/old").text)
    draft.comment_start = today() - timedelta(days=40)
    draft.comment_end = today() - timedelta(days=10)
    db.add(draft)
    db.commit()
    response = client.post("/drafts/old/comments", data={"form_token": token, "text": "还能提吗？"})
    assert response.status_code == 409
    end = draft.comment_end
    assert f"已于{end.year}年{end.month}月{end.day}日结束" in response.text
    assert db.exec(select(Comment)).all() == []
    assert "已结束" in client.get("/drafts/old").text


def test_unpublished_draft_is_not_public(client, db):
    make_draft(db, slug="secret", open_days=None)
    assert client.get("/drafts/secret").status_code == 404


def test_script_is_shown_as_text(client, db):
    draft = make_draft(db, slug="yangquan")
    response = post_comment(client, draft, text="<script>alert(1)</script>建议")
    receipt = client.get(response.headers["location"])
    assert "<script>alert(1)</script>" not in receipt.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;建议" in receipt.text


def test_emoji_and_traditional_characters_kept(client, db):
    draft = make_draft(db, slug="yangquan")
    post_comment(client, draft, text="建議增加寵物醫院👍🐶")
    assert db.exec(select(Comment)).one().text == "建議增加寵物醫院👍🐶"


def test_what_a_resident_typed_is_stored_as_typed_whatever_the_characters(client, db):
    """Form fields travel %-escaped: '+', '%', '&' and '=' in the text must come back as typed."""
    draft = make_draft(db, slug="yangquan")
    text = "建议第3条中“50%+”改为“≥50% & 不少于2/3”，即a=b+c；另：100％😀"
    answer = post_comment(client, draft, text=text, name="王 小明", phone="", consent="1")
    assert answer.status_code == 303
    stored = db.exec(select(Comment)).one()
    assert stored.text == text and stored.name == "王 小明"


def test_a_malformed_form_body_is_read_without_a_traceback(client, db):
    draft = make_draft(db, slug="yangquan")
    page = client.get(f"/drafts/{draft.slug}")
    body = f"form_token={token_of(page.text)}&text=%E5%BB%BA%E8%AE%AE%zz%E5%BB&&article_id"
    answer = client.post(f"/drafts/{draft.slug}/comments", content=body.encode(),
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 303 and "Traceback" not in answer.text
    # A broken escape is kept as sent, a cut-off character marked, the rest readable.
    assert db.exec(select(Comment.text)).one() == "建议%zz\ufffd"


def test_rate_limit_answers_429_friendly(client, db, app):
    app.state.settings.comment_rate_per_minute = 3
    draft = make_draft(db, slug="yangquan")
    codes = [post_comment(client, draft, text=f"意见第{i}条").status_code for i in range(5)]
    assert codes[:3] == [303, 303, 303]
    assert codes[3] == 429
    limited = post_comment(client, draft, text="再来一条")
    assert "请休息" in limited.text and limited.headers.get("retry-after")
    assert len(db.exec(select(Comment)).all()) == 3


def test_session_link_is_not_blocked_by_shared_wifi_limit(client, db, app):
    app.state.settings.comment_rate_per_minute = 2
    draft = make_draft(db, slug="yangquan")
    point = make_point(db)
    meeting = make_meeting(db, draft=draft, point=point)
    for i in range(6):
        page = client.get(f"/s/{meeting.token}")
        assert "您正在参加" in page.text
        response = client.post("/drafts/yangquan/comments", data={
            "form_token": token_of(page.text), "text": f"居民{i}的意见", "s": meeting.token})
        assert response.status_code == 303
    stored = db.exec(select(Comment)).all()
    assert len(stored) == 6
    assert {(c.meeting_id, c.contact_point_id, c.channel) for c in stored} == {
        (meeting.id, point.id, "现场")}


def test_honeypot_stores_nothing(client, db):
    draft = make_draft(db, slug="yangquan")
    response = post_comment(client, draft, text="广告", website="http://spam.example")
    assert response.status_code == 400
    assert db.exec(select(Comment)).all() == []


def test_receipt_lookup_normalises_code(client, db):
    draft = make_draft(db, slug="yangquan")
    location = post_comment(client, draft, text="赞成。").headers["location"]
    code = re.search(r"/r/([A-Z0-9]+)", location).group(1)
    found = client.get("/r", params={"code": f" {code[:4].lower()}-{code[4:]} "})
    assert found.status_code == 303 and found.headers["location"] == f"/r/{code}"
    missing = client.get("/r/ZZZZZZZZ")
    assert missing.status_code == 404 and "没有找到这个回执码" in missing.text


def test_large_text_mode_is_remembered(client, db):
    make_draft(db, slug="yangquan")
    response = client.post("/prefs/text-size", data={"large": "1", "next": "/drafts/yangquan"})
    assert response.status_code == 303 and response.headers["location"] == "/drafts/yangquan"
    assert 'class="large"' in client.get("/drafts/yangquan").text
    assert 'class="large"' in client.get("/").text    # survives navigation
    client.post("/prefs/text-size", data={"large": "0", "next": "https://evil.example/"})
    assert 'class="large"' not in client.get("/").text


def test_security_headers_and_cross_site_post_refused(client, db):
    make_draft(db, slug="yangquan")
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    refused = client.post("/prefs/text-size", data={"large": "1"},
                          headers={"Origin": "https://evil.example", "Host": "testserver"})
    assert refused.status_code == 403


def test_staff_comment_list_pages_keep_filters(client, db):
    from legis.services.comment_list import PAGE_SIZE

    draft = make_draft(db, slug="yangquan")
    art = article(db, draft, 12)
    for i in range(PAGE_SIZE + 5):
        data = comment_service.CommentInput(text=f"第{i}条意见", article_id=art.id)
        comment_service.submit_comment(db, draft=draft, data=data, channel="线上")
    page = client.get(f"/manage/drafts/{draft.id}/comments", params={"article": art.id,
                                                                      "channel": "线上"})
    assert f"共 <strong>{PAGE_SIZE + 5}</strong> 条意见" in page.text
    assert f'href="?article={art.id}&amp;channel=%E7%BA%BF%E4%B8%8A&amp;page=2"' in page.text
    second = client.get(f"/manage/drafts/{draft.id}/comments",
                        params={"article": art.id, "channel": "线上", "page": 2})
    assert "第2页，共2页" in second.text and "第0条意见" in second.text


def test_database_outage_is_a_clear_503(settings):
    from legis.web.app import create_app

    # A real connection failure: nothing listens on port 1.
    settings.database_url = "postgresql://nobody@127.0.0.1:1/none"
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 503
    assert "暂时无法访问数据库" in response.text and "Traceback" not in response.text


def test_the_visit_cookie_is_http_only_same_site_and_secure_over_https(settings, engine, db):
    from legis.web.app import create_app

    draft = make_draft(db, slug="yangquan")
    for https in (False, True):
        settings.https = https
        with TestClient(create_app(settings), follow_redirects=False) as browser:
            answer = post_comment(browser, draft, text=f"建议延长登记有效期，第{int(https)}次。")
        assert answer.status_code == 303
        cookie = next(v for v in answer.headers.get_list("set-cookie") if v.startswith("legis_visit="))
        assert "; HttpOnly; Path=/; SameSite=lax" in cookie
        assert cookie.endswith("; Secure") == https
        code = answer.headers["location"].split("/r/")[1].split("?")[0]
        # The browser that got the cookie reads its own receipt among "my comments".
        with TestClient(create_app(settings), cookies={"legis_visit": cookie.split(";")[0][12:]}) as same:
            assert code in same.get("/drafts/yangquan/mine").text
