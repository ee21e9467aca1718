"""Leaders (the texts opinions are compared through) and the score that decides a match."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from legis.errors import ValidationError
from legis.matching.bigrams import GramCoder, grams_of
from legis.matching.candidates import MIN_SHARED, LeaderIndex, top
from legis.matching.contrast import contrasting
from legis.matching.wording import word_score

# Similarity (0-100) a comment needs with an opinion's leader to join it. Chosen from
# the labelled comments in tests/data (see docs/benchmarks.md, "Merging").
DEFAULT_THRESHOLD = 45.0
# "Template plus a sentence": a comment holding a known text whole joins it when the
# known text is long enough to mean something and is a fair share of the comment.
CONTAIN_MIN_CHARS = 10
CONTAIN_LENGTH_RATIO = 0.35
# Bigram containment counts for less than the same share of bigrams in both directions.
CONTAIN_PENALTY = 10.0

# The word reading (wording.py: content words, synonyms in one form) is taken for a pair
# whose bigram Dice reaches WORD_BAND (the texts share some wording: a pair sharing little
# is not a paraphrase this reading can vouch for) and whose character readings stay under
# WORD_TOP (over it they are trusted as they are) and under the score asked for. It counts
# WORD_PENALTY less (words are a looser reading than characters), and only when it reaches
# the threshold: the words vouch for a pair or say nothing. Chosen on the labelled set with
# OCNLI and the minimal pairs held (docs/benchmarks.md, session 7, branch i13s).
WORD_BAND = 20.0
WORD_TOP = 70.0
WORD_PENALTY = 3.0
# What the matcher knows of one comment: flat text, clauses spaced, and its bigrams coded
# as a sorted string (see GramCoder).
Query = tuple[str, str, str]
# A score this close under the threshold counts as reaching it: a ratio that is the
# threshold exactly can come out a rounding error lower.
_EPSILON = 1e-6
# Pairs verified with rapidfuzz so far in this process, and pairs past the threshold that
# the contrast check judged (read by the benchmark).
VERIFIED_PAIRS = [0]
CONTRAST_CHECKS = [0]


def check_threshold(threshold: float) -> float:
    """The threshold as a float, or a LegisError saying what a threshold is."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = float("nan")
    if not 1 < value <= 100:
        raise ValidationError(f"相似度阈值应为 1 到 100 之间的百分数（例如 {DEFAULT_THRESHOLD:g}），"
                         f"收到的是 {threshold!r}。", field="threshold")
    return value


def _min_length_ratio(threshold: float) -> float:
    # Below this length ratio neither fuzz.ratio nor containment can reach the threshold.
    return min(CONTAIN_LENGTH_RATIO, threshold / (200 - threshold))


def score_pair(a_flat: str, a_spaced: str, a_code: str, b_flat: str, b_spaced: str, b_code: str,
               floor: float = 0.0, enough: float = 100.0, unshared: int | None = None) -> float:
    """Similarity 0-100 of two comments: the best of five readings.

    - fuzz.ratio of the flat texts (typos; wrappers are already gone);
    - fuzz.token_sort_ratio of the clauses (the same clauses in another order);
    - Dice of the bigram sets (reworded or reordered without punctuation);
    - for a shorter text that is long enough and a fair share of the longer one (a
      template plus a personal sentence): 2 * partial_ratio - 100, and the share of
      its bigrams found in the longer one less CONTAIN_PENALTY;
    - when the bigram Dice is WORD_BAND or more and the rest under WORD_TOP and under
      ``enough``: the weighted Dice of the content words (wording.py; other words for
      one thing: 每天 / 每日, 资金 / 钱) less WORD_PENALTY, if that reaches the default
      threshold.

    Readings are taken cheapest first (Dice and the containment share come from one
    Indel distance of the codes, ``unshared`` if the caller has it). ``floor``: a
    reading that cannot lift the score to ``floor`` is cut short by rapidfuzz's
    score_cutoff, so a score under ``floor`` may be lower than the exact one. ``enough``:
    the first reading at or over it is returned (when only "is it at least ``enough``?"
    matters). With the defaults the score is exact.
    """
    la, lb = len(a_code), len(b_code)
    if unshared is None:
        unshared = _indel_distance(a_code, b_code)
    # Dice of the bigram sets, as fuzz.ratio of the codes computes it.
    score = dice = 100.0 * (1.0 - unshared / (la + lb)) if la + lb else 100.0
    if score >= enough:
        return score
    short, long = (len(a_flat), len(b_flat)) if len(a_flat) <= len(b_flat) else \
        (len(b_flat), len(a_flat))
    contained = short >= CONTAIN_MIN_CHARS and short >= CONTAIN_LENGTH_RATIO * long \
        and short < long
    if contained:
        shared = (la + lb - unshared) / 2
        share = 100 * shared / max(min(la, lb), 1) - CONTAIN_PENALTY
        if share > score:
            score = share
            if score >= enough:
                return score
    flat = _ratio(a_flat, b_flat, score_cutoff=max(score, floor))
    if flat > score:
        score = flat
        if score >= enough:
            return score
    if " " in a_spaced or " " in b_spaced:
        reordered = _token_sort_ratio(a_spaced, b_spaced, score_cutoff=max(score, floor))
        if reordered > score:
            score = reordered
            if score >= enough:
                return score
    if contained:
        # 2 * partial - 100 beats the score only if partial beats (score + 100) / 2.
        cutoff = (max(score, floor) + 100) / 2
        partial = (_partial_ratio(a_flat, b_flat, score_cutoff=cutoff) if len(a_flat) <= len(b_flat)
                   else _partial_ratio(b_flat, a_flat, score_cutoff=cutoff))
        if partial and 2 * partial - 100 > score:
            score = 2 * partial - 100
    return _with_words(score, dice, floor, enough, a_spaced, b_spaced)


def _with_words(score: float, dice: float, floor: float, enough: float, a_spaced: str,
                b_spaced: str) -> float:
    """The score with the word reading, taken last and only where it can change the
    answer: a text's words are found once (cached), but a pair's first reading costs a
    segmentation of both texts. The band is read on the bigram Dice, which is exact
    whatever ``floor`` is, so the answer at the threshold never depends on the cut-offs."""
    if dice < WORD_BAND or score >= min(enough, WORD_TOP) or floor >= WORD_TOP:
        return score
    words = word_score(a_spaced, b_spaced) - WORD_PENALTY
    return words if words > score and words >= DEFAULT_THRESHOLD else score


_ratio = fuzz.ratio
_token_sort_ratio = fuzz.token_sort_ratio
_partial_ratio = fuzz.partial_ratio
_indel_distance = Indel.distance


def score_pairs(queries: Sequence[Query], leaders: Sequence[Query], *,
                workers: int = 1) -> np.ndarray:
    """``score_pair`` of each (comment, leader) pair, exact (no floor)."""
    return np.fromiter((score_pair(q[0], q[1], q[2], lead[0], lead[1], lead[2])
                        for q, lead in zip(queries, leaders)), dtype=np.float64, count=len(queries))


class Leaders:
    """The leaders (representative texts) found so far, with their candidate index.

    Each leader keeps its flat text, its clauses and its coded bigrams.
    """

    def __init__(self, indexed: bool = True) -> None:
        self.index = LeaderIndex() if indexed else None
        self.keys: list[Hashable] = []
        self.flat: list[str] = []
        self.spaced: list[str] = []
        self.code: list[str] = []

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Hashable, flat: str, spaced: str, code: str) -> int:
        """A new leader; returns its number (0, 1, ... in order of adding)."""
        if self.index is not None:
            self.index.add(code, len(flat))
        self.keys.append(key)
        self.flat.append(flat)
        self.spaced.append(spaced)
        self.code.append(code)
        return len(self.keys) - 1

    def best(self, flat: str, spaced: str, code: str, threshold: float,
             length_ratio: float) -> tuple[int | None, int]:
        """(number of the leader a comment joins or None, pairs verified)."""
        if self.index is None:
            raise ValueError("best() needs a Leaders made with indexed=True")
        near = self.index.fitting(code, len(flat), length_ratio)
        if not near:
            return None, 0
        return self.verify(top(near), flat, spaced, code, threshold)

    def verify(self, near: list[tuple[int, int]], flat: str, spaced: str, code: str,
               threshold: float, memo: dict[int, int] | None = None) -> tuple[int | None, int]:
        """(number of the leader a comment joins or None, pairs verified).

        ``near`` are the candidates, (-prefix bigrams shared, leader), best first: the
        CANDIDATE_LIMIT leaders sharing most prefix bigrams. A candidate sharing under
        MIN_SHARED of the shorter bigram set is not verified. The comment joins the
        candidate with the highest score at or over ``threshold`` (ties: the oldest)
        that the contrast check allows (contrast.py). ``memo`` keeps the
        bigram overlap of each leader checked (-1: under MIN_SHARED) for a second call
        with the same comment.
        """
        codes = self.code
        n_code = len(code)
        kept = []
        for _, leader in near:
            if memo is not None and leader in memo:
                unshared = memo[leader]
            else:
                lead_code = codes[leader]
                # Cheap exact bigram overlap (C speed) before the costly readings.
                unshared = _indel_distance(code, lead_code)
                if n_code + len(lead_code) - unshared < \
                        2 * MIN_SHARED * min(n_code, len(lead_code)):
                    unshared = -1
                if memo is not None:
                    memo[leader] = unshared
            if unshared >= 0:
                kept.append((leader, unshared))
        return self.decide(kept, flat, spaced, code, threshold), len(kept)

    def decide(self, kept: list[tuple[int, int]], flat: str, spaced: str, code: str,
               threshold: float) -> int | None:
        """The leader a comment joins among ``kept``, (leader, bigrams not shared) of the
        candidates past the MIN_SHARED filter in the order of ``verify``; or None."""
        if not kept:
            return None
        codes = self.code
        low = threshold - _EPSILON
        # One candidate: only whether it reaches the threshold matters, so the first
        # reading that does decides. More: the best score wins, so scores are exact.
        enough = low if len(kept) == 1 else 100.0
        passing = []
        for leader, unshared in kept:
            score = score_pair(flat, spaced, code, self.flat[leader], self.spaced[leader],
                               codes[leader], low, enough, unshared)
            if score >= low:
                passing.append((-score, leader))
        if not passing:
            return None
        passing.sort()
        # The contrast check runs only here, on pairs past the threshold, best first.
        leader_spaced = self.spaced
        for checked, (_, leader) in enumerate(passing, 1):
            if not contrasting(spaced, leader_spaced[leader]):
                CONTRAST_CHECKS[0] += checked
                return leader
        CONTRAST_CHECKS[0] += len(passing)
        return None

    def match(self, queries: Sequence[Query], threshold: float, *, workers: int = 1) -> list:
        """For each query the key of the leader it joins, or None (queries do not lead)."""
        ratio = _min_length_ratio(threshold)
        found: list = []
        verified = 0
        for q in queries:
            leader, pairs = self.best(q[0], q[1], q[2], threshold, ratio)
            verified += pairs
            found.append(None if leader is None else self.keys[leader])
        VERIFIED_PAIRS[0] += verified
        return found


def make_queries(spaced: Sequence[str], coder: GramCoder,
                 grams: Sequence[set[str]] | None = None) -> list[Query]:
    """Matcher features of normalised comments (clauses separated by spaces)."""
    out = []
    for n, s in enumerate(spaced):
        flat = s.replace(" ", "")
        code = coder.code(grams[n] if grams is not None else grams_of(flat))
        out.append((flat, s, code))
    return out
