"""Rate limits per client key: in memory for one process, in the database when several workers run.

In memory each process keeps its own counts, which would let a client through
workers × limit times; LEGIS_RATE_LIMIT_STORE=database (the default of
`legis serve --workers N` with N > 1) counts in the shared database instead.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from starlette.requests import Request


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


async def wait_for(request: Request, key: str, *, limit: int, window: float = 60.0) -> float:
    """Count a hit of ``key``; 0 when allowed, else the seconds to wait (shared store if configured)."""
    if request.app.state.settings.rate_limit_store != "database":
        return request.app.state.limiter.hit(key, limit=limit, window=window)
    from legis.services import rate_counts
    from legis.web.common import in_db

    return await in_db(request, lambda s: rate_counts.hit(s, key=key, limit=limit, window=window),
                       write=True)
