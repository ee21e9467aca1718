"""Staff accounts: login, throttling, logout, password change, admin user management, first admin."""

from __future__ import annotations

import re

from sqlmodel import select

from legis.cli import ensure_first_admin, main
from legis.models import AuditLog, User
from legis.services import passwords
from tests.conftest import PASSWORD, login, make_user


def test_login_and_logout(anon, db):
    make_user(db, "clerk", "staff")
    page = anon.get("/manage/")
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    response = anon.post("/login", data={"username": "clerk", "password": PASSWORD,
                                         "next": "/manage/"})
    assert response.status_code == 303 and response.headers["location"] == "/manage/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert anon.get("/manage/").status_code == 200
    anon.post("/logout")
    assert anon.get("/manage/").status_code == 303
    actions = [a.action for a in db.exec(select(AuditLog))]
    assert "login" in actions and "logout" in actions


def test_wrong_password_and_unknown_user_get_the_same_answer(anon, db):
    make_user(db, "clerk", "staff")
    wrong = anon.post("/login", data={"username": "clerk", "password": "nope-nope-nope"})
    unknown = anon.post("/login", data={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    message = "用户名或密码不正确"
    assert message in wrong.text and message in unknown.text
    assert "不存在" not in unknown.text


def test_throttling_after_five_failures_per_username(anon, db):
    make_user(db, "clerk", "staff")
    for _ in range(5):
        assert anon.post("/login", data={"username": "clerk", "password": "x" * 12}).status_code == 401
    blocked = anon.post("/login", data={"username": "clerk", "password": PASSWORD})
    assert blocked.status_code == 429 and "15分钟后再试" in blocked.text
    assert anon.get("/manage/").status_code == 303      # still not signed in


def test_throttling_per_client_across_usernames(anon, db):
    make_user(db, "clerk", "staff")
    for i in range(5):
        anon.post("/login", data={"username": f"guess{i}", "password": "x" * 12})
    assert anon.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 429


def test_old_login_attempts_are_pruned_and_recent_failures_still_count(anon, db):
    from datetime import timedelta

    from legis.models import LoginAttempt, utcnow

    make_user(db, "clerk", "staff")
    month_ago = utcnow() - timedelta(days=30)
    db.add_all(LoginAttempt(username=f"old{i}", client="testclient", at=month_ago) for i in range(50))
    db.commit()
    for _ in range(4):
        assert anon.post("/login", data={"username": "clerk", "password": "x" * 12}).status_code == 401
    db.expire_all()
    kept = db.exec(select(LoginAttempt)).all()
    assert len(kept) == 4 and all(a.username == "clerk" for a in kept)
    # The four recent failures still count: one more wrong password, and the right one waits.
    assert anon.post("/login", data={"username": "clerk", "password": "x" * 12}).status_code == 401
    assert anon.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 429


def test_disabled_user_cannot_log_in_and_loses_session(client, signed_in, db):
    clerk_client = signed_in("clerk", "staff")
    assert clerk_client.get("/manage/").status_code == 200
    clerk = db.exec(select(User).where(User.username == "clerk")).one()
    client.post(f"/manage/users/{clerk.id}", data={"role": "staff", "disabled": "1",
                                                   "display_name": ""})
    assert clerk_client.get("/manage/").status_code == 303     # the old cookie is dead
    again = clerk_client.post("/login", data={"username": "clerk", "password": PASSWORD})
    assert again.status_code == 401


def test_admin_creates_user_with_one_time_password_and_first_login_forces_change(client, anon, db):
    page = client.post("/manage/users", data={"username": "host1", "role": "staff",
                                              "display_name": "张联络"})
    password = re.search(r'class="receipt-code">([^<]+)<', page.text).group(1)
    login(anon, "host1", password)
    forced = anon.get("/manage/")
    assert forced.status_code == 303 and forced.headers["location"] == "/account/password"
    mismatch = anon.post("/account/password", data={"current": password, "password": "a-new-pass-123",
                                                    "repeat": "different-123"})
    assert mismatch.status_code == 422 and "不一致" in mismatch.text
    short = anon.post("/account/password", data={"current": password, "password": "short",
                                                 "repeat": "short"})
    assert "至少需要10位" in short.text
    done = anon.post("/account/password", data={"current": password, "password": "a-new-pass-123",
                                                "repeat": "a-new-pass-123"})
    assert done.status_code == 303
    assert anon.get("/manage/").status_code == 200
    anon.post("/logout")
    assert anon.post("/login", data={"username": "host1", "password": password}).status_code == 401
    login(anon, "host1", "a-new-pass-123")


def test_admin_resets_a_forgotten_password(client, signed_in, anon, db):
    clerk_client = signed_in("clerk", "staff")
    clerk = db.exec(select(User).where(User.username == "clerk")).one()
    page = client.post(f"/manage/users/{clerk.id}/reset")
    assert page.status_code == 200 and "已为 <strong>clerk</strong> 生成一次性密码" in page.text
    password = re.search(r'class="receipt-code">([^<]+)<', page.text).group(1)
    assert clerk_client.get("/manage/").status_code == 303     # signed out everywhere
    assert anon.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 401
    login(anon, "clerk", password)
    forced = anon.get("/manage/")
    assert forced.status_code == 303 and forced.headers["location"] == "/account/password"
    assert client.post("/manage/users/999999/reset").status_code == 404
    actions = [a.action for a in db.exec(select(AuditLog))]
    assert "user.reset_password" in actions


def test_only_an_admin_resets_passwords(signed_in, db):
    staff = signed_in("clerk", "staff")
    other = make_user(db, "other", "staff")
    refused = staff.post(f"/manage/users/{other.id}/reset")
    assert refused.status_code == 403
    db.expire_all()
    assert passwords.verify(db.get(User, other.id).password_hash, PASSWORD)


def test_host_requires_contact_point(client):
    page = client.post("/manage/users", data={"username": "h2", "role": "host"})
    assert page.status_code == 422 and "联络员必须指定所属联系点" in page.text


def test_last_admin_cannot_be_disabled(client, db):
    admin = db.exec(select(User).where(User.username == "admin")).one()
    client.post(f"/manage/users/{admin.id}", data={"role": "admin", "disabled": "1"})
    db.expire_all()
    assert not db.get(User, admin.id).disabled


def test_audit_log_is_visible_to_admin_only(client, signed_in):
    page = client.get("/manage/audit")
    assert page.status_code == 200 and "login" in page.text
    staff = signed_in("clerk", "staff")
    assert staff.get("/manage/audit").status_code == 403


def test_create_user_cli_prints_one_time_password(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["create-user", "--role", "admin"]) == 0
    out = capsys.readouterr().out
    assert "已创建用户 admin" in out
    password = re.search(r"一次性密码：(\S+)", out).group(1)
    assert len(password) >= 12


def test_create_body_user_cli_needs_its_body(database_url, engine, db, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["create-user", "police", "--role", "body"]) == 1
    assert "承办单位" in capsys.readouterr().err
    assert main(["create-user", "police", "--role", "body", "--body", "市公安局"]) == 0
    from legis.models import ReferralBody

    user = db.exec(select(User).where(User.username == "police")).one()
    assert db.get(ReferralBody, user.body_id).name == "市公安局"


def test_first_admin_only_on_empty_database(engine, db):
    password = ensure_first_admin(engine)
    assert password and len(password) >= 12
    user = db.exec(select(User)).one()
    assert user.role == "admin" and user.must_change_password
    assert passwords.verify(user.password_hash, password)
    assert ensure_first_admin(engine) is None       # printed once, never again
    assert len(db.exec(select(User)).all()) == 1


def test_password_is_stored_as_argon2_hash(db):
    user = make_user(db, "clerk", "staff")
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


def test_a_session_cookie_keeps_starlettes_format(anon, db, settings, engine):
    """Staff signed in before an upgrade stay signed in: the cookie legis writes is the one
    Starlette's SessionMiddleware reads and writes, both ways."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def rewrite(request):
        request.session["auth"] = list(request.session["auth"])   # marks it changed: re-signed
        return JSONResponse(request.session)

    secret = settings.ensure_secret_key(engine)
    plain = Starlette(routes=[Route("/", rewrite)], middleware=[
        Middleware(SessionMiddleware, secret_key=secret, session_cookie="legis_session",
                   max_age=12 * 3600)])
    make_user(db, "clerk", "staff")
    login(anon, "clerk")
    with TestClient(plain) as other:
        other.cookies.set("legis_session", anon.cookies["legis_session"])
        answer = other.get("/")
        assert answer.status_code == 200 and answer.json()["auth"]
        rewritten = answer.cookies["legis_session"]
    anon.cookies.clear()
    assert anon.get("/manage/").status_code == 303
    anon.cookies.set("legis_session", rewritten)
    assert anon.get("/manage/").status_code == 200
    anon.post("/logout")
    assert anon.get("/manage/").status_code == 303
