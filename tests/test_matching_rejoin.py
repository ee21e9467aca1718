"""The second pass over an article's opinions (legis.matching.rejoin): opinions the leader
pass left apart are joined when their members agree, never when they say the opposite."""

from __future__ import annotations

from legis.matching import DEFAULT_THRESHOLD
from legis.matching.normalise import spaced_many
from legis.matching.rejoin import rejoin

NO_WORK_AT_NIGHT = ["建议晚上十点以后小区内禁止装修施工",
                    "晚上十点以后小区内禁止装修施工，影响老人孩子休息"]
SAID_OTHERWISE = ["晚上十点以后禁止在小区里装修，太吵了",
                  "十点以后小区里禁止装修施工"]
WORK_ALLOWED = ["建议晚上十点以后小区内允许装修施工",
                "晚上十点以后小区内允许装修施工，不影响休息"]


def test_an_opinion_split_in_two_is_joined_under_the_more_frequent_leader():
    texts = spaced_many(NO_WORK_AT_NIGHT + SAID_OTHERWISE)
    # As the leader pass may leave them: "太吵了" scores under the threshold against the
    # first leader, so it led an opinion of its own.
    leader_of = [0, 0, 2, 2]
    assert rejoin(texts, [3, 1, 5, 1], leader_of, DEFAULT_THRESHOLD) == [2, 2, 2, 2]


def test_the_opposite_opinion_stays_apart_although_its_members_look_alike():
    texts = spaced_many(NO_WORK_AT_NIGHT + SAID_OTHERWISE + WORK_ALLOWED)
    joined = rejoin(texts, [1] * 6, [0, 0, 2, 2, 4, 4], DEFAULT_THRESHOLD)
    assert joined[:4] == [0, 0, 0, 0]
    assert joined[4:] == [4, 4]


def test_opinions_of_one_text_are_left_as_the_leader_pass_made_them():
    texts = spaced_many(NO_WORK_AT_NIGHT + SAID_OTHERWISE[:1])
    assert rejoin(texts, [1, 1, 1], [0, 0, 2], DEFAULT_THRESHOLD) == [0, 0, 2]


def test_two_requests_closed_with_the_same_sentence_do_not_carry_one_into_a_campaign():
    # The leader pass put the two together for the sentence both residents closed with;
    # the first is the campaign's request, the second another matter: the second must
    # not be joined to the campaign (its opinion's texts are split on the campaign).
    closing = "，这是我们整栋楼住户开会商量后的共同心愿"
    split = ["晚上十点以后小区内禁止装修施工" + closing,
             "小区健身器材坏了很久，请街道尽快派人修好" + closing]
    texts = spaced_many(NO_WORK_AT_NIGHT + split)
    joined = rejoin(texts, [1, 1, 1, 1], [0, 0, 2, 2], DEFAULT_THRESHOLD)
    assert joined[3] != joined[0]
