"""The contrast check: two alike comments are one opinion only if what differs is harmless.

The clauses of the two normalised comments are put in matching order, the texts aligned
(rapidfuzz edit operations) and what differs is judged:

- contrast (never merged): a different count of negations (不, 没有, 无需, 并非 ...), a
  different value on an axis of data/axes.txt (提高/降低, 应当/可以/不得, 全部/部分, 日/月),
  opposite poles of a scale of data/poles.txt in one differing span (极高/不足, 合理/片面),
  a different number, two words that trade places, or a content word put in place of
  another that is neither a homophone nor a listed synonym (data/synonyms.txt; one
  character is enough when it makes another noun: 路灯/路牌), or a verdict clause one
  comment alone adds against what it says (那也大错特错了, 这根本不可能; data/verdicts.txt);
- harmless: anything else, in particular a clause or a sentence one comment adds,
  particles and function words, a homophone slip (在/再, 因当/应当), the 不 of a potential
  form given as a reason (晚上睡不着, 修缮不起: lexicon.claim_negations) and a condition said
  to suffice against the same condition required (…同意即可 vs 应当经…同意).

Traditional characters, numeral forms, punctuation and wrappers are gone before (see
normalise.py); the words read are data (lexicon.py). The number guard and the direction
axes of earlier versions are cases of this one check.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from legis.matching.lexicon import (
    MODALITY,
    NEGATION,
    NEGATION_WORDS,
    NUMBERS,
    OPPOSITE,
    QUANTITY,
    SENSITIVE,
    SWAPPED,
    WORDING,
    axis_name,
    axis_reason,
    axis_values,
    claim_negations,
    demands,
    flipped_words,
    homophones,
    negations,
    polarities,
    polarity_flipped,
    vague_against_number,
)
from legis.matching.normalise import NUMBER, basic, load_lines
from legis.matching.poles import JUDGEMENT, condemns, pole_reason, poles, shared_scales
from legis.matching.readings import char_counts, content, synonym_form
from legis.matching.words import idioms, names, noun_phrase, nouns_at, predicates

# Characters of text around a differing span read with it: enough to hold the rest of a
# word the span cuts (不|得 vs 不|能, 过|高 vs 过|低).
CONTEXT = 3
# A content word put in place of another: each side holds SUBSTITUTION_MIN to
# SUBSTITUTION_CHARS content characters (one character put for another is too often a
# slip, and one-character opposites such as 高/低 are axes; a longer span is a rewording).
SUBSTITUTION_MIN = 2
SUBSTITUTION_CHARS = 5
# A longer span trades a party or a thing for another when each side is one noun phrase
# (市场监管部门 for 街道办事处, 卫生健康部门 for 场所经营者).
PHRASE_CHARS = 8
# ... and the texts are otherwise alike: at most this many spans trade content, and the
# characters the texts share are at least this share of the shorter one.
TRADED_SPANS = 2
SHARED_SHARE = 0.5
WORDING_SPANS = 6
# Spans of at most this many characters a side are slips: two texts differing only in
# such spans are near duplicates, compared without pairing their clauses.
TINY = 2
# A span one text adds (or each adds its own), this long and at the start or the end of
# a clause, is a clause or a sentence added ("template plus a sentence"): not judged.
ADDED_CHARS = 6
GLUED_CHARS = 12
# Texts longer than this are not searched for words trading places (the search grows
# with the square of the length).
SWAP_CHARS = 120
# The words that trade places, and what stays between them, are short.
SWAP_WORD = 8
SWAP_PIVOT = 6
# Characters (建议, 的) that may stand between them.
SWAP_GAP = 2
# Two clauses at least this alike (fuzz.ratio) are the same clause reworded; a clause
# found this well (fuzz.partial_ratio) inside a clause of the other comment is part of it.
PAIR_RATIO = 40
INSIDE_RATIO = 70
# Two clauses this alike are one clause: a negation in one stands against the other.
SAME_CLAUSE = 60
# A clause of one comment holding this many content characters or more, asking nothing
# and sharing no word with the other comment, is a reason of its own (see _own_clause).
OWN_CHARS = 4
# ... and what is left of the two is at least this alike (fuzz.ratio, clause breaks
# dropped), or made of clauses each alike to or inside one of the other's.
KEPT_RATIO = 60

Block = tuple[int, int, int, int]      # a start, a end, b start, b end

# Numeral characters the normaliser leaves as they are when no measure word follows
# (百分之一, 第一 in a longer phrase): a span of them on both sides is a number changed.
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿")
# "Every" before a period or a measure word (每天, 每2天).
_PER = frozenset("每")


# Characters of negations, blanked before a clause is searched for a word the other
# comment has (不要 in both says nothing of what each is about).
_NEGATION_CHARS = re.compile("[" + "".join(sorted(set("".join(NEGATION_WORDS)))) + "]")


def _load_rules() -> dict[str, list[str]]:
    places: dict[str, list[str]] = {"unless": [], "not": [], "only": [], "less": []}
    for line in load_lines("only_if.txt"):
        place, _, words = line.partition(":")
        if place.strip() not in places or not words.split():
            raise ValueError(f"only_if.txt: expected 'unless|not|only|less: words', got {line!r}")
        places[place.strip()] += [basic(w) for w in words.split()]
    return places


_RULES = _load_rules()
# 没经过居民投票通过的 (不能)出台: a negation, the condition it negates closed by 的, up to a
# few words, and the negation of what may then be done.
_DOUBLE = re.compile("(" + "|".join(_RULES["unless"]) + r")([^ ]{1,16}?的)([^ ]{0,8}? ?[^ ]{0,8}?)("
                     + "|".join(sorted(_RULES["not"], key=len, reverse=True)) + ")")
_LESS_THAN = re.compile(r"不到(?=\d)")


def _load_verdicts() -> dict[str, tuple[str, ...]]:
    places: dict[str, list[str]] = {"openers": [], "not": []}
    for line in load_lines("verdicts.txt"):
        place, _, words = line.partition(":")
        if place.strip() not in places or not words.split():
            raise ValueError(f"verdicts.txt: expected 'openers: words' or 'not: words', got {line!r}")
        places[place.strip()] += [basic(w) for w in words.split()]
    return {place: tuple(words) for place, words in places.items()}


_VERDICTS = _load_verdicts()
# "Only" (data/restrictions.txt): the whole of a span one comment adds.
_RESTRICTIONS = frozenset(basic(w) for line in load_lines("restrictions.txt") for w in line.split())
# Words that join two names into a list (data/joiners.txt): no role between them.
_JOINERS = frozenset(basic(w) for line in load_lines("joiners.txt") for w in line.split())


def _verdict(text: str) -> bool:
    """Whether a text one comment adds is a verdict against what it says: a clause opening
    on 这/那 (data/verdicts.txt) that condemns (那也大错特错了, 这种说法是错误的) or negates and
    has no noun of its own (这绝对是可忍孰不可忍). A reason added (这条路晚上没有灯, 这样老人
    就不会摔倒) is harmless."""
    for clause in text.split(" "):
        if not clause.startswith(_VERDICTS["openers"]) or clause.startswith(_VERDICTS["not"]):
            continue
        if condemns(clause) or (negations(clause) and not nouns_at(clause, 0, len(clause))):
            return True
    return False


def _numeral_changed(a: str, b: str, blocks: list[Block]) -> bool:
    """Whether a span is numeral characters on both sides, differing (百分之一 vs 百分之十)."""
    return any(a[s1:e1] and b[s2:e2] and _NUMERALS.issuperset(a[s1:e1] + b[s2:e2])
               for s1, e1, s2, e2 in blocks)


def _counts_shared_measure(a: str, b: str, blocks: list[Block]) -> bool:
    """Whether one text puts a number after 每 ("every") before the measure word both texts
    have there (每天 vs 每2天, 每个月 vs 每3个月): another period, not one said more
    precisely. A number added with its own measure word (每年公开 vs 每年公开1次) says
    more, not something else; so does a number before a word elsewhere (年收入 vs 1年收入:
    on every OCNLI pair it read five entailments and no contradiction)."""
    for s1, e1, s2, e2 in blocks:
        if (s1 == e1) == (s2 == e2):
            continue
        text, other, start, end, at = (a, b, s1, e1, s2) if s2 == e2 else (b, a, s2, e2, s1)
        if NUMBER.fullmatch(text[start:end]) and end < len(text) and at < len(other) \
                and text[end] == other[at] and "\u4e00" <= text[end] <= "\u9fff" \
                and start and text[start - 1] in _PER:
            return True
    return False


def _ordered(clauses_a: list[str], clauses_b: list[str]) -> tuple[str, str, list[Block]]:
    """The two comments with their clauses in matching order: pairs of alike clauses (the
    most alike first) in the order of the first comment, a clause found inside a paired
    clause of the other comment beside its pair, the clauses paired with none last. No
    clause is left out. Also the segments, (a start, a end, b start, b end) of each pair
    and of the clauses paired with none."""
    scores = sorted((-fuzz.ratio(x, y), i, j) for i, x in enumerate(clauses_a)
                    for j, y in enumerate(clauses_b))
    partner_a: dict[int, int] = {}
    partner_b: dict[int, int] = {}
    for score, i, j in scores:
        if -score < PAIR_RATIO:
            break
        if i not in partner_a and j not in partner_b:
            partner_a[i], partner_b[j] = j, i
    # Pair (its clause of the first comment) -> the clauses of each side.
    side_a: dict[int, list[int]] = {i: [i] for i in partner_a}
    side_b: dict[int, list[int]] = {i: [j] for j, i in partner_b.items()}
    rest_a: list[int] = []
    rest_b: list[int] = []
    for own, partner, other, side, rest, first in (
            (clauses_a, partner_a, clauses_b, side_a, rest_a, True),
            (clauses_b, partner_b, clauses_a, side_b, rest_b, False)):
        for k, clause in enumerate(own):
            if k in partner:
                continue
            home = max(partner.values(), key=lambda m: fuzz.partial_ratio(clause, other[m]),
                       default=None)
            if home is not None and fuzz.partial_ratio(clause, other[home]) >= INSIDE_RATIO:
                side[partner_b[home] if first else home].append(k)
            else:
                rest.append(k)
    parts = [(" ".join(clauses_a[k] for k in sorted(side_a[p])),
              " ".join(clauses_b[k] for k in sorted(side_b[p]))) for p in sorted(side_a)]
    parts.append((" ".join(clauses_a[k] for k in rest_a), " ".join(clauses_b[k] for k in rest_b)))
    segments: list[Block] = []
    at_a = at_b = 0
    for part_a, part_b in parts:
        segments.append((at_a, at_a + len(part_a), at_b, at_b + len(part_b)))
        at_a += len(part_a) + 1
        at_b += len(part_b) + 1
    return " ".join(p for p, _ in parts), " ".join(p for _, p in parts), segments


def differing_spans(a: str, b: str) -> list[list[int]]:
    """[start_a, end_a, start_b, end_b] of each span where two texts differ, adjacent
    edit operations joined."""
    out: list[list[int]] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        if out and out[-1][1] == op.src_start and out[-1][3] == op.dest_start:
            out[-1][1], out[-1][3] = op.src_end, op.dest_end
        else:
            out.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return out


def _blocks(a: str, b: str) -> list[Block]:
    """Spans where two texts differ (differing_spans). A span at the end (or the start) of
    a clause in both where one side runs ADDED_CHARS or more past the other is cut in two:
    what stands against the shorter side, and the rest (added)."""
    blocks: list[Block] = []
    for s1, e1, s2, e2 in differing_spans(a, b):
        short = min(e1 - s1, e2 - s2)
        if short and abs((e1 - s1) - (e2 - s2)) >= ADDED_CHARS:
            if _clause_end(a, e1) and _clause_end(b, e2):
                blocks += [(s1, s1 + short, s2, s2 + short),
                           (s1 + short, e1, s2 + short, e2)]
                continue
            if _clause_start(a, s1) and _clause_start(b, s2):
                blocks += [(s1, e1 - short, s2, e2 - short), (e1 - short, e1, e2 - short, e2)]
                continue
        blocks.append((s1, e1, s2, e2))
    return blocks


def _clause_end(text: str, end: int) -> bool:
    return end == len(text) or text[end] == " " or text[end - 1:end] == " "


def _clause_start(text: str, start: int) -> bool:
    return start == 0 or text[start - 1] == " " or text[start:start + 1] == " "


def _at_edge(text: str, start: int, end: int) -> bool:
    return _clause_start(text, start) or _clause_end(text, end)


def _adds(text: str, start: int, end: int) -> bool:
    # A clause added, or a sentence glued on without a comma (a short tail glued on is
    # part of its clause: "破坏环境" vs "破坏环境不会威胁儿童").
    if _clause_start(text, start):
        return end - start >= ADDED_CHARS
    return end - start >= GLUED_CHARS and _clause_end(text, end)


def _added(a: str, b: str, block: Block) -> bool:
    """Whether a span is what one comment adds ("template plus a sentence", a comma left
    out or not), or where each adds a sentence of its own (the two unlike each other):
    long enough to say something, at the start or the end of a clause."""
    s1, e1, s2, e2 = block
    mine, theirs = e1 - s1, e2 - s2
    if not theirs:
        return _adds(a, s1, e1)
    if not mine:
        return _adds(b, s2, e2)
    # Each adds its own only at the end of both, after what they agree on (at least as
    # long as what they add): what comes first is what they say.
    return (min(mine, theirs) >= ADDED_CHARS and e1 == len(a) and e2 == len(b)
            and _clause_start(a, s1) and _clause_start(b, s2)
            and s1 >= mine and s2 >= theirs
            and fuzz.ratio(a[s1:e1], b[s2:e2]) < PAIR_RATIO)


def _judged(a: str, b: str) -> tuple[list[Block], list[Block]]:
    """The spans where two texts differ: those judged, and those one adds (not judged).
    Words one comment has in one place and the other in another (不能随意涨价 first or
    last) are moved, neither."""
    blocks = _blocks(a, b)
    # A side of a span that is only a clause break counts as empty (" " vs 不能…办不成).
    dropped = {content(a[s1:e1]): k for k, (s1, e1, s2, e2) in enumerate(blocks)
               if not b[s2:e2].strip()}
    moved: set[int] = set()
    for k, (s1, e1, s2, e2) in enumerate(blocks):
        if not a[s1:e1].strip():
            other = dropped.get(content(b[s2:e2]))
            if other is not None and other not in moved and content(b[s2:e2]):
                moved.update((k, other))
    judged: list[Block] = []
    added: list[Block] = []
    for k, block in enumerate(blocks):
        if k not in moved:
            (added if _added(a, b, block) else judged).append(block)
    return judged, added


def _around(text: str, start: int, end: int) -> str:
    """A span with CONTEXT characters either side, widened to whole numbers."""
    start, end = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while start and (text[start - 1].isdecimal() or text[start - 1] == "点"):
        start -= 1
    while end < len(text) and (text[end].isdecimal() or text[end] == "点"):
        end += 1
    return text[start:end]


def _blank(text: str, spans: list[Block], side: int) -> str:
    """A text with some of its spans (side 0: the first text's, 2: the second's) blanked
    out, its length kept."""
    chars = list(text)
    for block in spans:
        chars[block[side]:block[side + 1]] = " " * (block[side + 1] - block[side])
    return "".join(chars)


def _joined(blocks: list[Block]) -> list[Block]:
    """Spans one character apart in both texts joined (红砖红瓦 vs 青砖灰瓦 trades one word,
    not two characters)."""
    out: list[Block] = []
    for block in blocks:
        if out and block[0] - out[-1][1] <= 1 and block[2] - out[-1][3] <= 1 \
                and block[0] - out[-1][1] == block[2] - out[-1][3]:
            out[-1] = (out[-1][0], block[1], out[-1][2], block[3])
        else:
            out.append(block)
    return out


def _one_word(a: str, b: str, block: Block) -> bool:
    """Whether the one span where two texts differ trades content for content (any part
    of speech: the rest of the texts is the same)."""
    s1, e1, s2, e2 = block
    mine, theirs = a[s1:e1], b[s2:e2]
    own_a, own_b = content(mine), content(theirs)
    if not own_a or not own_b or homophones(mine, theirs) or homophones(own_a, own_b):
        return False
    return max(len(own_a), len(own_b)) >= SUBSTITUTION_MIN \
        and min(len(own_a), len(own_b)) <= SUBSTITUTION_CHARS


def _traded(a: str, b: str, block: Block) -> bool:
    """Whether a span puts a noun in place of another (listed synonyms already in one
    form): each side of the span holds a noun the other text lacks, the span is short
    enough to be a word traded for a word, and it is not a homophone slip."""
    s1, e1, s2, e2 = block
    mine, theirs = a[s1:e1], b[s2:e2]
    own_a, own_b = content(mine), content(theirs)
    longest = max(len(own_a), len(own_b))
    if not own_a or not own_b or not SUBSTITUTION_MIN <= longest <= PHRASE_CHARS \
            or homophones(mine, theirs):
        return False
    if longest > SUBSTITUTION_CHARS and not (noun_phrase(own_a) and noun_phrase(own_b)):
        return False
    nouns_a = {word for word in nouns_at(a, s1, e1) if word not in b}
    nouns_b = {word for word in nouns_at(b, s2, e2) if word not in a}
    return bool(nouns_a and nouns_b) and not any(homophones(x, y) for x in nouns_a for y in nouns_b)


def _tiles(a: str, b: str) -> list[tuple[int, int, str]]:
    """Pieces two texts share (two characters or more), longest first, each character in
    one piece: (place in a, place in b, piece)."""
    tiles: list[tuple[int, int, str]] = []
    while True:
        match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
        if match.size < 2:
            return tiles
        i, j, n = match.a, match.b, match.size
        tiles.append((i, j, a[i:i + n]))
        a = a[:i] + "\x00" * n + a[i + n:]
        b = b[:j] + "\x01" * n + b[j + n:]


def _near(starts: dict[int, int], at: int) -> int | None:
    """The piece starting at ``at`` or up to SWAP_GAP characters after it."""
    for gap in range(SWAP_GAP + 1):
        found = starts.get(at + gap)
        if found is not None:
            return found
    return None


def _swapped(a: str, b: str) -> bool:
    """Whether two content words trade places around what stays between them (甲改为乙 vs
    乙改为甲): shared pieces x, p, y next to each other in one text and y, p, x in the
    other. Phrases in another order (A，B vs B，A) are not a swap."""
    tiles = [t for t in _tiles(a, b) if content(t[2])]
    start_a = {i: n for n, (i, _, _) in enumerate(tiles)}
    for n, (i, j, piece) in enumerate(tiles):
        # x = tiles[n], p starts where x ends (in a), y starts where p ends.
        p = _near(start_a, i + len(piece))
        if p is None:
            continue
        pi, pj, ppiece = tiles[p]
        y = _near(start_a, pi + len(ppiece))
        if y is None or y == n or not 1 <= len(ppiece) <= SWAP_PIVOT:
            continue
        _, yj, ypiece = tiles[y]
        if len(piece) > SWAP_WORD or len(ypiece) > SWAP_WORD:
            continue
        # In b: y, then p, then x, next to each other.
        if 0 <= pj - (yj + len(ypiece)) <= SWAP_GAP and 0 <= j - (pj + len(ppiece)) <= SWAP_GAP:
            return True
    return _swapped_around_word(a, b, tiles)


def _swapped_around_word(a: str, b: str, tiles: list[tuple[int, int, str]]) -> bool:
    """Two shared pieces x and y with one short word between them (业委会|向|物业公司, 甲|给|乙)
    in one text and y, the same word, x in the other: roles traded. A word that joins a
    list (和, 与: data/joiners.txt) gives no role, so 业主和物业 vs 物业和业主 is no swap."""
    start_a = {i: n for n, (i, _, _) in enumerate(tiles)}
    for n, (i, j, x) in enumerate(tiles):
        for gap in range(1, SWAP_GAP + 1):
            y_at = start_a.get(i + len(x) + gap)
            if y_at is None or y_at == n:
                continue
            _, yj, y = tiles[y_at]
            word = a[i + len(x):i + len(x) + gap]
            if " " in word or word in _JOINERS or len(x) > SWAP_WORD or len(y) > SWAP_WORD:
                continue
            if yj + len(y) + gap == j and b[yj + len(y):j] == word:
                return True
    return False


def _swapped_near(a: str, b: str, blocks: list[Block]) -> bool:
    """Whether two texts that differ only in short spans hold the same characters, two
    spans trading places around what stands between them (将车库改为仓库 vs 将仓库改为车库:
    the two words share 库, so only 车 and 仓 differ; or 东门 and 西门 around 进). What
    stands between must say something of its own (改为, 交给): 业主和物业 vs 物业和业主 is
    a list in another order."""
    if len(blocks) < 2 or len(a) > SWAP_CHARS or char_counts(a) != char_counts(b):
        return False
    for k, (s1, e1, s2, e2) in enumerate(blocks):
        for t1, f1, t2, f2 in blocks[k + 1:]:
            if a[s1:e1] and content(a[s1:e1]) and a[s1:e1] == b[t2:f2] and a[t1:f1] == b[s2:e2] \
                    and content(a[t1:f1]) and len(content(a[e1:t1])) >= 2:
                return True
    # Words sharing no character: the pieces the texts share tell (see _swapped).
    return _swapped(a, b)


def _noun_char(a: str, b: str, block: Block) -> bool:
    """Whether one character put for another turns a noun of two characters or more into
    another noun (桌子/椅子, 治党/治政), neither a homophone of the other."""
    s1, e1, s2, e2 = block
    if e1 - s1 != 1 or e2 - s2 != 1 or not content(a[s1:e1]) or not content(b[s2:e2]) \
            or homophones(a[s1:e1], b[s2:e2]):
        return False
    nouns_a = {w for w in nouns_at(a, s1, e1) if len(w) >= 2 and w not in b}
    nouns_b = {w for w in nouns_at(b, s2, e2) if len(w) >= 2 and w not in a}
    return bool(nouns_a and nouns_b)


def _slips(a: str, b: str, blocks: list[Block]) -> bool:
    """Whether two texts differ only by slips (the most common pair): short spans that
    touch no negation, axis word or number, and trade no word of two characters."""
    if any(e1 - s1 > TINY or e2 - s2 > TINY for s1, e1, s2, e2 in blocks):
        return False
    if SENSITIVE.intersection("".join(a[s1:e1] + b[s2:e2] for s1, e1, s2, e2 in blocks)):
        return False
    joined = _joined(blocks)
    if len(joined) == 1 and _noun_char(a, b, joined[0]):
        return False
    return all(min(len(content(a[s1:e1])), len(content(b[s2:e2]))) == 0
               or max(len(content(a[s1:e1])), len(content(b[s2:e2]))) < SUBSTITUTION_MIN
               for s1, e1, s2, e2 in _joined(blocks))


def _near_duplicates(a: str, b: str, blocks: list[Block]) -> str | None:
    """``reason`` for two texts that differ only in short spans (the same clauses in the
    same order): the same checks, read in the spans and a few characters around them."""
    if (_negations_differ(a, b) or _flipped(a, b)) and not _negations_agree(a, b):
        return NEGATION
    if vague_against_number(a, b) or _restricted(a, b, blocks):
        return QUANTITY
    near = [(_around(a, s1, e1), _around(b, s2, e2)) for s1, e1, s2, e2 in blocks]
    near = [(x, y) for x, y in near if not SENSITIVE.isdisjoint(x + y)]
    for near_a, near_b in near:
        found = axis_reason(axis_values(near_a), axis_values(near_b))
        if found:
            return found
    if len(near) > 1:
        found = axis_reason(axis_values(" ".join(x for x, _ in near)),
                            axis_values(" ".join(y for _, y in near)))
        if found:
            return found
    found = _poles_apart(a, b, blocks)
    if found:
        return found
    if _swapped_near(a, b, blocks):
        return SWAPPED
    joined = _joined(blocks)
    if len(joined) > WORDING_SPANS:
        return None
    for s1, e1, s2, e2 in joined:
        # Listed synonyms: the span with the words around it, in one form.
        near_a, near_b = _around(a, s1, e1), _around(b, s2, e2)
        if synonym_form(near_a) == synonym_form(near_b) or _contracted(a, b, (s1, e1, s2, e2)):
            continue
        if (len(joined) == 1 and (_one_word(a, b, joined[0]) or _noun_char(a, b, joined[0]))) \
                or _traded(a, b, (s1, e1, s2, e2)):
            return WORDING
    return None


def _homophone_slip(a: str, b: str, block: Block) -> bool:
    """Whether a short span is one character typed for another that reads the same
    (可已/可以, 工布/公布, 再/在): a slip, read as what the other comment wrote before
    negations and axis words are looked for (已 of 可已 is no 已经). A negation is never
    read as a slip (不/部)."""
    s1, e1, s2, e2 = block
    mine, theirs = a[s1:e1], b[s2:e2]
    return 0 < len(mine) == len(theirs) <= TINY and mine != theirs and homophones(mine, theirs) \
        and not negations(mine) and not negations(theirs)


def _unslipped(a: str, b: str, blocks: list[Block]) -> str:
    """``b`` with its homophone slips (see _homophone_slip) written as ``a`` has them."""
    out, at = [], 0
    for block in blocks:
        if _homophone_slip(a, b, block):
            out += [b[at:block[2]], a[block[0]:block[1]]]
            at = block[3]
    return "".join(out) + b[at:]


def _poles_apart(a: str, b: str, blocks: list[Block]) -> str | None:
    """The reason when a span where two texts differ (CONTEXT characters either side read
    with it) names one pole of a scale in one text and the other pole in the other, the
    span holding no negation (those are judged before). Span by span: 很多居民 in one
    place and 时间太短 in another speak of different things."""
    if not shared_scales(a, b):
        return None
    for s1, e1, s2, e2 in blocks:
        mine, theirs = poles(a, s1 - CONTEXT, e1 + CONTEXT), poles(b, s2 - CONTEXT, e2 + CONTEXT)
        if mine and theirs and not negations(_around(a, s1, e1)) \
                and not negations(_around(b, s2, e2)):
            found = pole_reason(mine, theirs)
            if found:
                return found
    return None


def _against_whole(near: str, other: str, theirs: Counter) -> str | None:
    """The reason when a span of one text names a value of an axis and the other text
    names another value of it (``theirs``: its words of two characters or more the one
    text lacks) and not this one."""
    mine = axis_values(near)
    if not mine or {axis for axis, _ in mine}.isdisjoint(axis for axis, _ in theirs):
        return None
    found = axis_reason(mine - axis_values(other), theirs)
    # Antonyms only: a modal one side adds (即可) is judged in the spans, not against the
    # whole of the other comment (应当…同意 vs …同意即可).
    return found if found == OPPOSITE else None


def _added_against(a: str, b: str, added: list[Block]) -> str | None:
    """The reason when a span one comment adds and a span the other adds are one
    statement said two ways: both hold a verb or an adjective of two characters or more
    (必须切实防止 dropped, 没有人要防止 added elsewhere; 列宁曾经指出 dropped, 这是斯大林首先
    指出来的 added). Clause pairing left them apart (a clause split or joined otherwise, a
    sentence turned round), so they are read against each other, not each as a sentence
    of its own: one negated and the other not, or each naming a person, place or body
    the other text does not."""
    # Clause by clause: a negation must stand in the clause that holds the verb.
    mine = [x for s1, e1, _, _ in added for x in a[s1:e1].split(" ") if x]
    theirs = [y for _, _, s2, e2 in added for y in b[s2:e2].split(" ") if y]
    for x in mine:
        verbs = {word for word, kind in predicates(x) if kind == "p"}
        for y in theirs:
            if verbs.isdisjoint(word for word, kind in predicates(y) if kind == "p"):
                continue
            if _negations_differ(x, y):
                return NEGATION
            if names(x) - names(b) and names(y) - names(a):
                return WORDING
    return None


def _restricted(a: str, b: str, blocks: list[Block]) -> bool:
    """Whether one comment adds "only" (只, 仅: data/restrictions.txt) before what both
    say, the word the whole of what differs there (物业只负责公共区域 vs 物业负责公共区域)."""
    if not any(word in a or word in b for word in _RESTRICTIONS):
        return False
    for s1, e1, s2, e2 in blocks:
        mine, theirs = a[s1:e1].strip(), b[s2:e2].strip()
        if (mine if not theirs else theirs if not mine else "") in _RESTRICTIONS:
            return True
    return False


def _negations_differ(a: str, b: str) -> bool:
    """Whether two texts hold a different count of negations of what they ask (the 不 of a
    potential form, 睡不着, is a resident's reason unless the other says 睡着: see
    lexicon.claim_negations)."""
    return negations(a) != negations(b) and claim_negations(a, b) != claim_negations(b, a)


def _flipped(a: str, b: str) -> bool:
    """lexicon.polarity_flipped, less the words that stand plain in one text right after
    a verb that takes the negation both texts hold (不能只靠居民委员会出面调解 vs 不能只由
    居民委员会调解处理: 出面 takes 不能 in the first, 调解 in the second; both say the same
    不能 of the same act, two verbs in a row)."""
    if not polarity_flipped(a, b):
        return False
    return any(not _taken_before(a, b, word) and not _taken_before(b, a, word)
               for word in flipped_words(a, b))


def _taken_before(text: str, other: str, word: str) -> bool:
    """Whether a word stands plain in a text, in each clause that holds it, right after a
    negated verb the other text lacks, as many negations before it in its clause as in the
    other text's."""
    found = False
    for clause in text.split(" "):
        words = [w for w, _ in predicates(clause)]
        if word not in words:
            continue
        k = words.index(word)
        before = words[k - 1] if k else ""
        # The word before took the negation: a negated verb, or a word holding one (不是,
        # where the other text writes 并非 and the negation reaches the word).
        took = polarities(clause).get(before) == frozenset([True]) or negations(before) > 0
        if not took or before in other or polarities(clause).get(word) != frozenset([False]):
            return False
        found = True
    at_other = {negations(c[:c.index(word)]) for c in other.split(" ") if word in c}
    at_text = {negations(c[:c.index(word)]) for c in text.split(" ") if word in c}
    return found and at_other == at_text


def _valued(text: str) -> Counter:
    # The values a text names on axes other than modality (a duty one side states, 应当经
    # …同意 vs 经…同意, is judged in the spans).
    return Counter({key: n for key, n in axis_values(text, 2).items() if axis_name(key) != MODALITY})


def _contracted(a: str, b: str, block: Block) -> bool:
    """Whether a span only adds characters to what the other text has there, the word
    around it read with it (绳长 / 绳子长度, 居委 / 居民委员会, 伤人 / 咬伤行人): one word
    written short or long, as harmless as a word one side adds, which is left alone."""
    s1, e1, s2, e2 = block
    mine, theirs = a[max(0, s1 - 1):e1 + 1], b[max(0, s2 - 1):e2 + 1]
    short, long = sorted((mine, theirs), key=len)
    if len(short) == len(long) or not content(short):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def _own_clause(clause: str, other: str, others: list[str]) -> bool:
    """Whether a clause of one comment is a reason, a complaint or a story of its own
    (这个问题反映过很多次了, 一直没解决, 晚上根本睡不好): it asks for nothing (no modal, no
    imperative, no measure: lexicon.demands), holds no number, is alike to none of the
    other comment's clauses nor found inside one, and shares no word with the other
    comment (two characters that are not function words, negations blanked). A clause
    that names what the other says (楼道垃圾桶 | 不要保留 against 保留楼道垃圾桶) or asks
    something (开发商不得干预, 一定要罚) is judged."""
    if len(content(clause)) < OWN_CHARS or demands(clause) or NUMBER.search(clause):
        return False
    if any(fuzz.ratio(clause, x) >= PAIR_RATIO or fuzz.partial_ratio(clause, x) >= INSIDE_RATIO
           for x in others):
        return False
    plain = _NEGATION_CHARS.sub(" ", clause)
    return not any(" " not in plain[i:i + 2] and content(plain[i:i + 2]) and plain[i:i + 2] in other
                   for i in range(len(plain) - 1))


def _negations_agree(a: str, b: str) -> bool:
    """Whether two comments (what one adds left out) negate the same once what negates
    nothing they ask is read as what it says: a comparative before a number (不到45分贝 =
    less than 45: _comparatives), a requirement said as a double negation (没经过投票的不
    能出台 against 经过投票才能出台: _only_if) and the clauses each makes of its own
    (_own_clauses_left_out)."""
    a, b = _as_said(" ".join(a.split()), " ".join(b.split()))
    if not _negations_differ(a, b) and not _flipped(a, b):
        return True
    kept = _own_clauses_left_out(a.split(" "), b.split(" "))
    return kept is not None and not _negations_differ(*kept) and not _flipped(*kept)


def _as_said(a: str, b: str) -> tuple[str, str]:
    """Two texts with their comparatives and double negations read as what they say
    (_comparatives, _only_if)."""
    return _only_if(_comparatives(a), b), _only_if(_comparatives(b), a)


def _own_negations_hide(clauses_a: list[str], clauses_b: list[str]) -> bool:
    """Whether two comments differ in the negations of the clauses they share once the
    clauses each makes of its own are left out (业主就能重新选车位 … 一直没解决 against 业主
    不能重新选车位: the 没 of a complaint hides the 不 of the claim)."""
    if not _NEGATION_CHARS.search("".join(clauses_a + clauses_b)):
        return False
    # Every clause left paired with one of the other's: a demand one comment alone makes
    # (不要走过场) is not set against the other's complaint left out.
    kept = _own_clauses_left_out(clauses_a, clauses_b, paired=True)
    return kept is not None and _negations_differ(*kept)


def _comparatives(text: str) -> str:
    """A text with 不到 before a number read as 少于 ("less than": 噪声不到45分贝), the
    comparative axes.txt reads it as; elsewhere (做不到, 找不到) it stays a negation."""
    return _LESS_THAN.sub(_RULES["less"][0], text)


def _only_if(text: str, other: str) -> str:
    """A text with a requirement said as a double negation (没经过居民投票通过的 不能出台:
    what lacks the condition may not be done) read as the condition required (经过居民投
    票通过的 能出台), when the other comment says it with 才 ("only then": 通过以后才能出
    台). A condition negated alone (没经过投票的 可以出台) is left as it is."""
    if not any(word in other for word in _RULES["only"]):
        return text
    return _DOUBLE.sub(lambda m: m.group(2) + m.group(3) + m.group(4)[1:], text)


def _own_clauses_left_out(clauses_a: list[str], clauses_b: list[str],
                          paired: bool = False) -> tuple[str, str] | None:
    """The two comments without the clauses each makes of its own (_own_clause; never a
    comment's first clause, where it says what it asks), or None when there are none,
    when what is left is not what the two share (alike as a whole, KEPT_RATIO, or clause
    by clause; clause by clause only when ``paired``), when a clause left out is a verdict against the other (_verdict), or when
    what is left names a value of an axis on one side alone (经业主大会 vs 经半数业主:
    a difference of its own, not to be merged for want of a negation)."""
    a, b = " ".join(clauses_a), " ".join(clauses_b)
    keep_a = clauses_a[:1] + [x for x in clauses_a[1:] if not _own_clause(x, b, clauses_b)]
    keep_b = clauses_b[:1] + [y for y in clauses_b[1:] if not _own_clause(y, a, clauses_a)]
    if len(keep_a) + len(keep_b) == len(clauses_a) + len(clauses_b):
        return None
    if any(_verdict(x) for x in clauses_a + clauses_b if x not in keep_a and x not in keep_b):
        return None
    kept_a, kept_b = " ".join(keep_a), " ".join(keep_b)
    if paired or fuzz.ratio(kept_a.replace(" ", ""), kept_b.replace(" ", "")) < KEPT_RATIO:
        for keep, others in ((keep_a, keep_b), (keep_b, keep_a)):
            if not all(any(fuzz.ratio(x, y) >= PAIR_RATIO or fuzz.partial_ratio(x, y) >= INSIDE_RATIO
                           for y in others) for x in keep):
                return None
    if _valued(kept_a) != _valued(kept_b):
        return None
    return kept_a, kept_b


@lru_cache(maxsize=1 << 16)
def _numbers(text: str) -> frozenset[str]:
    # Read once per comment: a comment meets many leaders, a leader many comments.
    return frozenset(NUMBER.findall(text))


def reason(a: str, b: str) -> str | None:  # noqa: C901 (one decision, read top to bottom)
    """Why two normalised comments (clauses separated by spaces) are different opinions
    (否定不同, 数字不同, 方向相反, 情态不同, 数量不同, 顺序相反, 用词不同 ...), or None when
    what differs between them is harmless."""
    if a == b:
        return None
    # Numbers are read in the whole texts: a number one side adds (每年公开 vs 每年公开1次,
    # 我家住3号楼) says more, not something else; 30日 vs 60日 says something else.
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    if not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        return NUMBERS
    blocks = _blocks(a, b)
    if any(_homophone_slip(a, b, block) for block in blocks):
        b = _unslipped(a, b, blocks)
        if a == b:
            return None
        blocks = _blocks(a, b)
    if _numeral_changed(a, b, blocks) or _counts_shared_measure(a, b, blocks):
        return NUMBERS
    if _slips(a, b, blocks):
        return SWAPPED if _swapped_near(a, b, blocks) else None
    if all(e1 - s1 <= TINY and e2 - s2 <= TINY for s1, e1, s2, e2 in blocks):
        return _near_duplicates(a, b, blocks)
    clauses_a, clauses_b = a.split(" "), b.split(" ")
    if sorted(clauses_a) == sorted(clauses_b):
        return None         # the same clauses in another order
    added = [block for block in blocks if max(block[1] - block[0], block[3] - block[2]) > TINY
             and _added(a, b, block)]
    segments: list[Block] = []
    # A clause one comment drops and the other adds elsewhere, the two alike, is the same
    # clause moved (降低收费标准 first or 提高收费标准 last): then the clauses are paired.
    dropped = " ".join(a[s1:e1] for s1, e1, s2, e2 in added if s2 == e2)
    gained = " ".join(b[s2:e2] for s1, e1, s2, e2 in added if s1 == e1)
    moved = bool(dropped and gained) and fuzz.ratio(dropped, gained) >= PAIR_RATIO
    if not moved and all(max(e1 - s1, e2 - s2) <= TINY for s1, e1, s2, e2 in blocks
                            if (s1, e1, s2, e2) not in added):
        # Near duplicates (most pairs: a slip here and there, a sentence added) need no
        # clause pairing.
        blocks = [block for block in blocks if block not in added]
        if not blocks:
            return _added_against(a, b, added)
    else:
        a, b, segments = _ordered(clauses_a, clauses_b)
        a, b = a.strip(), b.strip()
        blocks, added = _judged(a, b)
        if not blocks:
            found = _added_against(a, b, added)
            if found:
                return found
            # Words moved inside one clause around a word that gives each a role (先征求意见
            # 再施工 vs 先施工再征求意见) trade places; moved clauses are harmless.
            if " " not in a and " " not in b and len(a) <= SWAP_CHARS \
                    and _swapped_around_word(a, b, [t for t in _tiles(a, b) if content(t[2])]):
                return SWAPPED
            return None
    # Negations are counted in the whole texts less what one comment adds (clauses in
    # another order or glued together count the same), and in each pair of single
    # clauses that are clearly one clause (a negation must stand against its counterpart:
    # 保留…不便 vs 不保留…方便).
    for s1, e1, s2, e2 in added:
        if (e2 == s2 and _verdict(a[s1:e1].strip())) or (e1 == s1 and _verdict(b[s2:e2].strip())):
            return JUDGEMENT
    whole_a, whole_b = _blank(a, added, 0), _blank(b, added, 2)
    if (_negations_differ(whole_a, whole_b) or _flipped(whole_a, whole_b)) \
            and not _negations_agree(whole_a, whole_b):
        return NEGATION
    if _own_negations_hide(clauses_a, clauses_b):
        return NEGATION
    found = _added_against(a, b, added)
    if found:
        return found
    if vague_against_number(whole_a, whole_b) or _restricted(a, b, blocks):
        return QUANTITY
    for s1, e1, s2, e2 in segments[:-1]:
        one_a, one_b = whole_a[s1:e1], whole_b[s2:e2]
        if (" " not in a[s1:e1] and " " not in b[s2:e2] and _negations_differ(*_as_said(one_a, one_b))
                and fuzz.ratio(a[s1:e1], b[s2:e2]) >= SAME_CLAUSE):
            return NEGATION
    # Axis words: each span on its own (多划 vs 少划 where 太少 vs 太多 stands beside it),
    # then all spans together (an antonym may stand in one span and what it replaces in
    # another), a few characters around each, so a one-character word (高, 多) is read
    # only where the texts differ; words of two characters or more in the whole texts,
    # what one adds included (全市所有小区 moved to the front is still 所有).
    near = [(_around(a, s1, e1), _around(b, s2, e2)) for s1, e1, s2, e2 in blocks]
    near = [(x, y) for x, y in near if not SENSITIVE.isdisjoint(x + y)]
    for near_a, near_b in near:
        found = axis_reason(axis_values(near_a), axis_values(near_b))
        if found:
            return found
    found = (axis_reason(axis_values(" ".join(x for x, _ in near)),
                         axis_values(" ".join(y for _, y in near)))
             or axis_reason(axis_values(a, 2), axis_values(b, 2)))
    if found:
        return found
    # An axis word where the texts differ against its opposite (two characters or more)
    # elsewhere in the other text (最严格的…措施 vs …措施可以松一些).
    only_a, only_b = axis_values(a, 2) - axis_values(b, 2), axis_values(b, 2) - axis_values(a, 2)
    for near_a, near_b in near if only_a or only_b else ():
        found = ((_against_whole(near_a, b, only_b) if only_b else None)
                 or (_against_whole(near_b, a, only_a) if only_a else None))
        if found:
            return found
    # Two poles of a scale where the texts differ (极高 vs 不足, 客观真实 vs 刻板), the
    # spans read without negations (those are judged above).
    found = _poles_apart(a, b, blocks)
    if found:
        return found
    if segments and len(blocks) >= 2 and len(a) <= SWAP_CHARS and _swapped(a, b):
        return SWAPPED
    # A content word traded for another where the texts are otherwise alike (listed
    # synonyms put in one form first, whole words at a time).
    a, b = synonym_form(a), synonym_form(b)
    blocks = _joined(_judged(a, b)[0])
    if len(blocks) == 1 and not _contracted(a, b, blocks[0]) \
            and (_one_word(a, b, blocks[0]) or _noun_char(a, b, blocks[0])):
        return WORDING
    if len(blocks) > WORDING_SPANS:
        return None         # reworded throughout: what it negates and points to is judged
    if _idiom_traded(a, b, blocks):
        return WORDING
    traded = [block for block in blocks if _traded(a, b, block) and not _contracted(a, b, block)]
    if traded and len(traded) <= TRADED_SPANS:
        differing = sum(max(e1 - s1, e2 - s2) for s1, e1, s2, e2 in blocks)
        if len(a) - differing >= SHARED_SHARE * min(len(a), len(b)):
            return WORDING
    return _clause_dropped(a, b, blocks)


def _idiom_traded(a: str, b: str, blocks: list[Block]) -> bool:
    """Whether, where the texts differ, each names a four-character idiom the other text
    lacks (偷偷摸摸 against 光明正大, 一心一意 against 三心二意): an idiom says a whole
    judgement in one word, and another idiom says another. The same characters in another
    order (离乡背井, 背井离乡) or a homophone (坚忍/坚韧不拔) is the same idiom."""
    mine = {w for s, e, w in idioms(a)
            if w not in b and any(s < e1 and e > s1 for s1, e1, _, _ in blocks)}
    theirs = {w for s, e, w in idioms(b)
              if w not in a and any(s < e2 and e > s2 for _, _, s2, e2 in blocks)}
    return any(sorted(x) != sorted(y) and not homophones(x, y) for x in mine for y in theirs)


def _clause_dropped(a: str, b: str, blocks: list[Block]) -> str | None:
    """A noun traded for another, read once the clause one comment adds is left out,
    where the alignment glued it to the clause before: a span only one text has, running
    from inside one clause into the next (我本来想穿西装 结果要穿裙子 against 我本来想穿裙子 aligns 裙子 with
    the added clause's 裙子 and hides 西装 against 裙子). A clause added is harmless only
    if what is left says what the other says; only a noun traded is read there (other
    rewordings are judged in the whole texts)."""
    for s1, e1, s2, e2 in blocks:
        for text, other, start, end, first in ((a, b, s1, e1, True), (b, a, s2, e2, False)):
            span = text[start:end]
            if (first and s2 != e2) or (not first and s1 != e1) or " " not in span.strip():
                continue
            cut = start + span.index(" ", len(span) - len(span.lstrip()))
            if cut == start or text[cut - 1] == " ":
                continue
            close = text.find(" ", cut + 1)
            shorter = text[:cut] + (text[close:] if close >= 0 else "")
            # Only where what is left is the other text said again, a word put for a word.
            if fuzz.ratio(shorter, other) < SAME_CLAUSE \
                    or len(shorter.split(" ")) != len(other.split(" ")):
                continue
            x, y = (shorter, other) if first else (other, shorter)
            left = _joined(_judged(x, y)[0])
            if len(left) == 1 and (_traded(x, y, left[0]) or _noun_char(x, y, left[0])):
                return WORDING
    return None


def contrasting(a: str, b: str) -> bool:
    """Whether two normalised comments are different opinions (see ``reason``)."""
    return reason(a, b) is not None
