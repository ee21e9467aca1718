"""The signing key of a deployment, made once and kept in the database for every server.

Sessions, form tokens and a visit's receipt list are signed with it, so a
cookie signed by one server must verify on any other behind the load
balancer. LEGIS_SECRET_KEY, when set, is used instead (and must then be the
same on every server). A key an older single-server install kept in
LEGIS_DATA_DIR/secret_key is adopted, so signed-in users stay signed in.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from legis.db import session_scope
from legis.models import SiteKey, utcnow

SIGNING = "signing"


def signing_key(engine: Engine, *, legacy_file: Path | None = None) -> str:
    """The deployment's signing key; the first server to ask makes it, the others read it."""
    with session_scope(engine) as session:
        found = session.get(SiteKey, SIGNING)
        if found is not None:
            return found.value
    value = _legacy(legacy_file) or secrets.token_urlsafe(48)
    with session_scope(engine, write=True) as session:
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        # Servers starting at once: the first insert wins, the others keep its key.
        session.exec(dialect.insert(SiteKey).values(name=SIGNING, value=value, created_at=utcnow())  # type: ignore[call-overload]
                     .on_conflict_do_nothing(index_elements=["name"]))
    with session_scope(engine) as session:
        stored = session.get(SiteKey, SIGNING)
        assert stored is not None
        return stored.value


def _legacy(path: Path | None) -> str:
    try:
        return path.read_text().strip() if path is not None else ""
    except OSError:
        return ""
