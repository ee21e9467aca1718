"""The words the contrast check reads, all of them data (legis/matching/data/): negations,
axes of opposition, listed synonyms, function words; and homophones, from pypinyin."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pypinyin import Style, pinyin

from legis.matching.normalise import basic, load_lines
from legis.matching.words import predicates, tagged
from legis.matching.wordsets import compile_words

# Reasons, as the review page shows them (those of axes come from data/axes.txt).
NEGATION = "否定不同"
NUMBERS = "数字不同"
SWAPPED = "顺序相反"
WORDING = "用词不同"
QUANTITY = "数量不同"
OPPOSITE = "方向相反"
def _words(name: str) -> list[str]:
    return sorted({basic(w) for line in load_lines(name) for w in line.split()} - {""},
                  key=lambda w: (-len(w), w))


def _alternation(words: list[str]) -> re.Pattern[str]:
    # Written as a tree of characters (normalise._trie): the same matches as the words
    # longest first, far faster than trying them one after another; only the branch of
    # the character found at a place is tried there (wordsets.py).
    return compile_words(words)


# Axes (marked "*" in axes.txt) whose words, added on one side alone, change what is said
# (仅/只: "only" restricts; 已经: done, not to do).
_ALONE: set[int] = set()


def _load_axes() -> tuple[re.Pattern[str], dict[str, tuple[int, int]], list[str]]:
    side_of: dict[str, tuple[int, int]] = {}
    reasons: list[str] = []
    for axis, line in enumerate(load_lines("axes.txt")):
        reason, _, body = line.partition(":")
        sides = body.split("|")
        if not body.strip() or (len(sides) < 2 and not reason.strip().endswith("*")):
            raise ValueError(f"axes.txt: expected '理由: words | words', got {line!r}")
        reason = reason.strip()
        if reason.endswith("*"):
            _ALONE.add(axis)
        reasons.append(reason.rstrip("*"))
        for side, words in enumerate(sides):
            for word in words.split():
                word = basic(word)
                if word in side_of:
                    raise ValueError(f"axes.txt: {word!r} appears twice")
                side_of[word] = (axis, side)
    return _alternation(sorted(side_of, key=lambda w: (-len(w), w))), side_of, reasons


def _load_synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    form: dict[str, str] = {}
    for line in load_lines("synonyms.txt"):
        words = [basic(w) for w in line.split()]
        for word in words:
            form.setdefault(word, words[0])
    return _alternation(sorted(form, key=lambda w: (-len(w), w))), form


_AXIS, _SIDE_OF, _REASONS = _load_axes()
# Words holding an axis word that are not on its axis (data/not_axis_words.txt), matched
# with the axis words, longest first, and then left out.
_NOT_AXIS = frozenset(_words("not_axis_words.txt"))
_AXIS = _alternation(sorted(set(_SIDE_OF) | _NOT_AXIS, key=lambda w: (-len(w), w)))
_SYNONYM, _FORM = _load_synonyms()
# Negations and the words that hold a negation character without negating, longest
# first, so 不同 is read as itself and 不同意 as a negation.
_NEGATES = {**{w: False for w in _words("not_negations.txt")},
            **{w: True for w in _words("negations.txt")}}
# The words that negate (data/negations.txt).
NEGATION_WORDS = tuple(w for w, negates in _NEGATES.items() if negates)
_NEGATION = _alternation(sorted(_NEGATES, key=lambda w: (-len(w), w)))
_FUNCTION = _alternation(_words("function_words.txt"))
# The negations alone: a clause none of them stands in negates nothing.
_NEGATING = _alternation(sorted((w for w, negates in _NEGATES.items() if negates),
                                key=lambda w: (-len(w), w)))
# Every character a negation, a word that is not one, or an axis word holds, and digits:
# two texts that differ in none of these differ in no negation, axis word or number.
SENSITIVE = frozenset("".join(_NEGATES) + "".join(_SIDE_OF) + "0123456789点")

_NOT_CONTENT = re.compile(r"[\s\d点]+")


@lru_cache(maxsize=1 << 16)
def negations(text: str) -> int:
    """How many negations a text holds (非常, 未来 and the like are not negations)."""
    return sum(map(_NEGATES.__getitem__, _NEGATION.findall(text)))


# Complements of a potential form V不C (data/complements.txt), longest first.
_COMPLEMENTS = tuple(_words("complements.txt"))


@lru_cache(maxsize=1 << 14)
def lexical_negations(text: str) -> tuple[str, ...]:
    """The potential forms V不C of a text, one word to rjieba or V then 不C (睡不着, 跟不上,
    看不清楚, 搞|不成, 修缮|不起; C from data/complements.txt), each as "V|C": what a resident
    cannot do, said as a reason, the 不 inside a word rather than before what is asked.

    A question V不V (是不是, 行不行), a negated modal (决不能, 并不需要) and 不到 before a
    number (占不到一半: less than) are not potential forms."""
    out: list[str] = []
    words = tagged(text)
    # Where the negations counted by ``negations`` stand (a listed word such as 搞不成
    # holds none).
    counted = {m.start() for m in _NEGATION.finditer(text) if _NEGATES[m.group()]}
    at = 0
    for k, (word, tag) in enumerate(words):
        start, at = at, at + len(word)
        found = [m for m in _NEGATION.finditer(word) if _NEGATES[m.group()]]
        if len(found) != 1 or found[0].group() != "不" or start + found[0].start() not in counted:
            continue
        verb, rest = word[:found[0].start()], word[found[0].end():]
        if not verb and k and rest and tag.startswith("v") and len(words[k - 1][0]) <= 2 \
                and words[k - 1][1].startswith("v"):
            verb = words[k - 1][0]          # 搞|不成, 找|不到, 修缮|不起
        numeral = k + 1 < len(words) and (words[k + 1][1].startswith("m") or words[k + 1][0][0].isdigit())
        if 1 <= len(verb) <= 2 and rest.startswith(_COMPLEMENTS) and rest[0] != verb \
                and len(rest) <= 2 and tag.startswith(("v", "l", "a")) and not numeral:
            out.append(verb + "|" + rest)
    return tuple(out)


def claim_negations(text: str, other: str) -> int:
    """The negations of a text that turn around what it asks, read against the other
    comment: the 不 of a potential form (lexical_negations) counts only when the other
    comment holds its positive form VC, V得C or V得 (跟不上 vs 跟得上, 来不及 vs 来得; 得 is
    folded to 的); a reason of one's own (晚上睡不着, 修缮不起) it does not."""
    count = negations(text)
    if not count:
        return 0
    for form in lexical_negations(text):
        verb, rest = form.split("|")
        if not (verb + rest in other or f"{verb}的{rest}" in other or f"{verb}的" in other):
            count -= 1
    return count


@lru_cache(maxsize=1 << 14)
def axis_values(text: str, shortest: int = 1) -> Counter:
    """(axis, side) of every axis word in a text (of ``shortest`` characters or more),
    longest words first."""
    return Counter(_SIDE_OF[w] for w in _AXIS.findall(text) if len(w) >= shortest and w not in _NOT_AXIS)


def polarities(text: str) -> dict[str, frozenset[bool]]:
    """The predicates of a text (verbs and adjectives of two characters or more, as
    rjieba tags them, holding no negation) with whether each stands negated where it
    occurs: {"知道": {True}}. A negation turns around the first verb or adjective after
    it in its clause (禁止在考点周边施工 negates 施工), or the word it stands inside
    (跟不上, 不罚); an odd number of them negates."""
    out: dict[str, set[bool]] = {}
    for clause in text.split(" "):
        for word, seen in _clause_polarities(clause):
            out.setdefault(word, set()).add(seen)
    return {word: frozenset(seen) for word, seen in out.items()}


@lru_cache(maxsize=1 << 15)
def _clause_polarities(clause: str) -> tuple[tuple[str, bool], ...]:
    # Read per clause (a negation does not reach past its clause): the comments of a
    # campaign share most of their clauses, and two alike comments nearly all of theirs.
    found_words: list[tuple[str, bool]] = []
    pending = 0
    for word, tag in predicates(clause):
        found = [w for w in _NEGATION.findall(word) if _NEGATES[w]]
        if found and word not in _NEGATES:
            pending = 0             # a word holding a negation takes it
            continue
        if found:
            pending += len(found)
            continue
        if word == "的" and pending:
            # Right after a negation 的 is 得 folded (不得, a negated modal: it takes
            # the negation as 不能 does); after other words it closes a modifier the
            # negation stands in (合同未到期的业主大会: 未 does not reach 解聘).
            pending = 0
            continue
        if tag is None:
            continue
        if tag == "p" and content(word) == word:
            found_words.append((word, pending % 2 == 1))
        pending = 0
    return tuple(found_words)


def polarity_flipped(a: str, b: str) -> bool:
    """Whether a word both texts hold stands negated in one and plain in the other,
    wherever it occurs (我们就知道 vs 我们不知道; 没有人要防止 vs 必须切实防止)."""
    if not (negations(a) or negations(b)):
        return False
    # Same answer as flipped_words, far cheaper on alike texts. A word stands negated in
    # one text only if a clause of that text negates it that the other text lacks (a
    # clause both hold negates it in both): only the words such clauses negate are looked
    # up, each in the clauses of both texts that hold it.
    clauses_a, clauses_b = _clause_counts(a), _clause_counts(b)
    own = [clause for clause in (clauses_a - clauses_b) + (clauses_b - clauses_a)
           if _NEGATING.search(clause)]
    negated = {word for clause in own for word, seen in _clause_polarities(clause) if seen}
    for word in negated:
        mine = {seen for clause in clauses_a if word in clause
                for found, seen in _clause_polarities(clause) if found == word}
        theirs = {seen for clause in clauses_b if word in clause
                  for found, seen in _clause_polarities(clause) if found == word}
        if len(mine) == 1 and len(theirs) == 1 and mine != theirs:
            return True
    return False


@lru_cache(maxsize=1 << 13)
def _clause_counts(text: str) -> Counter:
    # Read once per text (a leader meets many comments; the leaders asked about most
    # stay); callers must not change it.
    return Counter(text.split(" "))


def flipped_words(a: str, b: str) -> list[str]:
    """The predicates both texts hold that stand negated in one only, each text holding
    it one way throughout (see polarity_flipped)."""
    mine, theirs = polarities(a), polarities(b)
    return [word for word, seen in mine.items()
            if len(seen) == 1 and len(theirs.get(word, seen)) == 1 and theirs.get(word, seen) != seen]


_VAGUE = _alternation(_words("vague_quantities.txt"))
# A number and the character after it (its measure word or unit: 1次, 3户, 2年).
_COUNTED = re.compile(r"\d+(?:点\d+)?([\u4e00-\u9fff])")


@lru_cache(maxsize=1 << 13)
def _vague_measures(text: str) -> frozenset[str]:
    return frozenset(text[m.end()] for m in _VAGUE.finditer(text) if m.end() < len(text))


@lru_cache(maxsize=1 << 13)
def _counted(text: str) -> frozenset[str]:
    return frozenset(_COUNTED.findall(text))


def vague_against_number(a: str, b: str) -> bool:
    """Whether one text counts something with a number (增加1次) and the other with a
    word for an amount left unsaid (增加很多次), the same measure word after both, and
    neither text also says it the other way."""
    counted_a, counted_b = _counted(a), _counted(b)
    if not counted_a and not counted_b:
        return False
    vague_a, vague_b = _vague_measures(a), _vague_measures(b)
    return bool(((counted_a - counted_b) & (vague_b - vague_a))
                or ((counted_b - counted_a) & (vague_a - vague_b)))


MODALITY = "情态不同"


def axis_name(key: tuple[int, int]) -> str:
    """The reason of the axis of an (axis, side) of axis_values (方向相反, 情态不同 ...)."""
    return _REASONS[key[0]]


def directions(text: str) -> frozenset[tuple[int, int]]:
    """(axis, side) of the direction words (方向相反 axes, two characters or more) of a text."""
    return frozenset(key for key in axis_values(text, 2) if _REASONS[key[0]] == OPPOSITE)


# Modal words (the 情态不同 axis of axes.txt) and the words of data/demands.txt: what
# makes a clause something a resident asks for.
_DEMANDS = _alternation(sorted({w for w, (axis, _) in _SIDE_OF.items() if _REASONS[axis] == MODALITY}
                               | set(_words("demands.txt")), key=lambda w: (-len(w), w)))


def demands(text: str) -> bool:
    """Whether a text asks for something (a modal word, an imperative, a measure: 应当,
    不要, 一定要罚, 保留): a clause that does not is a reason, a complaint or a story."""
    return _DEMANDS.search(text) is not None


def synonym_form(text: str) -> str:
    """A text with every listed synonym in the first form of its line."""
    return _SYNONYM.sub(lambda m: _FORM[m.group()], text)


def content(text: str) -> str:
    """A span without its function words, numbers and spaces: what it says of its own."""
    return _NOT_CONTENT.sub("", _FUNCTION.sub("", text))


@lru_cache(maxsize=8192)
def _sounds(ch: str) -> frozenset[str]:
    # Every reading without tones: a typing slip keeps the sound and loses the character.
    return frozenset(pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")[0]
                     if "\u4e00" <= ch <= "\u9fff" else [ch])


def homophones(a: str, b: str) -> bool:
    """Whether two spans read the same, character by character (在/再, 做/作, 因当/应当)."""
    if len(a) != len(b) or not a:
        return False
    for x, y in zip(a, b):
        if x != y:
            sx, sy = _sounds(x), _sounds(y)
            if not sx & sy and not _near_sounds(sx, sy):
                return False
    return True


@lru_cache(maxsize=1 << 16)
def _near_sounds(a: frozenset[str], b: frozenset[str]) -> bool:
    # Front and back nasals (in/ing, en/eng) sound alike in most of the country.
    def loose(s: str) -> str:
        return s[:-1] if s.endswith("ng") else s
    return bool({loose(s) for s in a} & {loose(s) for s in b})


def axis_reason(mine: Counter, theirs: Counter) -> str | None:
    """The reason when two spans name different values of one axis (or one names a word
    of an axis marked "*" that the other does not)."""
    if mine == theirs:
        return None
    only_mine, only_theirs = mine - theirs, theirs - mine
    for axis, _ in only_mine + only_theirs:
        if axis in _ALONE:
            return _REASONS[axis]
    if not only_mine or not only_theirs:
        return None
    axes_theirs: dict[int, set[int]] = {}
    for axis, side in only_theirs:
        axes_theirs.setdefault(axis, set()).add(side)
    for axis, side in only_mine:
        sides = axes_theirs.get(axis)
        if sides and side not in sides:
            return _REASONS[axis]
    return None
