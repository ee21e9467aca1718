"""Rate limits per client key: in memory for one process, shared through the database when
several processes serve one deployment.

In memory (RateLimiter) each process keeps its own counts, which would let a client through
workers × limit times; LEGIS_RATE_LIMIT_STORE=database (the default on PostgreSQL and for
`legis serve --workers N` with N > 1) shares the counts through the database instead
(BatchedCounts), without a transaction per request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter, deque

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from legis.db import session_scope
from legis.services import rate_counts

log = logging.getLogger("legis.web")

FLUSH_SECONDS = 0.5   # how long a process keeps the hits it admitted before adding them up
LOCAL_SHARE = 10      # a process admits at most limit // LOCAL_SHARE hits of a key unflushed


class RateLimiter:
    def __init__(self, *, clock=time.monotonic, max_keys: int = 100_000):
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._max_keys = max_keys

    def hit(self, key: str, *, limit: int, window: float = 60.0) -> float:
        """Record a hit; return 0 when allowed, else the seconds until one is allowed again."""
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self._max_keys:
                    self._evict(now, window)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return max(0.1, hits[0] + window - now)
            hits.append(now)
            return 0.0

    def _evict(self, now: float, window: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window]:
            del self._hits[key]
        if len(self._hits) >= self._max_keys:
            self._hits.clear()


class BatchedCounts:
    """One process's share of limits counted in the database (services/rate_counts).

    A hit is decided in memory from the shared totals this process last read plus the
    hits it admitted since; those are added to the shared table every FLUSH_SECONDS, all
    keys in one upsert that also reads the totals back. So a crowd behind one address
    costs one short transaction per process per FLUSH_SECONDS, not one per request.

    The bound: a process admits at most ``limit // LOCAL_SHARE`` hits of one key that the
    others have not seen yet; past that, or when the hit would reach the limit, it asks the
    database (adding the hits of that key it holds, then one atomic hit), which is exact. So across W
    processes a client gets at most ``limit + W × (limit // LOCAL_SHARE)`` hits per window,
    and exactly ``limit`` for limits under LOCAL_SHARE (the comment form's default of 10
    allows one extra per process). Refusing needs no database: the shared totals a process
    read only grow within a window, so a hit they already refuse is refused by the truth too.
    Hits admitted but not yet flushed when a process dies are not counted (0.5 s of them).
    """

    def __init__(self, engine: Engine, *, clock=time.time, flush_seconds: float = FLUSH_SECONDS,
                 max_keys: int = 100_000):
        self._engine = engine
        self._clock = clock
        self._flush_seconds = flush_seconds
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._pending: Counter[tuple[str, int]] = Counter()    # admitted here, not yet added
        self._flushing: Counter[tuple[str, int]] = Counter()   # being added right now
        self._known: dict[tuple[str, int], int] = {}           # shared totals as last read
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Future | None = None

    async def hit(self, key: str, *, limit: int, window: float = 60.0) -> float:
        """0 when allowed, else the seconds until one is allowed again."""
        verdict = self.decide(key, limit=limit, window=window)
        if verdict is None:
            return await run_in_threadpool(self.hit_now, key, limit=limit, window=window)
        if verdict == 0:
            self._schedule_flush()
        return verdict

    def decide(self, key: str, *, limit: int, window: float = 60.0) -> float | None:
        """0: admitted here (added to the shared count at the next flush); seconds: refused;
        None: only the database can tell (``hit_now``)."""
        key = key[:120]
        now = self._clock()
        period, elapsed = int(now // window), now % window
        with self._lock:
            current, previous = self._count(key, period), self._count(key, period - 1)
            if rate_counts.estimate(current=current + 1, previous=previous, window=window,
                                    elapsed=elapsed) > limit:
                return rate_counts.retry_after(current=current + 1, previous=previous,
                                               limit=limit, window=window, elapsed=elapsed)
            unseen = sum(self._pending[(key, p)] + self._flushing[(key, p)]
                         for p in (period, period - 1))
            if unseen >= limit // LOCAL_SHARE:
                return None
            self._pending[(key, period)] += 1
            return 0.0

    def hit_now(self, key: str, *, limit: int, window: float = 60.0) -> float:
        """One hit counted in the database at once, with the hits of ``key`` this process holds.

        Only this key's rows are locked, in the flush's order (key, then period): a flush and
        hits on other workers never wait on each other in a cycle (no deadlock on PostgreSQL)."""
        key = key[:120]
        now = self._clock()
        period = int(now // window)
        held = self._take_pending(key)
        try:
            with session_scope(self._engine, write=True) as session:
                totals = rate_counts.add_hits(session, hits=held) if held else {}
                wait, current, previous = rate_counts.hit(session, key=key, limit=limit,
                                                          window=window, now=now)
        except BaseException:
            self._put_back(held)
            raise
        totals.update({(key, period): current, (key, period - 1): previous})
        self._learn(held, totals)
        return wait

    def flush(self) -> None:
        """Add the hits admitted here to the shared counts and read the totals back."""
        held = self._take_pending()
        if not held:
            return
        try:
            with session_scope(self._engine, write=True) as session:
                totals = rate_counts.add_hits(session, hits=held)
        except Exception as error:  # noqa: BLE001 (kept and tried again at the next flush)
            self._put_back(held)
            # Only the error's type: its text would carry the keys, i.e. client addresses.
            log.warning("rate-limit counts not flushed (%s); kept for the next flush",
                        type(error).__name__)
            return
        self._learn(held, totals)

    def _count(self, key: str, period: int) -> int:
        item = (key, period)
        return self._known.get(item, 0) + self._pending[item] + self._flushing[item]

    def _take_pending(self, key: str | None = None) -> Counter[tuple[str, int]]:
        """The hits held (of ``key`` only, if given), moved to the ones being flushed."""
        with self._lock:
            if key is None:
                held, self._pending = self._pending, Counter()
            else:
                held = Counter({item: n for item, n in self._pending.items() if item[0] == key})
                for item in held:
                    del self._pending[item]
            self._flushing.update(held)
            return held

    def _put_back(self, held: Counter[tuple[str, int]]) -> None:
        with self._lock:
            self._flushing.subtract(held)
            self._flushing = +self._flushing
            self._pending.update(held)

    def _learn(self, held: Counter[tuple[str, int]], totals: rate_counts.Totals) -> None:
        with self._lock:
            self._flushing.subtract(held)
            self._flushing = +self._flushing
            if len(self._known) + len(totals) > self._max_keys:
                self._known.clear()   # only lower bounds: forgetting them costs a query, no more
            for item, n in totals.items():
                # A total read by a slower transaction may be older than one already known.
                self._known[item] = max(n, self._known.get(item, 0))

    def _schedule_flush(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:   # a new event loop (tests start one per client)
            self._loop, self._timer = loop, None
        if self._timer is None:
            self._timer = loop.call_later(self._flush_seconds, self._start_flush)

    def _start_flush(self) -> None:
        self._timer = None
        self._task = self._loop.create_task(run_in_threadpool(self.flush))  # type: ignore[union-attr]


async def wait_for(request: Request, key: str, *, limit: int, window: float = 60.0) -> float:
    """Count a hit of ``key``; 0 when allowed, else the seconds to wait (shared store if configured)."""
    shared = request.app.state.shared_counts
    if shared is None:
        return request.app.state.limiter.hit(key, limit=limit, window=window)
    return await shared.hit(key, limit=limit, window=window)
