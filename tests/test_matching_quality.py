"""Merging quality on the labelled resident comments: pairwise precision and recall."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from legis.matching import cluster_by_article

DATA = Path(__file__).parent / "data" / "labelled_comments.jsonl"


def pair_precision_recall(labels: list, groups: list) -> tuple[float, float]:
    def pairs(counter: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counter.values())
    both = pairs(Counter(zip(labels, groups)))
    return both / pairs(Counter(groups)), both / pairs(Counter(labels))


def test_labelled_set_is_large_and_varied():
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    assert len(rows) >= 1000
    assert len({r["group"] for r in rows}) >= 80
    # Groups written as the opposite of another group (negation, modality, number ...).
    assert len({r["group"] for r in rows if r.get("kind", "paraphrase") != "paraphrase"}) >= 30
    assert {"id", "article", "group", "text"} <= set(rows[0])


def _precision_recall() -> tuple[float, float]:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    groups = cluster_by_article([(r["article"], r["text"]) for r in rows])
    return pair_precision_recall([r["group"] for r in rows], groups)


def test_pairwise_precision_and_recall_at_the_default_threshold():
    precision, recall = _precision_recall()
    # What the contrast check and the second pass over opinions (rejoin.py) hold now on
    # the grown set: 0.977 / 0.690 (before the check: 0.756 / 0.698; before the second
    # pass: 0.978 / 0.654); with listed synonyms read by the score 0.977 / 0.716;
    # regrouped with cannot-links 0.977 / 0.726; session 7: the harmless differences and
    # contrast classes 0.977 / 0.738, a text restated with a sentence of its own counted
    # as the text it restates and the second pass joining on more than half its pairs
    # (grouping.py, rejoin.py) 0.979 / 0.769, the word reading of the score (wording.py)
    # 0.9796 / 0.798. The targets of issue 13 are the test below.
    assert precision >= 0.97, precision
    assert recall >= 0.77, recall


@pytest.mark.xfail(strict=True, reason="targets of issue 13 not met yet: precision 0.9796, "
                   "recall 0.798 (docs/benchmarks.md, 'Session 7 merged main')")
def test_pairwise_precision_and_recall_meet_the_targets():
    precision, recall = _precision_recall()
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)


def test_groups_never_span_two_articles():
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    groups = cluster_by_article([(r["article"], r["text"]) for r in rows])
    articles: dict[int, set] = {}
    for r, g in zip(rows, groups):
        articles.setdefault(g, set()).add(r["article"])
    assert all(len(a) == 1 for a in articles.values())
