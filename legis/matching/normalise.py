"""One form for what residents write in many: the text a comment is compared by."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import opencc

from legis.matching.number_forms import numbers

DATA_DIR = Path(__file__).parent / "data"

# OpenCC's "t2s" profile converts by phrase, then by character, from its own
# maintained dictionaries (README.md, "繁简转换", says why this package).
_T2S = opencc.OpenCC("t2s")

_SPLIT = re.compile(r"[\W_]+")
_SPACE = re.compile(r"\s+")
NUMBER = re.compile(r"\d+(?:点\d+)?")


def load_lines(name: str) -> list[str]:
    lines = []
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def _load_folds() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in load_lines("folds.txt"):
        source, target = line.split()
        table[ord(source)] = target
    return table


_FOLDS = _load_folds()


# Texts are normalised many at a time, joined into one string: a regex pass or a
# translation over one long string costs far less than the same pass per text. The
# separator is a private-use character (no normalisation step changes it, it is not
# white space, and it never joins a number); a batch holding one falls back to
# normalising its texts one by one.
_SEP = "\ue000"
_STEP = 20_000
# The characters residents type that NFKC changes (full-width forms, the ideographic
# space): replaced by their NFKC form first, so the normalize() call after them finds
# the string already normalised and returns at once. Replacing a character by its NFKC
# form never changes the NFKC form of the whole string (the decompositions are the same).
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e\uff61-\uffee]")
_NFKC_CHAR: dict[str, str] = {}


def _points(text: str) -> np.ndarray:
    """The code points of a text (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(points: np.ndarray) -> str:
    return points.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def _other_chars(points: np.ndarray) -> list[str]:
    """The distinct characters of a text outside the CJK Unified Ideographs (which NFKC
    leaves as they are), from a count per code point (no set of a long string)."""
    other = points[(points < 0x4E00) | (points > 0x9FFF)]
    return list(map(chr, np.flatnonzero(np.bincount(other)).tolist())) if len(other) else []


def _nfkc(joined: str) -> str:
    # One replace per distinct character found: far cheaper than a call per occurrence.
    for ch in filter(_FULL_WIDTH.match, _other_chars(_points(joined))):
        out = _NFKC_CHAR.get(ch)
        if out is None:
            out = _NFKC_CHAR[ch] = unicodedata.normalize("NFKC", ch)
        joined = joined.replace(ch, out)
    return unicodedata.normalize("NFKC", joined)


def _fold(text: str) -> str:
    for source, target in _FOLD_PAIRS:
        text = text.replace(source, target)
    return text


_FOLD_PAIRS = [(chr(source), target) for source, target in _FOLDS.items()]


def _basic_joined(joined: str, count: int) -> str | None:
    """The basic forms of ``count`` texts joined by _SEP, joined by new lines; None if the
    texts cannot be told apart any more."""
    joined = _nfkc(joined)
    # White space goes first: residents type spaces anywhere (三 十 日, 建 议), so a space
    # is never a clause boundary. NFKC has already made U+3000 a plain space.
    joined = "".join(joined.split())      # as _SPACE.sub("", joined), faster
    if joined.count(_SEP) != count - 1:
        return None
    # One OpenCC call per batch: a call costs far more than the characters it converts.
    joined = _T2S.convert(joined.replace(_SEP, "\n"))
    if joined.count("\n") != count - 1:     # never seen; stay correct if it happens
        return None
    return _fold(numbers(joined.lower()))


def _basic_one(text: str) -> str:
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    return _fold(numbers(_T2S.convert(text).lower()))


def _basic_chunks(texts: Sequence[str]):
    """(basic forms joined by new lines, how many) per batch of texts."""
    for i in range(0, len(texts), _STEP):
        chunk = texts[i:i + _STEP]
        joined = _SEP.join(chunk)
        done = _basic_joined(joined, len(chunk)) if joined.count(_SEP) == len(chunk) - 1 else None
        if done is None:
            done = "\n".join(map(_basic_one, chunk))
        yield done, len(chunk)


def _basic_many(texts: Sequence[str]) -> list[str]:
    """NFKC, traditional to simplified, lower case, numbers and folds, for many texts at once."""
    out: list[str] = []
    for joined, _ in _basic_chunks(texts):
        out.extend(joined.split("\n"))
    return out


def _wrapper_words() -> list[str]:
    words = {"".join(_SPLIT.split(_basic_one(w))) for w in load_lines("wrappers.txt")}
    return sorted((w for w in words if w), key=lambda w: (-len(w), w))


def _trie(words: Iterable[str]) -> str:
    """An alternation of words written as a tree of their characters (建(?:议(?:书)?) ...):
    it matches what the plain alternation, longest word first, matches (at each place the
    longest word found there), without trying the words one after another."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A word may end here: a longer word is tried first (greedy), then this one.
        if "" in node:
            return body + "?" if len(body) == 1 else "(?:" + body + ")?"
        return body

    return pattern(root)


def _wrapper_patterns() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    words = _wrapper_words()
    alternation = _trie(words)
    reversed_alternation = _trie(w[::-1] for w in words)
    firsts = re.escape("".join(sorted({w[0] for w in words})))
    lasts = re.escape("".join(sorted({w[-1] for w in words})))
    # Wrappers are stripped from every clause of a batch at once: clauses are separated
    # by a space and texts by a new line (the string starts with one), and a wrapper is
    # a run of word characters, so a match starting after a separator stays inside its
    # clause. The suffix is matched at the start of the reversed clause: an anchored
    # match is cheap, a search for "(...)+$" is not. A pattern starting with a literal
    # is searched for fast, and the look-ahead turns most clauses down at once. One
    # pattern per separator, so the replacement is the separator itself: a replacement
    # naming a group (r"\1") costs a Python call per match.
    return {sep: (re.compile(f"{sep}(?=[{firsts}])(?:{alternation})+"),
                  re.compile(f"{sep}(?=[{lasts}])(?:{reversed_alternation})+"))
            for sep in (" ", "\n")}


def _strip_wrappers(parts: str) -> str:
    """The clauses of ``parts`` (texts joined by new lines) without leading or trailing
    wrappers."""
    kept = "\n" + parts + "\n"
    for sep, (prefix, _) in _WRAPPERS.items():
        kept = prefix.sub(sep, kept)
    kept = kept[::-1]
    for sep, (_, suffix) in _WRAPPERS.items():
        kept = suffix.sub(sep, kept)
    return kept[-2:0:-1]


_WRAPPERS = _wrapper_patterns()
# Clause boundaries (punctuation; white space is gone already), not text boundaries.
_BREAK = re.compile(r"[^\w\n]+")     # and "_", replaced by a space first
_SPACES = re.compile(r" {2,}")


def _single_spaces(text: str) -> str:
    """_SPACES.sub(" ", text): a two-character replace is far faster than a regex search
    stopping at every space, and runs of spaces here are short (a few passes)."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text


# Which characters _BREAK turns into a space (with "_"): every character of the Basic
# Multilingual Plane at import, others when first met.
_BREAKS = np.zeros(0x110000, dtype=bool)
_BREAKS_KNOWN = np.zeros(0x110000, dtype=bool)


def _learn_breaks(chars: str) -> None:
    points = _points(chars)
    _BREAKS[points] = False
    _BREAKS[_points("".join(_BREAK.findall(chars)))] = True
    _BREAKS_KNOWN[points] = True


_learn_breaks("".join(map(chr, range(0x10000))))
_BREAKS[ord("_")] = True


def _break_and_tidy(joined: str) -> str:
    """_tidy(_BREAK.sub(" ", joined.replace("_", " "))) on code point arrays: every run of
    break characters one space, and no space next to a new line or at the ends."""
    points = _points(joined)
    if not len(points):
        return joined
    astral = points[points > 0xFFFF]
    if len(astral):
        new = np.unique(astral)
        new = new[~_BREAKS_KNOWN[new]]
        if len(new):
            _learn_breaks(_text(new))
    breaks = _BREAKS[points]
    # The first of each run of breaks stays, as a space.
    keep = ~breaks
    keep[0] = True
    keep[1:] |= ~breaks[:-1]
    points = np.where(breaks, 32, points)[keep]
    space = points == 32
    line = points == 10
    drop = space.copy()
    drop[1:-1] &= line[:-2] | line[2:]     # and a space at either end goes (strip)
    return _text(points[~drop])


def _tidy(joined: str) -> str:
    # No space at the ends of a text (runs of spaces are single already).
    return joined.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


# Listed synonyms (data/synonyms.txt): words residents and drafters use for one another
# in a comment on a regulation (到期/期满/届满, 电瓶车/电动自行车), one group a line, the
# first word the form the group is written in. The matcher compares texts with every
# listed word of SYNONYM_SHORTEST characters or more in that form (one pass per batch of
# distinct texts, so the cost grows with texts, not pairs); the text shown to staff stays
# the resident's own. Shorter words (日/天, 可/可以) are read by the contrast check only
# (lexicon.synonym_form): put in one form inside every word holding them (天然, 可能)
# they would change what a text says.
SYNONYM_SHORTEST = 2     # two at least: _synonym_forms looks for two characters


def synonym_groups() -> list[list[str]]:
    """The groups of synonyms.txt, each word in its basic form, the form first."""
    groups = []
    for line in load_lines("synonyms.txt"):
        words = list(dict.fromkeys(basic(w) for w in line.split()))
        if len(words) > 1:
            groups.append(words)
    return groups


def _negating(word: str, negations: list[str], not_negations: list[str]) -> bool:
    for harmless in not_negations:
        word = word.replace(harmless, " ")
    return any(negation in word for negation in negations)


def _axis_sides() -> dict[str, tuple[int, int]]:
    """(axis, side) of every word of axes.txt ("理由: words | words", one axis a line)."""
    side_of: dict[str, tuple[int, int]] = {}
    for axis, line in enumerate(load_lines("axes.txt")):
        for side, words in enumerate(line.partition(":")[2].split("|")):
            for word in words.split():
                side_of.setdefault(basic(word), (axis, side))
    return side_of


def _synonym_table(shortest: int) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The words the matcher puts in one form, longest first, and the form of each.

    A group holding a negation (不得/不准/不能, 反对/不支持) is left to the contrast check:
    put in one form inside the text it would change what the negation counter reads
    (不能不 is two negations, 不得不 none)."""
    negations = [basic(w) for line in load_lines("negations.txt") for w in line.split()]
    not_negations = sorted((basic(w) for line in load_lines("not_negations.txt")
                            for w in line.split()), key=lambda w: (-len(w), w))
    side_of = _axis_sides()
    axis_words = re.compile(_trie(sorted(side_of, key=lambda w: (-len(w), w))))

    def directions(word: str) -> set[tuple[int, int]]:
        return {side_of[w] for w in axis_words.findall(word) if len(w) >= 2}

    form: dict[str, str] = {}
    for words in synonym_groups():
        if any(_negating(word, negations, not_negations) for word in words):
            continue
        # A group whose words name different directions (改为, 延长至 and 缩短至; 公示 and
        # 公布, of the axis 公开 | 保密) is one word to the contrast check, which reads the
        # directions first; put in one form in the text, a direction would be lost or
        # gained.
        if any(directions(word) != directions(words[0]) for word in words):
            continue
        for word in words:
            if len(word) >= shortest:
                form.setdefault(word, words[0])
    # Every listed word is matched, its own form too: the longest word found at a place
    # is the one replaced (停车位 is one word, not 停车 and 位).
    words = sorted(form, key=lambda w: (-len(w), w))
    return (re.compile(_trie(words)) if words else None), form



def _synonym_forms(joined: str) -> str:
    """_SYNONYM.sub(form of the word found, joined), trying the pattern only where a listed
    word's first two characters stand (found on code point arrays): a regex scan of every
    place of a long string costs far more than the few words it finds."""
    if _SYNONYM is None or len(joined) < 2:
        return joined
    points = _points(joined)
    places = np.flatnonzero(_SYNONYM_FIRST[points[:-1]] & _SYNONYM_SECOND[points[1:]])
    if not len(places):
        return joined
    pairs = (points[places].astype(np.uint64) << np.uint64(21)) | points[places + 1]
    places = places[np.isin(pairs, _SYNONYM_PAIRS)]
    match, form = _SYNONYM.match, _SYNONYM_FORM
    pieces: list[str] = []
    copied = after = 0
    for place in places.tolist():
        if place < after:
            continue            # inside the word found last (matches do not overlap)
        found = match(joined, place)
        if found is None:
            continue
        word, after = found.group(), found.end()
        if form[word] != word:
            pieces += (joined[copied:place], form[word])
            copied = after
    pieces.append(joined[copied:])
    return "".join(pieces)


def _synonym_prefixes(words: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which characters start a listed word, which come second, and the first two of each
    word as one number (first << 21 | second)."""
    first = np.zeros(0x110000, dtype=bool)
    second = np.zeros(0x110000, dtype=bool)
    pairs = sorted({ord(w[0]) << 21 | ord(w[1]) for w in words})
    first[[p >> 21 for p in pairs]] = True
    second[[p & 0x1FFFFF for p in pairs]] = True
    return first, second, np.array(pairs, dtype=np.uint64)


def spaced_many(texts: Sequence[str], *, synonyms: bool = True) -> list[str]:
    """Normalised texts with their clauses separated by one space (the form the matcher
    uses), listed synonyms in one form unless ``synonyms`` is false.

    Exact duplicates are normalised once (campaigns repeat texts word for word)."""
    texts = list(texts)
    unique = list(dict.fromkeys(texts))
    out: list[str] = []
    for joined, _ in _basic_chunks(unique):
        parts = _break_and_tidy(joined)
        kept = _strip_wrappers(parts)
        # A comment made only of wrappers ("谢谢！") keeps its words: it is still what
        # was said.
        lines = [spaced or whole for spaced, whole in
                 zip(_tidy(_single_spaces(kept)).split("\n"), parts.split("\n"))]
        if synonyms:
            lines = _synonym_forms("\n".join(lines)).split("\n")
        out.extend(lines)
    if len(unique) == len(texts):
        return out
    form = dict(zip(unique, out))
    return [form[t] for t in texts]


def normalise(text: str) -> str:
    """The character form of a comment: NFKC, simplified characters, one form of numbers,
    的/地/得 folded, no punctuation or white space, and no wrappers (我建议：, 谢谢！). The
    matcher compares ``spaced_many`` forms, which put listed synonyms in one form too."""
    return spaced_many([text], synonyms=False)[0].replace(" ", "")


def normalise_many(texts: Iterable[str]) -> list[str]:
    """``normalise`` over many texts, converting characters in batches (much faster)."""
    return [s.replace(" ", "") for s in spaced_many(list(texts), synonyms=False)]



def basic(text: str) -> str:
    """``normalise`` without splitting or stripping wrappers: for data words."""
    return "".join(_SPLIT.split(_basic_one(text)))


# ``normalise`` keeping the wrappers: how long a comment is before 我认为/谢谢 go.
normalise_basic = basic


def is_simplified(text: str) -> bool:
    """Whether a text is written in simplified characters (OpenCC changes nothing)."""
    return _T2S.convert(text) == text


# Read after ``basic`` exists (the words are written in its form).
_SYNONYM, _SYNONYM_FORM = _synonym_table(SYNONYM_SHORTEST)
_SYNONYM_FIRST, _SYNONYM_SECOND, _SYNONYM_PAIRS = _synonym_prefixes(_SYNONYM_FORM)
