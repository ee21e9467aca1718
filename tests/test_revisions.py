"""Mapping the articles of one version to the next, and character differences (pure functions)."""

from __future__ import annotations

import random

from legis.numerals import article_label
from legis.revisions import ArticleText, Link, char_diff, classify, map_articles

TEXTS = [
    "为了规范养犬行为，保障公民健康和人身安全，维护市容环境和社会公共秩序，制定本条例。",
    "本条例适用于本市行政区域内的养犬及相关管理活动。",
    "养犬管理工作实行政府负责、部门协作、基层参与、养犬人自律的原则。",
    "本市实行养犬登记制度。未经登记，任何单位和个人不得饲养犬只。",
    "个人饲养犬只的，应当具备下列条件：\n（一）具有完全民事行为能力；\n（二）有固定住所且独户居住。",
    "犬只登记有效期为一年。有效期届满需要继续饲养的，养犬人应当在届满前三十日内办理延续手续。",
    "养犬人应当定期为犬只接种狂犬病疫苗，并取得兽医主管部门出具的免疫证明。",
    "养犬人变更住所的，应当在三十日内到原登记机关办理变更登记。",
    "犬只死亡或者丢失的，养犬人应当在十五日内向登记机关报告并注销登记。",
    "禁止在本市重点管理区域内饲养烈性犬、大型犬。",
    "养犬人携犬出户的，应当束犬链，由完全民事行为能力人牵领，并避让老年人、残疾人、孕妇和儿童。",
    "养犬人携犬出户时，应当即时清除犬只排泄的粪便，保持环境卫生。",
    "本条例自公布之日起施行。",
]


def version(texts: list[str], prefix: str, labels: list[str] | None = None) -> list[ArticleText]:
    labels = labels or [article_label(n) for n in range(1, len(texts) + 1)]
    return [ArticleText(f"{prefix}{i}", label, text)
            for i, (label, text) in enumerate(zip(labels, texts, strict=True))]


def by_old(links: list[Link]) -> dict[str, Link]:
    return {key: link for link in links for key in link.old_keys}


def test_identical_version_maps_every_article_to_itself_as_same():
    links = map_articles(version(TEXTS, "o"), version(TEXTS, "n"))
    assert [(link.old_keys, link.new_keys, link.kind) for link in links] == [
        ((f"o{i}",), (f"n{i}",), "same") for i in range(len(TEXTS))]
    assert all(link.score == 100 for link in links)


def test_deleting_an_article_renumbers_the_rest_and_reports_the_deletion():
    new = TEXTS[:2] + TEXTS[3:]
    links = by_old(map_articles(version(TEXTS, "o"), version(new, "n")))
    assert links["o2"].kind == "deleted" and links["o2"].new_keys == ()
    assert links["o1"].kind == "same"
    assert links["o3"].new_keys == ("n2",) and links["o3"].kind == "renumbered"
    assert links["o12"].new_keys == ("n11",) and links["o12"].kind == "renumbered"


def test_inserted_zhiyi_article_is_new_and_keeps_the_others_same():
    inserted = "养犬人应当为犬只佩戴电子标识，不得涂改、损毁或者转借犬只登记证。"
    new = TEXTS[:4] + [inserted] + TEXTS[4:]
    labels = [article_label(n) for n in range(1, 5)] + ["第四条之一"] + [
        article_label(n) for n in range(5, len(TEXTS) + 1)]
    links = map_articles(version(TEXTS, "o"), version(new, "n", labels))
    assert Link((), ("n4",), "new", 0.0) in links
    assert {link.kind for link in links if link.old_keys} == {"same"}
    # reading order: the new article sits between 第四条 and 第五条
    order = [link.new_keys for link in links]
    assert order.index(("n4",)) == order.index(("n3",)) + 1


def test_edited_text_is_mapped_with_its_similarity():
    new = list(TEXTS)
    new[7] = "养犬人变更住所的，应当在十五日内到新住所所在地登记机关办理变更登记。"
    link = by_old(map_articles(version(TEXTS, "o"), version(new, "n")))["o7"]
    assert link.new_keys == ("n7",) and link.kind == "edited"
    assert 60 < link.score < 100


def test_short_article_that_gained_a_paragraph_stays_mapped_in_its_slot():
    new = list(TEXTS)
    new[12] = ("本条例自公布之日起施行。\n本市此前发布的养犬管理规定与本条例不一致的，"
               "以本条例为准，市人民政府应当在本条例施行后六个月内完成清理。")
    link = by_old(map_articles(version(TEXTS, "o"), version(new, "n")))["o12"]
    assert link.new_keys == ("n12",) and link.kind == "edited"


def test_split_article_maps_to_two_consecutive_new_articles():
    first, second = TEXTS[5].split("。", 1)
    new = TEXTS[:5] + [first + "。", second] + TEXTS[6:]
    links = by_old(map_articles(version(TEXTS, "o"), version(new, "n")))
    assert links["o5"].kind == "split" and links["o5"].new_keys == ("n5", "n6")
    assert links["o6"].new_keys == ("n7",) and links["o6"].kind == "renumbered"


def test_two_articles_merged_into_one():
    new = TEXTS[:10] + [TEXTS[10] + "\n" + TEXTS[11]] + TEXTS[12:]
    links = map_articles(version(TEXTS, "o"), version(new, "n"))
    merged = [link for link in links if link.kind == "merged"]
    assert merged == [Link(("o10", "o11"), ("n10",), "merged", merged[0].score)]
    assert by_old(links)["o12"].new_keys == ("n11",)


def test_moved_article_follows_its_text():
    new = [TEXTS[9]] + TEXTS[:9] + TEXTS[10:]
    links = by_old(map_articles(version(TEXTS, "o"), version(new, "n")))
    assert links["o9"].new_keys == ("n0",) and links["o9"].kind == "renumbered"
    assert links["o0"].new_keys == ("n1",)


def test_unrelated_replacement_is_a_deletion_and_a_new_article():
    new = list(TEXTS)
    new[3] = "市人民政府应当将公共文化设施建设纳入国民经济和社会发展规划，保障经费投入。"
    links = map_articles(version(TEXTS, "o"), version(new, "n"))
    assert by_old(links)["o3"].kind == "deleted"
    assert Link((), ("n3",), "new", 0.0) in links


def test_renumbered_cross_reference_alone_is_not_an_edit():
    old = ["违反本条例第五条规定的，由公安机关责令改正。", "本条例自公布之日起施行。"]
    new = ["新增的一条规定，与其他条文均不相同，涉及犬只收容场所的设立。",
           "违反本条例第六条规定的，由公安机关责令改正。", "本条例自公布之日起施行。"]
    links = by_old(map_articles(version(old, "o"), version(new, "n")))
    assert links["o0"].new_keys == ("n1",) and links["o0"].kind == "renumbered"


def test_repeated_boilerplate_pairs_in_place():
    old = ["本条例自公布之日起施行。", TEXTS[1], "本条例自公布之日起施行。", TEXTS[3]]
    new = ["本条例自公布之日起施行。", TEXTS[1], "本条例自公布之日起施行。", TEXTS[3]]
    links = map_articles(version(old, "o"), version(new, "n"))
    assert [(link.old_keys, link.new_keys) for link in links] == [
        (("o0",), ("n0",)), (("o1",), ("n1",)), (("o2",), ("n2",)), (("o3",), ("n3",))]


def test_empty_sides():
    assert map_articles([], []) == []
    assert map_articles(version(TEXTS[:1], "o"), []) == [Link(("o0",), (), "deleted", 0.0)]
    assert map_articles([], version(TEXTS[:1], "n")) == [Link((), ("n0",), "new", 0.0)]


def test_classify_staff_choices():
    old = version(TEXTS[:2], "o")
    assert classify(old[:1], version(TEXTS[:1], "n")) == ("same", 100.0)
    assert classify(old[:1], []) == ("deleted", 0.0)
    assert classify([], old[:1]) == ("new", 0.0)
    assert classify(old, version(["".join(TEXTS[:2])], "n"))[0] == "merged"
    assert classify(old[:1], version(TEXTS[:2], "n"))[0] == "split"


def test_thousand_articles_map_correctly():
    rng = random.Random(7)
    words = "应当可以依法有关部门管理服务建设保护监督检查单位个人组织规定责任制度公共安全环境"
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(30, 160))) + "。"
             for _ in range(1000)]
    new = list(texts)
    for i in range(0, 1000, 20):
        new[i] = new[i][:10] + "并报市人民政府备案" + new[i][10:]
    del new[500]
    # Its speed is measured by benchmarks/revisions.py, not asserted here.
    links = by_old(map_articles(version(texts, "o"), version(new, "n")))
    assert links["o500"].kind == "deleted"
    assert links["o20"].new_keys == ("n20",) and links["o20"].kind == "edited"
    assert links["o999"].new_keys == ("n998",)


def test_char_diff_marks_changed_phrase():
    ops = char_diff("应当在三十日内办理", "应当在十五日内办理")
    assert "".join(t for op, t in ops if op != "insert") == "应当在三十日内办理"
    assert "".join(t for op, t in ops if op != "delete") == "应当在十五日内办理"
    assert ("equal", "应当在") in ops and ("equal", "日内办理") in ops
    assert any(op == "delete" and "三" in t for op, t in ops)
    assert any(op == "insert" and "五" in t for op, t in ops)


def test_char_diff_insertion_and_deletion_only():
    assert char_diff("禁止饲养烈性犬。", "禁止饲养烈性犬、大型犬。") == [
        ("equal", "禁止饲养烈性犬"), ("insert", "、大型犬"), ("equal", "。")]
    assert char_diff("abc", "") == [("delete", "abc")]
    assert char_diff("", "") == []


def test_char_diff_folds_single_shared_character_between_changes():
    ops = char_diff("甲的乙", "丙的丁")
    assert ops == [("delete", "甲的乙"), ("insert", "丙的丁")]
