"""Receipts behind one shared address (a 座谈会's Wi-Fi): a resident's own receipts always open;
codes the browser was not given are guesses, and guessing stays limited."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlmodel import select
from starlette.testclient import TestClient

from legis.models import Comment
from legis.web.app import create_app
from legis.web.receipts import LOOKUPS_PER_MINUTE
from legis.web.visits import COOKIE
from tests.factories import article, make_draft


@pytest.fixture(params=["memory", "database"])
def app(request, settings, engine):
    """Counted in this process's memory, and as several workers count: in the database."""
    settings.rate_limit_store = request.param
    return create_app(settings)


def submit(browser: TestClient, slug: str, text: str, article_id: int | str = "") -> str:
    page = browser.get(f"/drafts/{slug}")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    response = browser.post(f"/drafts/{slug}/comments",
                            data={"form_token": token, "text": text, "article_id": str(article_id)})
    assert response.status_code == 303, response.text
    return re.search(r"/r/([A-Z0-9]+)", response.headers["location"]).group(1)


def guesses(n: int) -> list[str]:
    # Well-formed codes (the receipt alphabet) that no comment has.
    return [f"ZZZZ{i:04d}".replace("0", "A").replace("1", "B") for i in range(n)]


def test_own_receipts_open_after_the_address_is_limited_for_guesses(app, db):
    draft = make_draft(db, slug="yangquan")
    with TestClient(app, follow_redirects=False) as mine, \
            TestClient(app, follow_redirects=False) as neighbour:
        own = [submit(mine, "yangquan", "建议延长登记有效期。", article(db, draft, 1).id),
               submit(mine, "yangquan", "总体赞成。")]
        # Another browser on the same Wi-Fi exhausts the address's lookups by guessing.
        answers = [neighbour.get(f"/r/{code}").status_code
                   for code in guesses(LOOKUPS_PER_MINUTE + 1)]
        assert answers[:LOOKUPS_PER_MINUTE] == [404] * LOOKUPS_PER_MINUTE
        assert answers[-1] == 429
        # The resident still reads their own receipts, as often as they like.
        for _ in range(2 * LOOKUPS_PER_MINUTE):
            for code in own:
                page = mine.get(f"/r/{code}")
                assert page.status_code == 200 and code in page.text
        # Typed into the look-up form, an own code goes straight to its receipt.
        typed = mine.get("/r", params={"code": own[0].lower()})
        assert typed.status_code == 303 and typed.headers["location"] == f"/r/{own[0]}"
        # A real code this browser was not given is a guess like any other: still limited.
        assert neighbour.get(f"/r/{own[1]}").status_code == 429
        assert mine.get("/r/ZZZZZZZZ").status_code == 429


def test_guessing_through_the_lookup_form_is_limited(app, db):
    make_draft(db, slug="yangquan")
    with TestClient(app, follow_redirects=False) as browser:
        answers = [browser.get("/r", params={"code": code}).status_code
                   for code in guesses(LOOKUPS_PER_MINUTE + 1)]
    assert answers[:LOOKUPS_PER_MINUTE] == [404] * LOOKUPS_PER_MINUTE
    assert answers[-1] == 429


def test_a_forged_receipt_list_does_not_lift_the_limit(app, db):
    draft = make_draft(db, slug="yangquan")
    with TestClient(app, follow_redirects=False) as resident:
        code = submit(resident, "yangquan", "赞成。")
    stored = db.exec(select(Comment)).one()
    assert stored.receipt_code == code
    wanted = guesses(LOOKUPS_PER_MINUTE) + [code]
    forged = URLSafeSerializer("not-the-app-secret", salt="legis-visit").dumps(
        {"v": "x", "d": {str(draft.id): wanted}})
    with TestClient(app, follow_redirects=False, cookies={COOKIE: forged}) as attacker:
        answers = [attacker.get(f"/r/{c}").status_code for c in wanted]
    assert answers[-1] == 429
    assert "查询过于频繁" in TestClient(app, cookies={COOKIE: forged}).get(f"/r/{code}").text
