"""Browser tests: Debian's Chromium, driven by Playwright, against the real `legis serve`.

Without the playwright package or a Chromium binary the whole folder is skipped
with one line saying which is missing. Set LEGIS_CHROMIUM to use another binary.
With LEGIS_TEST_DATABASE_URL the server runs on PostgreSQL (a schema of its own).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.live import running_server, server_env

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
DOC_SHOTS = REPO / "docs" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("LEGIS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

MISSING = ""   # why the browser tests cannot run here, if they cannot
try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    MISSING = ("browser tests skipped: the playwright package is not installed "
               "(pip install playwright)")
if not MISSING and not os.access(CHROMIUM, os.X_OK):  # pragma: no cover - depends on the machine
    MISSING = (f"browser tests skipped: no Chromium at {CHROMIUM} "
               "(apt-get install chromium, or set LEGIS_CHROMIUM)")


def pytest_ignore_collect(collection_path, config):
    """Without a browser, test_journeys.py alone reports the skip: one line for the folder."""
    if MISSING and collection_path.name.startswith("test_") and collection_path.name != "test_journeys.py":
        return True
    return None


from tests.browser.seed import PASSWORDS, USERNAMES, Seeded, seed

PUBLIC_URL = "https://yijian.example.gov.cn"   # what QR codes point at (never requested)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1100, "height": 800}, "device_scale_factor": 1}


@dataclass
class Site:
    """The running server and the data it was started with."""

    base: str
    env: dict[str, str]
    tmp: Path
    data: Seeded
    log: Path


@contextmanager
def database(tmp: Path) -> Iterator[str]:
    """SQLite in ``tmp``; with LEGIS_TEST_DATABASE_URL, a schema of its own in PostgreSQL."""
    base = os.environ.get("LEGIS_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp / 'live.db'}"
        return
    from tests.conftest import postgres_schema

    # The shared helper: no connection pool, because the crash tests restart
    # PostgreSQL while this session-wide schema is still in use.
    with postgres_schema(base) as url:
        yield url


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("browser")
    with database(tmp) as url:
        # One browser is one client: lift the per-client comment limit for the suite.
        env = server_env(tmp, database_url=url, LEGIS_COMMENT_RATE="100000",
                         LEGIS_MEETING_RATE="100000", LEGIS_BASE_URL=PUBLIC_URL)
        data = seed(tmp, env)
        log = tmp / "server.log"
        with running_server(env, log=log) as (base, _process):
            yield Site(base=base, env=env, tmp=tmp, data=data, log=log)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80]


@dataclass
class Browsing:
    """The contexts a test opened, every URL they requested, and the pictures it took."""

    site: Site
    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    shots: list[tuple[str, bytes]] = field(default_factory=list)

    def context(self, *, phone: bool = False, **options) -> BrowserContext:
        """A fresh browser profile (no cookies, no cache) that records every request."""
        settings = {**(PHONE if phone else DESKTOP), "locale": "zh-CN", **options}
        context = self.browser.new_context(base_url=self.site.base, **settings)
        context.set_default_timeout(15_000)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        return context

    def page(self, **options) -> Page:
        return self.context(**options).new_page()

    def login(self, page: Page, role: str) -> None:
        page.goto("/login")
        page.get_by_label("用户名").fill(USERNAMES[role])
        page.get_by_label("密码").fill(PASSWORDS[role])
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/manage/"))

    def snap(self, page: Page, name: str, *, doc: str | None = None, full_page: bool = False) -> None:
        """Keep a picture of a key page: written to artifacts/ if the test fails.

        With LEGIS_SCREENSHOTS=1, ``doc`` names the picture kept in docs/screenshots/.
        """
        picture = page.screenshot(full_page=full_page, type="png")
        self.shots.append((name, picture))
        if doc and os.environ.get("LEGIS_SCREENSHOTS") == "1":
            DOC_SHOTS.mkdir(parents=True, exist_ok=True)
            (DOC_SHOTS / f"{doc}.png").write_bytes(picture)

    def foreign_requests(self) -> list[str]:
        """Requests that left the test server: a page must not load anything from elsewhere."""
        allowed = ("data:", "blob:", "about:")
        return [url for url in self.requests
                if not url.startswith(self.site.base + "/") and not url.startswith(allowed)]

    def assert_same_origin(self) -> None:
        assert self.requests, "no request was recorded"
        foreign = self.foreign_requests()
        assert not foreign, f"requests to other origins: {foreign}"

    def save_artifacts(self, test_name: str) -> Path:
        folder = ARTIFACTS / _slug(test_name)
        folder.mkdir(parents=True, exist_ok=True)
        for index, (name, picture) in enumerate(self.shots, start=1):
            (folder / f"{index:02d}-{_slug(name)}.png").write_bytes(picture)
        for c, context in enumerate(self.contexts, start=1):
            for p, page in enumerate(context.pages, start=1):
                if not page.is_closed():
                    page.screenshot(path=str(folder / f"last-{c}-{p}.png"), full_page=True)
        return folder


@pytest.fixture
def browsing(request, site: Site, browser: Browser) -> Iterator[Browsing]:
    session = Browsing(site=site, browser=browser)
    yield session
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False)
                 for when in ("setup", "call"))
    if failed:
        folder = session.save_artifacts(request.node.name)
        print(f"\nscreenshots of the failed journey: {folder}\nserver log: {site.log}")
    for context in session.contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str | None:
    return AXE.read_text(encoding="utf-8") if AXE.exists() else None
