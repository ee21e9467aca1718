"""New comments arriving after opinions exist: agreeing newcomers form one new opinion."""

from __future__ import annotations

from legis.matching import assign, place
from legis.services import merging
from tests.factories import make_draft
from tests.test_merging_product import add_comments, opinions_of

EXISTING = [(7, ["建议将变更登记期限由三十日延长至六十日"])]
NEW = ["养犬人应当随身携带拾便袋，及时清理犬只粪便", "建议将变更登记期限由三十日延长到六十日。",
       "养犬人应随身带拾便袋，及时清理犬只的粪便。谢谢", "养犬人可以不带拾便袋"]


def test_agreeing_new_comments_share_one_new_opinion_and_opposites_do_not():
    assert place(NEW, EXISTING) == ["new:0", 7, "new:0", "new:1"]
    # assign matches each on its own: the first and third would be two new opinions.
    assert assign(NEW, EXISTING) == [None, 7, None, None]


def test_place_without_opinions_and_repeated_texts():
    assert place(["遛狗应当拴绳", "遛狗应当拴绳", "遛狗应当拴绳！"], []) == ["new:0"] * 3
    assert place([], EXISTING) == []


def test_an_incremental_merge_makes_one_opinion_of_two_agreeing_newcomers(engine, db):
    draft = make_draft(db)
    add_comments(db, draft, 8, ["建议将变更登记期限由三十日延长至六十日"] * 2)
    merging.merge_draft(engine, draft_id=draft.id)
    assert len(opinions_of(db, draft)) == 1
    new = add_comments(db, draft, 8, NEW)
    merging.merge_draft(engine, draft_id=draft.id)
    groups = sorted(sorted(ids) for ids in opinions_of(db, draft).values())
    ids = [c.id for c in new]
    assert [ids[0], ids[2]] in groups and [ids[3]] in groups
    assert len(groups) == 3
