"""Rate limits shared through the database by several processes, each counting in memory and
adding its hits up in batches (web/ratelimit.BatchedCounts over services/rate_counts).

Each BatchedCounts here stands for one worker process; all of them count in one real
database, as the workers of a deployment do."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import func
from sqlmodel import Session, select
from starlette.testclient import TestClient

from legis.models import Comment, RateCount
from legis.web.app import create_app
from legis.web.ratelimit import LOCAL_SHARE, BatchedCounts
from tests.factories import make_draft

WINDOW = 60.0
START = 29_000_000 * WINDOW + 1.0   # one second into a window


class Clock:
    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now


def hit(counts: BatchedCounts, key: str, limit: int) -> float:
    """What wait_for does for one request: decide in memory, else ask the database."""
    verdict = counts.decide(key, limit=limit, window=WINDOW)
    return counts.hit_now(key, limit=limit, window=WINDOW) if verdict is None else verdict


def shared_hits(engine, key: str) -> int:
    with Session(engine) as session:
        return session.exec(select(func.coalesce(func.sum(RateCount.hits), 0))
                            .where(RateCount.key == key)).one()


def test_a_small_limit_holds_exactly_across_processes(engine):
    clock = Clock()
    workers = [BatchedCounts(engine, clock=clock) for _ in range(2)]
    limit = LOCAL_SHARE - 4   # under LOCAL_SHARE: no hit is admitted unseen
    answers = [hit(workers[n % 2], "c:10.0.0.7", limit) for n in range(limit + 3)]
    assert answers[:limit] == [0.0] * limit
    assert all(wait > 0 for wait in answers[limit:])
    assert shared_hits(engine, "c:10.0.0.7") == limit   # refused hits are not counted


def test_a_crowd_behind_one_address_is_counted_at_the_flush(engine):
    counts = BatchedCounts(engine, clock=Clock())
    assert [hit(counts, "c:10.0.0.8", 1000) for _ in range(50)] == [0.0] * 50
    assert shared_hits(engine, "c:10.0.0.8") == 0   # no transaction per request
    counts.flush()
    assert shared_hits(engine, "c:10.0.0.8") == 50
    counts.flush()   # nothing held: nothing added twice
    assert shared_hits(engine, "c:10.0.0.8") == 50


def test_several_processes_admit_at_most_their_unseen_share_over_the_limit(engine):
    clock = Clock()
    workers = [BatchedCounts(engine, clock=clock) for _ in range(3)]
    limit, key = 100, "r:10.0.0.9"
    admitted = 0
    for n in range(400):   # round-robin over the workers; each flushes after 7 of its hits
        worker = workers[n % 3]
        admitted += hit(worker, key, limit) == 0
        if n % 21 in (18, 19, 20):
            worker.flush()
        clock.now += 0.01
    for worker in workers:
        worker.flush()
    assert limit <= admitted <= limit + len(workers) * (limit // LOCAL_SHARE)
    assert shared_hits(engine, key) == admitted   # every admitted hit counted once


def test_one_process_alone_counts_exactly(engine):
    counts = BatchedCounts(engine, clock=Clock())
    answers = [hit(counts, "r:10.0.0.10", 30) for _ in range(40)]
    assert answers[:30] == [0.0] * 30 and all(a > 0 for a in answers[30:])
    counts.flush()
    assert shared_hits(engine, "r:10.0.0.10") == 30


def test_a_refused_client_waits_for_the_window_to_move(engine):
    clock = Clock()
    first, second = BatchedCounts(engine, clock=clock), BatchedCounts(engine, clock=clock)
    limit, key = 20, "c:10.0.0.11"
    for _ in range(limit):
        hit(first, key, limit)
    first.flush()
    # The second process has not read the total yet: it admits at most its unseen share.
    answers = [hit(second, key, limit) for _ in range(10)]
    extra = answers.index(next(a for a in answers if a > 0))
    assert extra <= limit // LOCAL_SHARE
    assert all(1.0 <= wait <= WINDOW for wait in answers[extra:])
    clock.now += WINDOW * 2   # both windows past: the client is welcome again
    assert hit(second, key, limit) == 0.0
    assert hit(first, key, limit) == 0.0


def test_other_clients_are_not_held_back_by_a_busy_one(engine):
    counts = BatchedCounts(engine, clock=Clock())
    for _ in range(12):
        hit(counts, "c:10.0.0.12", 10)
    counts.flush()
    assert hit(counts, "c:10.0.0.12", 10) > 0
    assert hit(counts, "c:10.0.0.13", 10) == 0.0


def test_the_app_adds_its_held_hits_up_when_it_stops(settings, engine, db):
    settings.rate_limit_store = "database"
    settings.comment_rate_per_minute = 1000
    draft = make_draft(db, slug="yangquan")
    with TestClient(create_app(settings), follow_redirects=False) as browser:
        for n in range(3):
            page = browser.get("/drafts/yangquan")
            token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
            answer = browser.post("/drafts/yangquan/comments",
                                  data={"form_token": token, "text": f"建议第{n}条：延长登记有效期。"})
            assert answer.status_code == 303
    assert shared_hits(engine, "c:testclient") == 3
    assert len(db.exec(select(Comment).where(Comment.draft_id == draft.id)).all()) == 3


def test_hits_held_when_the_database_is_away_are_added_later_and_never_logged(
        engine, tmp_path, caplog):
    from legis.db import make_engine

    counts = BatchedCounts(engine, clock=Clock())
    for _ in range(5):
        hit(counts, "c:203.0.113.9", 1000)
    working, counts._engine = counts._engine, make_engine(f"sqlite:///{tmp_path}/gone/x.db")
    counts.flush()   # the database cannot be reached: nothing is lost
    assert "not flushed (OperationalError)" in caplog.text
    assert "203.0.113.9" not in caplog.text
    counts._engine = working
    counts.flush()
    assert shared_hits(engine, "c:203.0.113.9") == 5


def test_workers_counting_at_once_keep_their_limits(engine):
    """Four workers at once, each holding unseen hits of some addresses while it asks the
    database about others: every limit holds within its bound (exactly under LOCAL_SHARE)
    and each admitted hit is counted once."""
    from concurrent.futures import ThreadPoolExecutor

    clock = Clock()
    workers = [BatchedCounts(engine, clock=clock) for _ in range(4)]
    small = [f"c:10.1.0.{n}" for n in range(4)]    # limit 5: every hit asks the database
    medium = [f"c:10.2.0.{n}" for n in range(6)]   # limit 20: two unseen hits per worker

    def work(n: int) -> Counter:
        admitted: Counter = Counter()
        counts = workers[n]
        for i in range(80):
            for key, limit in ((medium[(i + n) % 6], 20), (medium[(i * 5 + 2 * n) % 6], 20),
                               (small[(i + 3 * n) % 4], 5)):
                admitted[key] += hit(counts, key, limit) == 0
            if i % 25 == 24:
                counts.flush()
        counts.flush()
        return admitted

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(4)))
    total = sum(results, Counter())
    assert all(total[key] == 5 for key in small)
    assert all(20 <= total[key] <= 20 + len(workers) * (20 // LOCAL_SHARE) for key in medium)
    assert all(shared_hits(engine, key) == total[key] for key in small + medium)
