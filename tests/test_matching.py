"""Unit tests of legis.matching: normalisation, the contrast check, the leader rule, assign and the file CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from legis.errors import LegisError
from legis.matching import (
    DEFAULT_THRESHOLD,
    OpinionIndex,
    assign,
    cluster,
    cluster_by_article,
    dedupe_jsonl,
    normalise,
)
from legis.matching.leaders import score_pairs

TEMPLATE = "建议物业服务收费标准调整前的公示期限由十五日延长至三十日，让业主有足够时间提意见。"


# --- normalisation, one step at a time ---------------------------------------------------

def test_nfkc_turns_full_width_letters_and_digits_half_width():
    assert normalise("ＡＢＣ１２３") == normalise("abc123") == "abc123"


def test_punctuation_and_white_space_are_removed():
    assert normalise("延长 期限，至三十日！！（草案）") == "延长期限至30日草案"
    assert normalise("延长期限,至三十日.") == normalise("延长期限至三十日")


def test_traditional_characters_become_simplified():
    assert normalise("業主大會應當每年召開") == normalise("业主大会应当每年召开")


def test_chinese_numerals_and_arabic_digits_read_the_same():
    assert normalise("三十日") == normalise("30日") == normalise("３０日") == "30日"
    assert normalise("六十分贝") == "60分贝"
    assert normalise("第十二条") == "第12条"
    assert normalise("一点五米") == normalise("1.5米")
    assert normalise("百分之三十") == normalise("30%")
    assert normalise("晚上十点") == normalise("晚上10点") == normalise("晚上10:00")


def test_words_made_with_numeral_characters_stay_words():
    assert normalise("统一收费，一律禁止，进一步规范") == "统一收费一律禁止进一步规范"
    assert normalise("十分严重") == "十分严重"
    assert normalise("离居民楼远一点") == "离居民楼远一点"


def test_spaces_inside_a_numeral_do_not_break_it():
    assert normalise("延长至三 十 日") == "延长至30日"


def test_wrappers_that_carry_no_opinion_are_dropped():
    bare = normalise("将公示期限延长至三十日")
    assert normalise("我建议：将公示期限延长至三十日。谢谢！") == bare
    assert normalise("本人认为，将公示期限延长至三十日，望采纳") == bare
    assert normalise("希望将公示期限延长至三十日。以上意见供参考。") == bare


def test_a_comment_made_only_of_wrappers_keeps_its_words():
    assert normalise("谢谢！") == "谢谢"


def test_de_di_de_slips_are_folded():
    assert normalise("认真地执行") == normalise("认真的执行") == normalise("认真得执行")


# --- grouping ---------------------------------------------------------------------------

def test_near_duplicates_merge_and_groups_are_numbered_by_first_appearance():
    texts = ["遛狗必须拴绳，并及时清理犬只粪便", TEMPLATE,
             "遛狗必须栓绳，及时清理犬只粪便。谢谢！", "建議物業服務收費標準調整前的公示期限由15日延長至30日，讓業主有足夠時間提意見"]
    assert cluster(texts) == [0, 1, 0, 1]


def test_number_guard_keeps_thirty_and_sixty_days_apart():
    assert cluster([TEMPLATE, TEMPLATE.replace("三十日", "六十日")]) == [0, 1]
    noise = "广场舞音响音量应当限制在六十分贝以下，早上八点前和晚上九点后禁止使用音响。"
    assert cluster([noise, noise.replace("六十分贝", "八十分贝")]) == [0, 1]


@pytest.mark.parametrize("a, b", [("提高", "降低"), ("增加", "删除"), ("提前", "推迟"), ("予以", "不予")])
def test_direction_guard_keeps_opposite_opinions_apart(a, b):
    text = f"建议对临街商铺使用高音喇叭招揽顾客的行为{a}处罚的标准，并向社会公布。"
    assert cluster([text, text.replace(a, b)]) == [0, 1]


def test_template_plus_a_personal_sentence_joins_the_template():
    texts = [TEMPLATE, TEMPLATE, TEMPLATE + "我家就住在三号楼，去年物业突然涨价，邻居们都不知道，吵了好几次。"]
    assert cluster(texts) == [0, 0, 0]


def test_reordered_clauses_merge():
    texts = ["严禁电动自行车进楼入户充电，小区应当建设集中充电设施",
             "小区应当建设集中充电设施，严禁电动自行车进楼入户充电"]
    assert cluster(texts) == [0, 0]


def test_no_chaining_through_a_middle_comment():
    # A and B share one clause, B and C another; A and C share nothing.
    a = "小区东门增设充电车棚，物业每月公布收支账目"
    b = "物业每月公布收支账目，遛狗必须拴绳清理粪便"
    c = "遛狗必须拴绳清理粪便，广场舞音量不得过大声"
    pair = score_pairs
    from legis.matching.bigrams import GramCoder, document_frequency, grams_of
    from legis.matching.leaders import make_queries
    from legis.matching.normalise import spaced_many
    spaced = spaced_many([a, b, c])
    grams = [grams_of(s) for s in spaced]
    qa, qb, qc = make_queries(spaced, GramCoder(document_frequency(grams)), grams)
    t = DEFAULT_THRESHOLD
    # The premise: A~B and B~C pass the threshold, A and C do not.
    assert pair([qa], [qb])[0] >= t and pair([qb], [qc])[0] >= t and pair([qa], [qc])[0] < t
    groups = cluster([a, b, c])
    assert groups[0] == groups[1] and groups[2] != groups[0]


def test_overall_opinions_are_their_own_group():
    text = "建议把征求意见的时间再延长一些，很多居民还不知道这件事。"
    assert cluster_by_article([(None, text), ("第三条", text), (None, text + "谢谢")]) == [0, 1, 0]


def test_cluster_by_article_never_merges_across_articles_and_numbers_globally():
    items = [("第十条", TEMPLATE), ("第十一条", TEMPLATE), ("第十条", "遛狗必须拴绳"),
             ("第十条", TEMPLATE), ("第十一条", "遛狗必须拴绳")]
    assert cluster_by_article(items) == [0, 1, 2, 0, 3]


def test_empty_input_and_bad_threshold():
    assert cluster([]) == []
    with pytest.raises(LegisError):
        cluster(["甲"], threshold=0.85)


# --- listed synonyms (data/synonyms.txt) -------------------------------------------------

def test_rewordings_in_listed_synonyms_end_in_one_opinion():
    # The words differ, the opinion does not: 到期/期满, 换/另行选聘, 物业/物业服务企业,
    # 电瓶车/电动自行车 (in traditional characters too), 乱停车/违章停车, 罚款/处以罚款.
    for first, second in [
        ("合同到期后换物业", "合同期满后另行选聘物业服务企业"),
        ("合同到期后，业主可以换物业", "物业服务合同期满后，业主有权另行选聘物业公司"),
        ("電瓶車不得進樓道", "电动自行车不得进入楼道"),
        ("小区里乱停车要罚款", "住宅小区内违章停车应当处以罚款"),
        ("养狗必须拴狗绳", "养犬必须使用牵引绳"),
    ]:
        assert cluster([first, second]) == [0, 0], (first, second)


def test_short_supportive_comments_in_other_words_are_one_opinion():
    texts = ["条例写得很好，很有必要", "草案写得好，非常必要", "这个办法写得不错，十分必要"]
    assert cluster(texts) == [0, 0, 0]
    assert cluster(["赞成这个条例", "拥护本草案", "支持这个规定", "同意这个办法"]) == [0, 0, 0, 0]


def test_listed_synonyms_never_fold_opposites_together():
    assert cluster(["物业费上调", "物业费下调"]) == [0, 1]
    assert cluster(["建议物业费上调百分之十", "建议物业费下调百分之十"]) == [0, 1]
    assert cluster(["电瓶车可以进楼道", "电动自行车不得进入楼道"]) == [0, 1]
    assert cluster(["合同到期后换物业", "合同到期后续聘物业"]) == [0, 1]
    assert cluster(["延长至六十日", "缩短至六十日"]) == [0, 1]
    assert cluster(["支持这个条例", "反对这个条例"]) == [0, 1]


def test_the_synonym_list_keeps_every_axis_and_negation():
    # A group put in one form must not change what the contrast check reads: two ends of
    # one axis in a group the score reads would make opposites one word, a word naming a
    # direction (an axis word of two characters or more) the group's first word does not
    # name would lose or gain it, and a negation in some words of a group only would be
    # lost. The line of words that set a value (改为, 延长至, 缩短至 …) is the contrast
    # check's alone: it reads the directions before the synonyms.
    import importlib

    from legis.matching.lexicon import axis_values, negations

    normalise_module = importlib.import_module("legis.matching.normalise")
    groups = normalise_module.synonym_groups()
    read = normalise_module._SYNONYM_FORM
    words = [w for group in groups for w in group]
    assert len(words) == len(set(words)), "a word is listed in two groups"
    assert "延长至" not in read and "缩短至" not in read
    for group in groups:
        first = group[0]
        for word in group:
            assert negations(word) == negations(first), (first, word)
        if first not in read:
            continue
        sides: dict[int, set[int]] = {}
        for word in group:
            assert read.get(word, first) == first, (first, word)
            for axis, side in axis_values(word):
                sides.setdefault(axis, set()).add(side)
            assert set(axis_values(word, 2)) == set(axis_values(first, 2)), (first, word)
        assert all(len(s) == 1 for s in sides.values()), group


# --- joining later comments -------------------------------------------------------------

def test_assign_joins_existing_opinions_with_the_same_rules():
    opinions = [(7, [TEMPLATE, TEMPLATE]), (9, ["遛狗必须拴绳，并及时清理犬只粪便"])]
    new = [TEMPLATE + "我家就住在三号楼，深有体会，希望能改。",
           TEMPLATE.replace("三十日", "六十日"),
           "遛狗必须拴绳并及时清理犬只粪便，谢谢",
           "历史文化街区内新建建筑的高度不得超过十二米"]
    assert assign(new, opinions) == [7, None, 9, None]


def test_opinion_index_takes_new_opinions():
    index = OpinionIndex([(1, ["遛狗必须拴绳，并及时清理犬只粪便"])])
    assert index.match(TEMPLATE) is None
    index.add(2, [TEMPLATE])
    assert index.match("我建议：" + TEMPLATE) == 2
    assert len(index) == 2


def test_assign_with_no_opinions():
    assert assign(["任何意见"], []) == [None]


# --- the file command -------------------------------------------------------------------

def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_dedupe_jsonl_writes_groups_in_input_order(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": "a", "article": "第十二条", "text": TEMPLATE},
            {"id": "b", "article": None, "text": "支持出台这部条例"},
            {"id": "c", "article": "第十二条", "text": "我建议：" + TEMPLATE + "谢谢！"}]
    _write(src, [json.dumps(r, ensure_ascii=False) for r in rows])
    stats = dedupe_jsonl(src, out, progress=None, processes=1)
    assert [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()] == [
        {"id": "a", "group": 0}, {"id": "b", "group": 1}, {"id": "c", "group": 0}]
    assert stats["lines"] == 3 and stats["groups"] == 2


def test_dedupe_jsonl_processes_give_the_same_groups(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [{"id": i, "article": i % 3, "text": TEMPLATE if i % 2 else "遛狗必须拴绳"}
            for i in range(12)]
    _write(src, [json.dumps(r, ensure_ascii=False) for r in rows])
    one = dedupe_jsonl(src, tmp_path / "one.jsonl", progress=None, processes=1)
    two = dedupe_jsonl(src, tmp_path / "two.jsonl", progress=None, processes=2)
    assert (tmp_path / "one.jsonl").read_text() == (tmp_path / "two.jsonl").read_text()
    assert one["groups"] == two["groups"] == 6


@pytest.mark.parametrize("bad, message", [
    ("{not json", "第 2 行不是有效的 JSON"),
    ('{"id": 2, "article": null}', "第 2 行缺少 text"),
    ('{"article": null, "text": "x"}', "第 2 行缺少 id"),
    ('[1, 2]', "第 2 行应为一个 JSON 对象"),
])
def test_dedupe_jsonl_names_the_bad_line_in_chinese(tmp_path, bad, message):
    src = tmp_path / "in.jsonl"
    _write(src, ['{"id": 1, "article": null, "text": "支持"}', bad])
    with pytest.raises(LegisError) as caught:
        dedupe_jsonl(src, tmp_path / "out.jsonl", progress=None)
    assert message in caught.value.message
    assert not (tmp_path / "out.jsonl").exists()


def test_dedupe_jsonl_shows_progress_on_the_stream(tmp_path):
    import io
    src = tmp_path / "in.jsonl"
    _write(src, [json.dumps({"id": i, "article": None, "text": "支持"}) for i in range(3)])
    stream = io.StringIO()
    dedupe_jsonl(src, tmp_path / "out.jsonl", progress=stream, processes=1)
    assert "100.0%" in stream.getvalue() and "3/3" in stream.getvalue()


# --- the batch paths give what the one-at-a-time paths give ------------------------------

def test_normalising_many_at_once_equals_one_at_a_time():
    from legis.matching.normalise import spaced_many
    texts = ["我建议：将公示期限延长至三十日。谢谢！", "谢谢！", "", "   ", "延长至三", "十日",
             "1,000元", "晚上10:00", "10点", "3.5米", "5%", "1.5万", "第一", "ＡＢＣ１２３",
             "業主大會", "望采纳。我建议：将期限延长", "分隔\ue000字符", "a_b", "——！！",
             "以上意见供参考。", TEMPLATE]
    one_by_one = [spaced_many([t])[0] for t in texts]
    assert spaced_many(texts) == one_by_one
    assert spaced_many(texts + texts) == one_by_one + one_by_one
    assert spaced_many(texts[::-1]) == one_by_one[::-1]


def test_coded_bigrams_are_the_bigram_sets():
    from rapidfuzz.distance import Indel

    from legis.matching.bigrams import GramCoder, coded_bigrams, document_frequency, grams_of
    flats = [normalise(t) for t in [TEMPLATE, TEMPLATE + "我家住三号楼", "遛狗必须拴绳", "甲",
                                    "", "哈哈哈哈", "遛狗拴绳必须"]]
    grams = [grams_of(f) for f in flats]
    coder = GramCoder(document_frequency(grams))
    old = [coder.code(g) for g in grams]
    new = coded_bigrams(flats)
    assert [len(c) for c in new] == [len(g) for g in grams]
    assert all(list(c) == sorted(c) for c in new)
    for i in range(len(flats)):
        for j in range(len(flats)):
            assert Indel.distance(new[i], new[j]) == Indel.distance(old[i], old[j])


def test_block_probing_finds_the_candidates_the_index_finds():
    import random

    from legis.matching.bigrams import coded_arrays
    from legis.matching.candidates import LeaderIndex, PrefixArrays, top
    rng = random.Random(3)
    words = ["物业", "收费", "公示", "期限", "延长", "业主", "噪声", "养犬", "拴绳", "充电"]
    flats = ["".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    codes, values, bounds = coded_arrays(flats)
    leaders = list(range(0, 300, 3))
    index, arrays = LeaderIndex(), PrefixArrays()
    for u in leaders:
        index.add(codes[u], len(flats[u]))
    arrays.extend(values, bounds, leaders, [len(flats[u]) for u in leaders])
    queries = list(range(1, 300, 3))
    found = arrays.candidates(values, bounds, queries, [len(flats[u]) for u in queries], 0.3)
    for u, near in zip(queries, found):
        assert near == top(index.fitting(codes[u], len(flats[u]), 0.3))


@pytest.mark.parametrize("recent_keys", [1, 40, 1 << 20])
def test_a_growing_two_level_index_finds_what_the_leader_index_finds(monkeypatch, recent_keys):
    # Leaders arrive block by block; the small level is taken into the large one after
    # every block (1), now and then (40) or never (1 << 20). Common bigrams close their
    # posting lists (MAX_POSTING, counted across both levels) on the way.
    import random

    from legis.matching import candidates
    from legis.matching.bigrams import coded_arrays
    from legis.matching.candidates import LeaderIndex, PrefixArrays, top
    monkeypatch.setattr(candidates, "MAX_POSTING", 12)
    monkeypatch.setattr(PrefixArrays, "RECENT_KEYS", recent_keys)
    rng = random.Random(5)
    words = ["物业", "收费", "公示", "期限", "延长", "业主", "噪声", "养犬", "拴绳", "充电",
             "电梯", "加装", "停车", "垃圾", "分类"]
    flats = ["".join(rng.choice(words) for _ in range(rng.randint(1, 10))) for _ in range(400)]
    codes, values, bounds = coded_arrays(flats)
    index, arrays = LeaderIndex(), PrefixArrays()
    for first in range(0, 400, 40):
        queries = list(range(first, first + 40))
        found = arrays.candidates(values, bounds, queries, [len(flats[u]) for u in queries], 0.3)
        for u, near in zip(queries, found):
            assert near == top(index.fitting(codes[u], len(flats[u]), 0.3))
        made = [u for u in queries if u % 3 == 0]
        for u in made:
            index.add(codes[u], len(flats[u]))
        arrays.extend(values, bounds, made, [len(flats[u]) for u in made])


def test_one_hot_article_gives_the_same_groups_whatever_the_index_levels(monkeypatch):
    # The synthetic campaigns of the benchmark, all on one article: the groups do not
    # depend on when the small level of the index is taken into the large one.
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import dedupe

    from legis.matching.candidates import PrefixArrays
    items, labels = dedupe.generate(3000, seed=11)
    items = [(0, text) for _, text in items]
    default = cluster_by_article(items)
    for recent_keys in (1, 1 << 30):
        monkeypatch.setattr(PrefixArrays, "RECENT_KEYS", recent_keys)
        assert cluster_by_article(items) == default
    precision, recall = dedupe.pair_scores(labels, default)
    assert precision > 0.99 and recall > 0.9


def test_groups_do_not_depend_on_the_block_size(monkeypatch):
    from pathlib import Path

    rows = [json.loads(line) for line in
            (Path(__file__).parent / "data" / "labelled_comments.jsonl").open(encoding="utf-8")]
    items = [(r["article"], r["text"]) for r in rows]
    default = cluster_by_article(items)
    monkeypatch.setattr(sys.modules["legis.matching.cluster"], "BLOCK_SIZE", 3)
    assert cluster_by_article(items) == default


def test_bigrams_not_shared_counted_on_marks_are_the_indel_distance():
    import random

    import numpy as np
    from rapidfuzz.distance import Indel

    from legis.matching.cluster import _Article
    from legis.matching.normalise import spaced_many
    rng = random.Random(7)
    words = ["物业", "收费", "公示", "期限", "延长", "业主", "噪声", "养犬", "拴绳", "充电", "！"]
    spaced = spaced_many(["".join(rng.choice(words) for _ in range(rng.randint(0, 9)))
                          for _ in range(120)])
    article = _Article(spaced, None, DEFAULT_THRESHOLD)
    article.block(list(range(60)))                  # some leaders, from the first 60
    block = np.arange(60, 120)
    place = np.repeat(np.arange(60), len(article.leaders))
    lead = np.tile(np.arange(len(article.leaders)), 60)
    got = article._unshared(block, place, lead)
    assert got.tolist() == [Indel.distance(article.code(60 + p), article.leaders.code[k])
                            for p, k in zip(place.tolist(), lead.tolist())]


def test_bigram_overlap_from_marks_equals_rapidfuzz(monkeypatch):
    # An article too big for the table of marks asks rapidfuzz for the same numbers.
    from pathlib import Path

    rows = [json.loads(line) for line in
            (Path(__file__).parent / "data" / "labelled_comments.jsonl").open(encoding="utf-8")]
    items = [(r["article"], r["text"]) for r in rows]
    default = cluster_by_article(items)
    monkeypatch.setattr(sys.modules["legis.matching.cluster"], "MEMBER_BYTES", 0)
    assert cluster_by_article(items) == default


def _one_comment_at_a_time(spaced, counts, threshold):
    """The leader rule as written: most frequent first, each comment probes one growing
    LeaderIndex and joins its best compatible candidate or leads."""
    from legis.matching.bigrams import coded_arrays
    from legis.matching.leaders import Leaders, _min_length_ratio
    flats = [s.replace(" ", "") for s in spaced]
    codes = coded_arrays(flats)[0]
    leaders = Leaders()
    leader_of = [0] * len(spaced)
    for u in sorted(range(len(spaced)), key=lambda u: (-counts[u], u)):
        found, _ = leaders.best(flats[u], spaced[u], codes[u], threshold,
                                _min_length_ratio(threshold))
        if found is None:
            leaders.add(u, flats[u], spaced[u], codes[u])
            leader_of[u] = u
        else:
            leader_of[u] = leaders.keys[found]
    return leader_of


@pytest.mark.parametrize("limit", [1, 2, 8])
def test_blocks_give_the_leaders_of_one_comment_at_a_time(monkeypatch, limit):
    # Few candidates per comment (limit 1, 2) make a block's own leaders push a passing
    # leader of an earlier block out of a comment's candidates, so that comment leads.
    import random

    from legis.matching import candidates
    from legis.matching.cluster import cluster_unique
    from legis.matching.normalise import spaced_many
    monkeypatch.setattr(candidates, "CANDIDATE_LIMIT", limit)
    rng = random.Random(limit)
    words = ["物业", "收费", "公示", "期限", "延长", "业主", "噪声", "养犬", "拴绳", "充电",
             "三十日", "六十日", "提高", "降低", "小区", "车棚", "楼道", "禁止", "允许"]
    bases = ["".join(rng.choice(words) for _ in range(rng.randint(2, 10))) for _ in range(40)]
    texts = []
    for _ in range(600):
        words_of = list(rng.choice(bases))
        for _ in range(rng.randint(0, 3)):
            words_of.insert(rng.randrange(len(words_of) + 1), rng.choice("的了吧在将由"))
        texts.append("".join(words_of))
    spaced = list(dict.fromkeys(spaced_many(texts)))
    counts = [rng.choice([1, 1, 1, 2, 5]) for _ in spaced]
    expected = _one_comment_at_a_time(spaced, counts, DEFAULT_THRESHOLD)
    for first, size in ((5, 5), (1, 64), (64, 256), (256, 256)):
        monkeypatch.setattr(sys.modules["legis.matching.cluster"], "FIRST_BLOCK", first)
        monkeypatch.setattr(sys.modules["legis.matching.cluster"], "BLOCK_SIZE", size)
        assert cluster_unique(spaced, counts, DEFAULT_THRESHOLD) == expected


def test_a_comment_pushed_off_its_earlier_leader_leads_and_is_found_by_the_next(monkeypatch):
    # With one candidate per comment: the second text of block two would join the
    # template (block one), but the first text of block two (the same with 六十日, so
    # the number guard keeps them apart) shares more bigrams and takes its one place:
    # it leads, and the third text of block two joins it as a leader of its own block.
    from legis.matching import candidates
    from legis.matching.cluster import cluster_unique
    from legis.matching.normalise import spaced_many
    template = "建议物业服务收费标准调整前的公示期限由十五日延长至三十日"
    longer = template + "让业主有足够时间提出意见"
    texts = [template, "养犬应当拴绳", "电动自行车不得在楼道充电", "噪声不得超过六十分贝",
             "小区车棚应当安装充电设施", longer, longer.replace("三十日", "六十日"),
             template + "让业主有足够的时间提意见"]
    counts = [5, 4, 4, 4, 4, 1, 2, 1]
    spaced = spaced_many(texts)
    monkeypatch.setattr(sys.modules["legis.matching.cluster"], "BLOCK_SIZE", 5)
    assert cluster_unique(spaced, counts, DEFAULT_THRESHOLD) == [0, 1, 2, 3, 4, 0, 6, 0]
    monkeypatch.setattr(candidates, "CANDIDATE_LIMIT", 1)
    expected = [0, 1, 2, 3, 4, 5, 6, 5]
    assert _one_comment_at_a_time(spaced, counts, DEFAULT_THRESHOLD) == expected
    assert cluster_unique(spaced, counts, DEFAULT_THRESHOLD) == expected


def test_reading_a_well_formed_file_in_one_go_equals_line_by_line(tmp_path):
    from legis.matching.dedupe_file import _read_line_by_line, read_comments
    src = tmp_path / "in.jsonl"
    rows = [{"id": "a\u2028b", "article": "第十二条", "text": TEMPLATE},
            {"id": 7, "article": None, "text": "支持"},
            {"id": [1], "article": 3, "text": "谢谢\n"}]
    src.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n",
                   encoding="utf-8")
    assert read_comments(src) == _read_line_by_line(src)
    stats = dedupe_jsonl(src, tmp_path / "out.jsonl", progress=None, processes=1)
    assert stats["lines"] == 3
    out = (tmp_path / "out.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    assert out == [json.dumps({"id": r["id"], "group": n}, ensure_ascii=False)
                   for r, n in zip(rows, [0, 1, 2])]


# --- the faster forms of a step give what the plain form gives ---------------------------

def _random_texts(alphabet, count, seed, longest=12):
    import random
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))
            for _ in range(count)]


def test_numeral_runs_filtered_in_the_pattern_read_as_all_runs():
    import re

    from legis.matching import number_forms as norm
    plain = re.compile(f"([{norm._NUMERALS}]+)(?:点([{norm._DECIMALS}]+))?")
    alphabet = list(norm._NUMERALS) + list("第点分钟贝小时日年米统律进步个的在0") + \
        ["一点", "十分", "三分之一", "百分", "千万"]
    for text in _random_texts(alphabet, 20_000, 1) + [TEMPLATE, "统一进一步一律第一三日十点"]:
        assert norm._CN_RUN.sub(norm._cn_number, text) == plain.sub(norm._cn_number, text), text


def test_break_characters_on_arrays_equal_the_regex():
    norm = sys.modules["legis.matching.normalise"]
    alphabet = list("ab建议，。！_ \n-—…") + ["\U0001F600", "\U00020000", "\ud800", "①"]
    for text in _random_texts(alphabet, 20_000, 2) + [TEMPLATE, ""]:
        expected = norm._tidy(norm._BREAK.sub(" ", text.replace("_", " ")))
        assert norm._break_and_tidy(text) == expected, repr(text)


def test_wrapper_tree_matches_the_longest_wrapper_like_the_plain_alternation():
    import re
    norm = sys.modules["legis.matching.normalise"]
    words = norm._wrapper_words()
    for ws in (words, [w[::-1] for w in words]):
        plain = re.compile("(?:" + "|".join(map(re.escape, sorted(ws, key=lambda w: (-len(w), w))))
                           + ")+")
        tree = re.compile("(?:" + norm._trie(ws) + ")+")
        alphabet = sorted(set("".join(ws))) + ["x"] + ws
        for text in _random_texts(alphabet, 20_000, 5, longest=6):
            a, b = plain.match(text), tree.match(text)
            assert (a and a.group()) == (b and b.group()), text


def test_block_pairs_are_what_a_growing_leader_index_gives():
    import random

    from legis.matching.bigrams import coded_arrays
    from legis.matching.candidates import LeaderIndex, block_pairs
    rng = random.Random(4)
    words = ["物业", "收费", "公示", "期限", "延长", "业主", "噪声", "养犬", "拴绳", "充电"]
    flats = ["".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(200)]
    codes, values, bounds = coded_arrays(flats)
    block = list(range(0, 200, 2))
    lengths = [len(flats[u]) for u in block]
    for indexed in (None, [i for i in range(len(block)) if i % 3], []):
        edges, minus, other = block_pairs(values, bounds, block, lengths, 0.3, indexed)
        index, places = LeaderIndex(), []
        for i, u in enumerate(block):
            expected = sorted((shared, places[j])
                              for shared, j in index.fitting(codes[u], lengths[i], 0.3))
            assert list(zip(minus[edges[i]:edges[i + 1]],
                            other[edges[i]:edges[i + 1]])) == expected
            if indexed is None or i in indexed:     # only those may be found
                index.add(codes[u], lengths[i])
                places.append(i)


def test_a_comment_of_punctuation_only_last_in_the_batch_is_its_own_group():
    texts = [TEMPLATE, TEMPLATE.replace("。", "吧。"), "！！"]
    assert cluster(texts) == [0, 0, 1]
    assert cluster(["！！", TEMPLATE, "？"]) == [0, 1, 0]


def test_synonyms_found_on_arrays_give_what_the_plain_substitution_gives():
    import importlib
    import random

    normalise_module = importlib.import_module("legis.matching.normalise")
    form = normalise_module._SYNONYM_FORM
    words = sorted(form)
    rng = random.Random(7)
    # Listed words next to each other, overlapping, cut in half and among other text.
    pieces = words + [w[:-1] for w in words] + list("的了在和\n 业主电梯停车犬")
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
        plain = normalise_module._SYNONYM.sub(lambda m: form[m.group()], text)
        assert normalise_module._synonym_forms(text) == plain, text


# --- the negation reading of alike comments, read only where the comments differ ---------

def _alike_pairs() -> list[tuple[str, str]]:
    """Pairs of normalised comments that the contrast check meets: every pair of one
    article in the labelled set and the minimal pairs, the OCNLI pairs that look alike
    (when the corpus is beside the project), and a synthetic campaign's variants."""
    from legis.matching.normalise import spaced_many
    from tests.ocnli import CORPUS, alike_pairs
    pairs: list[tuple[str, str]] = []
    for name in ("labelled_comments.jsonl", "minimal_pairs.jsonl"):
        by_article: dict[str, list[str]] = {}
        for line in (Path(__file__).parent / "data" / name).open(encoding="utf-8"):
            row = json.loads(line)
            by_article.setdefault(row["article"], []).append(row["text"])
        for texts in by_article.values():
            spaced = spaced_many(texts)
            pairs += [(x, y) for i, x in enumerate(spaced) for y in spaced[i + 1:i + 40]]
    if CORPUS.exists():
        found = alike_pairs()
        pairs += list(zip(spaced_many([a for a, _, _, _ in found]),
                          spaced_many([b for _, b, _, _ in found])))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from dedupe import generate
    items, labels = generate(3000)
    campaigns: dict[int, list[str]] = {}
    for text, label in zip(spaced_many([text for _, text in items]), labels):
        campaigns.setdefault(label, []).append(text)
    pairs += [(texts[0], other) for texts in campaigns.values() for other in texts[1:]]
    return pairs


def test_a_negation_turned_around_is_found_reading_only_where_alike_comments_differ():
    """polarity_flipped reads the predicates of the clauses one comment alone holds: the
    same answer as comparing every predicate of both comments (flipped_words), on every
    pair set we have, both ways round."""
    from legis.matching.lexicon import flipped_words, negations, polarity_flipped
    pairs = _alike_pairs()
    flipped = 0
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            whole = bool((negations(x) or negations(y)) and flipped_words(x, y))
            assert polarity_flipped(x, y) == whole, (x, y)
            flipped += whole
    assert flipped >= 20          # the sets hold pairs it finds, not only pairs it does not
    assert polarity_flipped("我们不知道这件事", "我们知道这件事")
    assert not polarity_flipped("我们不知道这件事 谢谢", "我们不知道这件事")
