"""A set of words found in a text as one alternation of them, longest word first at each
place (normalise._trie), compiled so that Python's regex engine finds the same matches
several times faster.

The engine tries the branches of an alternation one after another: a list of hundreds of
words (axes.txt, synonyms.txt) puts hundreds of branches at the top of the tree, each
tried at every place a word could start. Here the branches, one per first character in
code point order, are cut in halves under a lookahead on the first characters of each
half ((?=[一-丈])(?:...)|(?=[上-龟])(?:...)), and each half again: at a place, about
2 log2(n) character classes are tried instead of n branches. A lookahead consumes
nothing and the halves hold different first characters, so at each place the one branch
of the character found there is tried, as before: the same matches, the same
``re.Match`` objects."""

from __future__ import annotations

import re
from collections.abc import Iterable

from legis.matching.normalise import _trie

# Branches tried one after another at the bottom of the halving (cheaper than a class).
_FEW = 8


def _halved(branches: list[tuple[str, str]]) -> str:
    """The alternation of ``branches`` ((first character, pattern), in order), halved."""
    if len(branches) <= _FEW:
        return "|".join(pattern for _, pattern in branches)
    middle = len(branches) // 2
    return "|".join(
        "(?=[" + "".join(re.escape(ch) for ch, _ in half) + "])(?:" + _halved(half) + ")"
        for half in (branches[:middle], branches[middle:]))


def compile_words(words: Iterable[str]) -> re.Pattern[str]:
    """``re.compile(_trie(words))``'s matches, found faster (see the module)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word)
    if len(by_first) <= _FEW:
        return re.compile(_trie(w for ws in by_first.values() for w in ws))
    # _trie of the words of one first character is that character's branch of the tree.
    branches = [(ch, _trie(by_first[ch])) for ch in sorted(by_first)]
    return re.compile("(?:" + _halved(branches) + ")")
