"""Harmless differences are not contrasts: a resident's own reason holding a negation
(晚上睡不着, 跟不上), a negated modal written with the folded 得 (不得/不能), a negation inside
a modifier (合同未到期的…), a condition said to suffice (…同意即可) against the same condition
required. The opposite opinions next to each of them stay apart: the same words with the
claim itself negated, or a duty against a discretion."""

from __future__ import annotations

import pytest

from legis.matching import cluster
from legis.matching.contrast import reason
from legis.matching.normalise import spaced_many


def _one_opinion(a: str, b: str) -> bool:
    return len(set(cluster([a, b]))) == 1


# The same opinion: what differs is harmless.
JOINS = [
    # a reason one resident gives, its negation inside a potential form (睡不着: cannot sleep)
    ("广场舞晚上九点前结束，吵得孩子睡不着", "广场舞晚上九点前结束，影响孩子学习"),
    # the same reason in two potential forms, one of a two-character verb (修缮不起 / 修不起)
    ("历史建筑居民自己修缮不起，建议政府给予补贴", "历史建筑居民自己修缮修不起，建议政府给予补贴"),
    # 不得 and 不能 are one negated modal (得 is folded to 的 before comparing)
    ("开发商不得干预业主选聘物业", "开发商不能干预业主选聘物业"),
    ("前期物业合同到期后业主有权自行选聘物业，开发商不得干预",
     "前期物业合同到期后业主有权自行选聘物业，开发商不能干预"),
    # the negation stands in the modifier "合同未到期的", not on what the 业主大会 may do
    ("物业服务合同未到期的，业主大会也有权解聘物业公司", "物业合同未到期的业主大会也可以解聘物业公司"),
    # a condition required (应当经…同意) and the same condition said to suffice (经…同意即可)
    ("既有住宅加装电梯应当经本单元三分之二以上业主同意", "既有住宅加装电梯经本单元三分之二以上业主同意即可"),
]

# Different opinions: the claim itself is negated (or its potential form turned around).
APART = [
    ("广场舞音乐节奏太快，老人跟不上", "广场舞音乐节奏太快，老人跟得上", "否定不同"),
    ("老人晚上睡不着，建议广场舞九点前结束", "老人晚上睡得着，建议广场舞九点前结束", "否定不同"),
    ("历史建筑居民自己修缮不起，政府应当给予补贴", "历史建筑居民自己修缮得起，政府应当给予补贴", "否定不同"),
    ("开发商不得干预业主选聘物业", "开发商可以干预业主选聘物业", "否定不同"),
    ("合同未到期的，业主大会不能解聘物业公司", "合同未到期的，业主大会可以解聘物业公司", "否定不同"),
    ("建议在背街小巷安装路灯，晚上看不清", "建议在背街小巷不安装路灯，晚上看不清", "否定不同"),
    ("既有住宅加装电梯应当经本单元三分之二以上业主同意", "既有住宅加装电梯可以经本单元三分之二以上业主同意", "情态不同"),
    # 动不动 ("at every turn") holds no negation; the 不要 before it still counts
    ("本条第二款的罚款改为警告，邻里之间不要动不动就罚", "本条第二款的罚款改为警告，邻里之间要动不动就罚", "否定不同"),
    ("环卫车应当早上七点以后收运垃圾，太早了吵得人睡不着", "环卫车不应当早上七点以后收运垃圾，太早了吵得人睡不着",
     "否定不同"),
]


@pytest.mark.parametrize("a, b", JOINS)
def test_a_harmless_difference_leaves_one_opinion(a, b):
    assert _one_opinion(a, b), reason(*spaced_many([a, b]))


@pytest.mark.parametrize("a, b, expected", APART)
def test_the_claim_negated_beside_it_stays_apart(a, b, expected):
    assert not _one_opinion(a, b)
    assert reason(*spaced_many([a, b])) == expected
    assert reason(*spaced_many([b, a])) == expected
