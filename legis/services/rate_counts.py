"""Rate limits counted in the database, so every worker process of a deployment shares one count.

A sliding window approximated from two fixed ones: the hits of this window
plus the share of the previous window's hits still inside the last ``window``
seconds. One atomic upsert counts a hit, so parallel requests on different
workers cannot all slip under the limit.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from legis.models import RateCount

CLEANUP_CHANCE = 0.01   # of hits that also delete windows no longer counted


def hit(session: Session, *, key: str, limit: int, window: float = 60.0,
        now: float | None = None) -> float:
    """Record a hit for ``key``; 0 when allowed, else the seconds until one is allowed again.

    A refused hit is taken back, so a client that keeps trying is not locked out longer.
    """
    now = time.time() if now is None else now
    period, elapsed = int(now // window), now % window
    key = key[:120]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(RateCount).values(key=key, period=period, hits=1)
    upsert = upsert.on_conflict_do_update(
        index_elements=["key", "period"], set_={"hits": RateCount.hits + 1},
    ).returning(RateCount.hits)
    current = session.exec(upsert).scalar_one()
    previous = session.exec(select(RateCount.hits).where(
        RateCount.key == key, RateCount.period == period - 1)).first() or 0
    if random.random() < CLEANUP_CHANCE:
        session.exec(delete(RateCount).where(RateCount.period < period - 1))
    estimate = previous * (1 - elapsed / window) + current
    if estimate <= limit:
        return 0.0
    session.exec(update(RateCount).where(RateCount.key == key, RateCount.period == period)
                 .values(hits=RateCount.hits - 1))
    if current > limit or previous == 0:
        return max(1.0, window - elapsed)
    # When the previous window's share has shrunk enough for this hit to fit.
    wait = window * (1 - (limit - current + 1) / previous) - elapsed
    return min(window, max(1.0, wait))
