"""What a comment says in a few words, when it says little else: the change it asks for
("改为60日") or its stance on the draft ("支持"). Comments of one article with the same
signature are one opinion, however differently they are worded."""

from __future__ import annotations

import re

from legis.matching.contrast import reason
from legis.matching.lexicon import NEGATION, directions, negations, synonym_form
from legis.matching.normalise import NUMBER, basic, load_lines

# Units a number is read with (longest first); a number with none is read alone.
_UNITS = sorted({basic(u) for u in ["个工作日", "工作日", "日", "天", "个月", "月", "年", "周", "小时", "分钟", "米", "平方米", "元", "万元", "户", "人", "次", "岁", "分贝", "层", "辆", "倍"]},
                key=lambda u: (-len(u), u))


def _change_pattern() -> re.Pattern[str]:
    lines = load_lines("changes.txt")
    particles = next(line for line in lines if line.startswith("particles:")).split(":", 1)[1]
    verbs = sorted({basic(w) for line in lines if not line.startswith("particles:")
                    for w in line.split()}, key=lambda w: (-len(w), w))
    units = "|".join(map(re.escape, _UNITS))
    return re.compile(f"(?:{'|'.join(map(re.escape, verbs))})[{''.join(particles.split())}]"
                      f"({NUMBER.pattern})({units})?")


def _stance_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    stance_of: dict[str, str] = {}
    fillers: list[str] = []
    for line in load_lines("stances.txt"):
        name, _, words = line.partition(":")
        for word in words.split():
            word = basic(word)
            if name.strip() == "fillers":
                fillers.append(word)
            else:
                stance_of[word] = name.strip()
    ordered = sorted(set(stance_of) | set(fillers), key=lambda w: (-len(w), w))
    return re.compile(f"(?:{'|'.join(map(re.escape, ordered))})+"), stance_of


_CHANGE = _change_pattern()
_STANCE, _STANCE_OF = _stance_pattern()
_STANCE_WORD = re.compile("|".join(map(re.escape, sorted(_STANCE_OF, key=lambda w: (-len(w), w)))))
# A stance comment is short: a longer one says something of its own.
STANCE_CHARS = 20


def signature(spaced: str) -> str | None:
    """"改为60日", "支持" and the like, or None when a comment states no single change
    and is not only a stance."""
    flat = spaced.replace(" ", "")
    if len(flat) <= STANCE_CHARS and _STANCE.fullmatch(flat):
        stances = {_STANCE_OF[w] for w in _STANCE_WORD.findall(flat)}
        return "立场:" + stances.pop() if len(stances) == 1 else None
    targets = {number + synonym_form(unit or "") for number, unit in _CHANGE.findall(synonym_form(flat))}
    return "改为:" + targets.pop() if len(targets) == 1 else None


def _agree(a: str, b: str) -> bool:
    """Whether two comments of one signature say the same: nothing negated on one side
    only; other wording may differ (the direction is settled by ``join``)."""
    found = reason(a, b)
    return found is None or (found != NEGATION and negations(a) == negations(b))


def join(spaced: list[str], leaders: list[int]) -> dict[int, int]:
    """Leaders (indexes into ``spaced``, most frequent first) to merge into another leader
    because they state the same change or the same stance: {leader: leader it joins}.

    Of one signature, comments naming the same direction words (延长, 缩短 ...) are one
    opinion; those naming none join them when only one direction is named among them
    ("改为60日" with "延长到60日", but not with both "延长至60日" and "缩短至60日")."""
    groups: dict[str, list[int]] = {}
    for leader in leaders:
        key = signature(spaced[leader])
        if key is not None:
            groups.setdefault(key, []).append(leader)
    joined: dict[int, int] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        by_direction: dict[frozenset, list[int]] = {}
        for leader in members:
            by_direction.setdefault(directions(spaced[leader]), []).append(leader)
        directed = [d for d in by_direction if d]
        if len(directed) == 1 and frozenset() in by_direction:
            by_direction[directed[0]] = sorted(by_direction.pop(frozenset()) + by_direction[directed[0]],
                                               key=members.index)
        for same in by_direction.values():
            heads: list[int] = []
            for leader in same:
                head = next((h for h in heads if _agree(spaced[h], spaced[leader])), None)
                if head is None:
                    heads.append(leader)
                else:
                    joined[leader] = head
    return joined


def matching_signature(spaced: str, known: dict[str, list[tuple[int, str]]]) -> int | None:
    """The key of a known comment (by signature: {signature: [(key, text)]}) that states
    the same change or stance as ``spaced``, or None. Directions must be the same, or
    named on one side only."""
    key = signature(spaced)
    if key is None:
        return None
    mine = directions(spaced)
    for other, text in known.get(key, []):
        theirs = directions(text)
        if (mine == theirs or not mine or not theirs) and _agree(text, spaced):
            return other
    return None
