"""Small functions templates call: labels, masking, status colours."""

from __future__ import annotations

from legis.services import personal_data
from legis.services.drafts import is_open, shown_status
from legis.vocabulary import DispositionState, DraftStatus, RevisionKind


def article_anchor(article) -> str:
    return f"a{article.number}" + (f"-{article.sub}" if article.sub else "")


def _unmasked(request, comment) -> bool:
    return personal_data.sees_unmasked(request.scope.get("user"), comment.contact_point_id)


def personal_name(request, comment) -> str:
    """A resident's name as this viewer may see it: in full, or reduced to 王某."""
    return personal_data.shown_name(comment.name, unmasked=_unmasked(request, comment)) or ""


def personal_phone(request, comment) -> str:
    """A resident's phone as this viewer may see it: in full, or 138****5678."""
    return personal_data.shown_phone(comment.phone, unmasked=_unmasked(request, comment)) or ""


def personal_text(request, comment) -> str:
    """A comment's text as this viewer may see it: as typed, or with personal data masked."""
    return personal_data.shown_text(comment.text, comment.personal_data,
                                    unmasked=_unmasked(request, comment))


def query_prefix(request, drop: str) -> str:
    """"?a=1&b=2&" — the current query without ``drop``, ready for ``drop=N`` to be added."""
    from urllib.parse import urlencode

    kept = [(k, v) for k, v in request.query_params.multi_items() if k != drop]
    return "?" + (urlencode(kept) + "&" if kept else "")


def json_cn(value) -> str:
    """Audit values as readable JSON (Chinese kept as characters); empty for None."""
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


FILTERS: dict = {"json_cn": json_cn}


GLOBALS = {
    "is_open": is_open,
    "shown_status": shown_status,
    "status_class": lambda status: DraftStatus.css_of(status, "draft"),
    "state_class": lambda state: DispositionState.css_of(state, "pending"),
    "state_public": DispositionState.public_of,
    "revision_class": lambda kind: RevisionKind.css_of(kind, "changed"),
    "article_anchor": article_anchor,
    "personal_name": personal_name,
    "personal_phone": personal_phone,
    "personal_text": personal_text,
    "query_prefix": query_prefix,
}
