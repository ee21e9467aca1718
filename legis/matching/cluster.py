"""Leader clustering: merge near-duplicate comments of one article into opinions."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np

from legis.matching import candidates as _candidates
from legis.matching.candidates import PrefixArrays, block_pairs, coded_arrays, top
from legis.matching.guards import features_many
from legis.matching.leaders import (
    DEFAULT_THRESHOLD,
    VERIFIED_PAIRS,
    Leaders,
    _min_length_ratio,
    check_threshold,
)
from legis.matching.normalise import spaced_many

# Comments probed together against the leaders of earlier blocks.
BLOCK_SIZE = 256


def cluster_unique(spaced: Sequence[str], counts: Sequence[int], threshold: float,
                   tick: Callable[[int], None] | None = None,
                   flats: Sequence[str] | None = None) -> list[int]:
    """Leader of each distinct normalised comment of one article (an index into ``spaced``).

    Comments are taken most frequent first, so a campaign's template leads it; each joins
    the most similar compatible leader found so far, or leads a new opinion. Members are
    compared with the leader only, so A~B and B~C never pull A and C together.

    Comments go in blocks of BLOCK_SIZE: the leaders of earlier blocks are probed for the
    whole block at once (PrefixArrays, numpy), and each comment is verified against them.
    A comment one of them takes cannot lead (but see below), so only the others can be
    the leaders made inside the block: every pair of the block's comments whose earlier
    one is such a comment and shares prefix bigrams with the later one is found at once
    (block_pairs), and a comment takes the pairs whose other comment has become a leader
    by then. The two lists of candidates are merged, so each comment sees the same
    candidates as if all leaders were in one LeaderIndex. A comment whose earlier leader
    is pushed out of its top candidates by leaders of its own block, none of which takes
    it, does lead after all: its pairs are found then.
    """
    n = len(spaced)
    if flats is None:
        flats = [s.replace(" ", "") for s in spaced]
    codes, values, bounds = coded_arrays(flats)
    guards = features_many(spaced)
    order = sorted(range(n), key=lambda u: (-counts[u], u))
    ratio = _min_length_ratio(threshold)
    lengths = [len(f) for f in flats]
    leader_of = [0] * n
    leaders = Leaders(indexed=False)
    add = leaders.add
    verify = leaders.verify
    keys = leaders.keys
    earlier = PrefixArrays()
    verified = 0
    limit = _candidates.CANDIDATE_LIMIT
    for start in range(0, n, BLOCK_SIZE):
        block = order[start:start + BLOCK_SIZE]
        block_lengths = [lengths[u] for u in block]
        near_earlier = earlier.candidates(values, bounds, block, block_lengths, ratio)
        # First against the leaders of earlier blocks alone.
        first: list[tuple[int | None, int]] = [(None, 0)] * len(block)
        memos: list[dict | None] = [None] * len(block)
        may_lead: list[int] = []
        for i, u in enumerate(block):
            near = near_earlier[i]
            if near:
                memo = memos[i] = {}
                found = first[i] = verify(near, flats[u], spaced[u], codes[u], threshold,
                                          guards[u], memo)
                if found[0] is not None:
                    continue
            may_lead.append(i)
        # Then the leaders made inside the block.
        edges, minus_shared, other = block_pairs(values, bounds, block, block_lengths, ratio,
                                                 may_lead)
        number: list[int | None] = [None] * len(block)
        made: list[int] = []
        for i, u in enumerate(block):
            a, b = edges[i], edges[i + 1]
            inside = []
            for k in range(a, b):
                leader = number[other[k]]
                if leader is not None:
                    inside.append((minus_shared[k], leader))
                    if len(inside) == limit:
                        break
            if inside:
                near = near_earlier[i]
                near = top(near + inside) if near else inside
                leader, pairs = verify(near, flats[u], spaced[u], codes[u], threshold,
                                       guards[u], memos[i])
            else:
                leader, pairs = first[i]
            verified += pairs
            if leader is None:
                number[i] = add(u, flats[u], spaced[u], codes[u], guards[u])
                made.append(u)
                leader_of[u] = u
                if first[i][0] is not None:
                    # Pushed out (see above): its pairs with the rest of the block.
                    may_lead = sorted(may_lead + [i])
                    edges, minus_shared, other = block_pairs(
                        values, bounds, block, block_lengths, ratio, may_lead)
            else:
                leader_of[u] = keys[leader]
        earlier.extend(values, bounds, made, [lengths[u] for u in made])
        if tick is not None:
            tick(sum(counts[u] for u in block))
    VERIFIED_PAIRS[0] += verified
    return leader_of


def cluster_spaced(keys: Sequence[Hashable], spaced: Sequence[str], threshold: float,
                   tick: Callable[[int], None] | None = None) -> list[int]:
    """Group numbers for normalised comments keyed by article (see ``cluster_by_article``)."""
    threshold = check_threshold(threshold)
    by_article: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        by_article.setdefault(key, []).append(i)
    label = np.zeros(len(spaced), dtype=np.int64)
    # Without the clause spaces, all at once (texts hold no new line once normalised).
    all_flats = "\n".join(spaced).replace(" ", "").split("\n") if spaced else []
    if len(all_flats) != len(spaced):
        all_flats = [s.replace(" ", "") for s in spaced]
    for positions in by_article.values():
        # Exact duplicates: one dict (hash) lookup each; distinct texts are numbered in
        # order of first appearance.
        distinct: dict[str, int] = {}
        flats = [all_flats[i] for i in positions]
        unit = np.fromiter([distinct.setdefault(f, len(distinct)) for f in flats],
                           dtype=np.int64, count=len(flats))
        new = np.ones(len(unit), dtype=bool)
        new[1:] = unit[1:] > np.maximum.accumulate(unit)[:-1]
        firsts = np.flatnonzero(new)
        counts = np.bincount(unit).tolist()
        at = np.asarray(positions, dtype=np.int64)
        leader_of = cluster_unique([spaced[positions[k]] for k in firsts.tolist()], counts,
                                   threshold, tick, list(distinct))
        # The leader's first position is unique across articles: a global label.
        label[at] = at[firsts[np.asarray(leader_of, dtype=np.int64)[unit]]]
    # Groups numbered 0, 1, ... in order of first appearance.
    if not len(label):
        return []
    _, first_seen, inverse = np.unique(label, return_index=True, return_inverse=True)
    number = np.empty(len(first_seen), dtype=np.int64)
    number[np.argsort(first_seen)] = np.arange(len(first_seen))
    return number[inverse.reshape(-1)].tolist()


def cluster_by_article(items: Iterable[tuple[Hashable, str]], *,
                       threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """Group number per comment, merging only within an article.

    ``items`` are (article key, text); key None is 总体意见 (the draft as a whole), its
    own group like any article. Groups are numbered 0, 1, ... across all articles in
    order of first appearance.
    """
    keys: list[Hashable] = []
    texts: list[str] = []
    for key, text in items:
        keys.append(key)
        texts.append(text)
    return cluster_spaced(keys, spaced_many(texts), threshold)


def cluster(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """Group number per comment (all of one article), numbered 0.. in order of first appearance."""
    texts = list(texts)
    return cluster_spaced([None] * len(texts), spaced_many(texts), threshold)
