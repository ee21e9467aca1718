"""The contrast check: two alike comments are one opinion only if what differs is harmless.

The two normalised texts are aligned (rapidfuzz edit operations) and each span where they
differ is judged, with a few characters of the text around it:

- contrast (never merged): a different count of negations (不, 没有, 无需, 并非 ...), a
  different value on an axis of data/axes.txt (提高/降低, 应当/可以/不得, 全部/部分, 日/月),
  a different number, two words that trade places, or a content word put in place of
  another that is neither a homophone, a listed synonym (data/synonyms.txt) nor a function
  word;
- harmless: anything else, in particular a clause or a word added or dropped, particles
  and function words, and a homophone slip (在/再, 因当/应当).

Traditional characters, numeral forms, punctuation and wrappers are gone before (see
normalise.py). The number guard and the direction axes of earlier versions are cases of
this one check: a number or an axis word is only read where the texts differ.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from pypinyin import Style, pinyin
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from legis.matching.normalise import NUMBER, basic, load_lines

# Reasons, as the review page shows them.
NEGATION = "否定不同"
NUMBERS = "数字不同"
SWAPPED = "顺序相反"
WORDING = "用词不同"
OPPOSITE = "方向相反"

# Characters of text around a differing span read with it: enough to hold the rest of a
# word the span cuts (不|得 vs 不|能, 过|高 vs 过|低).
CONTEXT = 3
# A content word put in place of another counts as a different opinion when each side of
# the span has at most this many content characters: a longer span is a rewording, not a
# word traded for another (its negations, numbers and axes are still judged).
SUBSTITUTION_CHARS = 4
SUBSTITUTION_MIN = 2
# A span one text adds, at least this long and standing as its own clause, is a clause or
# a reason added ("template plus a sentence"): it is not judged.
ADDED_CHARS = 6
# An unpaired clause shorter than this is kept and judged (see _paired).
SHORT_CLAUSE = 4
# Texts longer than this are not searched for words trading places (the search grows
# with the square of the length; comments that long are rewordings anyway).
SWAP_CHARS = 120
# A clause found this well (fuzz.partial_ratio) inside a clause of the other comment is
# part of what that clause says.
INSIDE_RATIO = 70
# Two clauses at least this alike (fuzz.ratio) are read as the same clause reworded.
PAIR_RATIO = 40


def _words(name: str) -> list[str]:
    return sorted({basic(w) for line in load_lines(name) for w in line.split()} - {""},
                  key=lambda w: (-len(w), w))


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in words))


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
_SYNONYM, _FORM = _load_synonyms()
# Negations and the words that hold a negation character without negating, longest
# first, so 不同 is read as itself and 不同意 as a negation.
_NEGATES = {**{w: False for w in _words("not_negations.txt")},
            **{w: True for w in _words("negations.txt")}}
_NEGATION = _alternation(sorted(_NEGATES, key=lambda w: (-len(w), w)))
_FUNCTION = _alternation(_words("function_words.txt"))
_FUNCTION_CHARS = frozenset("".join(w for w in _words("function_words.txt") if len(w) == 1))
_NOT_CONTENT = re.compile(r"[\s\d点]+")


def negations(text: str) -> int:
    """How many negations a text holds (非常, 未来 and the like are not negations)."""
    return sum(map(_NEGATES.__getitem__, _NEGATION.findall(text)))


def axis_values(text: str, shortest: int = 1) -> Counter:
    """(axis, side) of every axis word in a text (of ``shortest`` characters or more),
    longest words first."""
    return Counter(_SIDE_OF[w] for w in _AXIS.findall(text) if len(w) >= shortest)


def directions(text: str) -> frozenset[tuple[int, int]]:
    """(axis, side) of the direction words (方向相反 axes, two characters or more) of a text."""
    return frozenset(key for key in axis_values(text, 2) if _REASONS[key[0]] == OPPOSITE)


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


def _near_sounds(a: frozenset[str], b: frozenset[str]) -> bool:
    # Front and back nasals (in/ing, en/eng) sound alike in most of the country.
    def loose(s: str) -> str:
        return s[:-1] if s.endswith("ng") else s
    return bool({loose(s) for s in a} & {loose(s) for s in b})


def _axis_reason(mine: Counter, theirs: Counter) -> str | None:
    """The reason when the two spans name different values of one axis."""
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


def _blocks(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """Spans where two texts differ, (a start, a end, b start, b end), adjacent edit
    operations joined. A span at the end (or start) of a clause in both texts where one
    side runs ADDED_CHARS or more past the other is cut to the shorter side's length: the
    rest is a sentence added there (its words are not traded for the other side's)."""
    out: list[list[int]] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        if out and out[-1][1] == op.src_start and out[-1][3] == op.dest_start:
            out[-1][1], out[-1][3] = op.src_end, op.dest_end
        else:
            out.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    blocks = []
    for s1, e1, s2, e2 in out:
        long_a = (e1 - s1) - (e2 - s2)
        if abs(long_a) >= ADDED_CHARS and min(e1 - s1, e2 - s2):
            if _clause_end(a, e1) and _clause_end(b, e2):
                e1, e2 = (s1 + e2 - s2, e2) if long_a > 0 else (e1, s2 + e1 - s1)
            elif _clause_start(a, s1) and _clause_start(b, s2):
                s1, s2 = (e1 - (e2 - s2), s2) if long_a > 0 else (s1, e2 - (e1 - s1))
        blocks.append((s1, e1, s2, e2))
    return blocks


def _clause_end(text: str, end: int) -> bool:
    return end == len(text) or text[end] == " "


def _clause_start(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] == " "


def _paired(clauses_a: list[str], clauses_b: list[str]) -> tuple[str, str]:
    """The clauses of two comments that say the same thing, paired (the most alike pair
    first, each clause in one pair), in the same order on both sides. A clause that pairs
    with none but is found inside a paired clause of the other comment (one wrote with a
    comma what the other wrote without) joins that pair; one that is short ("不予处罚")
    stays at the end; the others are a clause one comment adds, and are left out. No
    pair at all: the whole texts."""
    scores = sorted(((-fuzz.ratio(x, y), i, j) for i, x in enumerate(clauses_a)
                     for j, y in enumerate(clauses_b)), key=lambda t: t[0])
    partner_a: dict[int, int] = {}
    partner_b: dict[int, int] = {}
    for score, i, j in scores:
        if -score < PAIR_RATIO:
            break
        if i not in partner_a and j not in partner_b:
            partner_a[i], partner_b[j] = j, i
    if not partner_a:
        return " ".join(clauses_a), " ".join(clauses_b)
    # Pair number (its a clause) -> the clauses of each side, in their order.
    side_a: dict[int, list[int]] = {i: [i] for i in partner_a}
    side_b: dict[int, list[int]] = {i: [j] for j, i in partner_b.items()}
    rest_a, rest_b = [], []
    for own, partner, side, other, rest, mine_side in (
            (clauses_a, partner_a, side_a, clauses_b, rest_a, True),
            (clauses_b, partner_b, side_b, clauses_a, rest_b, False)):
        for k, clause in enumerate(own):
            if k in partner:
                continue
            home = max(partner.values(),
                       key=lambda m: fuzz.partial_ratio(clause, other[m]))
            if fuzz.partial_ratio(clause, other[home]) >= INSIDE_RATIO:
                pair = partner_b[home] if mine_side else home
                side[pair].append(k)
            elif len(clause) < SHORT_CLAUSE:
                rest.append(clause)
    order = sorted(side_a)
    return (" ".join([" ".join(clauses_a[k] for k in sorted(side_a[p])) for p in order] + rest_a),
            " ".join([" ".join(clauses_b[k] for k in sorted(side_b[p])) for p in order] + rest_b))


def _around(text: str, start: int, end: int) -> str:
    """A span with CONTEXT characters either side, widened to whole numbers."""
    start, end = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while start and (text[start - 1].isdecimal() or text[start - 1] == "点"):
        start -= 1
    while end < len(text) and (text[end].isdecimal() or text[end] == "点"):
        end += 1
    return text[start:end]


def _whole_clause(text: str, start: int, end: int) -> bool:
    # A span that is one or more whole clauses of its text (clauses are spaced), or an
    # empty span between two clauses.
    if start == end:
        return start in (0, len(text)) or " " in text[start - 1:start + 1]
    return ((start == 0 or text[start - 1] == " " or text[start] == " ")
            and (end == len(text) or text[end] == " " or text[end - 1] == " "))


def _added(text: str, start: int, end: int, other_empty: bool) -> bool:
    """Whether a span is a clause or a sentence one comment adds to the other ("template
    plus a sentence"): nothing stands for it in the other text, it is long enough to say
    something of its own, and it starts or ends where a clause does (residents often
    leave out the comma before what they add)."""
    return other_empty and end - start >= ADDED_CHARS and (
        _clause_start(text, start) or _clause_end(text, end))


def _without(text: str, dropped: list[tuple[int, int, int, int]], side: int) -> str:
    """A text without the ``dropped`` spans (what it adds), a space in their place."""
    parts, at = [], 0
    for block in dropped:
        start, end = block[side], block[side + 1]
        parts.append(text[at:start])
        at = end
    parts.append(text[at:])
    return " ".join(parts)


def _both_added(a: str, b: str, block: tuple[int, int, int, int]) -> bool:
    """Whether each comment adds a sentence of its own at the same place (the end or the
    start of a clause), where neither is a word traded for a word."""
    s1, e1, s2, e2 = block
    return (min(e1 - s1, e2 - s2) >= ADDED_CHARS
            and ((_clause_end(a, e1) and _clause_end(b, e2))
                 or (_clause_start(a, s1) and _clause_start(b, s2))))


def _substituted(a: str, b: str, block: tuple[int, int, int, int]) -> bool:
    """Whether a span of two texts (listed synonyms already in one form) puts a content
    word in place of another: both sides hold content (not only function words and
    numbers), short enough to be a word traded for a word, and not a homophone slip."""
    s1, e1, s2, e2 = block
    mine, theirs = a[s1:e1], b[s2:e2]
    own_a, own_b = content(mine), content(theirs)
    if not own_a or not own_b or homophones(mine, theirs) or homophones(own_a, own_b):
        return False
    longest = max(len(own_a), len(own_b))
    return SUBSTITUTION_MIN <= longest <= SUBSTITUTION_CHARS


def _tiles(a: str, b: str) -> list[tuple[int, int, str]]:
    """Pieces two texts share (two characters or more), longest first, each character in
    one piece: (place in a, place in b, piece)."""
    tiles = []
    while True:
        match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
        if match.size < 2:
            return tiles
        i, j, n = match.a, match.b, match.size
        tiles.append((i, j, a[i:i + n]))
        a = a[:i] + "\x00" * n + a[i + n:]
        b = b[:j] + "\x01" * n + b[j + n:]


def _swapped(a: str, b: str) -> bool:
    """Whether two content words trade places around a word that stays (甲改为乙 vs 乙改为甲):
    pieces x, p, y in that order in one text and y, p, x in the other. A word moved next
    to its neighbour (禁止在楼道停车 vs 在楼道禁止停车) is a reordering, not a swap."""
    tiles = sorted(t for t in _tiles(a, b) if content(t[2]))
    if len(tiles) < 3:
        return False
    places = [j for _, j, _ in tiles]
    count = len(places)
    return any(places[k] < places[m] < places[i]
               for i in range(count) for m in range(i + 1, count) for k in range(m + 1, count))


def reason(a: str, b: str) -> str | None:
    """Why two normalised comments (clauses separated by spaces) are different opinions
    (否定不同, 数字不同, 方向相反, 情态不同, 数量不同, 顺序相反, 用词不同), or None when
    what differs between them is harmless.

    Clauses the two share word for word are set aside first, so clauses in another
    order leave nothing to judge; the rest are paired (see _paired), so a clause or a
    sentence one comment adds is not judged either."""
    if a == b:
        return None
    # Numbers are read in the whole texts: a number one side adds (每年公开 vs 每年公开1次,
    # 我家住3号楼) says more, not something else; 30日 vs 60日 says something else.
    numbers_a, numbers_b = set(NUMBER.findall(a)), set(NUMBER.findall(b))
    if not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        return NUMBERS
    clauses_a, clauses_b = a.split(" "), b.split(" ")
    shared = set(clauses_a) & set(clauses_b)
    if shared:
        clauses_a = [c for c in clauses_a if c not in shared]
        clauses_b = [c for c in clauses_b if c not in shared]
        if not clauses_a or not clauses_b:
            return None
    a, b = _paired(clauses_a, clauses_b)
    blocks, dropped = _judged_blocks(a, b)
    if not blocks:
        return None
    # Negations are counted in the whole texts, less the clauses one of them adds (a
    # sentence glued on without a comma is read: "破坏环境" vs "破坏环境不会威胁儿童").
    clauses = [block for block in dropped if _whole_clause(a, block[0], block[1])
               and _whole_clause(b, block[2], block[3])]
    whole_a, whole_b = _without(a, clauses, 0), _without(b, clauses, 2)
    if negations(whole_a) != negations(whole_b):
        return NEGATION
    # Words that only trade places leave the characters as they were: only then search.
    if len(a) <= SWAP_CHARS and sorted(a) == sorted(b) and _swapped(a, b):
        return SWAPPED
    # Axis words of two characters or more are counted in the whole texts as negations
    # are; one-character words (高, 多) only in the differing spans, a few characters
    # around each (all spans together: an antonym may stand in one span and what it
    # replaces in another).
    found = _axis_reason(axis_values(whole_a, 2), axis_values(whole_b, 2))
    if found:
        return found
    near_a = " ".join(_around(a, s1, e1) for s1, e1, _, _ in blocks)
    near_b = " ".join(_around(b, s2, e2) for _, _, s2, e2 in blocks)
    found = _axis_reason(axis_values(near_a), axis_values(near_b))
    if found:
        return found
    # One word traded for another where the texts are otherwise alike; several spans
    # that each trade words are a rewording, judged above by what they negate, count
    # and point to.
    # Listed synonyms are put in one form first, whole words at a time.
    a, b = synonym_form(a), synonym_form(b)
    traded = [block for block in _judged_blocks(a, b)[0] if content(a[block[0]:block[1]])
              and content(b[block[2]:block[3]])]
    if len(traded) == 1 and _substituted(a, b, traded[0]):
        return WORDING
    return None


def _judged_blocks(a: str, b: str) -> tuple[list, list]:
    """The spans where two paired texts differ, split into those judged and those one
    comment adds (or each adds its own) and that are not judged."""
    blocks, dropped = [], []
    for block in _blocks(a, b):
        if (_added(a, block[0], block[1], block[2] == block[3])
                or _added(b, block[2], block[3], block[0] == block[1])
                or _both_added(a, b, block)):
            dropped.append(block)
        else:
            blocks.append(block)
    return blocks, dropped


def contrasting(a: str, b: str) -> bool:
    """Whether two normalised comments are different opinions (see ``reason``)."""
    return reason(a, b) is not None
