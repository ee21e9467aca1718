"""The word reading of the score: residents saying the same thing in other words.

Character readings (leaders.score_pair) miss a paraphrase whose characters differ
(厨余垃圾要1天一清 / 厨余垃圾应当每天清运1次). Here a comment is read as the set of its
content words: rjieba segments and tags it from its dictionary (without its HMM, which
finds unknown words: a third of the cost; an unknown word comes out as its characters,
which PART_CREDIT still matches); function words, modal verbs
(data/loose_words.txt), numbers and words of the parts of speech that carry no topic are
left out; listed synonyms (synonyms.txt, one-character words too: a whole word is
compared, so 天 never touches 天然) and near synonyms (data/near_words.txt) are put in
one form. Two comments score the weighted Dice of their word sets, where a word found
only with another segmentation (拴绳 / 拴 绳, 禁养 / 禁止 饲养) counts for PART_CREDIT:
jieba cuts the same phrase differently in different sentences.

The words of a text are found once per distinct text (cached); a pair costs a few set
look-ups. Opposites score high here as they do in the character readings: the contrast
check (contrast.py) still decides them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import rjieba

from legis.matching.normalise import basic, load_lines

# Parts of speech read as carrying no topic: punctuation and spaces, particles,
# prepositions, conjunctions, pronouns, modal particles, interjections, onomatopoeia,
# localisers, numerals, measure words, adverbs (太/很/就; negations are the contrast
# check's) and jieba's "zg" (bound morphemes such as 很 in 很好).
_NO_TOPIC = ("x", "u", "p", "c", "r", "y", "e", "o", "f", "m", "q", "d", "zg")
# A word of one text found in the other only inside other words, or holding one of its
# words (拴绳 / 绳), counts for this share of its weight.
PART_CREDIT = 0.5
# A one-character word weighs this much, a longer word 1: a single character says less.
SINGLE_WEIGHT = 0.5


def _forms() -> dict[str, str]:
    form: dict[str, str] = {}
    for name in ("synonyms.txt", "near_words.txt"):
        for line in load_lines(name):
            words = [basic(w) for w in line.split()]
            # A near-synonym group holding a listed word takes that word's form.
            first = next((form[w] for w in words if w in form), words[0])
            for word in words:
                form.setdefault(word, first)
    return form


_FORM = _forms()
_LOOSE = {basic(w) for name in ("function_words.txt", "loose_words.txt")
          for line in load_lines(name) for w in line.split()}
_LOOSE |= {_FORM.get(w, w) for w in _LOOSE}


class Words(NamedTuple):
    """The content words of a text: those of two characters or more, those of one, what
    they weigh together, and the characters of all."""

    long: frozenset[str]
    short: frozenset[str]
    weight: float
    chars: frozenset[str]

    @property
    def words(self) -> frozenset[str]:
        return self.long | self.short


# Texts whose words are kept: a text is read here only for a pair in the band the word
# reading serves, mostly a leader met again and again; 131,072 kept sets of words took
# the 400k hot article's peak over 1 GiB (docs/benchmarks.md, "Session 7 merged main").
WORD_TEXTS = 1 << 13


@lru_cache(maxsize=WORD_TEXTS)
def content_words(spaced: str) -> Words:
    """The content words of a normalised comment, each in its listed form."""
    found = {_FORM.get(word, word) for word, tag in rjieba.tag(spaced, False)
             if not tag.startswith(_NO_TOPIC) and not word.isspace() and not word.isdigit()}
    found -= _LOOSE
    long = frozenset(w for w in found if len(w) > 1)
    short = frozenset(found - long)
    return Words(long, short, len(long) + SINGLE_WEIGHT * len(short), frozenset("".join(found)))


def _found(own: Words, other: Words) -> float:
    """What the words of ``own`` found in ``other`` weigh (PART_CREDIT for a word found
    only by its characters)."""
    long = own.long & other.long
    short = own.short & other.short
    found = len(long) + SINGLE_WEIGHT * len(short)
    # A one-character word found inside a longer word of the other text.
    found += PART_CREDIT * SINGLE_WEIGHT * len((own.short - short) & other.chars)
    chars = other.chars
    found += PART_CREDIT * sum(1 for word in own.long - long if not chars.isdisjoint(word))
    return found


def word_score(a_spaced: str, b_spaced: str) -> float:
    """Weighted Dice (0-100) of the content words of two normalised comments."""
    a, b = content_words(a_spaced), content_words(b_spaced)
    if not a.weight or not b.weight:
        return 0.0
    return 100.0 * (_found(a, b) + _found(b, a)) / (a.weight + b.weight)
