"""Leader clustering: merge near-duplicate comments of one article into opinions."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import cast

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cpdist

from legis.matching import candidates as _candidates
from legis.matching.bigrams import CODE_BASE, code_of, coded_values
from legis.matching.candidates import MIN_SHARED, PrefixArrays, block_pairs, ragged, top
from legis.matching.contrast import contrasting
from legis.matching.grouping import regroup
from legis.matching.leaders import (
    _EPSILON,
    CONTRAST_CHECKS,
    DEFAULT_THRESHOLD,
    VERIFIED_PAIRS,
    Leaders,
    _min_length_ratio,
    check_threshold,
)
from legis.matching.normalise import spaced_many
from legis.matching.rejoin import rejoin
from legis.matching.signatures import join

# Comments probed together against the leaders of earlier blocks.
BLOCK_SIZE = 256
# An article's first block is smaller and blocks double up to BLOCK_SIZE: the comments of
# a block meet the leaders made inside it one by one (the slower way), those of later
# blocks meet them all at once.
FIRST_BLOCK = 64
# Largest table of (comment of a block, bigram code) marks kept per article (bytes).
MEMBER_BYTES = 64 << 20


def cluster_unique(spaced: Sequence[str], counts: Sequence[int], threshold: float,
                   tick: Callable[[int], None] | None = None,
                   flats: Sequence[str] | None = None) -> list[int]:
    """Leader of each distinct normalised comment of one article (an index into ``spaced``).

    Comments are taken most frequent first, so a campaign's template leads it; each joins
    the most similar compatible leader found so far, or leads a new opinion. Members are
    compared with the leader only, so A~B and B~C never pull A and C together.

    Comments go in blocks (FIRST_BLOCK, twice that, ... up to BLOCK_SIZE; see
    _Article.block). The result is the same as taking them one at a time with one
    LeaderIndex of all leaders (tested), except that a bigram found in the prefixes of
    over MAX_POSTING leaders stops being read from the next block on rather than at once.
    """
    article = _Article(spaced, flats, threshold)
    # Most frequent first, ties in order of first appearance.
    order = np.argsort(-np.asarray(counts, dtype=np.int64), kind="stable").tolist()
    start, size = 0, min(FIRST_BLOCK, BLOCK_SIZE)
    while start < len(order):
        block = order[start:start + size]
        start += size
        size = min(BLOCK_SIZE, 2 * size)
        article.block(block)
        if tick is not None:
            tick(sum(counts[u] for u in block))
    VERIFIED_PAIRS[0] += article.verified
    return article.leader_of


class _Earlier:
    """What the comments of a block found among the leaders of earlier blocks: per place
    in the block its candidates (-prefix bigrams shared, leader; best first) at
    edges[i]:edges[i + 1], their bigrams not shared (-1: under MIN_SHARED), the leader it
    joins (or None) and the pairs verified."""

    __slots__ = ("edges", "found", "lead", "minus", "pairs", "unshared")

    edges: list[int]
    found: list[int | None]
    lead: list[int]
    minus: list[int]
    pairs: list[int]
    unshared: list[int]

    def near(self, i: int) -> list[tuple[int, int]]:
        a, b = self.edges[i], self.edges[i + 1]
        return list(zip(self.minus[a:b], self.lead[a:b]))

    def overlap(self, i: int) -> dict[int, int]:
        a, b = self.edges[i], self.edges[i + 1]
        return dict(zip(self.lead[a:b], self.unshared[a:b]))


class _Article:
    """The leaders of one article as they grow, block by block."""

    def __init__(self, spaced: Sequence[str], flats: Sequence[str] | None, threshold: float):
        self.spaced = spaced
        self.flats = flats if flats is not None else [s.replace(" ", "") for s in spaced]
        # The code strings (see GramCoder) are made only for the comments that reach the
        # readings or lead (code_of): most of a hot article's comments never do.
        self.values, self.bounds = coded_values(self.flats)
        self.code = partial(code_of, self.values, self.bounds)
        self.code_sizes = np.diff(self.bounds)
        self.lengths = [len(f) for f in self.flats]
        self.threshold = threshold
        self.ratio = _min_length_ratio(threshold)
        self.leaders = Leaders(indexed=False)
        self.earlier = PrefixArrays()
        self.leader_texts = np.zeros(0, dtype=np.int64)
        # Which bigram codes each comment of the current block holds (see _unshared); too
        # big for a very large article, which then asks rapidfuzz.
        self.width = int(self.values.max()) - CODE_BASE + 1 if len(self.values) else 0
        self.member = (np.zeros(BLOCK_SIZE * self.width, dtype=bool)
                       if BLOCK_SIZE * self.width <= MEMBER_BYTES else None)
        self.leader_of = [0] * len(spaced)
        self.verified = 0

    def block(self, block: list[int]) -> None:
        """Place a block of comments. First each against the leaders of earlier blocks
        (probed for the whole block at once). A comment one of them takes cannot lead
        (but see _inside), so only the others are indexed for the rest of the block."""
        lengths = [self.lengths[u] for u in block]
        earlier = self._against_earlier(block, lengths)
        made = self._inside(block, lengths, earlier)
        self.verified += sum(earlier.pairs)
        self.earlier.extend(self.values, self.bounds, made, [self.lengths[u] for u in made])
        self.leader_texts = np.concatenate([self.leader_texts, np.asarray(made, dtype=np.int64)])

    def _unshared(self, block: np.ndarray, place: np.ndarray, lead: np.ndarray) -> np.ndarray:
        """Bigrams not shared by each (block[place], leader lead) pair: the Indel distance of
        their code strings (sorted, no repeats), counted on arrays. The block's comments
        mark their codes in a table of BLOCK_SIZE rows; each leader's codes are looked up
        in its comment's row; the marks are cleared after."""
        at = block[place]
        texts = self.leader_texts[lead]
        if self.member is None:
            code, lead_codes = self.code, self.leaders.code
            return cpdist([code(u) for u in at.tolist()], [lead_codes[k] for k in lead.tolist()],
                          scorer=Indel.distance, dtype=np.int64)
        width = self.width
        sizes = self.code_sizes[block]
        marks = (np.repeat(np.arange(len(block), dtype=np.int64) * width, sizes)
                 + self.values[ragged(self.bounds[block], sizes)] - CODE_BASE)
        self.member[marks] = True
        theirs = self.code_sizes[texts]
        looked = (np.repeat(place * width, theirs)
                  + self.values[ragged(self.bounds[texts], theirs)] - CODE_BASE)
        # Marks found per pair: differences of a running count at the pairs' ends.
        found = np.zeros(len(looked) + 1, dtype=np.int64)
        np.cumsum(self.member[looked], out=found[1:])
        ends = np.cumsum(theirs)
        shared = found[ends] - found[ends - theirs]
        self.member[marks] = False
        return self.code_sizes[at] + theirs - 2 * shared

    def _against_earlier(self, block: list[int], lengths: list[int]) -> _Earlier:
        """The bigram overlap of every (comment, earlier leader) candidate pair at once
        (_unshared), the MIN_SHARED filter on arrays, then the readings per comment
        (Leaders.decide) where they can change the answer. A comment with one candidate
        left whose bigram Dice already reaches the threshold joins that leader unless the
        contrast check keeps them apart: decide would stop at that first reading too."""
        count = len(block)
        found = _Earlier()
        found.found = [None] * count
        found.pairs = [0] * count
        place, minus, lead = self.earlier.candidate_arrays(self.values, self.bounds, block,
                                                           lengths, self.ratio)
        found.edges = np.searchsorted(place, np.arange(count + 1)).tolist()
        if not len(place):
            found.minus = found.lead = found.unshared = []
            return found
        block_texts = np.asarray(block, dtype=np.int64)
        at, theirs_at = block_texts[place], self.leader_texts[lead]
        unshared = self._unshared(block_texts, place, lead)
        mine, theirs = self.code_sizes[at], self.code_sizes[theirs_at]
        unshared[mine + theirs - unshared < 2 * MIN_SHARED * np.minimum(mine, theirs)] = -1
        kept = unshared >= 0
        per_text = np.bincount(place[kept], minlength=count)
        found.pairs = per_text.tolist()
        # Dice as score_pair computes it, operation for operation.
        total = mine + theirs
        dice = np.where(total > 0, 100.0 * (1.0 - unshared / np.maximum(total, 1)), 100.0)
        easy = kept & (per_text[place] == 1) & (dice >= self.threshold - _EPSILON)
        spaced = self.spaced
        for i, leader in zip(place[easy].tolist(), lead[easy].tolist()):
            if not contrasting(spaced[block[i]], self.leaders.spaced[leader]):
                found.found[i] = leader
        CONTRAST_CHECKS[0] += int(easy.sum())
        hard = per_text > 0
        hard[place[easy]] = False
        found.minus, found.lead, found.unshared = minus.tolist(), lead.tolist(), unshared.tolist()
        edges, decide, code = found.edges, self.leaders.decide, self.code
        for i in np.flatnonzero(hard).tolist():
            u, a, b = block[i], edges[i], edges[i + 1]
            kept_here = [(k, d) for k, d in zip(found.lead[a:b], found.unshared[a:b]) if d >= 0]
            found.found[i] = decide(kept_here, self.flats[u], self.spaced[u], code(u),
                                    self.threshold)
        return found

    def _inside(self, block: list[int], lengths: list[int], earlier: _Earlier) -> list[int]:
        """The comments of the block in order, with the leaders made inside it: every pair
        of a comment with an earlier one of the block that may lead and shares prefix
        bigrams with it is found at once (block_pairs); a comment takes the pairs whose
        other comment has become a leader by then, merged with its earlier candidates.
        A comment whose earlier leader is pushed out of its candidates that way, and that
        none of the new ones takes, leads after all: it is indexed then. Returns the new
        leaders."""
        may_lead = [i for i, f in enumerate(earlier.found) if f is None]
        pairs_of = partial(block_pairs, self.values, self.bounds, block, lengths, self.ratio)
        edges, minus_shared, other = pairs_of(may_lead)
        number: list[int | None] = [None] * len(block)
        made: list[int] = []
        limit = _candidates.CANDIDATE_LIMIT
        leaders, flats, spaced, code = self.leaders, self.flats, self.spaced, self.code
        for i, u in enumerate(block):
            taken = leader = earlier.found[i]
            inside: list[tuple[int, int]] = []
            for k in range(edges[i], edges[i + 1]):
                lead = number[other[k]]
                if lead is not None:
                    inside.append((minus_shared[k], lead))
                    if len(inside) == limit:
                        break
            near = earlier.near(i) if inside else []
            if near and _no_better(inside[0], near):
                inside = []         # its earlier candidates stand: phase one's answer
            if inside:
                leader, earlier.pairs[i] = leaders.verify(
                    top(near + inside), flats[u], spaced[u], code(u),
                    self.threshold, earlier.overlap(i))
            if leader is not None:
                self.leader_of[u] = cast(int, leaders.keys[leader])   # keys: text numbers
                continue
            number[i] = leaders.add(u, flats[u], spaced[u], code(u))
            made.append(u)
            self.leader_of[u] = u
            if taken is not None:       # pushed out: indexed for the rest of the block
                may_lead = sorted(may_lead + [i])
                edges, minus_shared, other = pairs_of(may_lead)
        return made


def _no_better(best_inside: tuple[int, int], near: list[tuple[int, int]]) -> bool:
    """Whether the best of a comment's candidates made inside its block (and so all of
    them) would be left out of its candidates from earlier blocks, ``near`` (as ``top``
    gave them): too weak beside the best, or behind a full list."""
    return (-best_inside[0] * _candidates.WEAK_DIVISOR < -near[0][0]
            or (len(near) == _candidates.CANDIDATE_LIMIT and best_inside > near[-1]))


def _by_signature(texts: Sequence[str], counts: Sequence[int], leader_of: list[int]) -> list[int]:
    """Opinions that state the same change or stance, one opinion (signatures.join): the
    leaders, most frequent first, are joined, and their members follow them."""
    leaders = sorted(set(leader_of), key=lambda u: (-counts[u], u))
    if len(leaders) < 2:
        return leader_of
    joined = join(list(texts), leaders)
    if not joined:
        return leader_of
    return [joined.get(leader, leader) for leader in leader_of]


def _opinions(texts: list[str], counts: list[int], flats: list[str], threshold: float,
              tick: Callable[[int], None] | None) -> list[int]:
    """The leader of each distinct text of one article: the leader pass, its second pass
    (rejoin.py), clustering with cannot-links across the opinions (grouping.py), then
    the change/stance signatures."""
    leader_of = cluster_unique(texts, counts, threshold, tick, flats)
    leader_of = rejoin(texts, counts, leader_of, threshold)
    # Opinions joined along links across them, refused where cannot-links weigh.
    leader_of = regroup(texts, counts, leader_of, threshold, flats)
    return _by_signature(texts, counts, leader_of)


def cluster_spaced(keys: Sequence[Hashable], spaced: Sequence[str], threshold: float,
                   tick: Callable[[int], None] | None = None) -> list[int]:
    """Group numbers for normalised comments keyed by article (see ``cluster_by_article``)."""
    threshold = check_threshold(threshold)
    # Positions per article, articles in order of first appearance.
    article_of: dict[Hashable, int] = {}
    numbers = np.fromiter([article_of.setdefault(key, len(article_of)) for key in keys],
                          dtype=np.int64, count=len(keys))
    by_position = np.argsort(numbers, kind="stable").tolist()
    ends = np.cumsum(np.bincount(numbers, minlength=len(article_of))).tolist()
    label = np.zeros(len(spaced), dtype=np.int64)
    # Without the clause spaces, all at once (texts hold no new line once normalised).
    all_flats = "\n".join(spaced).replace(" ", "").split("\n") if spaced else []
    if len(all_flats) != len(spaced):
        all_flats = [s.replace(" ", "") for s in spaced]
    for first_at, end in zip([0] + ends[:-1], ends):
        positions = by_position[first_at:end]
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
        texts = [spaced[positions[k]] for k in firsts.tolist()]
        leader_of = _opinions(texts, counts, list(distinct), threshold, tick)
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
    items = list(items)
    return cluster_spaced([key for key, _ in items], spaced_many([text for _, text in items]),
                          threshold)


def cluster(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """Group number per comment (all of one article), numbered 0.. in order of first appearance."""
    texts = list(texts)
    return cluster_spaced([None] * len(texts), spaced_many(texts), threshold)
