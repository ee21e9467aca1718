"""Refusing a draft that is already there: the same file, or the same title with the same articles."""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from legis.errors import Conflict
from legis.models import Article, Draft, DraftVersion
from legis.parsing import ParsedDraft
from legis.parsing.chinese import compact


class DuplicateDraft(Conflict):
    """The upload repeats a draft already imported; ``draft_id`` names it for a link."""

    def __init__(self, message: str, *, draft_id: int, field: str | None = "file"):
        super().__init__(message, field=field)
        self.draft_id = draft_id


def content_hash(data: bytes) -> str:
    """The SHA-256 of an uploaded file, kept with the version it became."""
    return hashlib.sha256(data).hexdigest()


def _article_key(label: str, text: str) -> tuple[str, str]:
    return label, compact(text)


def check_new_draft(session: Session, *, parsed: ParsedDraft, title: str,
                    source_hash: str = "") -> None:
    """Raise DuplicateDraft when this file, or this title with these articles, is already a draft."""
    if source_hash:
        found = session.exec(
            select(Draft, DraftVersion)
            .join(DraftVersion, DraftVersion.draft_id == Draft.id)
            .where(DraftVersion.source_sha256 == source_hash)
        ).first()
        if found is not None:
            draft, version = found
            raise DuplicateDraft(
                f"这份文件已经导入过：它是草案《{draft.title}》（网址名 {draft.slug}）的{version.name}"
                f"（第{version.number}稿）。请打开已有的草案，不必重复导入。",
                draft_id=draft.id)
    wanted = [_article_key(a.label, a.text) for a in parsed.articles]
    for draft in session.exec(select(Draft).where(Draft.title == title)):
        for version in session.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id)):
            rows = session.exec(
                select(Article.label, Article.text)
                .where(Article.version_id == version.id).order_by(Article.ordinal)
            ).all()
            if [_article_key(label, text) for label, text in rows] == wanted:
                raise DuplicateDraft(
                    f"已有同名草案《{draft.title}》（网址名 {draft.slug}），其{version.name}的{len(wanted)}条条文与这份文件完全相同。"
                    "请打开已有的草案；如要导入修改稿，请在该草案的“版本”页导入。",
                    draft_id=draft.id)


def check_new_version(session: Session, *, draft: Draft, parsed: ParsedDraft,
                      source_hash: str = "") -> None:
    """Raise DuplicateDraft when a new version repeats a version this draft already has."""
    versions = list(session.exec(select(DraftVersion).where(DraftVersion.draft_id == draft.id)))
    wanted = [_article_key(a.label, a.text) for a in parsed.articles]
    for version in versions:
        same_file = bool(source_hash) and version.source_sha256 == source_hash
        rows = session.exec(
            select(Article.label, Article.text)
            .where(Article.version_id == version.id).order_by(Article.ordinal)
        ).all()
        if same_file or [_article_key(label, text) for label, text in rows] == wanted:
            which = f"本草案已有的{version.name}（第{version.number}稿）"
            raise DuplicateDraft(
                f"这份文件就是{which}，未重复导入。" if same_file
                else f"这份文件的条文与{which}完全相同，没有新的修改，未导入。",
                draft_id=draft.id)
