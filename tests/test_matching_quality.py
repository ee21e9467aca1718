"""Merging quality on the labelled resident comments: pairwise precision and recall."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from legis.matching import cluster_by_article

DATA = Path(__file__).parent / "data" / "labelled_comments.jsonl"


def pair_precision_recall(labels: list, groups: list) -> tuple[float, float]:
    def pairs(counter: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counter.values())
    both = pairs(Counter(zip(labels, groups)))
    return both / pairs(Counter(groups)), both / pairs(Counter(labels))


def test_labelled_set_is_large_and_varied():
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    assert len(rows) >= 500
    assert len({r["group"] for r in rows}) >= 40
    assert {"id", "article", "group", "text"} <= set(rows[0])


def test_pairwise_precision_and_recall_at_the_default_threshold():
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    groups = cluster_by_article([(r["article"], r["text"]) for r in rows])
    precision, recall = pair_precision_recall([r["group"] for r in rows], groups)
    assert precision >= 0.95, precision
    assert recall >= 0.90, recall


def test_groups_never_span_two_articles():
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    groups = cluster_by_article([(r["article"], r["text"]) for r in rows])
    articles: dict[int, set] = {}
    for r, g in zip(rows, groups):
        articles.setdefault(g, set()).add(r["article"])
    assert all(len(a) == 1 for a in articles.values())
