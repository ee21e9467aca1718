"""Candidate leaders for a comment: an inverted index of character bigrams over leader prefixes."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from math import ceil

import numpy as np

from legis.matching.bigrams import CODE_BASE

# Each leader is indexed under the rarest PREFIX_FRACTION of its bigrams, and a comment
# probes with all of its bigrams. A leader sharing at least (1 - PREFIX_FRACTION) of its
# bigrams with the comment shares one of its prefix bigrams, so it is found (unless all of
# those are in over MAX_POSTING leaders' prefixes); and a common bigram (建议, 小区) is in
# few leaders' prefixes, so posting lists stay short as an article grows.
PREFIX_FRACTION = 0.6
# Candidates verified per comment, most shared bigrams first.
CANDIDATE_LIMIT = 8
# A candidate sharing fewer than 1/WEAK_DIVISOR of the prefix bigrams the best candidate
# shares is not verified: with a strong candidate, one sharing a rare bigram or two is
# chance (no verified match was dropped on the labelled or the synthetic sets).
WEAK_DIVISOR = 10
# A candidate sharing fewer bigrams than this share of the shorter text is not verified:
# near duplicates share far more (no recall lost on the labelled or synthetic sets).
MIN_SHARED = 0.25
# Posting lists longer than this are not read (the bigram is common among leaders; the
# rarer bigrams of a true match are found through shorter lists).
MAX_POSTING = 256

# A posting list grown past MAX_POSTING is replaced by this: never read, never grown.
_CLOSED: tuple = ()


class LeaderIndex:
    """Posting lists from bigram code to the leaders whose prefix holds it."""

    def __init__(self) -> None:
        self._postings: dict[str, list[int] | tuple] = {}
        self._lengths: list[int] = []

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, code: str, length: int) -> int:
        """Index a new leader by its coded bigrams; returns its number (0, 1, ...)."""
        leader = len(self._lengths)
        self._lengths.append(length)
        postings = self._postings
        get = postings.get
        for gram in code[:max(1, ceil(len(code) * PREFIX_FRACTION))]:   # rarest first
            posting = get(gram)
            if posting is None:
                postings[gram] = [leader]
            elif isinstance(posting, list):
                posting.append(leader)
                # A bigram in very many leaders' prefixes says little and costs much.
                if len(posting) > MAX_POSTING:
                    postings[gram] = _CLOSED
        return leader

    def fitting(self, code: str, length: int, min_length_ratio: float) -> list[tuple[int, int]]:
        """(-prefix bigrams shared, leader) for the leaders sharing prefix bigrams with a
        comment whose length is within ``min_length_ratio`` of its length."""
        # filter(None, ...) drops both unknown bigrams and closed posting lists.
        hits = Counter(chain.from_iterable(filter(None, map(self._postings.get, code))))
        if not hits:
            return []
        lengths = self._lengths
        low, high = length * min_length_ratio, length / min_length_ratio
        return [(-n, leader) for leader, n in hits.items() if low <= lengths[leader] <= high]

    def candidates(self, code: str, length: int, min_length_ratio: float) -> list[int]:
        """Leaders sharing prefix bigrams with a comment, most shared first (ties: oldest)."""
        return [leader for _, leader in top(self.fitting(code, length, min_length_ratio))]


# Pairs are counted in a table of every (text, leader) when there are at least 1 /
# TABLE_SPREAD as many hits as places in it; by sorting the hits otherwise.
TABLE_SPREAD = 8


def count_pairs(hits: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``hits`` (each below ``size``), ascending, and how often each
    occurs: from a table of every value when it is small or hits fill enough of it, by
    sorting otherwise."""
    if size <= 1 << 17 or (size <= 1 << 22 and size <= TABLE_SPREAD * len(hits)):
        table = np.bincount(hits, minlength=size)
        pair = np.flatnonzero(table)
        return pair, table[pair]
    # Half the bytes sort in about half the time (most of a hot article's probe).
    hits = np.sort(hits.astype(np.int32, copy=False) if size <= 1 << 31 else hits)
    edge = np.flatnonzero(np.concatenate([[True], hits[1:] != hits[:-1], [True]]))
    return hits[edge[:-1]].astype(np.int64), np.diff(edge)


def top(fitting: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The CANDIDATE_LIMIT best of (-shared, leader) pairs, best first, without the weak
    ones (see WEAK_DIVISOR)."""
    if len(fitting) <= 8 * CANDIDATE_LIMIT:     # a short list sorts faster than a heap
        fitting.sort()
        del fitting[CANDIDATE_LIMIT:]
    else:
        fitting = heapq.nsmallest(CANDIDATE_LIMIT, fitting)
    if fitting and -fitting[-1][0] * WEAK_DIVISOR < -fitting[0][0]:
        best = -fitting[0][0]
        fitting = [pair for pair in fitting if -pair[0] * WEAK_DIVISOR >= best]
    return fitting


def prefix_lengths(code_lengths: np.ndarray) -> np.ndarray:
    """How many of its rarest bigrams a leader is indexed under (as LeaderIndex.add): none
    for a text without bigrams (a comment of punctuation only)."""
    return np.minimum(code_lengths,
                      np.maximum(1, np.ceil(code_lengths * PREFIX_FRACTION))).astype(np.int64)


def ragged(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions start, start + 1, ..., start + length - 1 of every (start, length)."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(total, dtype=np.int64)


def _runs(keys: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(gram, where its run starts, run length) for the keys (gram << bits | x), sorted."""
    grams = (keys >> bits) - CODE_BASE
    starts = np.flatnonzero(np.concatenate([[True], grams[1:] != grams[:-1]]))
    return grams[starts], starts, np.diff(np.append(starts, len(keys)))


class _Level:
    """Sorted keys (code << 24 | leader), the leader of each key (int32, read by every
    probe) and, by code, where each code's run starts in them and its length."""

    __slots__ = ("count", "keys", "leader", "start")

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.leader = np.zeros(0, dtype=np.int32)
        self.start = np.zeros(0, dtype=np.int64)
        self.count = np.zeros(0, dtype=np.int64)

    def cover(self, size: int) -> None:
        """Grow the tables to hold ``size`` codes (from CODE_BASE)."""
        if size > len(self.count):
            size = max(size, 2 * len(self.count))
            for name in ("start", "count"):
                old = getattr(self, name)
                grown = np.zeros(size, dtype=np.int64)
                grown[:len(old)] = old
                setattr(self, name, grown)

    def take(self, new: np.ndarray, bits: int) -> None:
        """Add sorted keys (none already here) and re-read the runs of the codes."""
        if len(self.keys):
            self.count[(self.keys >> bits) - CODE_BASE] = 0
        leader = (new & ((1 << bits) - 1)).astype(np.int32)
        if not len(self.keys):      # all at once (rejoin's index) or a level just cleared
            self.keys, self.leader = new, leader
        else:
            # New keys into the sorted ones where they belong: cheaper than sorting again.
            at = np.searchsorted(self.keys, new)
            self.keys = np.insert(self.keys, at, new)
            self.leader = np.insert(self.leader, at, leader)
        code, start, count = _runs(self.keys, bits)
        self.cover(int(code[-1]) + 1 if len(code) else 0)
        self.start[code] = start
        self.count[code] = count

    def clear(self, bits: int) -> None:
        if len(self.keys):
            self.count[(self.keys >> bits) - CODE_BASE] = 0
        self.keys = np.zeros(0, dtype=np.int64)
        self.leader = np.zeros(0, dtype=np.int32)


class PrefixArrays:
    """The same posting lists as LeaderIndex, as sorted arrays of (code << 24 | leader):
    probed for a whole block of comments at once with numpy.

    The keys are kept in two levels: the leaders of the latest blocks in a small array
    that each block re-sorts into, and the others in a large one that takes the small
    one in only when it has grown past RECENT_KEYS (or a fraction of the large one). So
    adding a block costs the size of the small level, not of the whole index: without
    it, one article of 400,000 comments spent most of its time moving the index. Where
    each code's posting list starts in a level, and its length, are kept in tables
    indexed by code (codes are dense, from CODE_BASE on): a probe is a few lookups
    rather than binary searches; a code's list is the two levels' runs together."""

    _LEADER_BITS = 24
    # Keys the small level holds at most before the large one takes it in (at least
    # this many; more once the large level holds eight times as many).
    RECENT_KEYS = 1 << 16

    def __init__(self) -> None:
        self._main = _Level()
        self._recent = _Level()
        self.lengths = np.zeros(0, dtype=np.int32)

    def _cover(self, grams: np.ndarray) -> None:
        """Grow the tables to hold codes up to the largest of ``grams`` (from CODE_BASE)."""
        size = int(grams.max()) - CODE_BASE + 1 if len(grams) else 0
        self._main.cover(size)
        self._recent.cover(size)

    def __len__(self) -> int:
        return len(self.lengths)

    def extend(self, values: np.ndarray, bounds: np.ndarray, texts: Sequence[int],
               lengths: Sequence[int]) -> None:
        """Index new leaders (texts of ``values``/``bounds``, numbered on from len(self))."""
        if not len(texts):
            return
        at = np.asarray(texts, dtype=np.int64)
        first = len(self.lengths)
        if first + len(at) >= 1 << self._LEADER_BITS:
            raise ValueError("too many leaders in one article")
        starts = bounds[at]
        take = prefix_lengths(bounds[at + 1] - starts)
        # The keys made in place: rejoin indexes a hot article's sampled texts at once.
        new = values[ragged(starts, take)].astype(np.int64)
        self._cover(new)
        new <<= self._LEADER_BITS
        new |= np.repeat(np.arange(first, first + len(at), dtype=np.int64), take)
        new.sort()
        bits, recent, main = self._LEADER_BITS, self._recent, self._main
        if len(recent.keys) + len(new) > max(self.RECENT_KEYS, len(main.keys) >> 3):
            # The large level takes both in (the small one's keys and the new ones).
            merged = new
            if len(recent.keys):
                merged = np.concatenate([recent.keys, new])
                merged.sort()
            recent.clear(bits)
            main.take(merged, bits)
        else:
            recent.take(new, bits)
        self.lengths = np.concatenate([self.lengths, np.asarray(lengths, dtype=np.int32)])

    def candidates(self, values: np.ndarray, bounds: np.ndarray, texts: Sequence[int],
                   lengths: Sequence[int], min_length_ratio: float) -> list[list[tuple[int, int]]]:
        """For each text, LeaderIndex.fitting reduced to its CANDIDATE_LIMIT best (best first)."""
        out: list[list[tuple[int, int]]] = [[] for _ in range(len(texts))]
        place, minus, leader = self.candidate_arrays(values, bounds, texts, lengths,
                                                     min_length_ratio)
        for text, m, lead in zip(place.tolist(), minus.tolist(), leader.tolist()):
            out[text].append((m, lead))
        return out

    def candidate_arrays(self, values: np.ndarray, bounds: np.ndarray, texts: Sequence[int],
                         lengths: Sequence[int], min_length_ratio: float
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``candidates`` as three arrays: the place of the text in ``texts``, -prefix
        bigrams shared and the leader, by place and best first."""
        none = np.zeros(0, dtype=np.int64)
        count = len(texts)
        leaders = len(self.lengths)
        if not leaders or not count:
            return none, none, none
        at = np.asarray(texts, dtype=np.int64)
        starts = bounds[at]
        sizes = bounds[at + 1] - starts
        grams = values[ragged(starts, sizes)]
        owner = np.repeat(np.arange(count, dtype=np.int32), sizes)
        bits = self._LEADER_BITS
        self._cover(grams)
        main, recent = self._main, self._recent
        code = grams - CODE_BASE
        in_main, in_recent = main.count[code], recent.count[code]
        # A common bigram (over MAX_POSTING leaders in both levels together): not read.
        read = in_main + in_recent <= MAX_POSTING
        in_main, in_recent = in_main * read, in_recent * read
        hit_owner = np.concatenate([np.repeat(owner, in_main), np.repeat(owner, in_recent)])
        hit_leader = np.concatenate([main.leader[ragged(main.start[code], in_main)],
                                     recent.leader[ragged(recent.start[code], in_recent)]])
        if not len(hit_leader):
            return none, none, none
        # Leaders whose length does not fit the text's are left out hit by hit, before
        # the pairs are counted (most hits of a hot article are such chance meetings).
        # For a whole number of characters, low <= size <= high holds exactly when
        # ceil(low) <= size <= floor(high).
        length = np.asarray(lengths, dtype=np.int64)
        low = np.ceil(length * min_length_ratio)
        high = np.minimum(np.floor(length / min_length_ratio), np.iinfo(np.int32).max)
        size = self.lengths[hit_leader]
        fits = size >= low.astype(np.int32)[hit_owner]
        fits &= size <= high.astype(np.int32)[hit_owner]
        del size
        # Prefix bigrams shared per (text, leader): the pairs numbered text << shift |
        # leader (shifts and masks, not a division, take them apart), in 32 bits where
        # they fit (half the bytes to sort).
        shift = max(1, (leaders - 1).bit_length())
        if count << shift <= 1 << 31:
            hits = hit_owner << np.int32(shift)
        else:
            hits = hit_owner.astype(np.int64) << shift
        hits |= hit_leader
        hits = hits[fits]
        del hit_owner, hit_leader, fits
        if not len(hits):
            return none, none, none
        pair, shared = count_pairs(hits, count << shift)
        q, leader = pair >> shift, pair & ((1 << shift) - 1)
        # The weak ones (see WEAK_DIVISOR) are dropped before the sort below: they rank
        # after every candidate kept, so the best CANDIDATE_LIMIT left are the same, and
        # most pairs of a hot article share one rare bigram by chance. (q is ascending.)
        first_of = np.flatnonzero(np.concatenate([[True], q[1:] != q[:-1]]))
        best = np.repeat(np.maximum.reduceat(shared, first_of),
                         np.diff(np.append(first_of, len(q))))
        strong = shared * WEAK_DIVISOR >= best
        q, leader, shared = q[strong], leader[strong], shared[strong]
        # Best CANDIDATE_LIMIT per text: by text, most shared, oldest leader.
        order = np.sort((q << 46) | ((((1 << 21) - 1) - shared) << bits) | leader)
        q = order >> 46
        # Where each text's candidates start (its best): q is sorted.
        start = np.ones(len(q), dtype=bool)
        np.not_equal(q[1:], q[:-1], out=start[1:])
        first = np.maximum.accumulate(np.where(start, np.arange(len(q)), 0))
        shared = ((1 << 21) - 1) - ((order >> bits) & ((1 << 21) - 1))
        keep = ((np.arange(len(q)) - first < CANDIDATE_LIMIT)
                & (shared * WEAK_DIVISOR >= shared[first]))
        return q[keep], -shared[keep], order[keep] & ((1 << bits) - 1)


def block_pairs(values: np.ndarray, bounds: np.ndarray, texts: Sequence[int],
                lengths: Sequence[int], min_length_ratio: float,
                indexed: Sequence[int] | None = None
                ) -> tuple[list[int], list[int], list[int]]:
    """Every pair of a block's texts that LeaderIndex would give if each text were added to
    it as a leader after being probed: (i, j) with j < i (places in ``texts``), j's prefix
    sharing bigrams with i and j's length fitting i's. ``indexed``: the places j may be
    (the texts that may still lead; None: all), in increasing order.

    Returns (bounds, -shared, j): the pairs of text i are at bounds[i]:bounds[i + 1], most
    shared first, ties the oldest j first (the order ``top`` gives). A block must not hold
    more than MAX_POSTING texts (no posting list inside it is ever closed)."""
    count = len(texts)
    if count > MAX_POSTING + 1:
        raise ValueError("a block holds more texts than a posting list may")
    at = np.asarray(texts, dtype=np.int64)
    starts = bounds[at]
    sizes = bounds[at + 1] - starts
    bits = max(1, count.bit_length())
    places = (np.arange(count, dtype=np.int64) if indexed is None
              else np.asarray(indexed, dtype=np.int64))
    take = prefix_lengths(sizes[places])
    keys = np.sort((values[ragged(starts[places], take)].astype(np.int64) << bits)
                   | np.repeat(places, take))
    grams = values[ragged(starts, sizes)] - CODE_BASE
    owner = np.repeat(np.arange(count, dtype=np.int64), sizes)
    if not len(grams) or not len(keys):
        return [0] * (count + 1), [], []
    # Where each code's run of keys starts and its length, by code (np.zeros costs
    # nothing for the pages never written).
    code, start, run = _runs(keys, bits)
    first = np.zeros(int(grams.max()) + 1, dtype=np.int64)
    found = np.zeros(len(first), dtype=np.int64)
    first[code] = start
    found[code] = run
    low = first[grams]
    found = found[grams]
    hit_i = np.repeat(owner, found)
    hit_j = keys[ragged(low, found)] & ((1 << bits) - 1)
    # Pairs of every indexed text with every text; only those with the indexed one first
    # are kept (cheaper than finding where the prober's own place is in each run).
    pair, shared = count_pairs(hit_i * count + hit_j, count * count)
    i, j = np.divmod(pair, count)
    before = j < i
    i, j, shared = i[before], j[before], shared[before]
    length = np.asarray(lengths, dtype=np.int64)
    size, own = length[j], length[i]
    fits = (own * min_length_ratio <= size) & (size <= own / min_length_ratio)
    i, j, shared = i[fits], j[fits], shared[fits]
    # By text, most shared, oldest.
    order = np.sort((i << 40) | ((((1 << 20) - 1) - shared) << 20) | j)
    edges = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(i, minlength=count), out=edges[1:])
    return (edges.tolist(), (((order >> 20) & ((1 << 20) - 1)) - ((1 << 20) - 1)).tolist(),
            (order & ((1 << 20) - 1)).tolist())
