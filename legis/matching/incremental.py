"""New comments joining existing opinions, one at a time, without clustering again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from legis.matching.bigrams import GramCoder, document_frequency, grams_of
from legis.matching.contrast import contrasting
from legis.matching.leaders import (
    _EPSILON,
    DEFAULT_THRESHOLD,
    Leaders,
    Query,
    check_threshold,
    make_queries,
    score_pair,
)
from legis.matching.normalise import spaced_many
from legis.matching.signatures import matching_signature, signature


def _leader_text(spaced: Sequence[str]) -> str:
    # The same rule as cluster(): the most frequent normalised text leads (ties: first).
    counts = Counter(s.replace(" ", "") for s in spaced)
    best = max(counts.values())
    return next(s for s in spaced if counts[s.replace(" ", "")] == best)


class OpinionIndex:
    """The opinions of one article (or of 总体意见), ready to take new comments.

    Build it once from the stored opinions, keep it, and call ``match`` per arriving
    comment; ``add`` an opinion when a comment starts a new one. A comment is compared
    with every member text given for an opinion (its text and a sample of its members),
    not with one leader only: it joins the opinion of the best compatible member at or
    over the threshold, and only if the contrast check keeps it apart from none of that
    opinion's members it reaches the threshold with (a cannot-link, as in grouping.py).
    """

    def __init__(self, opinions: Iterable[tuple[int, Sequence[str]]], *,
                 threshold: float = DEFAULT_THRESHOLD):
        self.threshold = check_threshold(threshold)
        given: list[tuple[int, list[str]]] = []
        for opinion_id, texts in opinions:
            spaced = _members(spaced_many(list(texts)))
            if spaced:
                given.append((opinion_id, spaced))
        df = document_frequency(grams_of(s.replace(" ", "")) for _, spaced in given
                                for s in spaced)
        self._coder = GramCoder(df)
        self._leaders = Leaders()
        # Each opinion's members as matcher queries (the leader first).
        self._members: dict[int, list[Query]] = {}
        # Opinions that state a change or a stance, by signature (see signatures.py).
        self._signed: dict[str, list[tuple[int, str]]] = {}
        for opinion_id, spaced in given:
            self._add(opinion_id, make_queries(spaced, self._coder))

    def _add(self, opinion_id: int, queries: list[Query]) -> None:
        self._members[opinion_id] = queries
        for query in queries:
            self._leaders.add(opinion_id, query[0], query[1], query[2])
        key = signature(queries[0][1])
        if key is not None:
            self._signed.setdefault(key, []).append((opinion_id, queries[0][1]))

    def __len__(self) -> int:
        return len(self._members)

    def add(self, opinion_id: int, texts: Sequence[str]) -> None:
        """Index a new opinion (its member texts, or its representative text)."""
        spaced = _members(spaced_many(list(texts)))
        if spaced:
            self._add(opinion_id, make_queries(spaced, self._coder))

    def join(self, opinion_id: int, text: str) -> None:
        """A comment that joined an opinion becomes one of its members: later comments
        are compared with it too (and kept apart from the opinion by it)."""
        spaced = spaced_many([text])[0]
        if opinion_id not in self._members:
            self.add(opinion_id, [text])
            return
        known = self._members[opinion_id]
        flat = spaced.replace(" ", "")
        if any(member[0] == flat for member in known):
            return
        query = make_queries([spaced], self._coder)[0]
        known.append(query)
        self._leaders.add(opinion_id, query[0], query[1], query[2])

    def _kept_apart(self, query: Query, opinion_id: int) -> bool:
        """Whether a member of the opinion reaches the threshold with the comment and
        the contrast check keeps the two apart (a cannot-link)."""
        low = self.threshold - _EPSILON
        for member in self._members[opinion_id]:
            if score_pair(*query, *member, low, low) >= low and contrasting(query[1], member[1]):
                return True
        return False

    def match_many(self, texts: Sequence[str]) -> list[int | None]:
        """For each text the opinion id it joins, or None when it is a new opinion."""
        if not len(self._leaders):
            return [None] * len(texts)
        queries = make_queries(spaced_many(list(texts)), self._coder)
        found = [None if key is not None and self._kept_apart(query, key) else key
                 for key, query in zip(self._leaders.match(queries, self.threshold), queries)]
        # The same stated change or stance joins whatever the wording (as in cluster()).
        if self._signed:
            found = [key if key is not None else matching_signature(query[1], self._signed)
                     for key, query in zip(found, queries)]
        return found

    def match(self, text: str) -> int | None:
        """The opinion id a new comment joins, or None."""
        return self.match_many([text])[0]


def _members(spaced: list[str]) -> list[str]:
    """An opinion's distinct normalised member texts, its leader first (see _leader_text)."""
    if not spaced:
        return []
    leader = _leader_text(spaced)
    distinct = {leader.replace(" ", ""): leader}
    for s in spaced:
        distinct.setdefault(s.replace(" ", ""), s)
    return list(distinct.values())


def assign(new_texts: list[str], opinions: list[tuple[int, list[str]]], *,
           threshold: float = DEFAULT_THRESHOLD) -> list[int | None]:
    """For each new text the id of the existing opinion it joins, or None (a new opinion).

    ``opinions`` are (opinion id, member texts or representative text(s)) of one article.
    Uses the same normalisation, contrast check and leader rule as ``cluster``.
    New texts are matched independently: two new texts that agree with each other but
    with no opinion both get None (``place`` puts them in one new opinion).
    """
    return OpinionIndex(opinions, threshold=threshold).match_many(new_texts)


def place(new_texts: Sequence[str], opinions: list[tuple[int, list[str]]], *,
          threshold: float = DEFAULT_THRESHOLD) -> list[int | str]:
    """For each new text the id of the existing opinion it joins, or the key of a new
    opinion ("new:0", "new:1", ...): new texts that agree with each other but with no
    existing opinion share one new key. Texts are taken most frequent first, as
    ``cluster`` takes them, and each new opinion is led by its first text. A text that
    joins an opinion becomes one of its members for the texts after it: a chain of close
    rewordings arriving one by one ends in one opinion, unless a text reaches a member
    the contrast check keeps it apart from."""
    index = OpinionIndex(opinions, threshold=threshold)
    counts = Counter(new_texts)
    order = sorted(range(len(new_texts)), key=lambda i: -counts[new_texts[i]])
    placed: list[int | str] = [""] * len(new_texts)
    made: dict[str, int | str] = {}
    fresh = 0
    for i in order:
        text = new_texts[i]
        if text in made:
            placed[i] = made[text]
            continue
        found = index.match(text)
        if found is None:
            # Opinion ids are ints: a negative one stands for a new opinion in the index.
            fresh += 1
            index.add(-fresh, [text])
            found = -fresh
        else:
            index.join(found, text)
        placed[i] = made[text] = found
    return [f"new:{-key - 1}" if isinstance(key, int) and key < 0 else key for key in placed]
