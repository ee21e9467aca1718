"""Joining one article's opinions by clustering with cannot-links.

The leader pass (cluster.py) compares a comment with the first texts of the opinions
found so far, never with their other members, and its second pass (rejoin.py) joins two
opinions only when half of a few sampled pairs agree. Here every pair of distinct texts
in two different opinions that may come close is compared: the pairs where one text
holds one of the other's rarest bigrams (its prefix, as the candidate index keeps it),
the other text ranking first (more comments; ties: arrived first), as in the leader
pass. A pair at or over the threshold is a **link**; a link the contrast check keeps
apart (a negation, a number, a modality changed ...) is a **cannot-link**.

Each opinion is weighed through its first-ranked text (most comments; ties: the
shorter, then by the text, so a template comes before the template plus a sentence).
Links are taken best first (highest score, then the most comments behind the two texts;
ties by the texts themselves) and each joins the two opinions its texts are in, unless
- under AGREE_SHARE of all the pairs across the two opinions (weighted by how many
  comments sent each text; a pair not close enough to compare counts as failing) are
  links: an average-link gate, so a chain of single close pairs does not carry one
  opinion into another. A text of the lighter opinion that **restates** a text of the
  other (a link scoring STRONG or more that is not a cannot-link, the text no shorter
  than RESTATED_LENGTH of the other: the same text with a typo, or with a sentence of
  the resident's own) counts as linked to all of the other opinion, as the text it
  restates would be: a template sent again with a personal sentence scores under the
  threshold against the other wordings of its campaign although it says what the
  template says. The length rule keeps a comment that makes two requests from
  carrying the opinion of the second (a shorter text it holds whole) into the first;
- the first-ranked texts of the two opinions are a cannot-link;
- the cannot-links weigh at least half of the links across the two opinions;
- the link itself is a cannot-link.
The cannot-links are weighed rather than obeyed one by one because the contrast check
also keeps apart some pairs of one opinion (two texts, each with a sentence of its own
added); the first-ranked texts, usually the clean template, are trusted most. Every
setting here was measured on the labelled set, the minimal pairs, OCNLI and the
synthetic campaigns (docs/benchmarks.md, "Grouping with cannot-links (issue 13, branch
i13g)"), including the variants that were dropped.

Only articles of up to GROUPING_MAX distinct texts are regrouped; a larger (hot) article
keeps what the leader pass and its second pass made.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cpdist

from legis.matching.bigrams import coded_arrays
from legis.matching.candidates import MIN_SHARED, prefix_lengths, ragged
from legis.matching.contrast import contrasting
from legis.matching.leaders import (
    _EPSILON,
    CONTRAST_CHECKS,
    VERIFIED_PAIRS,
    _min_length_ratio,
    score_pair,
)

# Articles with more distinct texts than this keep the leader pass's opinions. The pairs
# compared here grow with the square of a campaign's wordings: at 3,000 the pass nearly
# doubled the CPU of the synthetic 100k merge (about 1,000 texts an article) for recall
# +0.004 there; at 500 it runs on every article of the labelled set and the 10k set and
# on none of the 100k set's (docs/benchmarks.md, "Grouping with cannot-links").
GROUPING_MAX = 500
# Share of all the pairs across two opinions (weighted by comments) that must be links.
AGREE_SHARE = 0.9
# Pairs of opinions whose compared pairs weigh under this share of all their pairs are
# not scored (they cannot pass the gate above; a share under it leaves room for the
# opinions to grow first). Texts restated (below) can lift a pair of opinions over the
# gate with fewer links, but scoring every pair (0.0) joined nothing more on the
# labelled set, the minimal pairs or the synthetic campaigns.
SCORED_SHARE = 0.4
# A link at or over this score that the contrast check does not keep apart is a text
# restated (score_pair reads a text held whole in a longer one as 100, a typo or two
# as a little less) ...
STRONG = 90.0
# ... by a text at least this share of the other's length (not a shorter text held
# whole in a comment that says more).
RESTATED_LENGTH = 0.9


class Compared:
    """The compared pairs (a, b) of one article's distinct texts that are links, with
    their scores, and the contrast verdict of each (None until asked: the check runs
    only on links across two opinions about to be joined). ``rank``: each text's place,
    first-ranked first (see ``ranks``)."""

    def __init__(self, spaced: Sequence[str], rank: Sequence[int]):
        self.spaced = spaced
        self.rank = rank
        self.a: list[int] = []
        self.b: list[int] = []
        self.score: list[float] = []
        self.verdict: list[bool | None] = []

    def apart(self, k: int) -> bool:
        """Whether the contrast check keeps link ``k`` apart (asked once per link), asked
        as the leader pass asks it: the later-ranked text first."""
        verdict = self.verdict[k]
        if verdict is None:
            a, b = self.a[k], self.b[k]
            if self.rank[a] < self.rank[b]:
                a, b = b, a
            verdict = self.verdict[k] = contrasting(self.spaced[a], self.spaced[b])
            CONTRAST_CHECKS[0] += 1
        return verdict


def arrival_ranks(counts: Sequence[int]) -> np.ndarray:
    """Each text's place when the most frequent come first, ties in order of arrival:
    the leader pass's order, in which a text is compared with those before it."""
    order = np.argsort(-np.asarray(counts, dtype=np.int64), kind="stable")
    place_of = np.empty(len(order), dtype=np.int64)
    place_of[order] = np.arange(len(order))
    return place_of


def ranks(spaced: Sequence[str], counts: Sequence[int]) -> list[int]:
    """Each text's place when the most frequent come first, ties the shorter first (a
    template before the template plus a sentence), then by the text: which text of an
    opinion the others are weighed against, whatever the order of arrival."""
    order = sorted(range(len(spaced)), key=lambda u: (-counts[u], len(spaced[u]), spaced[u]))
    place_of = [0] * len(spaced)
    for i, u in enumerate(order):
        place_of[u] = i
    return place_of


def _prefix_pairs(values: np.ndarray, bounds: np.ndarray, rank: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (a < b) where the later-ranked text holds a bigram of the prefix of the
    first-ranked one (its rarest bigrams, as the candidate index keeps a leader): the
    pairs the leader pass could compare, without the index's caps (MAX_POSTING,
    CANDIDATE_LIMIT)."""
    n = len(bounds) - 1
    starts, sizes = bounds[:-1], np.diff(bounds)
    take = prefix_lengths(sizes)
    keys = values[ragged(starts, take)].astype(np.int64)
    owner = np.repeat(np.arange(n, dtype=np.int64), take)
    order = np.argsort(keys, kind="stable")
    keys, owner = keys[order], owner[order]
    probe = values.astype(np.int64)
    low = np.searchsorted(keys, probe, "left")
    found = np.searchsorted(keys, probe, "right") - low
    i = np.repeat(np.repeat(np.arange(n, dtype=np.int64), sizes), found)
    j = owner[ragged(low, found)]
    keep = rank[j] < rank[i]        # i probes the prefix of j, which ranks first
    i, j = i[keep], j[keep]
    return np.divmod(np.unique(np.minimum(i, j) * n + np.maximum(i, j)), n)


def compare(spaced: Sequence[str], counts: Sequence[int], threshold: float,
            opinion: Sequence[int], flats: Sequence[str] | None = None) -> Compared:
    """The links between texts of different opinions (``opinion``: any text of each
    text's opinion, such as the leader pass's ``leader_of``)."""
    flats = list(flats) if flats is not None else [s.replace(" ", "") for s in spaced]
    pairs = Compared(spaced, ranks(spaced, counts))
    if len(flats) < 2:
        return pairs
    codes, values, bounds = coded_arrays(flats)
    a, b = _prefix_pairs(values, bounds, arrival_ranks(counts))
    lengths = np.asarray([len(f) for f in flats], dtype=np.int64)
    first = np.asarray(opinion, dtype=np.int64)
    # A length misfit cannot reach the threshold (the index leaves it out too); a pair
    # inside one opinion links nothing new.
    short, long = np.minimum(lengths[a], lengths[b]), np.maximum(lengths[a], lengths[b])
    keep = (short >= long * _min_length_ratio(threshold)) & (first[a] != first[b])
    a, b = a[keep], b[keep]
    if not len(a):
        return pairs
    unshared = cpdist([codes[i] for i in a.tolist()], [codes[j] for j in b.tolist()],
                      scorer=Indel.distance, dtype=np.int64)
    sizes = np.diff(bounds)
    mine, theirs = sizes[a], sizes[b]
    # The leader pass's filter: a pair sharing under MIN_SHARED of the shorter text's
    # bigrams is not scored.
    kept = mine + theirs - unshared >= 2 * MIN_SHARED * np.minimum(mine, theirs)
    a, b, unshared = a[kept], b[kept], unshared[kept]
    if not len(a):
        return pairs
    # Only pairs of opinions that could pass the average-link gate are scored: the
    # pairs left across two opinions must weigh at least a share of all their pairs.
    count = np.asarray(counts, dtype=np.int64)
    size = np.bincount(first, weights=count, minlength=len(count))
    ends = np.minimum(first[a], first[b]) * len(count) + np.maximum(first[a], first[b])
    key, where = np.unique(ends, return_inverse=True)
    found = np.bincount(where, weights=count[a] * count[b])
    x, y = np.divmod(key, len(count))
    hopeful = (found >= SCORED_SHARE * size[x] * size[y])[where]
    low = threshold - _EPSILON
    a, b, unshared = a[hopeful].tolist(), b[hopeful].tolist(), unshared[hopeful].tolist()
    VERIFIED_PAIRS[0] += len(a)
    for i, j, d in zip(a, b, unshared):
        score = score_pair(flats[i], spaced[i], codes[i], flats[j], spaced[j], codes[j],
                           low, 100.0, d)
        if score >= low:
            pairs.a.append(i)
            pairs.b.append(j)
            pairs.score.append(score)
            pairs.verdict.append(None)
    return pairs


def regroup(spaced: Sequence[str], counts: Sequence[int], leader_of: Sequence[int],
            threshold: float, flats: Sequence[str] | None = None) -> list[int]:
    """``leader_of`` (the opinion of each distinct text of one article, as the index of
    its leader) with opinions joined by clustering with cannot-links; each joined
    opinion is led by the first-ranked of its leaders. An article of over GROUPING_MAX
    distinct texts, or of one opinion, is returned as it is."""
    leader_of = list(leader_of)
    if len(spaced) > GROUPING_MAX or len(set(leader_of)) < 2:
        return leader_of
    pairs = compare(spaced, counts, threshold, leader_of, flats)
    if not pairs.a:
        return leader_of
    return join_linked(pairs, counts, threshold, leader_of)


def join_linked(pairs: Compared, counts: Sequence[int], threshold: float,  # noqa: C901
                leader_of: Sequence[int]) -> list[int]:
    """The opinions of ``leader_of`` joined along the links of ``pairs`` (see the module
    docstring for when a join is refused)."""
    spaced, rank = pairs.spaced, pairs.rank
    n = len(spaced)
    pa, pb, ps = pairs.a, pairs.b, pairs.score
    head = list(range(n))
    members: list[list[int]] = [[u] for u in range(n)]
    weight = [int(c) for c in counts]
    top = list(range(n))        # each opinion's first-ranked text
    pair_at = {(a, b): k for k, (a, b) in enumerate(zip(pa, pb))}
    # Per opinion (its root): the links towards each other opinion.
    across: list[dict[int, list[int]]] = [{} for _ in range(n)]

    def root(x: int) -> int:
        while head[x] != x:
            head[x] = head[head[x]]
            x = head[x]
        return x

    def join(ra: int, rb: int) -> None:
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        head[rb] = ra
        members[ra].extend(members[rb])
        members[rb] = []
        weight[ra] += weight[rb]
        if rank[top[rb]] < rank[top[ra]]:
            top[ra] = top[rb]
        for other, ks in across[rb].items():
            del across[other][rb]
            if other != ra:
                across[other].setdefault(ra, []).extend(ks)
                across[ra].setdefault(other, []).extend(ks)
        across[rb] = {}

    def restated(ra: int, rb: int, cross: list[int], total: int) -> bool:
        """Whether the links across reach AGREE_SHARE once every text of the lighter
        opinion that restates a text of the other (see STRONG) counts as linked to all
        of the other. The contrast check runs only while the answer can still be yes."""
        if (weight[ra], -rank[top[ra]]) > (weight[rb], -rank[top[rb]]):
            ra, rb = rb, ra
        need = AGREE_SHARE * weight[ra] * weight[rb]
        own: dict[int, int] = {}        # the lighter side's text: its link weight across
        strong: dict[int, list[int]] = {}
        for j in cross:
            u, v = (pa[j], pb[j]) if root(pa[j]) == ra else (pb[j], pa[j])
            own[u] = own.get(u, 0) + counts[u] * counts[v]
            if ps[j] >= STRONG and len(spaced[u]) >= RESTATED_LENGTH * len(spaced[v]):
                strong.setdefault(u, []).append(j)
        gain = {u: counts[u] * weight[rb] - own[u] for u in strong}
        best = total + sum(gain.values())
        for u in sorted(strong, key=lambda u: (-gain[u], rank[u])):
            if best < need:
                return False
            if all(pairs.apart(j) for j in strong[u]):
                best -= gain[u]
        return best >= need

    def refused(ra: int, rb: int) -> bool:
        cross = across[ra][rb]
        total = 0
        for j in cross:
            total += counts[pa[j]] * counts[pb[j]]
        if total < AGREE_SHARE * weight[ra] * weight[rb] and not restated(ra, rb, cross, total):
            return True
        x, y = sorted((top[ra], top[rb]))
        leaders = pair_at.get((x, y))
        if leaders is not None and pairs.apart(leaders):
            return True
        # The links across, those between the first-ranked texts first, until their
        # verdicts decide: refused once the cannot-links weigh half of them, joined once
        # they no longer can.
        cross = sorted(cross, key=lambda j: (max(rank[pa[j]], rank[pb[j]]),
                                             min(rank[pa[j]], rank[pb[j]])))
        left, against = total, 0
        for j in cross:
            w = counts[pa[j]] * counts[pb[j]]
            left -= w
            if pairs.apart(j):
                against += w
                if 2 * against >= total:
                    return True
            elif 2 * (against + left) < total:
                return False
        return 2 * against >= total

    for u, v in enumerate(leader_of):
        ru, rv = root(u), root(v)
        if ru != rv:
            join(ru, rv)
    for k, (a, b) in enumerate(zip(pa, pb)):
        ra, rb = root(a), root(b)
        if ra != rb:
            across[ra].setdefault(rb, []).append(k)
            across[rb].setdefault(ra, []).append(k)
    links = sorted(range(len(pa)), key=lambda k: (-ps[k], -counts[pa[k]] * counts[pb[k]],
                                                  spaced[pa[k]], spaced[pb[k]]))
    # Two opinions found apart stay apart until one of them grows (sizes as versions).
    kept_apart: set[tuple[int, int, int, int]] = set()
    for k in links:
        ra, rb = root(pa[k]), root(pb[k])
        if ra == rb:
            continue
        if ra > rb:
            ra, rb = rb, ra
        key = (ra, rb, len(members[ra]), len(members[rb]))
        if key in kept_apart:
            continue
        if refused(ra, rb):
            kept_apart.add(key)
        elif not pairs.apart(k):
            join(ra, rb)
    out = list(leader_of)
    for r in range(n):
        if members[r]:
            best = top[r]
            for u in members[r]:
                out[u] = best
    return out
