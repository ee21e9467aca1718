"""Map the articles of one draft version to the next, and diff two texts (pure functions)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process

from legis.vocabulary import RevisionKind

KINDS = tuple(RevisionKind)
KIND_NAMES = {kind.value: kind.text for kind in RevisionKind}

# Similarity (fuzz.ratio, 0-100) a pair needs to be considered at all, and to be
# kept by the alignment. Unrelated articles of one regulation share much of
# their vocabulary (应当、本条例、有关部门), so their ratio sits around 30-45.
CANDIDATE_MIN = 30.0
MATCH_MIN = 50.0
# Left over between two matched neighbours (the same slot in the text), a pair
# needs less: SLOT_MIN on the better of ratio and partial_ratio less a discount
# (unrelated articles reach a partial_ratio of 55 one time in a hundred).
SLOT_MIN = 45.0
PARTIAL_DISCOUNT = 15.0
# Left unmatched by the in-order alignment, a pair anywhere in the text is an
# article that moved (or whose neighbours moved around it) when this similar.
MOVE_MIN = 60.0
# A neighbour joins a split or merge when the other text holds it (partial_ratio)
# and the joined text is more similar than before.
PIECE_MIN = 60.0
GROUP_GAIN = 0.5
# Rows and columns compared at once; beyond this a gap is compared in a band
# around its diagonal, which keeps 1,000 x 1,000 well under a second.
BLOCK_ROWS = 64
BAND = 96

_REFERENCE = re.compile(r"第[零〇一二三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?")
_SPACE = re.compile(r"\s+")


class ArticleText(NamedTuple):
    """An article as the mapping sees it: any hashable key, its label, its text."""

    key: Hashable
    label: str
    text: str


class Link(NamedTuple):
    """Old article(s) -> new article(s); one side is empty for deleted and new articles."""

    old_keys: tuple
    new_keys: tuple
    kind: str
    score: float


def normalise(text: str) -> str:
    """The text an article is compared by: NFKC, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def _masked(text: str) -> str:
    # Renumbering rewrites cross-references (依照第十条 -> 依照第十一条); they
    # should not make an untouched article look edited.
    return _REFERENCE.sub("第#条", text)


def map_articles(old: Sequence[ArticleText], new: Sequence[ArticleText]) -> list[Link]:
    """Every old article's counterpart(s) in ``new``, and the new articles, in reading order.

    Unique identical texts anchor the alignment; between anchors, rapidfuzz
    scores the pairs (in a band around the diagonal when a gap is large) and a
    monotone alignment keeps the best-scoring consistent pairs. Articles that
    moved out of order are then paired on similar text, adjacent unmatched
    articles join a split or merge when the other side holds them and the
    joined text matches better, a pair left between two matched neighbours
    is kept on a weaker (partial) match, and whatever is left is deleted or new.
    """
    old_norm = [normalise(a.text) for a in old]
    new_norm = [normalise(a.text) for a in new]
    old_cmp = [_masked(t) for t in old_norm]
    new_cmp = [_masked(t) for t in new_norm]

    anchors = _anchors(old_cmp, new_cmp)
    candidates = list(anchors)
    for (a, b), (c, d) in _gaps(anchors, len(old), len(new)):
        candidates.extend(_gap_candidates(old_cmp, new_cmp, a, b, c, d))
    pairs = _align(candidates, len(old), len(new))
    old_to_new: dict[int, int] = {i: j for i, j, _ in pairs}
    scores: dict[tuple[int, int], float] = {(i, j): s for i, j, s in pairs}
    moves = _moves(old_cmp, new_cmp, set(old_to_new), set(old_to_new.values()))
    for i, j, score in moves:
        old_to_new[i] = j
        scores[(i, j)] = score
    groups = _group_neighbours(old_cmp, new_cmp, old_to_new, scores)
    moved = {i for i, _, _ in moves}
    in_order = [g for g in groups if not moved.intersection(g[0])]
    groups.extend(_slot_pairs(old_cmp, new_cmp, in_order, groups))
    used_old = {i for olds, _, _ in groups for i in olds}
    used_new = {j for _, news, _ in groups for j in news}

    links: list[tuple[float, int, Link]] = []
    new_pos_of_old: dict[int, int] = {}
    for olds, news, score in groups:
        kind = _kind(olds, news, old, new, old_norm, new_norm, old_cmp, new_cmp)
        link = Link(tuple(old[i].key for i in olds), tuple(new[j].key for j in news), kind,
                    round(score, 1))
        for i in olds:
            new_pos_of_old[i] = min(news)
        links.append((min(news), min(olds), link))
    previous = -1.0
    for i in range(len(old)):
        if i in used_old:
            previous = max(previous, new_pos_of_old[i])
            continue
        links.append((previous + 0.5, i, Link((old[i].key,), (), "deleted", 0.0)))
    for j in range(len(new)):
        if j not in used_new:
            links.append((j, len(old), Link((), (new[j].key,), "new", 0.0)))
    links.sort(key=lambda item: (item[0], item[1]))
    return [link for _, _, link in links]


def _anchors(old_cmp: list[str], new_cmp: list[str]) -> list[tuple[int, int, float]]:
    """Pairs of identical texts that occur once on each side, kept in increasing order."""
    old_count, new_count = Counter(old_cmp), Counter(new_cmp)
    new_index = {t: j for j, t in enumerate(new_cmp) if new_count[t] == 1}
    unique = [(i, new_index[t]) for i, t in enumerate(old_cmp)
              if t and old_count[t] == 1 and t in new_index]
    return [(i, j, 100.0) for i, j in _increasing(unique)]


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by old index) whose new index increases."""
    import bisect

    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        parent[n] = tail_at[k - 1] if k else -1
    out = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        out.append(pairs[n])
        n = parent[n]
    return out[::-1]


def _gaps(anchors: list[tuple[int, int, float]], n_old: int, n_new: int):
    """The old and new index ranges between consecutive anchors."""
    a = c = 0
    for i, j, _ in [*anchors, (n_old, n_new, 0.0)]:
        if i > a and j > c:
            yield (a, i), (c, j)
        a, c = i + 1, j + 1


def _gap_candidates(old_cmp, new_cmp, a, b, c, d) -> list[tuple[int, int, float]]:
    """Scored pairs of one gap: the whole block when small, else a band around its diagonal."""
    out: list[tuple[int, int, float]] = []
    slope = (d - c) / (b - a)
    for row in range(a, b, BLOCK_ROWS):
        row_end = min(b, row + BLOCK_ROWS)
        if (b - a) * (d - c) <= BLOCK_ROWS * (BLOCK_ROWS + 2 * BAND):
            col, col_end = c, d
        else:
            col = max(c, int(c + (row - a) * slope) - BAND)
            col_end = min(d, int(c + (row_end - a) * slope) + BAND + 1)
        if col >= col_end:
            continue
        matrix = process.cdist(old_cmp[row:row_end], new_cmp[col:col_end], scorer=fuzz.ratio,
                               score_cutoff=CANDIDATE_MIN, workers=-1)
        for r, cs in zip(*matrix.nonzero(), strict=True):
            out.append((row + int(r), col + int(cs), float(matrix[r, cs])))
    return out


def _align(candidates: list[tuple[int, int, float]], n_old: int, n_new: int, *,
           minimum: float = MATCH_MIN) -> list[tuple[int, int, float]]:
    """The heaviest set of pairs increasing in both indexes (weighted LIS with a Fenwick tree).

    A pair weighs its score above MATCH_MIN, less a little for drifting from
    the diagonal so that equal texts (本条例自公布之日起施行) pair in place.
    """
    weighted = []
    for i, j, s in candidates:
        drift = abs(i / max(n_old, 1) - j / max(n_new, 1)) * 10
        w = s - minimum + 1 - drift
        if w > 0:
            weighted.append((i, j, s, w))
    weighted.sort(key=lambda item: (item[0], item[1]))
    size = n_new + 1
    tree_val = [0.0] * (size + 1)
    tree_idx = [-1] * (size + 1)

    def query(pos: int) -> tuple[float, int]:  # max over new index < pos
        best, idx = 0.0, -1
        while pos > 0:
            if tree_val[pos] > best:
                best, idx = tree_val[pos], tree_idx[pos]
            pos -= pos & -pos
        return best, idx

    def update(pos: int, value: float, idx: int) -> None:
        pos += 1
        while pos <= size:
            if value > tree_val[pos]:
                tree_val[pos], tree_idx[pos] = value, idx
            pos += pos & -pos

    total = [0.0] * len(weighted)
    parent = [-1] * len(weighted)
    start = 0
    while start < len(weighted):
        end = start
        while end < len(weighted) and weighted[end][0] == weighted[start][0]:
            end += 1
        for n in range(start, end):
            before, idx = query(weighted[n][1])
            total[n] = before + weighted[n][3]
            parent[n] = idx
        for n in range(start, end):
            update(weighted[n][1], total[n], n)
        start = end
    _, n = query(size)
    pairs = []
    while n >= 0:
        i, j, s, _ = weighted[n]
        pairs.append((i, j, s))
        n = parent[n]
    return pairs[::-1]


def _slot_pairs(old_cmp, new_cmp, in_order, groups) -> list[tuple[list[int], list[int], float]]:
    """Pair what is left between two matched neighbours when one text holds most of the other.

    In the same slot of the text a short article that gained a clause or a
    款 (本条例自…起施行 + a new paragraph) is still the same article, though
    its overall similarity is low; partial_ratio sees the kept part.
    """
    taken_old = {i for olds, _, _ in groups for i in olds}
    taken_new = {j for _, news, _ in groups for j in news}
    in_order = sorted(in_order, key=lambda g: min(g[0]))
    ends = [(-1, -1), *((max(o), max(n)) for o, n, _ in in_order)]
    starts = [*((min(o), min(n)) for o, n, _ in in_order), (len(old_cmp), len(new_cmp))]
    out = []
    for (i0, j0), (i1, j1) in zip(ends, starts, strict=True):
        olds = [i for i in range(i0 + 1, i1) if i not in taken_old]
        news = [j for j in range(j0 + 1, j1) if j not in taken_new]
        if not olds or not news or len(olds) * len(news) > 2500:
            continue
        candidates = []
        for i in olds:
            for j in news:
                ratio = fuzz.ratio(old_cmp[i], new_cmp[j])
                kept = fuzz.partial_ratio(old_cmp[i], new_cmp[j]) - PARTIAL_DISCOUNT
                if max(ratio, kept) >= SLOT_MIN:
                    candidates.append((i, j, ratio, max(ratio, kept)))
        ratios = {(i, j): r for i, j, r, _ in candidates}
        for i, j, _ in _align([(i, j, w) for i, j, _, w in candidates],
                              len(old_cmp), len(new_cmp), minimum=SLOT_MIN):
            out.append(([i], [j], ratios[(i, j)]))
    return out


def _group_neighbours(old_cmp, new_cmp, old_to_new: dict[int, int],
                      scores: dict[tuple[int, int], float]) -> list[tuple[list[int], list[int], float]]:
    """1:1 pairs, grown into splits (one old, consecutive new) and merges (the reverse)."""
    matched_new = set(old_to_new.values())
    matched_old = set(old_to_new)
    taken_new: set[int] = set()
    taken_old: set[int] = set()
    groups = []
    for i, j in sorted(old_to_new.items()):
        news, olds = [j], [i]
        score = scores[(i, j)]
        score, news = _grow(old_cmp[i], new_cmp, news, score, matched_new | taken_new)
        if len(news) == 1:
            score, olds = _grow(new_cmp[j], old_cmp, olds, score, matched_old | taken_old)
        taken_new.update(news)
        taken_old.update(olds)
        groups.append((olds, news, score))
    return groups


def _grow(text: str, others: list[str], group: list[int], score: float,
          unavailable: set[int]) -> tuple[float, list[int]]:
    """Add unmatched neighbours of ``group`` that ``text`` holds, while the joined text matches better."""
    while True:
        best = None
        for side in (group[0] - 1, group[-1] + 1):
            if 0 <= side < len(others) and side not in unavailable and side not in group:
                if fuzz.partial_ratio(others[side], text) < PIECE_MIN:
                    continue
                trial = sorted([*group, side])
                s = fuzz.ratio(text, "".join(others[k] for k in trial))
                if s > score + GROUP_GAIN and (best is None or s > best[0]):
                    best = (s, trial)
        if best is None:
            return score, group
        score, group = best


def _moves(old_cmp, new_cmp, used_old: set[int],
           used_new: set[int]) -> list[tuple[int, int, float]]:
    """Unmatched articles with similar text, wherever they now stand, best pairs first."""
    olds = [i for i in range(len(old_cmp)) if i not in used_old]
    news = [j for j in range(len(new_cmp)) if j not in used_new]
    if not olds or not news:
        return []
    matrix = process.cdist([old_cmp[i] for i in olds], [new_cmp[j] for j in news],
                           scorer=fuzz.ratio, score_cutoff=MOVE_MIN, workers=-1)
    found = sorted(((float(matrix[r, c]), olds[r], news[c]) for r, c in zip(*matrix.nonzero(),
                                                                            strict=True)),
                   reverse=True)
    out, seen_old, seen_new = [], set(), set()
    for score, i, j in found:
        if i not in seen_old and j not in seen_new:
            seen_old.add(i)
            seen_new.add(j)
            out.append((i, j, score))
    return out


def classify(old: Sequence[ArticleText], new: Sequence[ArticleText]) -> tuple[str, float]:
    """Kind and similarity of a mapping staff chose: old article(s) -> new article(s)."""
    if not new:
        return "deleted", 0.0
    if not old:
        return "new", 0.0
    old_norm = [normalise(a.text) for a in old]
    new_norm = [normalise(a.text) for a in new]
    old_cmp = [_masked(t) for t in old_norm]
    new_cmp = [_masked(t) for t in new_norm]
    kind = _kind(range(len(old)), range(len(new)), old, new, old_norm, new_norm, old_cmp, new_cmp)
    return kind, round(fuzz.ratio("".join(old_cmp), "".join(new_cmp)), 1)


def _kind(olds, news, old, new, old_norm, new_norm, old_cmp, new_cmp) -> str:
    if len(news) > 1:
        return "split"
    if len(olds) > 1:
        return "merged"
    i, j = olds[0], news[0]
    relabelled = normalise(old[i].label) != normalise(new[j].label)
    if old_norm[i] == new_norm[j]:
        return "renumbered" if relabelled else "same"
    if relabelled and old_cmp[i] == new_cmp[j]:
        return "renumbered"
    return "edited"


# ---------------------------------------------------------------- character differences

DiffOp = tuple[str, str]


def char_diff(old: str, new: str) -> list[DiffOp]:
    """``old`` -> ``new`` as ("equal" | "delete" | "insert", text) runs, for <del>/<ins>.

    A single unchanged character between two changes is folded into them: a
    diff that keeps every shared 的 and 应当 is harder to read than one that
    shows the rewritten phrase whole.
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    raw: list[DiffOp] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(("equal", old[a0:a1]))
            continue
        if a1 > a0:
            raw.append(("delete", old[a0:a1]))
        if b1 > b0:
            raw.append(("insert", new[b0:b1]))
    folded: list[DiffOp] = []
    for n, (op, text) in enumerate(raw):
        changed_both_sides = (0 < n < len(raw) - 1 and raw[n - 1][0] != "equal"
                              and raw[n + 1][0] != "equal")
        if op == "equal" and len(text) == 1 and changed_both_sides:
            folded.append(("delete", text))
            folded.append(("insert", text))
        else:
            folded.append((op, text))
    return _coalesce(folded)


def _coalesce(ops: list[DiffOp]) -> list[DiffOp]:
    """Deletions before insertions within each changed run, adjacent runs of one op joined."""
    out: list[DiffOp] = []
    run: dict[str, str] = {"delete": "", "insert": ""}
    for op, text in [*ops, ("equal", "")]:
        if op == "equal":
            out.extend((kind, run[kind]) for kind in ("delete", "insert") if run[kind])
            run = {"delete": "", "insert": ""}
            if text:
                if out and out[-1][0] == "equal":
                    out[-1] = ("equal", out[-1][1] + text)
                else:
                    out.append(("equal", text))
        else:
            run[op] += text
    return out
