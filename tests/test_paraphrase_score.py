"""The word reading of the score (legis/matching/wording.py): residents saying the same
thing in other words reach the threshold; opposites stay apart. Every sentence here is
written for this file (none comes from the labelled set)."""

from __future__ import annotations

import pytest

from legis.matching import cluster
from legis.matching.bigrams import coded_bigrams
from legis.matching.leaders import DEFAULT_THRESHOLD, score_pair
from legis.matching.normalise import spaced_many
from legis.matching.wording import content_words

# The same request in other words: other near synonyms (每日/每天, 删掉/删除, 钱/资金,
# 太重/偏重), other fillers and clause orders. Their characters alone fall short of the
# threshold.
PARAPHRASES = [
    ("路灯每日巡查一遍 坏了没人修", "坏了好久都没人来修 每天都应该巡查路灯"),
    ("图书馆周末闭馆的规定建议删除 学生周末有空", "学生周末有时间 删掉周末图书馆闭馆这条"),
    ("停车场收费的钱要公开 用到哪里了", "停车场收费资金用在哪要公开"),
    ("电梯维保的处罚太重了 减轻一点", "对电梯维保单位的罚则偏重 建议减轻"),
]

# Opposites worded alike: the contrast check keeps them apart whatever the score says.
OPPOSITES = [
    ("夜市收摊时间定在晚上十点太早了 推迟到十二点", "夜市收摊时间定在晚上十二点太晚了 提前到十点"),
    ("公园草坪应当允许市民搭帐篷野餐 周末带孩子很需要", "公园草坪应当禁止市民搭帐篷野餐 草都踩坏了"),
    ("快递柜应当每天消毒一次 疫情期间很多人用", "快递柜不用每天消毒 疫情已经过去了"),
    ("图书馆周末闭馆的规定建议删除 学生周末有空", "图书馆周末闭馆的规定建议保留 周末人太多管不过来"),
    ("共享单车乱停的罚则太重 减轻处罚", "共享单车乱停的罚则太轻 加重处罚"),
    ("公交站台的垃圾桶要每天清运", "公交站台的垃圾桶要每周清运"),
]

# Paraphrases the candidate index finds (they share rare bigrams): merged.
MERGED = [
    ("游泳馆的开放时间应当延长 下班了才有空去", "下班后才有空去游泳 游泳馆开放时间要延长"),
    ("取消公园周一闭园的规定 周一也想去锻炼", "周一也想去公园锻炼 周一闭园这条删掉"),
    ("快递柜应当每天消毒一次 疫情期间很多人用", "疫情期间用的人多 快递柜要每日消毒1次"),
]


def _score(a: str, b: str, floor: float = 0.0, enough: float = 100.0) -> float:
    sa, sb = spaced_many([a, b])
    fa, fb = sa.replace(" ", ""), sb.replace(" ", "")
    ca, cb = coded_bigrams([fa, fb])
    return score_pair(fa, sa, ca, fb, sb, cb, floor, enough)


@pytest.mark.parametrize(("a", "b"), PARAPHRASES)
def test_paraphrases_in_other_words_reach_the_threshold(a, b):
    assert _score(a, b) >= DEFAULT_THRESHOLD
    assert _score(b, a) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("a", "b"), PARAPHRASES + OPPOSITES)
def test_the_answer_at_the_threshold_does_not_depend_on_the_cut_offs(a, b):
    low = DEFAULT_THRESHOLD - 1e-6
    exact = _score(a, b) >= low
    assert (_score(a, b, low, 100.0) >= low) == exact
    assert (_score(a, b, low, low) >= low) == exact


@pytest.mark.parametrize(("a", "b"), MERGED)
def test_paraphrases_are_one_opinion(a, b):
    assert len(set(cluster([a, b]))) == 1


@pytest.mark.parametrize(("a", "b"), OPPOSITES)
def test_opposites_worded_alike_stay_apart(a, b):
    assert len(set(cluster([a, b]))) == 2


def test_near_synonyms_are_one_word_and_modal_verbs_are_no_content():
    (every_day,) = spaced_many(["每日巡查路灯"])
    (daily,) = spaced_many(["应当每天巡查路灯"])
    assert content_words(every_day).words == content_words(daily).words
    (deleted,) = spaced_many(["删掉这条"])
    (cancelled,) = spaced_many(["删除这条"])
    assert content_words(deleted).words == content_words(cancelled).words


def test_a_character_inside_another_word_is_not_its_synonym():
    # 天 and 日 are one word to the listed synonyms; inside 天然 and 日常 they are not.
    (natural,) = spaced_many(["天然气管道"])
    (daily,) = spaced_many(["日常气管道"])
    assert content_words(natural).words != content_words(daily).words
