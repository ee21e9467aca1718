"""Leader clustering: merge near-duplicate comments of one article into opinions."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from legis.errors import LegisError
from legis.matching.candidates import (
    MIN_SHARED,
    GramCoder,
    LeaderIndex,
    document_frequency,
    grams_of,
)
from legis.matching.guards import compatible, directions_of, numbers_of
from legis.matching.normalise import spaced_many

# Similarity (0-100) a comment needs with an opinion's leader to join it. Chosen from
# the labelled comments in tests/data (see docs/benchmarks.md, "Merging").
DEFAULT_THRESHOLD = 45.0
# "Template plus a sentence": a comment holding a known text whole joins it when the
# known text is long enough to mean something and is a fair share of the comment.
CONTAIN_MIN_CHARS = 10
CONTAIN_LENGTH_RATIO = 0.35
# Bigram containment counts for less than the same share of bigrams in both directions.
CONTAIN_PENALTY = 10.0
# Comments verified together in one rapidfuzz batch.
BLOCK_SIZE = 2048

# What the matcher knows of one comment: flat text, clauses spaced, numbers, directions,
# and its bigrams coded as a sorted string (see GramCoder).
Query = tuple[str, str, frozenset, frozenset, str]
# Below this many pairs a Python loop over the scorer beats cpdist's set-up cost.
_SMALL_BATCH = 32
# Pairs verified with rapidfuzz so far in this process (read by the benchmark).
VERIFIED_PAIRS = [0]


def check_threshold(threshold: float) -> float:
    """The threshold as a float, or a LegisError saying what a threshold is."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = float("nan")
    if not 1 < value <= 100:
        raise LegisError(f"相似度阈值应为 1 到 100 之间的百分数（例如 {DEFAULT_THRESHOLD:g}），"
                         f"收到的是 {threshold!r}。", field="threshold")
    return value


def _min_length_ratio(threshold: float) -> float:
    # Below this length ratio neither fuzz.ratio nor containment can reach the threshold.
    return min(CONTAIN_LENGTH_RATIO, threshold / (200 - threshold))


def _pairwise(scorer, a: Sequence, b: Sequence, workers: int) -> np.ndarray:
    if len(a) < _SMALL_BATCH:
        return np.fromiter(map(scorer, a, b), dtype=np.float32, count=len(a))
    return process.cpdist(a, b, scorer=scorer, workers=workers, dtype=np.float32).reshape(-1)


def score_pairs(queries: Sequence[Query], leaders: Sequence[Query], *,
                workers: int = 1) -> np.ndarray:
    """Similarity 0-100 of each (comment, leader) pair: the best of five readings.

    - fuzz.ratio of the flat texts (typos; wrappers are already gone);
    - fuzz.token_sort_ratio of the clauses (the same clauses in another order);
    - Dice of the bigram sets (reworded or reordered without punctuation);
    - for a shorter text that is long enough and a fair share of the longer one (a
      template plus a personal sentence): 2 * partial_ratio - 100, and the share of
      its bigrams found in the longer one less CONTAIN_PENALTY.
    """
    q_flat = [q[0] for q in queries]
    l_flat = [q[0] for q in leaders]
    scores = _pairwise(fuzz.ratio, q_flat, l_flat, workers)
    multi = [i for i, (a, b) in enumerate(zip(queries, leaders)) if " " in a[1] or " " in b[1]]
    if multi:
        reordered = _pairwise(fuzz.token_sort_ratio, [queries[i][1] for i in multi],
                              [leaders[i][1] for i in multi], workers)
        scores[multi] = np.maximum(scores[multi], reordered)
    q_code = [q[4] for q in queries]
    l_code = [q[4] for q in leaders]
    np.maximum(scores, _pairwise(fuzz.ratio, q_code, l_code, workers), out=scores)
    contained, shorts, longs = [], [], []
    for i, (a, b) in enumerate(zip(q_flat, l_flat)):
        short, long = (a, b) if len(a) <= len(b) else (b, a)
        if len(short) >= CONTAIN_MIN_CHARS and len(short) >= CONTAIN_LENGTH_RATIO * len(long) \
                and len(short) < len(long):
            contained.append(i)
            shorts.append(short)
            longs.append(long)
    if contained:
        partial = _pairwise(fuzz.partial_ratio, shorts, longs, workers)
        a_code = [q_code[i] for i in contained]
        b_code = [l_code[i] for i in contained]
        unshared = _pairwise(Indel.distance, a_code, b_code, workers)
        len_a = np.fromiter(map(len, a_code), dtype=np.float32, count=len(a_code))
        len_b = np.fromiter(map(len, b_code), dtype=np.float32, count=len(b_code))
        shared = (len_a + len_b - unshared) / 2
        share = 100 * shared / np.maximum(np.minimum(len_a, len_b), 1) - CONTAIN_PENALTY
        scores[contained] = np.maximum(scores[contained], np.maximum(2 * partial - 100, share))
    return scores


class Leaders:
    """The leaders (representative texts) found so far, with their candidate index."""

    def __init__(self) -> None:
        self.index = LeaderIndex()
        self.keys: list[Hashable] = []
        self.queries: list[Query] = []

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Hashable, query: Query) -> None:
        self.index.add(query[4], len(query[0]))
        self.keys.append(key)
        self.queries.append(query)

    def absorb(self, other: Leaders) -> None:
        for key, query in zip(other.keys, other.queries):
            self.add(key, query)

    def match(self, queries: Sequence[Query], threshold: float, *, workers: int = 1) -> list:
        """For each query the key of the leader it joins, or None."""
        ratio = _min_length_ratio(threshold)
        owner: list[int] = []
        cands: list[int] = []
        lq = self.queries
        for n, q in enumerate(queries):
            near = self.index.candidates(q[4], len(q[0]), ratio)
            if not near:
                continue
            code = q[4]
            grams = set(code)
            for leader in near:
                lead_code = lq[leader][4]
                # Cheap exact bigram overlap before the costly readings.
                if len(grams.intersection(lead_code)) >= MIN_SHARED * min(len(code), len(lead_code)):
                    owner.append(n)
                    cands.append(leader)
        found: list = [None] * len(queries)
        if not cands:
            return found
        VERIFIED_PAIRS[0] += len(cands)
        scores = score_pairs([queries[n] for n in owner], [lq[c] for c in cands],
                             workers=workers)
        best: list[tuple[float, int] | None] = [None] * len(queries)
        for i in np.flatnonzero(scores >= threshold).tolist():
            n, leader = owner[i], cands[i]
            q, lead = queries[n], lq[leader]
            current = best[n]
            if current is not None and (current[0], -current[1]) >= (scores[i], -leader):
                continue
            if compatible(q[2], q[3], lead[2], lead[3]):
                best[n] = (float(scores[i]), leader)
        for n, hit in enumerate(best):
            if hit is not None:
                found[n] = self.keys[hit[1]]
        return found


def make_queries(spaced: Sequence[str], coder: GramCoder,
                 grams: Sequence[set[str]] | None = None) -> list[Query]:
    """Matcher features of normalised comments (clauses separated by spaces)."""
    out = []
    for n, s in enumerate(spaced):
        flat = s.replace(" ", "")
        code = coder.code(grams[n] if grams is not None else grams_of(flat))
        out.append((flat, s, numbers_of(s), directions_of(s), code))
    return out


def cluster_unique(spaced: Sequence[str], counts: Sequence[int], threshold: float,
                   tick: Callable[[int], None] | None = None) -> list[int]:
    """Leader of each distinct normalised comment of one article (an index into ``spaced``).

    Comments are taken most frequent first, so a campaign's template leads it; each joins
    the most similar compatible leader, or leads a new opinion. Members are compared with
    the leader only, so A~B and B~C never pull A and C together.
    """
    n = len(spaced)
    grams = [grams_of(s.replace(" ", "")) for s in spaced]
    coder = GramCoder(document_frequency(grams))
    order = sorted(range(n), key=lambda u: (-counts[u], u))
    leader_of = [0] * n
    main = Leaders()
    for start in range(0, n, BLOCK_SIZE):
        block = order[start:start + BLOCK_SIZE]
        queries = make_queries([spaced[u] for u in block], coder, [grams[u] for u in block])
        # Against the leaders of earlier blocks: one batch, all cores.
        found = main.match(queries, threshold, workers=-1) if len(main) else [None] * len(block)
        # The rest, in order, against leaders made in this block.
        fresh = Leaders()
        for u, q, hit in zip(block, queries, found):
            if hit is None and len(fresh):
                hit = fresh.match([q], threshold)[0]
            if hit is None:
                fresh.add(u, q)
                hit = u
            leader_of[u] = hit
        main.absorb(fresh)
        if tick is not None:
            tick(sum(counts[u] for u in block))
    return leader_of


def cluster_spaced(keys: Sequence[Hashable], spaced: Sequence[str], threshold: float,
                   tick: Callable[[int], None] | None = None) -> list[int]:
    """Group numbers for normalised comments keyed by article (see ``cluster_by_article``)."""
    threshold = check_threshold(threshold)
    by_article: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        by_article.setdefault(key, []).append(i)
    label = [0] * len(spaced)
    for positions in by_article.values():
        distinct: dict[str, int] = {}
        texts: list[str] = []
        counts: list[int] = []
        first: list[int] = []
        unit: list[int] = []
        for i in positions:
            flat = spaced[i].replace(" ", "")
            u = distinct.get(flat)       # exact duplicates: one dict (hash) lookup
            if u is None:
                u = distinct[flat] = len(texts)
                texts.append(spaced[i])
                counts.append(0)
                first.append(i)
            counts[u] += 1
            unit.append(u)
        leader_of = cluster_unique(texts, counts, threshold, tick)
        for i, u in zip(positions, unit):
            # The leader's first position is unique across articles: a global label.
            label[i] = first[leader_of[u]]
    numbering: dict[int, int] = {}
    return [numbering.setdefault(x, len(numbering)) for x in label]


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
