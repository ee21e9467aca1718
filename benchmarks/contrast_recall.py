"""Where the contrast check costs recall: every same-opinion pair of the labelled set that
passes the score threshold but is kept apart by ``contrast.reason``, bucketed by the kind
of difference, with the differing spans.

    .venv/bin/python benchmarks/contrast_recall.py              # buckets, three examples each
    .venv/bin/python benchmarks/contrast_recall.py --list 20    # twenty examples per bucket
    .venv/bin/python benchmarks/contrast_recall.py --bucket 否定不同/added

A pair is two distinct normalised texts of one article and one labelled group whose
``score_pair`` reaches the default threshold. Its bucket is the reason the check gives,
then where the difference lies:

- ``added``: the reason goes away when the clauses one comment has and the other has no
  counterpart for (fuzz.ratio < 40 against every clause of the other) are left out: the
  difference sits only in a clause or a reason one resident adds;
- ``lexical`` (否定不同 only): the negation characters that differ stand inside a word
  rjieba reads as one (睡不着, 不得不, 毫不犹豫), not before a predicate;
- ``shared``: the difference is in the clauses both comments make.

The same pairs of different groups that the check keeps apart are counted beside it (a
change that frees same-opinion pairs must not free those).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rjieba
from rapidfuzz import fuzz

from legis.matching.bigrams import grams_of
from legis.matching.cluster import DEFAULT_THRESHOLD
from legis.matching.contrast import PAIR_RATIO, differing_spans, reason
from legis.matching.leaders import score_pair
from legis.matching.lexicon import negations
from legis.matching.normalise import spaced_many

DATA = ROOT / "tests" / "data"


def _code(flat: str, codes: dict[str, str]) -> str:
    return "".join(sorted(codes.setdefault(g, chr(0x4E00 + len(codes))) for g in grams_of(flat)))


def shared_clauses(a: str, b: str) -> tuple[str, str]:
    """Each text with only the clauses that have a counterpart in the other."""
    ca, cb = a.split(" "), b.split(" ")
    keep_a = [x for x in ca if any(fuzz.ratio(x, y) >= PAIR_RATIO for y in cb)]
    keep_b = [y for y in cb if any(fuzz.ratio(x, y) >= PAIR_RATIO for x in ca)]
    return " ".join(keep_a), " ".join(keep_b)


def spans(a: str, b: str) -> list[str]:
    return [f"{a[s1:e1] or '∅'}/{b[s2:e2] or '∅'}" for s1, e1, s2, e2 in differing_spans(a, b)]


def lexical_negation(a: str, b: str) -> bool:
    """Whether every negation one text has more than the other stands inside a longer
    word (rjieba) that is not itself a negation word."""
    def free(text: str) -> int:
        return sum(negations(w) for w in rjieba.cut(text) if len(w) <= 2 or negations(w) > 1)
    return negations(a) != negations(b) and free(a) == free(b)


def bucket(a: str, b: str, why: str) -> str:
    sa, sb = shared_clauses(a, b)
    if (sa, sb) != (a, b) and sa and sb and reason(sa, sb) is None:
        return f"{why}/added"
    if why == "否定不同" and lexical_negation(a, b):
        return f"{why}/lexical"
    return f"{why}/shared"


def pairs() -> list[tuple[str, str, bool]]:
    rows = [json.loads(line) for line in (DATA / "labelled_comments.jsonl").open(encoding="utf-8")]
    texts = spaced_many([r["text"] for r in rows])
    codes: dict[str, str] = {}
    by_article: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row, text in zip(rows, texts):
        by_article[row["article"]][text].add(row["group"])
    out = []
    for seen in by_article.values():
        items = [(t, t.replace(" ", ""), groups) for t, groups in seen.items()]
        coded = [_code(flat, codes) for _, flat, _ in items]
        for i, (ta, fa, ga) in enumerate(items):
            for j in range(i + 1, len(items)):
                tb, fb, gb = items[j]
                if score_pair(fa, ta, coded[i], fb, tb, coded[j]) >= DEFAULT_THRESHOLD:
                    out.append((ta, tb, bool(ga & gb)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", type=int, default=3, help="examples shown per bucket")
    parser.add_argument("--bucket", help="show only this bucket")
    args = parser.parse_args()
    found = pairs()
    same: Counter[str] = Counter()
    other: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    merged_same = merged_other = 0
    for a, b, together in found:
        why = reason(a, b)
        if why is None:
            merged_same += together
            merged_other += not together
            continue
        if not together:
            other[why] += 1
            continue
        kind = bucket(a, b, why)
        same[kind] += 1
        examples[kind].append(f"    {a} || {b}\n      spans: {' '.join(spans(a, b))}")
    print(f"pairs over the threshold: {len(found)}; same opinion {merged_same + sum(same.values())}, "
          f"of which kept apart {sum(same.values())}; different opinions "
          f"{merged_other + sum(other.values())}, of which kept apart {sum(other.values())}")
    for why in sorted({k.split('/')[0] for k in same}, key=lambda w: -sum(
            n for k, n in same.items() if k.startswith(w + "/"))):
        total = sum(n for k, n in same.items() if k.startswith(why + "/"))
        parts = ", ".join(f"{k.split('/')[1]} {n}" for k, n in same.most_common() if k.startswith(why + "/"))
        print(f"{why}: {total} ({parts}); different-opinion pairs kept apart for it: {other[why]}")
    for kind, _ in same.most_common():
        if (args.bucket and kind != args.bucket) or not args.list:
            continue
        print(f"\n{kind} ({same[kind]}):")
        print("\n".join(examples[kind][:args.list]))


if __name__ == "__main__":
    main()
