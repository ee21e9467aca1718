"""The draft stamps this server read a moment ago, so a crowd's page requests skip the database.

A public page request needs its draft's stamp (legis.services.page_stamps): one row read,
but also a thread hop and a pooled connection. Two hundred residents opening pages at once
ask for the same stamp hundreds of times a second; a stamp read in the last FRESH_SECONDS
is taken as current, and the cached page is served straight from the event loop.

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

FRESH_SECONDS = 0.5
MAX_KEPT = 4096


class StampCache:
    """What a stamp lookup found (the stamp and the meeting token it allowed), by lookup."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS):
        self.fresh_seconds = fresh_seconds
        self._kept: dict[tuple, tuple[float, int, Any]] = {}

    @staticmethod
    def started() -> tuple[float, int]:
        """Taken just before a lookup: what it will be remembered as of."""
        return time.monotonic(), page_stamps.local_changes()

    def put(self, lookup: tuple, found: Any, started: tuple[float, int]) -> None:
        if len(self._kept) >= MAX_KEPT:   # random addresses: forget them all, keep serving
            self._kept.clear()
        self._kept[lookup] = (*started, found)

    def get(self, lookup: tuple) -> Any | None:
        """What the lookup found, if it was made within FRESH_SECONDS and no page has changed
        through this server since; else None (look it up again)."""
        kept = self._kept.get(lookup)
        if kept is None:
            return None
        read_at, changes, found = kept
        if changes != page_stamps.local_changes() or time.monotonic() - read_at > self.fresh_seconds:
            return None
        return found
