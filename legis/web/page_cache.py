"""Public pages rendered once, kept gzip-compressed in memory, served with ETag and 304.

A page is rendered with placeholders ("slots") where per-request values go (the form token,
the turnout, the visitor's own count). Each stretch between slots is compressed once and
ends on a byte boundary, so at request time the page's gzip body is the stored pieces with
the few small values compressed in between: no page is rendered or compressed per request. Keys carry the draft's stamp from the database (legis.services.page_stamps), so a
change made through any server is seen by every server at its next request.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import secrets
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

LEVEL = 6
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# Ends the deflate stream: an empty final block.
FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush()
# A cached page's form token is at most this old when a 304 lets the browser keep it
# (tokens last three days; see legis.web.formtokens.MAX_AGE).
TOKEN_EPOCH_SECONDS = 24 * 3600
WINDOW = 32 * 1024


@dataclass(frozen=True)
class Slot:
    """A placeholder for a per-request value: ``width`` bytes in the page, a shorter value
    padded with spaces when ``pad`` (HTML text), else exactly that long (a token)."""

    marker: str
    width: int
    pad: bool = True

    def fit(self, value: str) -> bytes | None:
        data = value.encode()
        if len(data) == self.width or (self.pad and len(data) < self.width):
            return data + b" " * (self.width - len(data))
        return None


def new_slot(name: str, width: int, *, pad: bool = True) -> Slot:
    """A placeholder no page text can contain: random per process."""
    return Slot(f"LEGIS{name.upper()}{secrets.token_hex(12)}", width, pad)


def _deflate(data: bytes, window: bytes = b"") -> bytes:
    """Raw deflate blocks ending on a byte boundary, not final; ``window`` is what the decoder
    will have just output (up to 32 KB), which they may refer back to."""
    if not data:
        return b""
    compressor = (zlib.compressobj(LEVEL, zlib.DEFLATED, -15, zdict=window) if window
                  else zlib.compressobj(LEVEL, zlib.DEFLATED, -15))
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """``data`` as a stored (uncompressed) deflate block, at a byte boundary, not final."""
    return b"".join(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
                    for chunk in (data[i:i + 65535] for i in range(0, len(data), 65535)))


_PACKED: dict[bytes, bytes] = {}


class CachedPage:
    """One rendered page: its fixed pieces (plain and compressed) and the slots between them.

    Each fixed piece is compressed against the 32 KB of page before it, as one stream would
    be, with every slot's bytes taken as NULs: no page text contains a NUL, so no
    back-reference can land in a slot, and each request's values (the same width) are
    compressed on their own in between. The page compresses almost as well as in one piece.
    """

    def __init__(self, html: str, slots: Iterable[Slot], key: tuple):
        by_marker = {s.marker: s for s in slots if s.marker in html}
        pattern = "(" + "|".join(map(re.escape, by_marker)) + ")"
        pieces = re.split(pattern, html) if by_marker else [html]
        self.pieces: list[bytes | Slot] = [
            by_marker[p] if p in by_marker else p.encode() for p in pieces if p]
        frame = b"".join(p if isinstance(p, bytes) else b"\0" * p.width for p in self.pieces)
        # A NUL in the text itself could be matched against a slot: compress pieces alone.
        windowed = b"\0" not in b"".join(p for p in self.pieces if isinstance(p, bytes))
        self.compressed: list[bytes | None] = []
        offset = 0
        for piece in self.pieces:
            if isinstance(piece, bytes):
                window = frame[max(0, offset - WINDOW):offset] if windowed else b""
                self.compressed.append(_deflate(piece, window))
                offset += len(piece)
            else:
                self.compressed.append(None)
                offset += piece.width
        self.etag_base = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        self._etags: dict[tuple, str] = {}
        self.size = len(frame) + sum(len(c) for c in self.compressed if c)

    def _fills(self, fills: dict[str, str]) -> dict[str, bytes] | None:
        fitted = {}
        for piece in self.pieces:
            if isinstance(piece, Slot) and piece.marker not in fitted:
                data = piece.fit(fills.get(piece.marker, ""))
                if data is None:
                    return None
                fitted[piece.marker] = data
        return fitted

    def plain(self, fills: dict[str, str]) -> bytes:
        fitted = self._fills(fills)
        if fitted is None:   # a value too long for its slot: put it in as it is
            fitted = {m: v.encode() for m, v in fills.items()}
        return b"".join(p if isinstance(p, bytes) else fitted.get(p.marker, b"")
                        for p in self.pieces)

    def gzipped(self, fills: dict[str, str]) -> bytes:
        fitted = self._fills(fills)
        if fitted is None:
            return gzip.compress(self.plain(fills), LEVEL, mtime=0)
        deflated = {marker: self._packed(marker, data) for marker, data in fitted.items()}
        crc, length, out = 0, 0, [GZIP_HEADER]
        for plain, packed in zip(self.pieces, self.compressed, strict=True):
            if isinstance(plain, Slot):
                plain, packed = fitted[plain.marker], deflated[plain.marker]
            crc = zlib.crc32(plain, crc)
            length += len(plain)
            out.append(packed)
        out += [FINAL_BLOCK, struct.pack("<II", crc, length & 0xFFFFFFFF)]
        return b"".join(out)

    def _packed(self, marker: str, data: bytes) -> bytes:
        slot = next(p for p in self.pieces if isinstance(p, Slot) and p.marker == marker)
        if not slot.pad:
            return _stored(data)   # a token: new every time, short, not worth compressing
        packed = _PACKED.get(data)
        if packed is None:     # turnout and own-count notices repeat: compress each once
            packed = _PACKED[data] = _deflate(data)
            if len(_PACKED) > 512:
                _PACKED.pop(next(iter(_PACKED)))
        return packed

    def etag(self, *variant: object) -> str:
        """A weak ETag: the same page text, though each response carries its own form token."""
        epoch = int(time.time() // TOKEN_EPOCH_SECONDS)
        tag = self._etags.get((epoch, variant))
        if tag is None:   # once per day and variant, not per request
            digest = hashlib.sha256(repr((self.etag_base, epoch, variant)).encode()).hexdigest()[:24]
            if len(self._etags) > 64:
                self._etags.clear()
            tag = self._etags[(epoch, variant)] = f'W/"{digest}"'
        return tag


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
        try:
            with render_lock:
                page = self._lookup(key)
                if page is None:
                    page = make()
                    self.renders += 1
                    self._store(key, page)
        finally:   # also when make() raised (a chapter that does not exist): nothing left behind
            with self._lock:
                self._rendering.pop(key, None)
        return page

    def peek(self, key: tuple) -> CachedPage | None:
        """The page if it is made already; never renders (for the event loop)."""
        return self._lookup(key)

    def has(self, key: tuple) -> bool:
        with self._lock:
            return key in self._pages

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


def respond(request: Request, page: CachedPage, fills: Callable[[], dict[str, str]], etag: str,
            status: int = 200) -> Response:
    """The page with this request's fills: 304 when the browser has it (no fills made, no
    token signed), gzip when it takes it."""
    headers = dict(HEADERS, ETag=etag)
    if status == 200 and etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    made = fills()
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        body = page.gzipped(made)
        headers["Content-Encoding"] = "gzip"
    else:
        body = page.plain(made)
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers=headers)


def _etags(header: str) -> set[str]:
    tags = {t.strip() for t in header.split(",") if t.strip()}
    # If-None-Match compares weakly: W/"x" and "x" name the same page.
    return tags | {t[2:] for t in tags if t.startswith("W/")} | {f"W/{t}" for t in tags}
