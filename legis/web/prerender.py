"""Every chapter page of a draft made once per stamp, in the background, not by its first reader.

A 1,000-article draft has some forty chapter pages. Made on first request, a change to the
draft (or the first minutes after a server starts) has forty residents each waiting for a
render of their chapter while every page thread is busy rendering: the slow tail of a
crowd. When a reader's request finds a draft's pages not yet scheduled for its state, the
other chapters are rendered one after another in a thread of their own, so the requests
that follow find them made.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from legis.services import page_stamps

log = logging.getLogger("legis.web")
MAX_REMEMBERED = 64   # states of drafts already scheduled (per address and 大字版 and day)
_LOCK = threading.Lock()


def schedule(request: Request, variant: tuple, count_parts: Callable[[], int],
             render_part: Callable[[Request, int], Any]) -> bool:
    """Render pages 1..count_parts() of the draft in ``request`` in the background, once per
    ``variant`` (the draft's stamp and what else its pages depend on); True if started now."""
    state = request.app.state
    with _LOCK:
        scheduled: OrderedDict = getattr(state, "prerendered", None) or OrderedDict()
        state.prerendered = scheduled
        if variant in scheduled:
            return False
        scheduled[variant] = None
        while len(scheduled) > MAX_REMEMBERED:
            scheduled.popitem(last=False)
    parts = count_parts()
    if parts <= 1:
        return False
    scope = {k: v for k, v in request.scope.items() if not k.startswith("legis.")}
    thread = threading.Thread(target=_render_all, args=(request, scope, parts, render_part),
                              name="legis-prerender", daemon=True)
    thread.start()
    return True


def _render_all(request: Request, scope: dict, parts: int,
                render_part: Callable[[Request, int], Any]) -> None:
    changes = page_stamps.local_changes()
    slug = request.path_params["slug"]
    for part in range(1, parts + 1):
        if page_stamps.local_changes() != changes:   # the draft may have changed: stop
            return
        path = (request.app.url_path_for("draft", slug=slug) if part == 1
                else request.app.url_path_for("draft_part", slug=slug, part=part))
        shown = dict(scope, path=path, raw_path=path.encode(), query_string=b"",
                     path_params={"slug": slug, "part": part})
        if "session" in scope:
            shown["session"] = {}
        try:
            render_part(Request(shown), part)
        except Exception:
            log.exception("pre-rendering page %d of %s failed", part, slug)
            return
