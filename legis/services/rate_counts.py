"""Rate limits counted in the database, so every worker process of a deployment shares one count.

A sliding window approximated from two fixed ones: the hits of this window
plus the share of the previous window's hits still inside the last ``window``
seconds. ``hit`` counts one hit with one atomic upsert, so parallel requests on
different workers cannot all slip under the limit; ``add_hits`` adds the hits a
process counted in memory since its last flush, all keys in one upsert, and reads
back the shared totals (web/ratelimit.BatchedCounts decides from those).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

from sqlalchemy import delete, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from legis.models import RateCount

CLEANUP_CHANCE = 0.01   # of hits (and flushes) that also delete windows no longer counted
FLUSH_ROWS = 500        # keys per upsert statement

Totals = dict[tuple[str, int], int]   # (key, period) → hits counted by every process


def estimate(*, current: float, previous: float, window: float, elapsed: float) -> float:
    """Hits inside the last ``window`` seconds, from this window's and the previous one's."""
    return previous * (1 - elapsed / window) + current


def retry_after(*, current: int, previous: int, limit: int, window: float, elapsed: float) -> float:
    """Seconds until one more hit fits, ``current`` counting the hit that did not."""
    if current > limit or previous == 0:
        return max(1.0, window - elapsed)
    # When the previous window's share has shrunk enough for this hit to fit.
    wait = window * (1 - (limit - current + 1) / previous) - elapsed
    return min(window, max(1.0, wait))


def hit(session: Session, *, key: str, limit: int, window: float = 60.0,
        now: float | None = None) -> tuple[float, int, int]:
    """Record a hit for ``key``: (0 when allowed, else the seconds until one is allowed again;
    this window's and the previous window's shared hits, as counted after this one).

    A refused hit is taken back, so a client that keeps trying is not locked out longer.
    """
    now = time.time() if now is None else now
    period, elapsed = int(now // window), now % window
    key = key[:120]
    current = session.exec(_upsert(session, [{"key": key, "period": period, "hits": 1}])
                           .returning(RateCount.hits)).scalar_one()
    previous = session.exec(select(RateCount.hits).where(
        RateCount.key == key, RateCount.period == period - 1)).first() or 0
    if random.random() < CLEANUP_CHANCE:
        session.exec(delete(RateCount).where(RateCount.period < period - 1))
    if estimate(current=current, previous=previous, window=window, elapsed=elapsed) <= limit:
        return 0.0, current, previous
    session.exec(update(RateCount).where(RateCount.key == key, RateCount.period == period)
                 .values(hits=RateCount.hits - 1))
    wait = retry_after(current=current, previous=previous, limit=limit, window=window,
                       elapsed=elapsed)
    return wait, current - 1, previous


def add_hits(session: Session, *, hits: Mapping[tuple[str, int], int]) -> Totals:
    """Add ``hits`` per (key, period) to the shared counts; every process's totals of those
    keys for those periods and the ones before, as they stand now."""
    rows = [{"key": key[:120], "period": period, "hits": n}
            for (key, period), n in sorted(hits.items()) if n > 0]
    # Always in the same order (sorted): two processes flushing at once never deadlock.
    for start in range(0, len(rows), FLUSH_ROWS):
        session.exec(_upsert(session, rows[start:start + FLUSH_ROWS]))
    wanted = sorted({(k[:120], p) for k, p in hits} | {(k[:120], p - 1) for k, p in hits})
    totals: Totals = {}
    for start in range(0, len(wanted), FLUSH_ROWS):
        chunk = wanted[start:start + FLUSH_ROWS]
        totals.update(((key, period), n) for key, period, n in session.exec(
            select(RateCount.key, RateCount.period, RateCount.hits)
            .where(tuple_(RateCount.key, RateCount.period).in_(chunk))))
    if rows and random.random() < CLEANUP_CHANCE:
        session.exec(delete(RateCount).where(RateCount.period < min(p for _, p in hits) - 1))
    return totals


def _upsert(session: Session, rows: list[dict]):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RateCount).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["key", "period"], set_={"hits": RateCount.hits + statement.excluded.hits})
