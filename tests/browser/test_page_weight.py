"""The public draft page stays light on a phone connection: a 100-article draft under 300 KB."""

from __future__ import annotations

from tests.browser.conftest import Browsing
from tests.browser.seed import BIG_TITLE

LIMIT = 300 * 1024


def test_hundred_article_draft_page_is_under_300_kb(browsing: Browsing):
    page = browsing.page(phone=True)
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto("/drafts/big", wait_until="networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == BIG_TITLE
    assert page.locator("section.article").count() == 100

    rows = []
    for request in finished:
        sizes = request.sizes()
        rows.append((request.url.removeprefix(browsing.site.base),
                     sizes["responseHeadersSize"] + sizes["responseBodySize"]))
    total = sum(size for _, size in rows)
    print("\n100-article draft page, bytes transferred:")
    for url, size in rows:
        print(f"  {size:>8,}  {url}")
    print(f"  {total:>8,}  total ({total / 1024:.1f} KB, limit {LIMIT // 1024} KB)")
    kinds = {url.rsplit(".", 1)[-1] for url, _ in rows if url.startswith("/static/")}
    assert {"css", "js"} <= kinds, rows       # the figure includes the styles and scripts
    assert total < LIMIT, f"{total:,} bytes"
    browsing.assert_same_origin()
