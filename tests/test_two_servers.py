"""Two app servers behind one load balancer, sharing one PostgreSQL and nothing else.

Each server is a real `legis serve` on its own loopback port with its own
LEGIS_DATA_DIR and no LEGIS_SECRET_KEY, so anything kept on one server's disk or
in one process shows up here as a request on the other server that fails. One
browser (one cookie jar: cookies ignore the port, as behind a load balancer)
sends each step of a task to a different server.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx
import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from legis.db import make_engine
from legis.models import Comment, Draft, Job, Opinion
from legis.services import accounts
from legis.web.stamp_cache import FRESH_SECONDS
from tests.conftest import PASSWORD
from tests.factories import SAMPLE_TEXT, article, make_draft, make_meeting, make_point
from tests.live import running_server, server_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("LEGIS_TEST_DATABASE_URL"),
                       reason="several servers share one PostgreSQL; SQLite is one machine's file"),
]
COMMENT_RATE = 6
TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def two_servers(tmp_path, database_url):
    """(base A, base B, engine): two servers on one database, each with its own data directory."""
    bases = []
    servers = []
    for name in ("a", "b"):
        env = server_env(tmp_path / name, database_url, LEGIS_COMMENT_RATE=str(COMMENT_RATE))
        del env["LEGIS_SECRET_KEY"]   # the key the servers share must come from the database
        server = running_server(env, log=tmp_path / f"server-{name}.log")
        base, _process = server.__enter__()
        servers.append(server)
        bases.append(base)
    engine = make_engine(database_url)
    try:
        yield bases[0], bases[1], engine
    finally:
        for server in reversed(servers):
            server.__exit__(None, None, None)
        engine.dispose()


def arrange(engine) -> dict:
    with Session(engine, expire_on_commit=False) as session:
        draft = make_draft(session, slug="dogs")
        point = make_point(session)
        meeting = make_meeting(session, draft=draft, point=point)
        for username, role, point_id in (("host", "host", point.id), ("wang", "staff", None)):
            accounts.create_user(session, username=username, role=role, password=PASSWORD,
                                 contact_point_id=point_id)
        session.commit()
        target = article(session, draft, 8)
        return {"draft": draft, "meeting_id": meeting.id, "article_id": target.id,
                "version_id": target.version_id}


@contextmanager
def sign_in(base: str, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as client:
        answer = client.post(f"{base}/login", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 303, answer.text[:300]
        yield client


def paper_comments_xlsx(rows: list[tuple[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["条款", "意见内容", "姓名", "社区", "电话"])
    for ref, text in rows:
        sheet.append([ref, text, "", "东风社区", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stored_texts(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Comment.text).order_by(Comment.id)))


def test_a_host_previews_on_one_server_and_confirms_on_the_other(two_servers, tmp_path):
    a, b, engine = two_servers
    meeting_id = arrange(engine)["meeting_id"]
    texts = [f"第{n}位居民在座谈会上书面提出：建议明确犬只登记的办理地点，编号{n}。" for n in range(3)]
    with sign_in(a, "host") as host:   # signed in on A: the session is valid on B too
        preview = host.post(f"{a}/manage/meetings/{meeting_id}/import", data={"channel": "书面"},
                            files={"file": ("意见.xlsx", paper_comments_xlsx(
                                [("第八条", t) for t in texts]), "application/octet-stream")})
        assert preview.status_code == 200, preview.text[:500]
        pending = re.search(r'name="pending" value="([^"]+)"', preview.text).group(1)
        assert stored_texts(engine) == []   # a preview stores nothing yet

        confirmed = host.post(f"{b}/manage/meetings/{meeting_id}/import/confirm",
                              data={"pending": pending})
        assert confirmed.status_code == 303, confirmed.text[:500]
        assert stored_texts(engine) == texts
        assert texts[0] in host.get(f"{a}{confirmed.headers['location']}").text

        again = host.post(f"{a}/manage/meetings/{meeting_id}/import/confirm",
                          data={"pending": pending})
        assert again.status_code in (303, 409)
        assert stored_texts(engine) == texts   # sent again to the other server: not stored twice
    for name in ("a", "b"):   # nothing of the upload was kept on either server's disk
        assert not (tmp_path / name / "var" / "uploads").exists()


def test_a_residents_comment_limit_counts_on_both_servers_together(two_servers):
    a, b, engine = two_servers
    ids = arrange(engine)
    with httpx.Client(timeout=60) as resident:
        answers = []
        for n in range(COMMENT_RATE + 1):
            # The form comes from one server and is sent to the other.
            page, post = (a, b) if n % 2 else (b, a)
            token = TOKEN_RE.search(resident.get(f"{page}/drafts/dogs").text).group(1)
            answers.append(resident.post(f"{post}/drafts/dogs/comments", data={
                "form_token": token, "article_id": str(ids["article_id"]),
                "text": f"建议把养犬登记的有效期延长到两年，第{n}次提交。"}))
    assert [r.status_code for r in answers[:COMMENT_RATE]] == [303] * COMMENT_RATE
    refused = answers[COMMENT_RATE]
    assert refused.status_code == 429
    assert "提交" in refused.text and "Traceback" not in refused.text
    assert len(stored_texts(engine)) == COMMENT_RATE


def test_a_staff_edit_on_one_server_shows_on_the_others_draft_page(two_servers):
    a, b, engine = two_servers
    draft = arrange(engine)["draft"]
    before = httpx.get(f"{b}/drafts/dogs", timeout=60)   # B has made (and may keep) the page
    assert before.status_code == 200 and draft.title in before.text
    new_title = "某市养犬管理条例（草案修改稿）"
    with sign_in(a, "wang") as staff:
        saved = staff.post(f"{a}/manage/drafts/{draft.id}", data={
            "title": new_title, "issuing_body": draft.issuing_body,
            "description": draft.description, "status": draft.status,
            "comment_start": (draft.comment_start or "") and draft.comment_start.isoformat(),
            "comment_end": (draft.comment_end or "") and draft.comment_end.isoformat()})
        assert saved.status_code == 303, saved.text[:500]
    # B read the draft's stamp moments ago and takes it as current for FRESH_SECONDS; after
    # that, a browser that kept the old page asks B whether it changed.
    time.sleep(FRESH_SECONDS)
    headers = {"If-None-Match": before.headers["etag"]} if "etag" in before.headers else {}
    after = httpx.get(f"{b}/drafts/dogs", headers=headers, timeout=60)
    assert after.status_code == 200
    assert new_title in after.text
    with Session(engine) as session:
        assert session.get(Draft, draft.id).title == new_title


def test_a_new_version_imported_across_servers_shows_on_every_draft_page(two_servers):
    """Version import previewed on A, reviewed on B, confirmed on A; the articles residents
    read change on both servers (B had made the page from the old version first)."""
    a, b, engine = two_servers
    draft = arrange(engine)["draft"]
    old, new = "第八条　养犬人变更住所的，应当在三十日内办理变更登记。", \
        "第八条　养犬人变更住所的，应当在十五日内通过线上或者线下方式办理变更登记。"
    for base in (a, b):
        assert old[4:] in httpx.get(f"{base}/drafts/dogs", timeout=60).text
    with sign_in(a, "wang") as staff:
        imported = staff.post(f"{a}/manage/drafts/{draft.id}/versions/import",
                              data={"name": "二审稿"},
                              files={"file": ("二审稿.txt", SAMPLE_TEXT.replace(old, new).encode(),
                                              "text/plain")})
        assert imported.status_code == 303, imported.text[:500]
        review = imported.headers["location"]
        assert "/versions/review/" in review
        shown = staff.get(f"{b}{review}")
        assert shown.status_code == 200 and "十五日内通过线上" in shown.text
        confirmed = staff.post(f"{a}{review}", data={})
        assert confirmed.status_code == 303, confirmed.text[:500]
        assert "/versions/review/" not in confirmed.headers["location"]
    time.sleep(FRESH_SECONDS)   # what B remembers of the stamp it read is that old at most
    for base in (b, a):
        page = httpx.get(f"{base}/drafts/dogs", timeout=60).text
        assert new[4:] in page and old[4:] not in page


def test_a_merge_started_on_one_server_is_followed_and_finished_on_the_other(two_servers):
    a, b, engine = two_servers
    ids = arrange(engine)
    with httpx.Client(timeout=60) as resident:
        for n, text in enumerate(["建议延长养犬登记有效期至两年", "建議延長養犬登記有效期至兩年！",
                                  "建议取消大型犬禁养规定"]):
            token = TOKEN_RE.search(resident.get(f"{a}/drafts/dogs").text).group(1)
            sent = resident.post(f"{(a, b)[n % 2]}/drafts/dogs/comments", data={
                "form_token": token, "article_id": str(ids["article_id"]), "text": text})
            assert sent.status_code == 303
    draft_id = ids["draft"].id
    with sign_in(a, "wang") as staff:
        started = staff.post(f"{a}/manage/drafts/{draft_id}/merge", data={})
        assert started.status_code == 303
        with Session(engine) as session:
            job_id = session.exec(select(Job.id).where(Job.draft_id == draft_id)).one()
        deadline = time.monotonic() + 120   # a bound on the loop, not a timed assert
        status = staff.get(f"{b}/manage/jobs/{job_id}").json()
        while status["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            status = staff.get(f"{b}/manage/jobs/{job_id}").json()
        assert status["status"] == "done", status
        page = staff.get(f"{b}/manage/drafts/{draft_id}/opinions")
        assert page.status_code == 200
        assert "上次归并" in page.text
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job.active_key is None and job.finished_at is not None
        assert session.exec(select(Comment.opinion_id).where(Comment.opinion_id.is_(None))).all() == []


def test_a_large_export_made_on_one_server_downloads_from_the_other(two_servers):
    from sqlalchemy import insert

    from legis.web.manage_dispositions import LARGE_EXPORT

    a, b, engine = two_servers
    ids = arrange(engine)
    draft = ids["draft"]
    with Session(engine) as session:   # enough comments for the export to run as a job
        opinion = Opinion(draft_id=draft.id, article_id=ids["article_id"],
                          text="建议明确养犬登记的期限。")
        session.add(opinion)
        session.flush()
        session.execute(insert(Comment), [
            {"draft_id": draft.id, "version_id": ids["version_id"],
             "article_id": ids["article_id"], "text": f"建议明确养犬登记的期限，第{n}条意见。",
             "receipt_code": f"T{n:09d}", "channel": "网上", "opinion_id": opinion.id}
            for n in range(LARGE_EXPORT + 1)])
        session.commit()
    with sign_in(a, "wang") as staff:
        started = staff.get(f"{a}/manage/drafts/{draft.id}/export?format=csv&kind=comments")
        assert started.status_code == 303 and "/manage/jobs/" in started.headers["location"]
        job_id = int(started.headers["location"].split("/manage/jobs/")[1].split("/")[0])
        deadline = time.monotonic() + 300   # a bound on the loop, not a timed assert
        status = staff.get(f"{b}/manage/jobs/{job_id}").json()
        while status["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            status = staff.get(f"{b}/manage/jobs/{job_id}").json()
        assert status["status"] == "done", status
        assert "下载" in staff.get(f"{b}/manage/jobs/{job_id}/view").text
        download = staff.get(f"{b}/manage/jobs/{job_id}/download")
        assert download.status_code == 200, download.text[:300]
        rows = download.content.decode("utf-8-sig").splitlines()
        assert len(rows) == LARGE_EXPORT + 2   # the header, every comment
        assert any(f"第{LARGE_EXPORT}条意见" in row for row in rows)
