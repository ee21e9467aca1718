"""The word reading of the score: residents saying the same thing in other words.

Character readings (leaders.score_pair) miss a paraphrase whose characters differ
(厨余垃圾要1天一清 / 厨余垃圾应当每天清运1次). Here a comment is read as the set of its
content words: rjieba segments and tags it; function words, modal verbs
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


@lru_cache(maxsize=1 << 17)
def content_words(spaced: str) -> frozenset[str]:
    """The content words of a normalised comment, each in its listed form."""
    found = set()
    for word, tag in rjieba.tag(spaced):
        if tag.startswith(_NO_TOPIC) or word.isspace() or word.isdigit():
            continue
        word = _FORM.get(word, word)
        if word not in _LOOSE:
            found.add(word)
    return frozenset(found)


def _weight(word: str) -> float:
    return 1.0 if len(word) > 1 else SINGLE_WEIGHT


def _found(words: frozenset[str], other: frozenset[str], other_chars: str) -> float:
    total = 0.0
    for word in words:
        if word in other:
            total += _weight(word)
        elif any(ch in other_chars for ch in word):
            total += PART_CREDIT * _weight(word)
    return total


def word_score(a_spaced: str, b_spaced: str) -> float:
    """Weighted Dice (0-100) of the content words of two normalised comments."""
    a, b = content_words(a_spaced), content_words(b_spaced)
    if not a or not b:
        return 0.0
    weight = sum(map(_weight, a)) + sum(map(_weight, b))
    return 100.0 * (_found(a, b, "".join(b)) + _found(b, a, "".join(a))) / weight
