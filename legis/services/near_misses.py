"""Opinions of one article that are close but were kept apart: what the review page lists
under "可能相同的意见", with the reason, so staff can merge paraphrases in one action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from legis import matching
from legis.matching.near import near_misses
from legis.models import Opinion


class Shown(Protocol):
    """An opinion as a review page lists it."""

    @property
    def opinion(self) -> Opinion: ...


@dataclass(frozen=True)
class NearOpinion:
    """Another opinion close to this one: its id, its text, the reason they were kept
    apart and whether that reason is a contrast."""

    opinion_id: int
    text: str
    reason: str
    contrast: bool
    score: float


# Near misses listed per opinion, closest first: the page stays light when an article
# has many alike opinions (80 opinions differing in one number each).
LIMIT = 3


def for_review(opinions: Sequence[Shown], *, threshold: float = matching.DEFAULT_THRESHOLD,
               limit: int = LIMIT) -> dict[int, list[NearOpinion]]:
    """For each opinion of an article's review page (in page order) the other opinions
    close to it, closest first, at most ``limit``. An opinion's text is what staff read
    (edited or not)."""
    texts = [view.opinion.text for view in opinions]
    found: dict[int, list[NearOpinion]] = {view.opinion.id: [] for view in opinions}
    for miss in near_misses(texts, threshold=threshold):
        for mine, theirs in ((miss.first, miss.second), (miss.second, miss.first)):
            listed = found[opinions[mine].opinion.id]
            if len(listed) < limit:
                other = opinions[theirs].opinion
                listed.append(NearOpinion(other.id, other.text, miss.reason, miss.contrast,
                                          miss.score))
    return found
