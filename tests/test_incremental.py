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


SIXTY = ["建议将公示期限改为六十日", "三十日太短了，应当延长到六十天", "公示期限改成60天比较合理",
         "希望公示时间能延长至六十日，让大家有时间看", "公示期建议调整为60日", "公示期限应为六十日"]


def test_the_same_change_in_six_wordings_is_one_opinion_and_its_opposite_is_not():
    from legis.matching import cluster
    assert cluster(SIXTY) == [0] * 6
    assert cluster(SIXTY + ["不应改为六十日", "建议将公示期限改为九十日"]) == [0] * 6 + [1, 2]
    assert cluster(["公示期限延长至六十日", "公示期限缩短至六十日"]) == [0, 1]
    # Arriving one by one, each joins the opinion the first started.
    assert place(SIXTY[1:], [(5, SIXTY[:1])]) == [5] * 5


def test_short_stances_on_the_draft_are_one_opinion_each():
    from legis.matching import cluster
    supportive = ["赞成", "支持尽快出台", "完全同意", "同意本条例", "非常支持，希望早日实施"]
    assert cluster(supportive + ["不同意", "反对这个条例"]) == [0] * 5 + [1, 1]
    # A stance with something of its own is not only a stance.
    assert cluster(["支持", "支持，但是第三条的罚款太重"]) == [0, 1]
