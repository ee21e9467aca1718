"""Attacks that must fail safely: forced browsing, cross-point access, CSRF, XSS, SQL-ish input,
oversized and malformed uploads, receipt enumeration. Each leaves the data as it was."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func
from sqlmodel import select
from starlette.routing import Route

from legis.models import AuditLog, Comment, Draft, Meeting, Opinion, Referral, ReferralBody
from legis.services import comments as comment_service
from legis.services import merging, referrals, submissions
from legis.timefmt import today
from legis.web.routes import routes
from tests.factories import article, make_draft, make_meeting, make_point


@pytest.fixture
def world(engine, db):
    """Two contact points with a session and comments each, merged into opinions."""
    draft = make_draft(db, slug="dogs")
    point_a = make_point(db, name="甲街道联系点")
    point_a1 = make_point(db, name="甲一社区", kind="点", parent=point_a)
    point_b = make_point(db, name="乙街道联系点")
    meeting_a = make_meeting(db, draft=draft, point=point_a1, title="甲座谈会")
    meeting_b = make_meeting(db, draft=draft, point=point_b, title="乙座谈会")
    for cs, name in ((meeting_a, "甲居民"), (meeting_b, "乙居民")):
        data = comment_service.CommentInput(text=f"{name}建议延长登记期限", name=name,
                                            phone="13812345678", consent=True,
                                            article_id=article(db, draft, 8).id)
        comment_service.submit_comment(db, draft=draft, data=data, channel="现场", meeting=cs)
    merging.merge_draft(engine, draft_id=draft.id)
    db.expire_all()
    comment_b = db.exec(select(Comment).where(Comment.meeting_id == meeting_b.id)).one()
    referral = referrals.refer(db, draft_id=draft.id, opinion_ids=[comment_b.opinion_id],
                               body="乙承办单位", question="乙问题如何答复", due_on=today(),
                               today=today(), actor="clerk")
    point_b.report_level = "主站"   # B, a tree of its own, reports to the office itself
    db.add(point_b)
    submissions.submit(db, submission=submissions.submission_for(db, draft_id=draft.id,
                                                                 point_id=point_b.id),
                       actor="host_b", on=today(), office="法工委")
    db.commit()
    return {"draft": draft, "a": point_a, "a1": point_a1, "b": point_b,
            "meeting_a": meeting_a, "meeting_b": meeting_b, "referral_id": referral.id}


def manage_urls(world, db) -> list[tuple[str, str, str]]:
    """(method, url, route name) for every management route, with ids of real objects of point B."""
    comment_b = db.exec(select(Comment).where(Comment.meeting_id == world["meeting_b"].id)).one()
    values = {
        "draft_id": world["draft"].id, "meeting_id": world["meeting_b"].id,
        "point_id": world["b"].id, "opinion_id": comment_b.opinion_id,
        "comment_id": comment_b.id, "job_id": 1, "user_id": 1, "article": "overall",
        "name": "articles", "referral_id": world.get("referral_id", 1), "item_id": 1, "number": 1,
        "rest": world["meeting_b"].id,   # an address bookmarked before meetings were renamed
    }
    found = []
    for route in routes:
        if isinstance(route, Route) and route.path.startswith(("/manage", "/account")):
            path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: str(values.get(m.group(1), 1)),
                          route.path)
            found += [(method, path, route.name) for method in sorted(route.methods - {"HEAD"})]
    return found


def snapshot(db) -> dict:
    db.expire_all()
    return {model.__name__: db.exec(select(func.count()).select_from(model)).one()
            for model in (Comment, Opinion, Meeting, Draft)} | {
        "opinion_texts": sorted(o.text + o.state for o in db.exec(select(Opinion)))}


def test_a_route_without_roles_stops_start_up():
    from legis.web.routes import route

    async def page(request):
        raise AssertionError("never served")

    for roles in (frozenset(), frozenset({"resident"}), frozenset({"admin", "root"})):
        with pytest.raises(RuntimeError, match="names no valid roles"):
            route("/manage/new-page", page, "new_page", roles)
    with pytest.raises(TypeError):
        route("/manage/new-page", page, "new_page")   # roles forgotten


def test_anonymous_is_refused_everywhere(anon, world, db):
    before = snapshot(db)
    urls = manage_urls(world, db)
    assert len(urls) > 50
    for method, url, _name in urls:
        response = anon.request(method, url, data={"x": "1"})
        if method == "GET":
            assert response.status_code == 303, (url, response.status_code)
            assert response.headers["location"].startswith("/login"), url
        else:
            assert response.status_code == 401, (url, response.status_code)
            assert "重新登录" in response.text
    assert snapshot(db) == before


# Pages every host may open; they list only the host's own data.
HOST_PAGES = {"manage_index", "manage_points", "manage_meetings", "manage_meeting_new",
              "manage_meetings_template", "manage_comments", "account_password",
              "account_password_post", "manage_network", "manage_ledger", "manage_ledger_export"}
# Old /manage/sessions/… addresses only redirect; where they land is checked like any page.
OLD_ADDRESSES = {"manage_sessions_old", "manage_sessions_old_page"}


def test_host_of_another_point_is_refused(signed_in, world, db):
    host_a = signed_in("host_a", "host", world["a"])
    before = snapshot(db)
    for method, url, name in manage_urls(world, db):
        response = host_a.request(method, url, data={"x": "1"})
        if name in HOST_PAGES and method == "GET":
            assert response.status_code == 200, url
            assert "乙居民" not in response.text and "乙座谈会" not in response.text, url
            continue
        if name in HOST_PAGES:
            continue   # the password form, with nothing filled in
        if name in OLD_ADDRESSES:
            landed = host_a.get(response.headers["location"])
            assert landed.status_code in (200, 403, 404), url
            assert "乙居民" not in landed.text and "乙座谈会" not in landed.text, url
            continue
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert "Traceback" not in response.text
    assert snapshot(db) == before


def test_host_sees_only_own_subtree(signed_in, world, db):
    host_a = signed_in("host_a", "host", world["a"])
    own = host_a.get(f"/manage/meetings/{world['meeting_a'].id}")   # meeting at 甲一, under 甲
    assert own.status_code == 200 and "甲居民" in own.text
    assert "13812345678" in own.text        # their own point's resident: in full
    listing = host_a.get("/manage/meetings")
    assert "甲座谈会" in listing.text and "乙座谈会" not in listing.text
    comments = host_a.get(f"/manage/drafts/{world['draft'].id}/comments")
    assert comments.status_code == 200
    assert "甲居民建议" in comments.text and "乙居民建议" not in comments.text
    create = host_a.post("/manage/meetings", data={"draft_id": world["draft"].id,
                                                   "contact_point_id": world["b"].id,
                                                   "title": "冒名座谈会"})
    assert create.status_code == 403
    assert db.exec(select(Meeting).where(Meeting.title == "冒名座谈会")).first() is None


# What a 承办单位 user may open: their referrals (the index sends them there).
BODY_PAGES = {"manage_index", "manage_referrals", "account_password", "account_password_post"}


def test_body_user_sees_only_referrals_to_their_body(signed_in, world, db):
    """A 承办单位 user: their own referrals and nothing else; another body's user not even those."""
    mine = db.get(Referral, world["referral_id"])
    owner = signed_in("body_b", "body", body=db.get(ReferralBody, mine.body_id))
    listing = owner.get("/manage/referrals")
    assert listing.status_code == 200 and "乙问题如何答复" in listing.text
    assert owner.get(f"/manage/referrals/{mine.id}").status_code == 200
    assert owner.get("/manage/").headers["location"] == "/manage/referrals"

    stranger = signed_in("body_c", "body", body=referrals.body_named(db, name="丙承办单位"))
    before = snapshot(db)
    for method, url, name in manage_urls(world, db):
        response = stranger.request(method, url, data={"answer": "冒名答复", "x": "1"})
        if name in BODY_PAGES:
            assert response.status_code in (200, 303, 422), (url, response.status_code)
            assert "乙问题如何答复" not in response.text, url
            continue
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert "Traceback" not in response.text
    assert snapshot(db) == before
    db.expire_all()
    assert db.get(Referral, mine.id).answer == ""


def test_staff_cannot_manage_users_and_hosts_cannot_decide(signed_in, world, db):
    staff = signed_in("clerk", "staff")
    assert staff.get("/manage/users").status_code == 403
    host = signed_in("host_b", "host", world["b"])
    opinion = db.exec(select(Opinion)).first()
    response = host.post(f"/manage/opinions/{opinion.id}/disposition",
                         data={"state": "采纳"})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Opinion, opinion.id).state == "待研究"


def test_personal_data_masked_for_admin_and_other_hosts(client, signed_in, world, db):
    page = client.get(f"/manage/drafts/{world['draft'].id}/comments")
    assert "13812345678" not in page.text and "138****5678" in page.text
    staff = signed_in("clerk", "staff")
    assert "13812345678" in staff.get(f"/manage/drafts/{world['draft'].id}/comments").text


def post_routes():
    return [route.path for route in routes
            if isinstance(route, Route) and "POST" in (route.methods or ())]


@pytest.mark.parametrize("path", post_routes())
def test_cross_site_post_is_refused(client, world, db, path):
    url = re.sub(r"\{(\w+)(:\w+)?\}", "1", path).replace("/drafts/1/comments", "/drafts/dogs/comments")
    before = snapshot(db)
    for headers in ({"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "https://evil.example", "Host": "testserver"}):
        response = client.post(url, data={"text": "跨站提交", "state": "采纳"}, headers=headers)
        assert response.status_code == 403, (url, headers)
        assert "来自其他网站" in response.text
    assert snapshot(db) == before


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_strings_are_escaped_everywhere(client, anon, world, db):
    token = re.search(r'name="form_token" value="([^"]+)"', anon.get("/drafts/dogs").text).group(1)
    anon.post("/drafts/dogs/comments", data={"form_token": token, "text": HOSTILE, "name": HOSTILE,
                                             "community": HOSTILE, "consent": "1"})
    client.post(f"/manage/meetings/{world['meeting_a'].id}",
                data={"draft_id": world["draft"].id, "contact_point_id": world["a1"].id,
                      "title": HOSTILE, "place": HOSTILE})
    client.post("/manage/points", data={"name": HOSTILE, "kind": "点"})
    opinion = db.exec(select(Opinion)).first()
    client.post(f"/manage/opinions/{opinion.id}/text", data={"text": HOSTILE})
    client.post(f"/manage/opinions/{opinion.id}/disposition", data={"state": "未采纳", "reason": HOSTILE})
    pages = [client.get(f"/manage/drafts/{world['draft'].id}/comments"),
             client.get(f"/manage/meetings/{world['meeting_a'].id}"), client.get("/manage/points"),
             client.get(f"/manage/drafts/{world['draft'].id}/opinions/{opinion.article_id}"),
             client.get("/manage/meetings"), client.get("/manage/audit")]
    for page in pages:
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, page.url
    assert any("&lt;script&gt;" in page.text for page in pages)


def test_hostile_upload_file_name_is_escaped(client, db):
    upload = {"file": ('<script>alert(1)</script>.txt', "没有条文".encode(), "text/plain")}
    response = client.post("/manage/drafts/import", files=upload)
    assert response.status_code == 422 and "<script>alert(1)" not in response.text


def test_sql_looking_input_is_just_text(anon, client, world, db):
    text = "'; DROP TABLE comment; -- 建议 OR 1=1"
    token = re.search(r'name="form_token" value="([^"]+)"', anon.get("/drafts/dogs").text).group(1)
    anon.post("/drafts/dogs/comments", data={"form_token": token, "text": text})
    assert db.exec(select(Comment).where(Comment.text == text)).one()
    page = client.get(f"/manage/drafts/{world['draft'].id}/comments",
                      params={"article": "1 OR 1=1", "point": "1; DROP TABLE draft", "from": "x"})
    assert page.status_code == 200
    assert len(db.exec(select(Draft)).all()) == 1


def test_oversized_upload_is_refused_with_message(client, app, db):
    app.state.settings.max_upload_bytes = 1024
    big = {"file": ("big.txt", ("第一条　" + "字" * 2000).encode(), "text/plain")}
    response = client.post("/manage/drafts/import", files=big)
    assert response.status_code == 413 and "超过" in response.text
    assert db.exec(select(Draft)).all() == []


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/content-types"></Types>')


@pytest.mark.parametrize("kind", ["bomb", "entity", "broken", "pdf"])
def test_malicious_documents_are_refused(client, world, db, kind):
    if kind == "bomb":
        data = zip_bytes({"[Content_Types].xml": CONTENT_TYPES,
                          "word/document.xml": b"<w:document>" + b" " * 300_000_000 + b"</w:document>"})
    elif kind == "entity":
        data = zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<w:document>&b;</w:document>')})
    elif kind == "broken":
        data = b"PK\x03\x04" + b"\x00" * 200
    else:
        data = b"%PDF-1.7\n" + b"0" * 500
    before = snapshot(db)
    draft_upload = client.post("/manage/drafts/import",
                               files={"file": ("draft.docx", data, "application/octet-stream")})
    assert draft_upload.status_code in (400, 413, 422), kind
    assert "Traceback" not in draft_upload.text and 'class="error' in draft_upload.text
    sheet_upload = client.post(f"/manage/meetings/{world['meeting_a'].id}/import",
                               files={"file": ("comments.xlsx", data, "application/octet-stream")})
    assert sheet_upload.status_code in (400, 413, 422), kind
    assert "Traceback" not in sheet_upload.text
    assert snapshot(db) == before


def test_receipt_code_enumeration_is_rate_limited(anon):
    statuses = [anon.get(f"/r/AAAA{n:04d}").status_code for n in range(35)]
    assert set(statuses[:30]) == {404}
    assert statuses[-1] == 429


def test_audit_log_has_no_update_or_delete_path():
    from legis.services import audit

    assert not [name for name in dir(audit) if name.startswith(("delete", "update", "edit"))]
    assert AuditLog.__tablename__ == "auditlog"
