"""A second pass over one article's opinions: two opinions the leader pass left apart are
one opinion when their members agree with each other often enough.

The leader pass compares a comment with each opinion's leader only, so a paraphrase that
is close to the members of an opinion but not to the text that leads it starts an
opinion of its own. Here a few members of every opinion (the most frequent distinct
texts, the leader first) are compared across opinions that share rare bigrams (the
candidate index of the leader pass). Two opinions of at least MIN_MEMBERS distinct texts
each are joined when, weighted by how many comments sent each text, more than AGREE_SHARE
of their compared pairs pass the threshold and the contrast check, and the contrast
check keeps none of the pairs that come within NEAR of the threshold apart. A single
passing pair is not enough: a chain of single links folds opposite opinions together
through one noisy member (measured: docs/benchmarks.md, "Recall, third pass").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import Indel

from legis.matching.bigrams import coded_arrays
from legis.matching.candidates import MIN_SHARED, PrefixArrays
from legis.matching.contrast import contrasting
from legis.matching.leaders import _EPSILON, Query, _min_length_ratio, score_pair

_indel_distance = Indel.distance

# Distinct texts of each opinion compared (the leader and the next most frequent).
SAMPLE = 4
# Texts probed at once (the leader pass's block size: the hits of a block are held in
# memory together).
PROBE_BLOCK = 256
# Opinions with fewer distinct texts are left as the leader pass made them: a lone text
# has been compared with the leaders near it already, and one pair is too little to go by.
MIN_MEMBERS = 2
# The compared pairs that pass must weigh more than this share of them all (by comments).
# At exactly half an opinion's own texts are split on the other opinion (one of two agrees
# with it, the other does not: two requests the leader pass put together because the
# residents closed them with the same sentence), and joining would carry the one that
# does not agree along ...
AGREE_SHARE = 0.5
# ... and how far under the threshold a pair the contrast check keeps apart still stops
# the join (a negation or a number changed makes a pair score a little lower).
NEAR = 15.0


def _samples(counts: Sequence[int], leader_of: list[int]) -> dict[int, list[int]]:
    """Per opinion (its leader), the leader and its next most frequent distinct texts."""
    samples: dict[int, list[int]] = {leader: [leader] for leader in dict.fromkeys(leader_of)}
    for u in sorted(range(len(leader_of)), key=lambda u: -counts[u]):   # stable on ties
        taken = samples[leader_of[u]]
        if len(taken) < SAMPLE and u != taken[0]:
            taken.append(u)
    return samples


def rejoin(spaced: Sequence[str], counts: Sequence[int], leader_of: list[int],
           threshold: float) -> list[int]:
    """``leader_of`` (the leader of each distinct text of one article, an index into
    ``spaced``) with the opinions whose members agree joined under the most frequent of
    their leaders."""
    samples = _samples(counts, leader_of)
    if sum(len(taken) >= MIN_MEMBERS for taken in samples.values()) < 2:
        return leader_of
    texts = [u for taken in samples.values() if len(taken) >= MIN_MEMBERS for u in taken]
    flats = [spaced[u].replace(" ", "") for u in texts]
    codes, values, bounds = coded_arrays(flats)
    queries = {u: (flat, spaced[u], code) for u, flat, code in zip(texts, flats, codes)}
    close = _close(values, bounds, [len(f) for f in flats],
                   np.asarray([leader_of[u] for u in texts], dtype=np.int64), threshold)
    joins = []
    for a, b in close:
        share = _agreement(samples[a], samples[b], queries, spaced, counts, threshold)
        if share is not None:
            joins.append((-share, a, b))
    if not joins:
        return leader_of
    head = {leader: leader for leader in samples}

    def root(x: int) -> int:
        while head[x] != x:
            head[x] = head[head[x]]
            x = head[x]
        return x

    for _, a, b in sorted(joins):       # best agreement first
        ra, rb = root(a), root(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=lambda x: (-counts[x], x))
            head[second] = first
    return [root(leader) for leader in leader_of]


def _close(values: np.ndarray, bounds: np.ndarray, lengths: list[int], opinion: np.ndarray,
           threshold: float) -> list[tuple[int, int]]:
    """Pairs of opinions (leaders, the smaller first) one of whose compared texts is a
    candidate of a compared text of the other: the compared texts (their coded bigrams
    as ``values`` and ``bounds``, their opinions ``opinion``) indexed at once and probed
    PROBE_BLOCK at a time, as the leader pass probes its blocks."""
    index = PrefixArrays()
    index.extend(values, bounds, range(len(lengths)), lengths)
    ratio = _min_length_ratio(threshold)
    places, others = [], []
    for start in range(0, len(lengths), PROBE_BLOCK):
        block = list(range(start, min(start + PROBE_BLOCK, len(lengths))))
        place, _, other = index.candidate_arrays(values, bounds, block, lengths, ratio)
        places.append(place + start)
        others.append(other)
    place, other = np.concatenate(places), np.concatenate(others)
    mine, theirs = opinion[place], opinion[other]
    apart = mine != theirs
    width = int(opinion.max()) + 1
    keys = np.unique(np.minimum(mine, theirs)[apart] * width + np.maximum(mine, theirs)[apart])
    return list(zip(*(part.tolist() for part in np.divmod(keys, width)))) if len(keys) else []


def _agreement(mine: list[int], theirs: list[int], queries: dict[int, Query],
               spaced: Sequence[str], counts: Sequence[int], threshold: float) -> float | None:
    """The weighted share of passing pairs of two opinions' compared texts, or None when
    it is not over AGREE_SHARE or the contrast check keeps a near pair apart. A pair sharing
    under MIN_SHARED of the shorter text's bigrams neither passes nor comes near (as in
    the leader pass, which does not verify it); scoring stops once the pairs failed
    leave too little weight to reach AGREE_SHARE."""
    low = threshold - _EPSILON
    total = sum(counts[a] for a in mine) * sum(counts[b] for b in theirs)
    allowed = (1 - AGREE_SHARE) * total      # weight that may fail
    failed = 0
    near = []
    for a in mine:
        flat_a, spaced_a, code_a = queries[a]
        for b in theirs:
            weight = counts[a] * counts[b]
            code_b = queries[b][2]
            unshared = _indel_distance(code_a, code_b)
            if len(code_a) + len(code_b) - unshared < \
                    2 * MIN_SHARED * min(len(code_a), len(code_b)):
                score = 0.0
            else:
                score = score_pair(flat_a, spaced_a, code_a, *queries[b], low - NEAR, low,
                                   unshared)
            if score < low:
                failed += weight
                if failed >= allowed:
                    return None
            if score >= low - NEAR:
                near.append((a, b, weight, score >= low))
    agree = 0
    for a, b, weight, passed in near:
        if contrasting(spaced[a], spaced[b]):
            return None
        agree += weight if passed else 0
    return agree / total
