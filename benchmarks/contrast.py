"""The contrast check's figures on every set it is judged on, and its cost per pair.

    .venv/bin/python benchmarks/contrast.py                  # all figures
    .venv/bin/python benchmarks/contrast.py --only ocnli     # one set (ocnli, labelled, minimal, cost)
    .venv/bin/python benchmarks/contrast.py --show dev       # also list the dev pairs still merged

- OCNLI (../shared/corpus/ocnli, tests/ocnli.py): alike pairs (ratio >= 50), merged =
  ``cluster([a, b])`` puts both in one group, per label, on the two halves of the train
  split cut by a hash of the pair (md5 of sentence1 + sentence2: even = dev, odd = test).
  Rules are changed reading dev only; test is reported.
- Labelled set (tests/data/labelled_comments.jsonl) and minimal pairs
  (tests/data/minimal_pairs.jsonl, halves dev and held): pairwise precision / recall at
  the default threshold.
- Cost: ``reason(a, b)`` in a loop over every same-article pair of the labelled set
  scoring at or over the threshold (the pairs the check is asked about), median of
  three rounds, microseconds of CPU time per pair. Run the script of two checkouts one after the
  other (PYTHONPATH) to compare; the machine is shared, so compare ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz

from legis.matching import cluster, cluster_by_article
from legis.matching.cluster import DEFAULT_THRESHOLD
from legis.matching.contrast import reason
from legis.matching.normalise import spaced_many
from tests.ocnli import CORPUS, alike_pairs
from tests.test_matching_quality import pair_precision_recall

DATA = ROOT / "tests" / "data"


def half(a: str, b: str) -> str:
    return "dev" if int(hashlib.md5((a + b).encode()).hexdigest(), 16) % 2 == 0 else "test"


def ocnli(show: str | None) -> None:
    if not CORPUS.exists():
        print(f"OCNLI not found at {CORPUS}")
        return
    counts: dict[tuple[str, str], list[int]] = {}
    for a, b, label, _ in alike_pairs():
        merged = len(set(cluster([a, b]))) == 1
        for part in (half(a, b), "all"):
            seen = counts.setdefault((label, part), [0, 0])
            seen[0] += merged
            seen[1] += 1
        if merged and show and half(a, b) == show and label == "contradiction":
            print(f"  merged {label}: {a} || {b}")
    for label in ("contradiction", "entailment", "neutral"):
        print(f"OCNLI {label:13}" + "".join(
            f"  {part} {counts[(label, part)][0]}/{counts[(label, part)][1]}"
            f" ({100 * counts[(label, part)][0] / counts[(label, part)][1]:.1f} %)"
            for part in ("dev", "test", "all")))


def labelled() -> None:
    rows = [json.loads(line) for line in (DATA / "labelled_comments.jsonl").open(encoding="utf-8")]
    groups = cluster_by_article([(r["article"], r["text"]) for r in rows])
    p, r = pair_precision_recall([r["group"] for r in rows], groups)
    print(f"labelled set P/R {p:.3f} / {r:.3f}")


def minimal() -> None:
    rows = [json.loads(line) for line in (DATA / "minimal_pairs.jsonl").open(encoding="utf-8")]
    # The held half as a whole, then its two sources apart: the slot templates and the
    # pairs written by hand (branch i13o, "source": "hand").
    for split, name in (("dev", "dev"), ("held", "held"), ("held", "held template"),
                        ("held", "held hand")):
        part = [r for r in rows if r["split"] == split
                and (name in ("dev", "held") or r.get("source", "template") == name.split()[1])]
        groups = cluster_by_article([(r["article"], r["text"]) for r in part])
        p, r = pair_precision_recall([r["group"] for r in part], groups)
        print(f"minimal pairs {name:13} P/R {p:.3f} / {r:.3f} ({len(part)} comments)")
    hand = [r for r in rows if r.get("source") == "hand"]
    found = cluster_by_article([(r["article"], r["text"]) for r in hand])
    by_kind: dict[str, list[int]] = {}
    for i, x in enumerate(hand):
        for j in range(i + 1, len(hand)):
            y = hand[j]
            if x["article"] != y["article"] or x["group"] == y["group"]:
                continue
            kind = y["kind"] if x["kind"] == "paraphrase" else x["kind"]
            seen = by_kind.setdefault(kind, [0, 0])
            seen[0] += found[i] == found[j]
            seen[1] += 1
    print("  hand-written pairs of different opinions merged, by kind: " + ", ".join(
        f"{kind} {n}/{total}" for kind, (n, total) in sorted(by_kind.items())))


def cost() -> None:
    rows = [json.loads(line) for line in (DATA / "labelled_comments.jsonl").open(encoding="utf-8")]
    by_article: dict[str, list[str]] = {}
    for row, text in zip(rows, spaced_many([r["text"] for r in rows])):
        by_article.setdefault(row["article"], []).append(text)
    pairs = [(x, y) for texts in by_article.values() for i, x in enumerate(texts)
             for y in texts[i + 1:] if fuzz.ratio(x, y) >= DEFAULT_THRESHOLD]
    rounds = []
    for _ in range(3):
        # CPU time of this process: on a shared machine it swings far less than the clock.
        start = time.process_time()
        for x, y in pairs:
            reason(x, y)
        rounds.append((time.process_time() - start) / len(pairs) * 1e6)
        # Caches are per text; a fresh round would keep them, so each round is read warm
        # after the first. Report the median.
    print(f"cost per pair: {statistics.median(rounds):.0f} µs over {len(pairs)} pairs "
          f"(rounds {', '.join(f'{r:.0f}' for r in rounds)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["ocnli", "labelled", "minimal", "cost"])
    parser.add_argument("--show", choices=["dev", "test"])
    args = parser.parse_args()
    for name, run in (("ocnli", lambda: ocnli(args.show)), ("labelled", labelled),
                      ("minimal", minimal), ("cost", cost)):
        if args.only in (None, name):
            start = time.perf_counter()
            run()
            print(f"  ({name}: {time.perf_counter() - start:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
