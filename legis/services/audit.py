"""The audit log: who did what, when, from what to what. Only ever appended to."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from legis.models import AuditLog


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str = "",
    target_id: int | None = None,
    draft_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client: str = "",
) -> AuditLog:
    entry = AuditLog(actor=actor or "", action=action, target_type=target_type,
                     target_id=target_id, draft_id=draft_id, before=before, after=after,
                     client=client[:64])
    session.add(entry)
    return entry


def entries(session: Session, *, target_type: str | None = None, target_id: int | None = None,
            draft_id: int | None = None, action_prefix: str | None = None,
            limit: int = 200, offset: int = 0) -> list[AuditLog]:
    query = select(AuditLog)
    if target_type is not None:
        query = query.where(AuditLog.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditLog.target_id == target_id)
    if draft_id is not None:
        query = query.where(AuditLog.draft_id == draft_id)
    if action_prefix:
        query = query.where(AuditLog.action.startswith(action_prefix))
    return list(session.exec(query.order_by(AuditLog.id.desc()).offset(offset).limit(limit)))
