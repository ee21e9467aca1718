"""What the contrast check reads in one text or one span, read once and kept.

The check (contrast.py) asks the same questions of the same strings many times: a leader
meets many comments, and the spans where two texts differ, with the words around them,
recur across a campaign's comments. Each reading here depends on its one argument only,
is the reading of lexicon.py / poles.py unchanged, and is kept in a bounded cache
(READINGS strings each), so the rules stay where they are and a merge of any size keeps
its memory bounded.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from legis.matching import lexicon

# Distinct spans kept per reading: the merge asks about new comments all the time (a
# comment meets ~1.1 leaders), so what comes back is mostly a leader's or a frequent
# span's; a few MiB at most (the 400k hot merge is near its 1 GiB limit).
READINGS = 1 << 13
# Whole texts (synonym_form is asked of a pair's whole texts and of the words around each
# span): the leaders asked about most stay, the memory of a 400k merge stays bounded.
TEXTS = 1 << 13
# Character counts are larger (a dict per text) and asked of few texts (those differing
# in two spans or more, under SWAP_CHARS): fewer kept.
COUNTS = 1 << 12


@lru_cache(maxsize=READINGS)
def content(text: str) -> str:
    """lexicon.content, kept."""
    return lexicon.content(text)


@lru_cache(maxsize=TEXTS)
def synonym_form(text: str) -> str:
    """lexicon.synonym_form, kept."""
    return lexicon.synonym_form(text)


@lru_cache(maxsize=COUNTS)
def char_counts(text: str) -> Counter:
    """How many times each character stands in a text (callers must not change it)."""
    return Counter(text)


def clear_readings() -> None:
    """Every kept reading forgotten (a test proving verdicts do not hang on what was asked
    before starts from here)."""
    for reading in (content, synonym_form, char_counts):
        reading.cache_clear()
