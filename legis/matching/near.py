"""Near misses: opinions of one article that are close but were kept apart, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from legis.matching.bigrams import GramCoder, document_frequency, grams_of
from legis.matching.contrast import reason
from legis.matching.leaders import DEFAULT_THRESHOLD, check_threshold, make_queries, score_pair
from legis.matching.normalise import spaced_many

# How far under the merging threshold two opinions still count as close.
NEAR_MARGIN = 15.0
# Shown when two texts are close but under the threshold, with nothing opposed in them;
# and when they are alike enough and nothing is opposed (they were placed at different
# times, or staff split them).
LOW_SIMILARITY = "相似度不足"
ALIKE = "相似"


@dataclass(frozen=True)
class NearMiss:
    """Texts ``first`` and ``second`` (indexes) are close (``score`` 0-100) but apart:
    ``reason`` says why; ``contrast`` is True when they say opposite or different things
    (merging them would fold two opinions), False when they are only not alike enough."""

    first: int
    second: int
    score: float
    reason: str
    contrast: bool


def near_misses(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD,
                margin: float = NEAR_MARGIN) -> list[NearMiss]:
    """Pairs of texts (opinions of one article, kept apart) that come within ``margin``
    of the threshold or pass it, with the reason they are apart, closest first."""
    threshold = check_threshold(threshold)
    if len(texts) < 2:
        return []
    spaced = spaced_many(list(texts))
    flats = [s.replace(" ", "") for s in spaced]
    coder = GramCoder(document_frequency(grams_of(f) for f in flats))
    queries = make_queries(spaced, coder)
    low = threshold - margin
    # A cheap C-speed bound first: no reading of score_pair is far under the best of
    # these two (the containment readings are bounded by partial_ratio).
    rough = cdist(flats, flats, scorer=fuzz.token_set_ratio, score_cutoff=low / 2)
    found = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if not rough[i, j]:
                continue
            score = score_pair(*queries[i], *queries[j])
            if score < low:
                continue
            why = reason(spaced[i], spaced[j])
            if why is not None:
                found.append(NearMiss(i, j, score, why, True))
            else:
                found.append(NearMiss(i, j, score,
                                      LOW_SIMILARITY if score < threshold else ALIKE, False))
    found.sort(key=lambda m: (-m.score, m.first, m.second))
    return found
