"""The draft stamps this server read a moment ago, so a crowd's page requests skip the database.

A public page request needs its draft's stamp (legis.services.page_stamps): one row read,
but also a thread hop and a pooled connection. Two hundred residents opening pages at once
ask for the same stamp hundreds of times a second; a stamp read in the last FRESH_SECONDS
is taken as current, and the cached page is served straight from the event loop. Once a
stamp is REFRESH_SECONDS old, the first request that finds it so has it read again in the
background (one read, not one per request arriving in that moment) and is served meanwhile.

What that costs in freshness, and no more:
- a change committed by this server (a staff edit, a decision, a new version) shows on its
  very next request: every such commit moves page_stamps.local_changes(), which empties
  what is remembered here;
- a change committed by another server shows on this one at most FRESH_SECONDS later
  (the stamp is read again from the database once that long has passed).
"""

from __future__ import annotations

import time
from typing import Any

from legis.services import page_stamps

FRESH_SECONDS = 1.0     # the most another server's change waits to show here
REFRESH_SECONDS = 0.25  # a stamp this old is read again, in the background
MAX_KEPT = 4096


class StampCache:
    """What a stamp lookup found (the stamp and the meeting token it allowed), by lookup."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS,
                 refresh_seconds: float = REFRESH_SECONDS):
        self.fresh_seconds = fresh_seconds
        self.refresh_seconds = refresh_seconds
        self._kept: dict[tuple, tuple[float, int, Any]] = {}
        self._refreshing: set[tuple] = set()

    @staticmethod
    def started() -> tuple[float, int]:
        """Taken just before a lookup: what it will be remembered as of."""
        return time.monotonic(), page_stamps.local_changes()

    def put(self, lookup: tuple, found: Any, started: tuple[float, int]) -> None:
        if len(self._kept) >= MAX_KEPT:   # random addresses: forget them all, keep serving
            self._kept.clear()
            self._refreshing.clear()
        self._kept[lookup] = (*started, found)
        self._refreshing.discard(lookup)

    def get(self, lookup: tuple) -> tuple[Any | None, bool]:
        """(what the lookup found, whether to read it again now): found is None when the
        lookup is older than FRESH_SECONDS or a page changed through this server since (look
        it up before answering). Read again is True for one caller once it is older than
        REFRESH_SECONDS (until ``put`` or ``refresh_failed``)."""
        found, age = self._fresh(lookup)
        if found is None:
            return None, False
        if age > self.refresh_seconds and lookup not in self._refreshing:
            self._refreshing.add(lookup)
            return found, True
        return found, False

    def peek(self, lookup: tuple) -> Any | None:
        """What the lookup found, if still fresh (as ``get``, claiming no read)."""
        return self._fresh(lookup)[0]

    def _fresh(self, lookup: tuple) -> tuple[Any | None, float]:
        """(what the lookup found, its age in seconds); found is None when nothing is kept,
        it is older than fresh_seconds, or a page changed through this server since."""
        kept = self._kept.get(lookup)
        if kept is None:
            return None, 0.0
        read_at, changes, found = kept
        age = time.monotonic() - read_at
        if changes != page_stamps.local_changes() or age > self.fresh_seconds:
            return None, age
        return found, age

    def refresh_failed(self, lookup: tuple) -> None:
        self._refreshing.discard(lookup)

    def forget(self, lookup: tuple) -> None:
        """The lookup found nothing (a draft deleted, a meeting link gone)."""
        self._kept.pop(lookup, None)
        self._refreshing.discard(lookup)
