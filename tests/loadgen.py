"""Simulated residents and staff against a running legis, for the load benchmark and the crash test.

Each resident loads the draft page once, then submits comments the way the page's
script does (Accept: application/json; each answer carries the next form token).
A submission that fails (connection reset when a worker dies, 5xx while the
database restarts) is sent again with the same form token, as a phone would: the
server must store it exactly once. Loops are bounded by a deadline; targets are
loopback.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import httpx2 as httpx

TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


@dataclass
class Tally:
    receipts: dict[str, str] = field(default_factory=dict)   # receipt code -> text
    latencies: list[float] = field(default_factory=list)     # accepted submissions, seconds
    retries: int = 0
    errors: dict = field(default_factory=dict)   # what made a submission retry
    failures: int = 0           # submissions that never got a receipt before the deadline
    staff_pages: int = 0
    staff_latencies: list[float] = field(default_factory=list)

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        values = sorted(self.latencies if values is None else values)
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(q * len(values)))]


async def resident(base: str, slug: str, n: int, deadline: float, tally: Tally,
                   *, pause: float = 0.0) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        token = None
        sent = 0
        while time.monotonic() < deadline:
            try:
                if token is None:
                    page = await client.get(f"/drafts/{slug}")
                    token = TOKEN_RE.search(page.text).group(1)
            except (httpx.HTTPError, AttributeError):
                await asyncio.sleep(0.2)
                continue
            text = f"居民{n}的第{sent}条意见：建议延长公示期限，编号{n}-{sent}"
            data = {"form_token": token, "text": text, "article_id": ""}
            started = time.monotonic()
            answer = await _submit(client, slug, data, deadline, tally)
            if answer is None:
                tally.failures += 1
                return
            tally.latencies.append(time.monotonic() - started)
            tally.receipts[answer["receipt_code"]] = text
            sent += 1
            token = answer["form_token"]
            if pause:
                await asyncio.sleep(pause)


async def _submit(client, slug, data, deadline, tally) -> dict | None:
    while time.monotonic() < deadline + 30:   # finish what was started
        try:
            response = await client.post(f"/drafts/{slug}/comments", data=data,
                                         headers={"Accept": "application/json"})
            if response.status_code == 200 and response.json().get("ok"):
                return response.json()
            tally.errors[response.status_code] = tally.errors.get(response.status_code, 0) + 1
        except httpx.HTTPError as error:
            name = type(error).__name__
            tally.errors[name] = tally.errors.get(name, 0) + 1
        tally.retries += 1
        await asyncio.sleep(0.3)
    return None


async def staff_reader(base: str, username: str, password: str, paths: list[str],
                       deadline: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        logged_in = False
        while time.monotonic() < deadline:
            try:
                if not logged_in:
                    await client.post("/login", data={"username": username, "password": password})
                    logged_in = True
                for path in paths:
                    started = time.monotonic()
                    response = await client.get(path)
                    if response.status_code == 303:
                        logged_in = False
                        break
                    tally.staff_latencies.append(time.monotonic() - started)
                    tally.staff_pages += 1
            except httpx.HTTPError:
                await asyncio.sleep(0.3)


def run_async(coroutine):
    """Run a coroutine to completion from synchronous test code.

    In its own thread, because the browser tests' Playwright keeps an event loop
    running in the main thread for the whole session, and asyncio.run refuses to
    start inside a running loop.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def crowd(base: str, slug: str, *, residents: int, seconds: float, staff=None,
                pause: float = 0.0, during=None) -> Tally:
    """Run ``residents`` simulated residents (and staff readers) for ``seconds``.

    ``during`` is an optional coroutine function called once mid-run (the crash).
    """
    tally = Tally()
    deadline = time.monotonic() + seconds
    tasks = [asyncio.create_task(resident(base, slug, n, deadline, tally, pause=pause))
             for n in range(residents)]
    if staff:
        username, password, paths, readers = staff
        tasks += [asyncio.create_task(staff_reader(base, username, password, paths, deadline,
                                                   tally)) for _ in range(readers)]
    if during is not None:
        await asyncio.sleep(seconds / 3)
        await during()
    await asyncio.gather(*tasks)
    return tally
