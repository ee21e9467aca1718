"""Merging on comments written apart from the matcher's rules (tests/data/minimal_pairs.jsonl,
written by tests/data/make_minimal_pairs.py): drafts the labelled set does not cover, each
opinion beside variants that change one slot (a duty for a discretion, another party,
period, number, share of people, direction, the verb negated) and copies with harmless
noise. The "held" half was not read while the matcher was changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legis.matching import cluster_by_article
from tests.data.make_minimal_pairs import generate
from tests.test_matching_quality import pair_precision_recall

DATA = Path(__file__).parent / "data" / "minimal_pairs.jsonl"


def _rows(split: str) -> list[dict]:
    return [row for row in map(json.loads, DATA.open(encoding="utf-8")) if row["split"] == split]


def test_the_stored_set_is_what_the_script_writes():
    assert [json.loads(line) for line in DATA.open(encoding="utf-8")] == generate()


@pytest.mark.parametrize("split", ["dev", "held"])
def test_opinions_that_differ_in_one_slot_stay_apart(split):
    rows = _rows(split)
    groups = cluster_by_article([(r["article"], r["text"]) for r in rows])
    precision, recall = pair_precision_recall([r["group"] for r in rows], groups)
    # Measured on 2026-12-07 (docs/benchmarks.md, "Contrast check, second pass"): dev
    # 0.946 / 0.781, held 0.965 / 0.744; with the hand-written pairs on the held half
    # (branch i13o) held 0.957 / 0.851. Recall is held down by synonyms no list holds
    # (贴出/张贴, 摆摊/经营), which the check reads as 用词不同 by design.
    assert precision >= 0.94, precision
    assert recall >= 0.72, recall


def test_no_base_opinion_merges_with_its_negated_or_opposite_variant():
    rows = _rows("dev") + _rows("held")
    base = {(r["article"], r["group"]): r["text"] for r in rows if r["variant"] == "base"}
    for article in {r["article"] for r in rows}:
        texts = [(g, t) for (a, g), t in base.items() if a == article]
        groups = cluster_by_article([(article, t) for _, t in texts])
        assert len(set(groups)) == len(texts), texts
