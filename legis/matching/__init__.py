"""Merging near-duplicate comments into opinions (归纳意见): pure functions over texts."""

from legis.matching.cluster import DEFAULT_THRESHOLD, cluster, cluster_by_article
from legis.matching.dedupe_file import dedupe_jsonl
from legis.matching.incremental import OpinionIndex, assign, place
from legis.matching.normalise import is_simplified, normalise, normalise_basic, normalise_many

__all__ = ["DEFAULT_THRESHOLD", "OpinionIndex", "assign", "cluster", "cluster_by_article",
           "dedupe_jsonl", "is_simplified", "normalise", "normalise_basic", "normalise_many", "place"]
