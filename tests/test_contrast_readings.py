"""The contrast check made cheaper gives the same verdicts: word lists found by the halved
tree (wordsets.py) as by the plain tree, and readings kept per text (readings.py and the
caches of lexicon.py / poles.py) never change a verdict, whatever was asked before.

benchmarks/contrast_verdicts.py compares every verdict on the full pair sets (OCNLI, the
labelled set, minimal pairs, the merge's pairs) against a recording made with another
checkout; these tests keep the same promise on smaller sets in every run."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from legis.matching import lexicon, poles, readings
from legis.matching.contrast import reason
from legis.matching.normalise import _trie, spaced_many
from legis.matching.wordsets import compile_words

DATA = Path(__file__).parent / "data"


def _word_lists() -> dict[str, list[str]]:
    def longest_first(words) -> list[str]:
        return sorted(words, key=lambda w: (-len(w), w))
    return {
        "axes": longest_first(set(lexicon._SIDE_OF) | lexicon._NOT_AXIS),
        "synonyms": longest_first(lexicon._FORM),
        "negations": longest_first(lexicon._NEGATES),
        "function words": lexicon._words("function_words.txt"),
        "vague": lexicon._words("vague_quantities.txt"),
        "poles": longest_first(poles._SIDE_OF),
        # Characters the engine reads specially, digits, one character only.
        "special": ["a.b", "a-", "[x]", "^", "\\d", "3分之1", "3分", "1", "点", "a|b", "(?"],
        "few": ["甲", "甲乙", "丙"],
        "none": [],
    }


def _texts(words: list[str], count: int, seed: int) -> list[str]:
    """Texts made of listed words next to each other, cut short, overlapping, and of
    other characters (so every place a word starts or nearly starts is met)."""
    rng = random.Random(seed)
    pieces = words + [w[:-1] for w in words if len(w) > 1] + [w[1:] for w in words if len(w) > 1] \
        + list("的了在和 业主电梯停车犬不高低多少1.")
    return ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12))) for _ in range(count)]


@pytest.mark.parametrize("name", list(_word_lists()))
def test_the_halved_tree_finds_what_the_plain_tree_finds(name):
    words = _word_lists()[name]
    plain, halved = re.compile(_trie(words)), compile_words(words)
    for text in _texts(words, 3000, len(name)):
        assert [m.span() for m in halved.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert halved.findall(text) == plain.findall(text), text
        assert halved.sub("#", text) == plain.sub("#", text), text
        assert bool(halved.search(text)) == bool(plain.search(text)), text


def test_the_lexicon_reads_with_the_halved_tree():
    # What the check reads goes through the faster patterns (a word list loaded another
    # way would pass the test above and not be faster).
    for pattern in (lexicon._AXIS, lexicon._SYNONYM, lexicon._NEGATION, poles._POLE):
        assert "(?=[" in pattern.pattern


def _labelled_pairs(limit: int) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (DATA / "labelled_comments.jsonl").open(encoding="utf-8")]
    by_article: dict[str, list[str]] = {}
    for row, text in zip(rows, spaced_many([r["text"] for r in rows])):
        by_article.setdefault(row["article"], []).append(text)
    from rapidfuzz import fuzz
    pairs = [(x, y) for texts in by_article.values() for i, x in enumerate(texts)
             for y in texts[i + 1:] if x != y and fuzz.ratio(x, y) >= 60]
    return random.Random(3).sample(pairs, min(limit, len(pairs)))


def _forget() -> None:
    import functools
    import sys
    for name, module in list(sys.modules.items()):
        if name.startswith("legis.matching"):
            for value in vars(module).values():
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()
    readings.clear_readings()


def test_a_verdict_does_not_hang_on_what_was_asked_before():
    pairs = _labelled_pairs(400)
    _forget()
    cold = [reason(a, b) for a, b in pairs]
    # Asked again warm, both ways round, and in the reverse order from cold.
    assert [reason(a, b) for a, b in pairs] == cold
    reverse = [reason(b, a) for a, b in reversed(pairs)][::-1]
    _forget()
    assert [reason(b, a) for a, b in pairs] == reverse
    assert any(cold) and not all(cold)      # the set holds both verdicts


def test_kept_readings_are_not_changed_by_their_callers():
    # Counters kept per text are shared: a caller that changed one would change the
    # verdicts of every later pair holding that text.
    pairs = _labelled_pairs(200)
    _forget()
    for a, b in pairs:
        reason(a, b)
    for a, b in pairs:
        for text in (a, b):
            assert lexicon._clause_counts(text) == __import__("collections").Counter(text.split(" "))
            assert readings.char_counts(text) == __import__("collections").Counter(text)
