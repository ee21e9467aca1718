"""OCNLI pairs for the contrast check: which labelled sentence pairs look alike, and how
many of them the merging engine folds into one opinion."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz

# ../shared beside the repository (the corpus is not copied into the project); a git
# worktree one level further down finds it beside its parent folder.
_HERE = Path(__file__).resolve()
CORPUS = next((p / "shared" / "corpus" / "ocnli" / "train.10k.json" for p in _HERE.parents[2:4]
               if (p / "shared" / "corpus" / "ocnli").is_dir()),
              _HERE.parents[2] / "shared" / "corpus" / "ocnli" / "train.10k.json")
# Pairs at least this alike (rapidfuzz ratio, punctuation stripped) are the ones a
# character-based matcher could fold together.
MIN_RATIO = 50
BANDS = (50, 60, 70, 80, 90, 101)
_PUNCTUATION = re.compile(r"[\W_]+")


def alike_pairs(path: Path = CORPUS) -> list[tuple[str, str, str, float]]:
    """(sentence1, sentence2, label, ratio) of the pairs with ratio >= MIN_RATIO."""
    out = []
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        if row["label"] not in ("entailment", "neutral", "contradiction"):
            continue
        a, b = row["sentence1"], row["sentence2"]
        ratio = fuzz.ratio(_PUNCTUATION.sub("", a), _PUNCTUATION.sub("", b))
        if ratio >= MIN_RATIO:
            out.append((a, b, row["label"], ratio))
    return out


def band_of(ratio: float) -> str:
    for low, high in pairwise(BANDS):
        if low <= ratio < high:
            return f"{low}-{min(high, 100)}"
    raise ValueError(ratio)


def merged_rates(pairs: list[tuple[str, str, str, float]], merged: list[bool]
                 ) -> dict[tuple[str, str], tuple[int, int]]:
    """(merged, total) per (label, band), and per (label, "all")."""
    total: Counter = Counter()
    hits: Counter = Counter()
    for (_, _, label, ratio), joined in zip(pairs, merged):
        for key in ((label, band_of(ratio)), (label, "all")):
            total[key] += 1
            hits[key] += joined
    return {key: (hits[key], total[key]) for key in total}
