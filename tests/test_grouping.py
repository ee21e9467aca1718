"""Clustering an article's opinions with cannot-links (legis.matching.grouping): opinions
whose texts agree across the board are one opinion; an opposite request never joins."""

from __future__ import annotations

import random

from legis.matching import DEFAULT_THRESHOLD, cluster, place
from legis.matching.grouping import regroup
from legis.matching.normalise import spaced_many

# Six residents asking for the same thing, each close to the next, the last two far
# from the first (scores under the threshold with it).
CHAIN = ["建议物业每月清理一次楼道堆放的杂物",
         "楼道堆放的杂物和纸箱，建议物业每月清理一次",
         "楼道里堆放的纸箱杂物，物业每月要清理一次，有火灾隐患",
         "楼道里堆放纸箱杂物有火灾隐患，物业应当每月清理",
         "楼道里的纸箱杂物有火灾隐患，请物业每月清理一次",
         "楼道纸箱杂物存在火灾隐患，希望物业按月清理"]
OPPOSITE = "建议物业不要每月清理楼道堆放的杂物"

NO_WORK = ["建议晚上十点以后小区内禁止装修施工",
           "晚上十点以后小区内禁止装修施工，影响老人孩子休息",
           "晚上十点以后小区里禁止装修施工",
           "建议晚上十点以后小区禁止装修施工，影响休息"]
WORK_ALLOWED = ["建议晚上十点以后小区内允许装修施工",
                "晚上十点以后小区内允许装修施工，不影响休息"]


def _partition(texts: list[str], groups: list[int]) -> set[frozenset[str]]:
    return {frozenset(t for t, g in zip(texts, groups) if g == k) for k in set(groups)}


def test_six_rewordings_in_a_chain_are_one_opinion_and_the_opposite_is_not():
    assert cluster(CHAIN) == [0] * 6
    groups = cluster(CHAIN + [OPPOSITE])
    assert groups[:6] == [0] * 6 and groups[6] != 0


def test_this_chain_and_its_opposite_come_out_the_same_whatever_order_they_arrive_in():
    texts = CHAIN + [OPPOSITE]
    expected = _partition(texts, cluster(texts))
    rng = random.Random(13)
    for _ in range(12):
        shuffled = texts[:]
        rng.shuffle(shuffled)
        assert _partition(shuffled, cluster(shuffled)) == expected


def test_opinions_whose_texts_agree_across_are_joined_but_never_with_the_opposite():
    texts = spaced_many(NO_WORK + WORK_ALLOWED)
    # As a first pass may leave them: three opinions, the last the opposite request.
    joined = regroup(texts, [1] * 6, [0, 0, 2, 2, 4, 4], DEFAULT_THRESHOLD)
    assert len(set(joined[:4])) == 1
    assert set(joined[4:]) == {4}


def test_a_lone_text_joins_the_opinion_whose_members_it_agrees_with():
    # A rewording that went its own way in the first pass (rejoin leaves lone texts).
    texts = spaced_many(NO_WORK)
    assert len(set(regroup(texts, [2, 1, 1, 1], [0, 0, 0, 3], DEFAULT_THRESHOLD))) == 1


def test_arriving_one_by_one_the_chain_is_one_opinion_and_the_opposite_a_new_one():
    assert place(CHAIN[1:], [(3, CHAIN[:1])]) == [3] * 5
    placed = place(CHAIN + [OPPOSITE], [])
    assert placed[:6] == ["new:0"] * 6 and placed[6] == "new:1"


# A campaign: a short wording sent most, the fuller template, and the template again with
# a sentence of each resident's own. The template plus a sentence scores under the
# threshold against the short wording, so it is not the first pass's to join.
CHARGING_SHORT = "不得在楼道给电动自行车充电"
CHARGING = "电动自行车不得在楼道里充电，应当到集中充电点充电"
OWN_SENTENCES = ["我家楼下上个月就差点着了火，想起来都后怕",
                 "这是我们整栋楼住户开会商量后的共同心愿",
                 "每天晚上下班回家都能看到好几辆车在楼道里",
                 "老人孩子住在楼上，真出了事根本跑不出来"]
CAMPAIGN = [CHARGING_SHORT] * 5 + [CHARGING] * 3 + [f"{CHARGING}，{s}" for s in OWN_SENTENCES]


def test_a_template_sent_again_with_a_sentence_of_ones_own_stays_in_its_campaign():
    assert cluster(CAMPAIGN) == [0] * len(CAMPAIGN)


def test_the_opposite_request_sent_again_with_the_same_sentences_stays_apart():
    allowed = "电动自行车可以在楼道里充电，不必到集中充电点充电"
    texts = CAMPAIGN + ["允许在楼道给电动自行车充电"] * 4 + [allowed] * 2 + \
        [f"{allowed}，{s}" for s in OWN_SENTENCES[:3]]
    groups = cluster(texts)
    assert groups[:len(CAMPAIGN)] == [0] * len(CAMPAIGN)
    assert 0 not in groups[len(CAMPAIGN):]


def test_a_comment_making_two_requests_does_not_carry_one_opinion_into_the_other():
    # The charging template with a second request whole after it: it restates the
    # template (its opinion), and the second request's opinion only appears in it.
    extinguishers = "物业要在车棚旁边配好灭火器和消防沙箱"
    texts = spaced_many([CHARGING, f"{CHARGING}，{extinguishers}", extinguishers])
    joined = regroup(texts, [1, 3, 2], [0, 0, 2], DEFAULT_THRESHOLD)
    assert joined[0] == joined[1] != joined[2]
