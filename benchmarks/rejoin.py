"""What the passes over an article's opinions (legis.matching.rejoin, then the clustering
with cannot-links of legis.matching.grouping) cost and give.

    .venv/bin/python benchmarks/rejoin.py                  # synthetic 10k and 100k, labelled set
    .venv/bin/python benchmarks/rejoin.py --sizes 20000 --runs 3
    .venv/bin/python benchmarks/rejoin.py --hot-article --sizes 100000   # one article

For each size of benchmarks/dedupe.py's synthetic campaigns, cluster_by_article is run
with the time spent inside rejoin counted apart, so the cost is a ratio within one run
(whole merge / merge without the pass) rather than two runs on a shared machine. Then
pairwise precision and recall with and without the pass on the labelled comments, the
held-out minimal pairs and the synthetic set (without: rejoin made to return its input).
The clustering with cannot-links (grouping.regroup) is timed the same way, and its gain
is shown as P/R without it (regroup made to return its input) against with it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.dedupe import generate, pair_scores
from legis.matching import cluster_by_article

# The module (legis.matching's attribute of that name is the function cluster).
_CLUSTER = importlib.import_module("legis.matching.cluster")
_REJOIN = _CLUSTER.rejoin
_REGROUP = _CLUSTER.regroup
_SPENT = [0.0]
_REGROUP_SPENT = [0.0]


def _timed_rejoin(*args):
    started = time.perf_counter()
    try:
        return _REJOIN(*args)
    finally:
        _SPENT[0] += time.perf_counter() - started


def _timed_regroup(*args):
    started = time.perf_counter()
    try:
        return _REGROUP(*args)
    finally:
        _REGROUP_SPENT[0] += time.perf_counter() - started


def _no_rejoin(spaced, counts, leader_of, threshold):
    return leader_of


def _no_regroup(spaced, counts, leader_of, threshold, flats=None):
    return leader_of


def timed(items) -> tuple[float, float, list[int]]:
    """(whole merge s, of which in rejoin s, groups)."""
    _CLUSTER.rejoin = _timed_rejoin
    _CLUSTER.regroup = _timed_regroup
    _SPENT[0] = _REGROUP_SPENT[0] = 0.0
    started = time.perf_counter()
    groups = cluster_by_article(items)
    return time.perf_counter() - started, _SPENT[0], groups


def without(items) -> list[int]:
    _CLUSTER.rejoin = _no_rejoin
    try:
        return cluster_by_article(items)
    finally:
        _CLUSTER.rejoin = _timed_rejoin


def without_regroup(items) -> list[int]:
    _CLUSTER.regroup = _no_regroup
    try:
        return cluster_by_article(items)
    finally:
        _CLUSTER.regroup = _timed_regroup


def _rows(name: str, split: str | None = None) -> list[dict]:
    path = ROOT / "tests" / "data" / name
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    return [r for r in rows if split is None or r.get("split") == split]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--hot-article", action="store_true",
                        help="every synthetic comment on one article (as dedupe.py --hot-article)")
    args = parser.parse_args()
    for n in map(int, args.sizes.split(",")):
        items, labels = generate(n)
        if args.hot_article:
            items = [(0, text) for _, text in items]
        runs = [timed(items) for _ in range(args.runs)]
        whole = statistics.median(r[0] for r in runs)
        spent = statistics.median(r[1] for r in runs)
        p, r = pair_scores(labels, runs[0][2])
        regrouped = _REGROUP_SPENT[0]
        p0, r0 = pair_scores(labels, without(items))
        p1, r1 = pair_scores(labels, without_regroup(items))
        print(f"{n:>9,} synthetic: merge {whole:6.2f} s, of which rejoin {spent:5.2f} s "
              f"(x{whole / max(whole - spent, 1e-9):.2f} the merge without it), regroup "
              f"{regrouped:5.2f} s (x{whole / max(whole - regrouped, 1e-9):.2f}); "
              f"P/R without rejoin {p0:.4f}/{r0:.4f}, without regroup {p1:.4f}/{r1:.4f}, "
              f"with both {p:.4f}/{r:.4f}")
    for name, split in (("labelled_comments.jsonl", None), ("minimal_pairs.jsonl", "dev"),
                        ("minimal_pairs.jsonl", "held")):
        rows = _rows(name, split)
        items = [(row["article"], row["text"]) for row in rows]
        labels = [row["group"] for row in rows]
        whole, spent, groups = timed(items)
        regrouped = _REGROUP_SPENT[0]
        p, r = pair_scores(labels, groups)
        p0, r0 = pair_scores(labels, without(items))
        p1, r1 = pair_scores(labels, without_regroup(items))
        print(f"{name} {split or 'all'} ({len(rows)} comments): P/R without rejoin "
              f"{p0:.4f}/{r0:.4f}, without regroup {p1:.4f}/{r1:.4f}, with both {p:.4f}/{r:.4f}; "
              f"merge {whole:.2f} s, of which rejoin {spent:.2f} s, regroup {regrouped:.2f} s")


if __name__ == "__main__":
    main()
