"""gzip for what is read (GET, HEAD); the answer to a sent form goes out as it is.

A comment's answer is a redirect or a few bytes of JSON: Starlette's GZipMiddleware
would still set up a gzip writer for each, which cost more of a comment's CPU than the
INSERT. Pages, large or small, are compressed as before.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Receive, Scope, Send

READING = frozenset({"GET", "HEAD"})


class PageCompression(GZipMiddleware):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READING:
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
