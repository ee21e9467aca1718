"""Readable web addresses for drafts: pinyin of the title's key words, unique, old ones kept."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlmodel import Session, select

from legis.errors import ValidationError
from legis.models import Draft, DraftSlug

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
MAX_LENGTH = 60
_BRACKETS = re.compile(r"[（(][^（）()]*[)）]|[《》〈〉「」“”\"'\s]")
# A place before the subject: 山东省, 淄博市, 某市, 中华人民共和国 …
_PLACE = re.compile(r".{1,8}?(省|市|自治区|自治州|自治县|县|区|州|盟|旗)$|中华人民共和国|国家")
_DATA = Path(__file__).parent / "data" / "slug_stopwords.txt"


@cache
def _stopwords() -> frozenset[str]:
    lines = (raw.split("#", 1)[0].strip() for raw in _DATA.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


def _words(title: str) -> list[str]:
    import rjieba  # a word segmenter: pinyin is grouped by word, not by character

    words = [w for w in rjieba.cut(_BRACKETS.sub("", title)) if w.strip()]
    while len(words) > 2 and _PLACE.fullmatch(words[0]):
        words = words[1:]
    out: list[str] = []
    for word in words:
        if word in _stopwords():
            continue
        # 物业管理 -> 物业 管理: long compounds read better in two-character words.
        if len(word) >= 4 and all("\u4e00" <= c <= "\u9fff" for c in word):
            out.extend(word[i:i + 2] for i in range(0, len(word), 2))
        else:
            out.append(word)
    return out


def readable_slug(title: str) -> str:
    """某市物业管理条例（草案） -> wuye-guanli-tiaoli (at most 60 characters, "draft" if empty)."""
    from pypinyin import lazy_pinyin

    parts = []
    for word in _words(title):
        syllables = "".join(lazy_pinyin(word, errors=lambda text: list(text)))
        part = re.sub(r"[^a-z0-9]", "", syllables.lower())
        if part:
            parts.append(part)
    slug = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        # Keep the kind of document (…-tiaoli, …-banfa) even when the middle is cut.
        if len(slug) + len(part) + 1 > MAX_LENGTH - (0 if last else len(parts[-1]) + 1):
            slug = f"{slug}-{parts[-1]}" if slug else parts[-1]
            break
        slug = f"{slug}-{part}" if slug else part
    return slug[:MAX_LENGTH].strip("-") or "draft"


def slug_taken(session: Session, slug: str, *, draft_id: int | None = None) -> bool:
    """Whether another draft uses ``slug`` now or used it before (old addresses keep working)."""
    current = session.exec(select(Draft.id).where(Draft.slug == slug)).first()
    old = session.exec(select(DraftSlug.draft_id).where(DraftSlug.slug == slug)).first()
    return any(found is not None and found != draft_id for found in (current, old))


def unique_slug(session: Session, title: str) -> str:
    """A readable slug for ``title`` no draft has used: wuye-guanli-tiaoli, then …-2, …-3."""
    base = readable_slug(title)
    candidate, n = base, 2
    while slug_taken(session, candidate):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def check_slug(session: Session, wanted: str, *, draft_id: int | None = None) -> str:
    """A slug typed by staff, checked: lower-case letters, digits and hyphens, not in use."""
    wanted = wanted.strip().lower()
    if not SLUG_RE.match(wanted):
        raise ValidationError("网址名只能包含小写字母、数字和连字符，且以字母或数字开头（最多81个字符）。",
                         field="slug")
    if slug_taken(session, wanted, draft_id=draft_id):
        raise ValidationError(f"网址名“{wanted}”已被其他草案使用，请换一个。", field="slug")
    return wanted


def change_slug(session: Session, *, draft: Draft, wanted: str) -> bool:
    """Give ``draft`` a new slug, keeping the old one so its address redirects; True if changed."""
    wanted = check_slug(session, wanted, draft_id=draft.id)
    if wanted == draft.slug:
        return False
    if session.exec(select(DraftSlug).where(DraftSlug.slug == draft.slug)).first() is None:
        session.add(DraftSlug(draft_id=draft.id, slug=draft.slug))
    reused = session.exec(select(DraftSlug).where(DraftSlug.slug == wanted)).first()
    if reused is not None:   # going back to one of its own old addresses
        session.delete(reused)
    session.flush()
    draft.slug = wanted
    session.add(draft)
    return True


def moved_to(session: Session, slug: str) -> str | None:
    """The current slug of the draft that used to be at ``slug``, if any."""
    row = session.exec(
        select(Draft.slug).join(DraftSlug, DraftSlug.draft_id == Draft.id)
        .where(DraftSlug.slug == slug)
    ).first()
    return row
