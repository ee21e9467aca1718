"""What reading listed synonyms in the score costs and gives (issue 13, branch i13w).

    .venv/bin/python benchmarks/synonyms.py                      # 10k and 100k, 3 rounds
    .venv/bin/python benchmarks/synonyms.py --sizes 10000 --rounds 5

The matcher compares texts with the words of data/synonyms.txt in one form
(normalise.spaced_many). This script merges the same comments with and without that
step, alternating the two in one process, and reports CPU time (process_time: on a
shared machine it moves far less than the clock), how many pairs were verified, and
pairwise precision / recall:

- the synthetic campaigns of benchmarks/dedupe.py (100 articles, Pareto campaigns);
- the labelled set (tests/data/labelled_comments.jsonl) and the minimal pairs
  (tests/data/minimal_pairs.jsonl, dev and held).

"Without" clears the table the step reads (the matcher's own code runs otherwise), so
the two runs differ in that step and in what it changes downstream only.
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from dedupe import generate, pair_scores

from legis.matching import (
    cluster_by_article,
    leaders,
)
from tests.test_matching_quality import pair_precision_recall

# The module, not the function the package exports under the same name.
normalise = importlib.import_module("legis.matching.normalise")
DATA = ROOT / "tests" / "data"
TABLE = (normalise._SYNONYM, normalise._SYNONYM_FORM)


def _synonyms(on: bool) -> None:
    normalise._SYNONYM, normalise._SYNONYM_FORM = TABLE if on else (None, {})


def _merge(items: list[tuple[object, str]], on: bool) -> tuple[float, float, list[int], int]:
    _synonyms(on)
    before = leaders.VERIFIED_PAIRS[0]
    start = time.process_time()
    groups = cluster_by_article(items)
    cpu = time.process_time() - start
    start = time.process_time()
    normalise.spaced_many([text for _, text in items])
    step = time.process_time() - start
    _synonyms(True)
    return cpu, step, groups, leaders.VERIFIED_PAIRS[0] - before


def synthetic(sizes: list[int], rounds: int) -> None:
    for n in sizes:
        items, labels = generate(n)
        runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for _ in range(rounds):
            for on in (False, True):
                cpu, step, groups, verified = _merge(items, on)
                runs[on].append((cpu, step))
                quality = pair_scores(labels, groups)
                pairs = verified
        for on in (False, True):
            cpus = [c for c, _ in runs[on]]
            steps = [s for _, s in runs[on]]
            print(f"{n:>9,} synonyms {'on ' if on else 'off'}: merge CPU median "
                  f"{statistics.median(cpus):.2f} s (runs {', '.join(f'{c:.2f}' for c in cpus)}); "
                  f"normalising alone {statistics.median(steps):.2f} s", flush=True)
        ratio = statistics.median(c for c, _ in runs[True]) / statistics.median(c for c, _ in runs[False])
        print(f"{n:>9,} on / off: {ratio:.3f}x; last run P/R {quality[0]:.4f} / {quality[1]:.4f}, "
              f"pairs verified {pairs:,}", flush=True)


def labelled_sets() -> None:
    labelled = [json.loads(line) for line in (DATA / "labelled_comments.jsonl").open(encoding="utf-8")]
    minimal = [json.loads(line) for line in (DATA / "minimal_pairs.jsonl").open(encoding="utf-8")]
    sets = {"labelled": labelled,
            "minimal dev": [r for r in minimal if r["split"] == "dev"],
            "minimal held": [r for r in minimal if r["split"] == "held"]}
    for name, rows in sets.items():
        line = []
        for on in (False, True):
            _, _, groups, _ = _merge([(r["article"], r["text"]) for r in rows], on)
            p, r = pair_precision_recall([row["group"] for row in rows], groups)
            line.append(f"{'on' if on else 'off'} {p:.3f} / {r:.3f}")
        print(f"{name:13} P/R  " + "   ".join(line), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    labelled_sets()
    synthetic([int(s) for s in args.sizes.split(",")], args.rounds)


if __name__ == "__main__":
    main()
