"""Previews kept between requests: parsed rows wait on disk until the user confirms them."""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from legis.errors import Conflict

PENDING_MAX_AGE = 24 * 3600
_PENDING_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def save_pending(directory: Path, *, kind: str, scope: str, payload: Any) -> str:
    """Keep parsed rows on disk until the host confirms; returns the id to put in the form."""
    directory.mkdir(parents=True, exist_ok=True)
    _purge_old(directory)
    pending_id = secrets.token_urlsafe(18)
    path = directory / f"{pending_id}.json"
    path.write_text(json.dumps({"kind": kind, "scope": scope, "payload": payload},
                               ensure_ascii=False, default=_json_default), encoding="utf-8")
    return pending_id


def load_pending(directory: Path, pending_id: str, *, kind: str, scope: str) -> Any:
    """The payload saved under ``pending_id`` for this kind and scope, or a LegisError."""
    gone = Conflict("这次导入的预览已失效（已导入、已过期或服务器已重启）。请重新上传文件。")
    if not _PENDING_ID.match(pending_id or ""):
        raise gone
    path = directory / f"{pending_id}.json"
    try:
        if time.time() - path.stat().st_mtime > PENDING_MAX_AGE:
            raise gone
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise gone from None
    if stored.get("kind") != kind or stored.get("scope") != scope:
        raise gone
    return stored["payload"]


def drop_pending(directory: Path, pending_id: str) -> None:
    if _PENDING_ID.match(pending_id or ""):
        (directory / f"{pending_id}.json").unlink(missing_ok=True)


def _purge_old(directory: Path) -> None:
    cutoff = time.time() - PENDING_MAX_AGE
    for path in directory.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            pass


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(type(value).__name__)
