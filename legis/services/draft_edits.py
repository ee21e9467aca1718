"""Staff edits of a draft's details: title, issuing body, description, status and period, address."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from legis.errors import ValidationError
from legis.models import Draft
from legis.services import drafts as draft_service
from legis.services.audit import record
from legis.services.slugs import change_slug
from legis.timefmt import parse_date


def audit_fields(draft: Draft) -> dict:
    """What the audit log keeps of a draft before and after a change."""
    return {"title": draft.title, "slug": draft.slug, "status": draft.status,
            "issuing_body": draft.issuing_body,
            "comment_start": str(draft.comment_start or ""),
            "comment_end": str(draft.comment_end or "")}


@dataclass
class DraftForm:
    """The draft page's form as typed; validate() collects every field error at once."""

    title: str = ""
    issuing_body: str = ""
    description: str = ""
    status: str = ""
    comment_start: str = ""
    comment_end: str = ""
    slug: str | None = None          # None: the form did not offer it
    errors: dict[str, str] = field(default_factory=dict)
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_form(cls, form: Any) -> DraftForm:
        slug = form.get("slug")
        return cls(**{name: str(form.get(name, "")).strip() for name in (
            "title", "issuing_body", "description", "status", "comment_start", "comment_end")},
            slug=None if slug is None else str(slug))

    def validate(self) -> DraftForm:
        self.errors = {}
        if not self.title:
            self.errors["title"] = "标题不能为空。"
        self.start = self._date("comment_start")
        self.end = self._date("comment_end")
        return self

    def _date(self, name: str) -> date | None:
        raw = getattr(self, name)
        parsed = parse_date(raw)
        if raw and parsed is None:
            self.errors[name] = "日期格式应为 2026-12-31。"
        return parsed


def update_draft(session: Session, *, draft_id: int, form: DraftForm, actor: str) -> Draft:
    """Apply the form to the draft, audited; ValidationError (nothing kept) when it is wrong."""
    draft = draft_service.get_draft(session, draft_id=draft_id)
    if form.validate().errors:
        name, message = next(iter(form.errors.items()))
        raise ValidationError(message, field=name)
    before = audit_fields(draft)
    draft.title = form.title[:300]
    draft.issuing_body = form.issuing_body[:200]
    draft.description = form.description
    draft_service.set_period(session, draft=draft, status=form.status, start=form.start,
                             end=form.end)
    if form.slug is not None:
        change_slug(session, draft=draft, wanted=form.slug)
    record(session, actor=actor, action="draft.update", target_type="draft",
           target_id=draft.id, draft_id=draft.id, before=before, after=audit_fields(draft))
    return draft
