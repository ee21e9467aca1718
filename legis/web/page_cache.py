"""Public pages rendered once, kept gzip-compressed in memory, served with ETag and 304.

A page is rendered with placeholders ("slots") where per-request values go (the form token,
the turnout, the visitor's own count). Each stretch between slots is compressed on its own
and ended with a full flush, so at request time the page's gzip body is the stored pieces
with the few small fills compressed in between: no page is rendered or compressed per
request. Keys carry the draft's stamp from the database (legis.services.page_stamps), so a
change made through any server is seen by every server at its next request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response

LEVEL = 6
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# Ends the deflate stream: an empty final block.
FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush()
# A cached page's form token is at most this old when a 304 lets the browser keep it
# (tokens last three days; see legis.web.formtokens.MAX_AGE).
TOKEN_EPOCH_SECONDS = 24 * 3600


def new_slot(name: str) -> str:
    """A placeholder no page text can contain: random per process."""
    return f"LEGIS{name.upper()}{secrets.token_hex(12)}"


def _deflate(data: bytes) -> bytes:
    """Raw deflate blocks that need nothing before or after them (full flush, not final)."""
    if not data:
        return b""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


class CachedPage:
    """One rendered page: its fixed pieces (plain and compressed) and the slots between them."""

    def __init__(self, html: str, slots: Iterable[str], key: tuple):
        slots = [s for s in slots if s in html]
        pieces = re.split("(" + "|".join(map(re.escape, slots)) + ")", html) if slots else [html]
        self.pieces: list[bytes | str] = [
            p if p in slots else p.encode() for p in pieces if p]
        self.compressed = [_deflate(p) if isinstance(p, bytes) else p for p in self.pieces]
        self.etag_base = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        self.size = sum(len(p) for p in self.pieces if isinstance(p, bytes)) + sum(
            len(p) for p in self.compressed if isinstance(p, bytes))

    def plain(self, fills: dict[str, str]) -> bytes:
        encoded = {slot: value.encode() for slot, value in fills.items()}
        return b"".join(encoded.get(p, b"") if isinstance(p, str) else p for p in self.pieces)

    def gzipped(self, fills: dict[str, str]) -> bytes:
        encoded = {slot: value.encode() for slot, value in fills.items()}
        deflated = {slot: _deflate(value) for slot, value in encoded.items()}
        crc, length, out = 0, 0, [GZIP_HEADER]
        for plain, packed in zip(self.pieces, self.compressed, strict=True):
            if isinstance(plain, str):
                plain, packed = encoded.get(plain, b""), deflated.get(plain, b"")
            crc = zlib.crc32(plain, crc)
            length += len(plain)
            out.append(packed)
        out += [FINAL_BLOCK, struct.pack("<II", crc, length & 0xFFFFFFFF)]
        return b"".join(out)

    def etag(self, *variant: object) -> str:
        """A weak ETag: the same page text, though each response carries its own form token."""
        epoch = int(time.time() // TOKEN_EPOCH_SECONDS)
        digest = hashlib.sha256(repr((self.etag_base, epoch, variant)).encode()).hexdigest()[:24]
        return f'W/"{digest}"'


class PageCache:
    """Rendered pages by key, least recently used out first, within a byte budget.

    One render per key at a time: when two hundred residents open a page that has just
    changed, one thread renders it and the others wait for that page.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._rendering: dict[tuple, threading.Lock] = {}
        self.renders = 0   # how many pages were rendered, for tests and benchmarks

    def get(self, key: tuple, make: Callable[[], CachedPage]) -> CachedPage:
        page = self._lookup(key)
        if page is not None:
            return page
        with self._lock:
            render_lock = self._rendering.setdefault(key, threading.Lock())
        with render_lock:
            page = self._lookup(key)
            if page is None:
                page = make()
                self.renders += 1
                self._store(key, page)
        with self._lock:
            self._rendering.pop(key, None)
        return page

    def _lookup(self, key: tuple) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def _store(self, key: tuple, page: CachedPage) -> None:
        with self._lock:
            self._pages[key] = page
            self._size += page.size
            while self._size > self.max_bytes and len(self._pages) > 1:
                _key, old = self._pages.popitem(last=False)
                self._size -= old.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0


# Private: a page may carry a visitor's own count and always carries a form token, so no
# shared cache may keep it; no-cache: the browser asks each time, and a 304 costs one row read.
HEADERS = {"Cache-Control": "private, no-cache", "Vary": "Accept-Encoding, Cookie"}


def respond(request: Request, page: CachedPage, fills: dict[str, str], etag: str,
            status: int = 200) -> Response:
    """The page with this request's fills: 304 when the browser has it, gzip when it takes it."""
    headers = dict(HEADERS, ETag=etag)
    if status == 200 and etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        body = page.gzipped(fills)
        headers["Content-Encoding"] = "gzip"
    else:
        body = page.plain(fills)
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers=headers)


def _etags(header: str) -> set[str]:
    tags = {t.strip() for t in header.split(",") if t.strip()}
    # If-None-Match compares weakly: W/"x" and "x" name the same page.
    return tags | {t[2:] for t in tags if t.startswith("W/")} | {f"W/{t}" for t in tags}
