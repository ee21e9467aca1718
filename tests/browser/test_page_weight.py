"""The public draft page stays light on a phone connection: the first screen of a
100-article draft under 60 KB compressed, the rest a page per chapter."""

from __future__ import annotations

from tests.browser.conftest import Browsing
from tests.browser.seed import BIG_TITLE

LIMIT = 60 * 1024


def transferred(browsing: Browsing, path: str) -> tuple[int, list[tuple[str, int]], object]:
    page = browsing.page(phone=True)
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(path, wait_until="networkidle")
    rows = []
    for request in finished:
        sizes = request.sizes()
        rows.append((request.url.removeprefix(browsing.site.base),
                     sizes["responseHeadersSize"] + sizes["responseBodySize"]))
    return sum(size for _, size in rows), rows, page


def test_hundred_article_draft_first_screen_is_under_60_kb(browsing: Browsing):
    total, rows, page = transferred(browsing, "/drafts/big")
    assert page.get_by_role("heading", level=1).inner_text() == BIG_TITLE
    assert page.locator("section.article").count() == 20      # the first chapter
    print("\n100-article draft, first page, bytes transferred:")
    for url, size in rows:
        print(f"  {size:>8,}  {url}")
    print(f"  {total:>8,}  total ({total / 1024:.1f} KB, limit {LIMIT // 1024} KB)")
    kinds = {url.rsplit(".", 1)[-1] for url, _ in rows if url.startswith("/static/")}
    assert {"css", "js"} <= kinds, rows       # the figure includes the styles and scripts
    assert total < LIMIT, f"{total:,} bytes"

    # Every other chapter is a page of its own, each as light (styles and script now cached).
    shown = 20
    for number in range(2, 6):
        page.get_by_role("link", name="下一页").first.tap()
        page.wait_for_url(f"**/drafts/big/part/{number}")
        shown += page.locator("section.article").count()
    assert shown == 100
    later, rows, _ = transferred(browsing, "/drafts/big/part/5")
    print(f"  {later:>8,}  last chapter page, fresh browser ({later / 1024:.1f} KB)")
    assert later < LIMIT, f"{later:,} bytes"
    browsing.assert_same_origin()
