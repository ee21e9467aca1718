"""Harmless differences are not contrasts: a resident's own reason holding a negation
(晚上睡不着, 跟不上, a complaint of one's own: 一直没解决), a negated modal written with the
folded 得 (不得/不能), a negation inside a modifier (合同未到期的…), a condition said to suffice
(…同意即可) against the same condition required, the same negation taken by another verb of
the same act, a limit said as a prohibition (不得超过), 不到 before a number, a requirement
said as a double negation (没…的不能… = …才能…), a placeholder noun (问题), a condition said
with 才可以, everyday words holding a one-character axis word (小区, 大家), 保持…不变, one
word written short or long (绳长 / 绳子长度). The opposite opinions next to each of them stay apart: the same words with the
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
    # a complaint one resident adds (它的"没"不是诉求), the shared clauses glued in another order
    ("停车位租赁合同到期，业主就能重新选车位，这个问题反映过很多次了，一直没解决",
     "业主就能重新选车位停车位租赁合同到期"),
    ("小区充电桩应当由物业统一管理，收费标准要公开",
     "收费标准要公开，小区充电桩应当由物业统一管理，这事反映过好几回了，一直拖着没办"),
    # the same 不是 / 并非 and the same 不能, taken by another verb of the same act (出面调解 / 调解处理)
    ("楼上漏水不是邻里纠纷，不能只靠居委会出面调解", "楼上的漏水并非邻里纠纷，不能只由居委会来调解处理"),
    # a limit said as a prohibition is the limit (不得超过 = 不超过)
    ("广告牌的高度不得超过3米", "广告牌高度不超过3米"),
    ("犬链长度不能超过1.5米", "犬链长度不超过一点五米"),
    # 不到 before a number is "less than", not a negation
    ("施工噪声不到50分贝的也应当管", "施工噪声在50分贝以下的也应当管"),
    # a requirement said as a double negation (没…的 不能…) and with 才 ("only then")
    ("没有办理登记的电动自行车，不能进小区", "电动自行车办理登记以后才能进小区"),
    ("物业费涨价方案没经过业主大会表决的不能执行", "物业费涨价方案经过业主大会表决以后才能执行"),
    # a placeholder noun ("the matter of": 问题, 情况) said or not around what is spoken of
    ("小区噪声问题应当由物业先行劝阻", "小区噪声扰民应当由物业先行劝阻"),
    # the condition required, said with "only then" (才可以)
    ("加装电梯应当经本单元全部业主同意", "加装电梯经本单元全部业主同意才可以"),
    # a story each resident tells: 小区 is no "small", 大家 no "big" (not_axis_words.txt)
    ("楼道灯应当改成声控灯，小区里好多人关心", "楼道灯应当改成声控灯，单元群里大家讨论过"),
    # 保持…不变 is 保持…: "unchanged" is a value of the 是否改变 axis, not a negation
    ("公共活动用房面积标准保持100平方米不变", "公共活动用房面积标准保持100平方米"),
    # one word written short or long: the short one's characters kept in order (绳长 / 绳子长度)
    ("大型犬出门应当戴嘴套，防止伤人", "大型犬出门应当戴嘴套，防止咬伤行人"),
    ("遛狗的绳子长度不超过1.5米", "遛狗的绳长不超过1.5米"),
    ("社区居民委员会应当每季度公布收支", "社区居委应当每季度公布收支"),
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
    # the claim negated, a complaint added beside it (its 没 hides nothing), in either order
    ("停车位租赁合同到期，业主就能重新选车位，这个问题反映过很多次了，一直没解决",
     "停车位租赁合同到期，业主不能重新选车位", "否定不同"),
    ("停车位租赁合同到期，业主就能重新选车位，这个问题反映过很多次了，一直没解决",
     "业主不能重新选车位停车位租赁合同到期", "否定不同"),
    # the negation gone from the claim, not moved to another verb
    ("楼上漏水不是邻里纠纷，不能只靠居委会出面调解", "楼上漏水是邻里纠纷，只靠居委会出面调解就行", "否定不同"),
    # a limit the other way, or a prohibition against a permission
    ("广告牌的高度不得超过3米", "广告牌的高度可以超过3米", "方向相反"),
    ("广告牌的高度不能超过3米", "广告牌的高度超过3米", "方向相反"),
    ("施工噪声不到50分贝的也应当管", "施工噪声50分贝以上的也应当管", "方向相反"),
    # a condition negated alone, or the consequence turned around
    ("物业费涨价方案没经过业主大会表决的也能执行", "物业费涨价方案经过业主大会表决以后才能执行", "否定不同"),
    ("物业费涨价方案没经过业主大会表决的不能执行", "物业费涨价方案没经过业主大会表决的也能执行", "否定不同"),
    # another party beside the placeholder noun; the condition waived
    ("小区噪声问题应当由物业先行劝阻", "小区噪声问题应当由街道先行劝阻", "用词不同"),
    ("加装电梯经本单元全部业主同意才可以", "加装电梯不经本单元全部业主同意也可以", "否定不同"),
    # 大 / 小 and 上 / 下 that do name a value: the dog's size, the neighbour's floor
    ("大型犬出门应当戴嘴套，小区里孩子多", "小型犬出门应当戴嘴套，小区里孩子多", "方向相反"),
    ("楼上噪声扰民应当由居委会调解", "楼下噪声扰民应当由居委会调解", "方向相反"),
    # unchanged against changed
    ("物业费标准三年内不变", "物业费标准三年内要变", "是否改变"),
    # another word in its place, not the same word written long
    ("大型犬出门应当戴嘴套，防止伤人", "大型犬出门应当戴项圈，防止伤人", "用词不同"),
    ("遛狗的绳子长度不超过1.5米", "遛狗的绳子粗细不超过1.5米", "用词不同"),
    ("社区居民委员会应当每季度公布收支", "社区业主委员会应当每季度公布收支", "用词不同"),
]


@pytest.mark.parametrize("a, b", JOINS)
def test_a_harmless_difference_leaves_one_opinion(a, b):
    assert _one_opinion(a, b), reason(*spaced_many([a, b]))


@pytest.mark.parametrize("a, b, expected", APART)
def test_the_claim_negated_beside_it_stays_apart(a, b, expected):
    assert not _one_opinion(a, b)
    assert reason(*spaced_many([a, b])) == expected
    assert reason(*spaced_many([b, a])) == expected
