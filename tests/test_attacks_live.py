"""Issue 16's faults that need the real server: several workers, parallel requests, a raw socket.

Run on SQLite by default and on PostgreSQL with LEGIS_TEST_DATABASE_URL, where
the races (parallel logins, crossed merges, per-process rate limits) used to show.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections import Counter
from urllib.parse import urlsplit

import httpx2 as httpx
import pytest
from sqlmodel import Session, select

from legis.db import make_engine
from legis.models import Comment, Opinion
from legis.services import accounts
from legis.services import comments as comment_service
from legis.services.drafts import get_draft
from tests.conftest import PASSWORD
from tests.factories import article, make_draft
from tests.live import running_server, server_env
from tests.loadgen import run_async

pytestmark = pytest.mark.slow

TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def live(tmp_path, database_url):
    """start(workers=1, **env) -> (base URL, engine on the same database); a draft "dogs" is open."""
    engines = []

    def start(workers: int = 1, **extra: str):
        env = server_env(tmp_path, database_url, **extra)
        log = tmp_path / "server.log"
        server = running_server(env, workers=workers, log=log)
        base, _process = server.__enter__()
        stack.append(server)
        engine = make_engine(database_url)
        engines.append(engine)
        with Session(engine, expire_on_commit=False) as session:
            make_draft(session, slug="dogs")
        return base, engine, log

    stack: list = []
    yield start
    for server in stack:
        server.__exit__(None, None, None)
    for engine in engines:
        engine.dispose()


def add_staff(engine, username: str = "wang") -> None:
    with Session(engine) as session:
        accounts.create_user(session, username=username, role="staff", password=PASSWORD)
        session.commit()


async def token_of(client: httpx.AsyncClient, base: str) -> str:
    return TOKEN_RE.search((await client.get(f"{base}/drafts/dogs")).text).group(1)


# 2 ---------------------------------------------------------------------------


def test_parallel_wrong_passwords_cannot_outrun_the_throttle(live):
    base, engine, _log = live(workers=2)
    add_staff(engine)

    async def attack() -> Counter:
        async with httpx.AsyncClient(timeout=60) as client:
            answers = await asyncio.gather(*(
                client.post(f"{base}/login", data={"username": "wang", "password": f"guess{n}"})
                for n in range(30)))
        return Counter(a.status_code for a in answers)

    statuses = run_async(attack())
    assert statuses[401] <= accounts.MAX_FAILURES, statuses
    assert statuses[429] >= 30 - accounts.MAX_FAILURES, statuses


# 3 ---------------------------------------------------------------------------


def test_login_flood_does_not_hold_up_residents(live):
    """Residents' comments sent during a flood of wrong logins are answered while argon2 still runs."""
    base, engine, _log = live(workers=1, LEGIS_COMMENT_RATE="1000")
    add_staff(engine)
    finished: list[tuple[str, float]] = []

    async def login(client, n):
        await client.post(f"{base}/login", data={"username": f"nobody{n}", "password": "wrong"})
        finished.append(("login", time.monotonic()))

    async def comment(client, token, n):
        await asyncio.sleep(0.02)   # the logins are under way
        answer = await client.post(f"{base}/drafts/dogs/comments",
                                   data={"form_token": token, "text": f"居民意见第{n}条，建议延长期限"})
        assert answer.status_code == 303
        finished.append(("comment", time.monotonic()))

    async def flood():
        async with httpx.AsyncClient(timeout=60) as client:
            token = await token_of(client, base)
            await asyncio.gather(*(login(client, n) for n in range(accounts.MAX_FAILURES)),
                                 *(comment(client, token, n) for n in range(3)))

    run_async(flood())
    order = [kind for kind, _ in sorted(finished, key=lambda item: item[1])]
    # Every comment came back before the last wrong login did: none queued behind argon2.
    assert order[-1] == "login", order
    assert order.index("comment") < order.index("login") + 2, order


# 5 ---------------------------------------------------------------------------


def test_nul_byte_is_refused_and_no_personal_data_reaches_the_log(live):
    base, engine, log = live(workers=1)
    with httpx.Client(timeout=30) as client:
        assert client.get(f"{base}/r/AB%00CDEFG").status_code == 400
        token = TOKEN_RE.search(client.get(f"{base}/drafts/dogs").text).group(1)
        answer = client.post(f"{base}/drafts/dogs/comments", data={
            "form_token": token, "text": "我是3号楼的\x00王秀兰，建议延长期限", "name": "王秀兰",
            "phone": "13912345678", "consent": "1"})
        assert answer.status_code == 303
    with Session(engine) as session:
        stored = session.exec(select(Comment)).one()
    assert "\x00" not in stored.text and stored.phone == "13912345678"
    written = log.read_text(encoding="utf-8", errors="replace")
    assert "13912345678" not in written and "王秀兰" not in written
    assert "Traceback" not in written


# 7 ---------------------------------------------------------------------------


def opinion_pairs(engine, pairs: int) -> list[tuple[int, int, int]]:
    """``pairs`` couples of opinions on one article, two comments each: (opinion A, opinion B, a comment of B)."""
    found = []
    with Session(engine, expire_on_commit=False) as session:
        draft = get_draft(session, slug="dogs")
        target = article(session, draft, 8)
        for p in range(pairs):
            ids = []
            for side in "AB":
                opinion = Opinion(draft_id=draft.id, article_id=target.id, text=f"意见{p}{side}")
                session.add(opinion)
                session.flush()
                for n in range(2):
                    comment, _ = comment_service.submit_comment(
                        session, draft=draft, channel="线上", data=comment_service.CommentInput(
                            text=f"第{p}组{side}的第{n}条意见", article_id=target.id))
                    comment.opinion_id = opinion.id
                    session.add(comment)
                    ids.append(comment.id)
                session.commit()
                ids.append(opinion.id)
            found.append((ids[2], ids[5], ids[3]))
        session.commit()
    return found


def test_crossed_merges_and_decisions_are_conflicts_not_errors(live):
    base, engine, _log = live(workers=2)
    add_staff(engine)
    pairs = opinion_pairs(engine, 8)

    async def race() -> list[int]:
        async with httpx.AsyncClient(timeout=60) as client:
            await client.post(f"{base}/login", data={"username": "wang", "password": PASSWORD})
            manage = f"{base}/manage"
            requests = []
            for a, b, comment_of_b in pairs:
                requests += [
                    client.post(f"{manage}/opinions/{a}/merge", data={"into": str(b)}),
                    client.post(f"{manage}/opinions/{b}/merge", data={"into": str(a)}),
                    client.post(f"{manage}/opinions/{a}/disposition",
                                data={"state": "采纳", "change_note": "已修改第八条"}),
                    client.post(f"{manage}/comments/{comment_of_b}/move", data={"target": str(a)}),
                    client.post(f"{manage}/opinions/{b}/split", data={"comment": str(comment_of_b)}),
                ]
            answers = await asyncio.gather(*requests)
        return [a.status_code for a in answers]

    statuses = run_async(race())
    # Whoever lost a race is told so (409, or 404/400 when the thing is gone); never 5xx.
    assert all(s in (303, 400, 404, 409) for s in statuses), Counter(statuses)
    merges = [statuses[i * 5:i * 5 + 2] for i in range(len(pairs))]
    assert all(m.count(303) <= 1 for m in merges), merges   # never both crossing merges
    with Session(engine) as session:
        comments = session.exec(select(Comment)).all()
        opinions = {o.id for o in session.exec(select(Opinion))}
    assert len(comments) == 4 * len(pairs)
    assert all(c.opinion_id in opinions for c in comments)


# 10: shared rate limits --------------------------------------------------------


def test_rate_limit_is_shared_by_all_workers(live):
    base, _engine, _log = live(workers=2, LEGIS_COMMENT_RATE="5")

    async def burst() -> Counter:
        async with httpx.AsyncClient(timeout=60) as reader:
            token = await token_of(reader, base)

        async def one(n):
            # A connection of its own each: the requests spread over both workers.
            async with httpx.AsyncClient(timeout=60) as client:
                answer = await client.post(f"{base}/drafts/dogs/comments",
                                           data={"form_token": token, "text": f"第{n}条不同的意见"})
                return answer.status_code

        return Counter(await asyncio.gather(*(one(n) for n in range(40))))

    statuses = run_async(burst())
    assert statuses[303] == 5, statuses
    assert statuses[429] == 35, statuses


# 10: uploads --------------------------------------------------------------------


def raw_request(base: str, head: str, body_chunks, *, timeout: float = 20.0) -> str:
    """Send a request by hand (the body possibly never finished); the status line answered."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:
            pass   # the server stopped reading, as it should
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def test_oversized_upload_is_refused_before_it_is_read(live):
    base, _engine, _log = live(workers=1, LEGIS_MAX_UPLOAD_MB="1")
    host = urlsplit(base).netloc
    # Declared far over the limit, and never sent: answered at once, nothing spooled.
    declared = raw_request(base, (
        f"POST /drafts/dogs/comments HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000000000\r\n\r\n"),
        [b"--b\r\n"])
    assert " 413 " in declared, declared
    # No length, a chunked file upload that keeps coming: cut off past the limit.
    def frame(data: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(data), data)

    opening = frame(b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
                    b"Content-Type: text/plain\r\n\r\n")
    chunked = raw_request(base, (
        f"POST /drafts/dogs/comments HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"),
        [opening, *(frame(b"x" * 65536) for _ in range(64))])
    assert " 413 " in chunked, chunked
