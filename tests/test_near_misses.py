"""The review page lists "可能相同的意见" with the reason they were kept apart, and merges
one of them into the opinion in one form post."""

from __future__ import annotations

from sqlmodel import select

from legis.matching.near import ALIKE, near_misses
from legis.models import Comment, Opinion
from legis.services import merging
from tests.factories import article, make_draft
from tests.test_merging_product import add_comments

SIXTY = ["建议将变更登记期限由三十日延长至六十日", "我建议：变更登记期限由三十日延长到六十日。",
         "希望变更登记的期限从30日延长到60日，望采纳"]
NINETY = "建议将变更登记期限由三十日延长至九十日"
ONLINE = "建议取消变更登记，改为网上备案即可"
REWORDED = "变更登记改为电话备案即可"


def test_near_misses_give_the_reason_and_whether_it_is_a_contrast():
    texts = [SIXTY[0], NINETY, "遛狗应当拴绳", "遛狗可以拴绳", ONLINE, "取消变更登记，改成网上备案",
             "业主大会应当每年公布维修资金的收支情况", "维修资金收支要让业主看得到", "广场舞音响音量不得超过六十分贝"]
    found = {(m.first, m.second): m for m in near_misses(texts)}
    assert found[(0, 1)].reason == "数字不同" and found[(0, 1)].contrast
    assert found[(2, 3)].reason == "情态不同" and found[(2, 3)].contrast
    assert found[(4, 5)].reason == ALIKE and not found[(4, 5)].contrast
    # The same request in other words (公布收支 / 让业主看得到): the word reading of the
    # score finds it alike (wording.py).
    assert found[(6, 7)].reason == ALIKE and not found[(6, 7)].contrast
    assert not any(8 in pair for pair in found)       # nothing close to it


def _members(db, draft) -> dict[int, set[str]]:
    db.expire_all()
    out = {}
    for opinion in db.exec(select(Opinion).where(Opinion.draft_id == draft.id)):
        out[opinion.id] = {c.text for c in db.exec(select(Comment).where(Comment.opinion_id == opinion.id))}
    return out


def test_review_page_lists_near_misses_and_merges_exactly_the_pair(client, engine, db):
    draft = make_draft(db)
    add_comments(db, draft, 8, [*SIXTY, NINETY, ONLINE, REWORDED])
    merging.merge_draft(engine, draft_id=draft.id)
    before = _members(db, draft)
    assert len(before) == 4
    by_text = {next(iter(texts)) if len(texts) == 1 else "sixty": oid for oid, texts in before.items()}
    sixty, ninety, online, reworded = (by_text["sixty"], by_text[NINETY], by_text[ONLINE],
                                      by_text[REWORDED])

    url = f"/manage/drafts/{draft.id}/opinions/{article(db, draft, 8).id}"
    page = client.get(url)
    assert page.status_code == 200
    # Every opinion says how many close ones there are, and which are opposed.
    assert f'<a href="?edit={sixty}#o{sixty}">可能相同的意见 1 条</a>' in page.text
    assert "其中 1 条不同：数字不同" in page.text
    # Opened, an opinion lists them: the number that differs is a contrast, red by class
    # and said in words.
    page = client.get(f"{url}?edit={online}")
    assert '<span class="near-reason contrast">不同：数字不同</span>' not in page.text
    page = client.get(f"{url}?edit={sixty}")
    assert '<span class="near-reason contrast">不同：数字不同</span>' in page.text
    page = client.get(f"{url}?edit={online}")
    assert '<span class="near-reason contrast">不同：用词不同</span>' in page.text
    assert f'/manage/opinions/{reworded}/merge"' in page.text

    merged = client.post(f"/manage/opinions/{reworded}/merge", data={"into": str(online)})
    assert merged.status_code == 303 and merged.headers["location"].endswith(f"#o{online}")
    after = _members(db, draft)
    assert after[online] == {ONLINE, REWORDED}
    assert reworded not in after
    assert after[sixty] == before[sixty] and after[ninety] == before[ninety]
    # Merged: no longer a near miss of each other.
    page = client.get(f"{url}?edit={online}")
    assert f'/manage/opinions/{reworded}/merge"' not in page.text
