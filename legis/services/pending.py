"""Import previews kept between the preview and the confirmation, in the database.

A host uploads a file, sees the parsed rows, and confirms them in a second
request. Behind a load balancer the two requests may reach different servers,
so the rows wait in the shared database (table ``pendingimport``), never on
one server's disk. A preview belongs to the user who uploaded it, expires
after ``PENDING_MAX_AGE``, is deleted once confirmed or cancelled, and old ones
are pruned whenever a new one is saved.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session

from legis.errors import Conflict, TooLarge
from legis.models import PendingImport, utcnow

PENDING_MAX_AGE = timedelta(hours=24)
# The parsed rows of one preview, as JSON. A 20 MB spreadsheet of comments
# parses to well under this; anything larger is refused with a message.
MAX_PENDING_BYTES = 64 * 1024 * 1024
_PENDING_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
GONE = "这次导入的预览已失效（已导入、已取消或已超过24小时）。请重新上传文件。"


def save_pending(session: Session, *, kind: str, scope: str, owner: str, payload: Any,
                 max_bytes: int | None = None) -> str:
    """Keep the parsed rows until ``owner`` confirms them; returns the id to put in the form."""
    max_bytes = MAX_PENDING_BYTES if max_bytes is None else max_bytes
    text = json.dumps(payload, ensure_ascii=False, default=_json_default)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise TooLarge(
            f"这份文件解析后的内容过大（约{_mb(size)}MB，上限{_mb(max_bytes)}MB），"
            "无法生成预览。请把文件拆分成几份，分别导入。", field="file")
    prune(session)
    now = utcnow()
    pending_id = secrets.token_urlsafe(18)
    session.add(PendingImport(id=pending_id, kind=kind, scope=scope, owner=owner[:100],
                              payload=text, size=size, created_at=now,
                              expires_at=now + PENDING_MAX_AGE))
    session.flush()
    return pending_id


def load_pending(session: Session, pending_id: str, *, kind: str, scope: str, owner: str) -> Any:
    """The payload saved under ``pending_id`` for this kind, scope and owner, or Conflict."""
    if not _PENDING_ID.match(pending_id or ""):
        raise Conflict(GONE)
    stored = session.get(PendingImport, pending_id)
    if (stored is None or stored.kind != kind or stored.scope != scope
            or stored.owner != owner[:100] or _aware(stored.expires_at) <= utcnow()):
        raise Conflict(GONE)
    return json.loads(stored.payload)


def drop_pending(session: Session, pending_id: str, *, owner: str) -> None:
    """Forget ``owner``'s preview (confirmed or cancelled); an unknown id is no error."""
    if _PENDING_ID.match(pending_id or ""):
        session.exec(delete(PendingImport).where(  # type: ignore[call-overload]
            PendingImport.id == pending_id, PendingImport.owner == owner[:100]))


def prune(session: Session) -> int:
    """Delete every expired preview; returns how many."""
    result = session.exec(delete(PendingImport).where(  # type: ignore[call-overload]
        PendingImport.expires_at <= utcnow()))
    return result.rowcount or 0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 1024 * 1024 else f"{size / (1024 * 1024):.1f}"


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(type(value).__name__)
