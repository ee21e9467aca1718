"""Settings read once from the environment: Settings.from_env()."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///var/legis.db"


@dataclass
class Settings:
    """Everything configurable about a running legis; see README 配置 for each variable."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = ""
    data_dir: Path = Path("var")
    office: str = "市人大常委会法制工作委员会"
    comment_rate_per_minute: int = 10       # per client, public comment form
    session_rate_per_minute: int = 600      # per client when coming through a session link
    max_upload_bytes: int = 20 * 1024 * 1024
    trust_proxy: bool = False               # honour X-Forwarded-For / X-Forwarded-Proto
    https: bool = False                     # mark cookies Secure
    base_url: str = ""                      # public address for QR codes; empty: from the request
    load_samples: bool = True               # load the sample drafts into an empty database on start
    db_pool_size: int = 5
    db_statement_timeout_ms: int = 30_000
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("LEGIS_DATA_DIR", "var"))
        settings = cls(
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            secret_key=env.get("LEGIS_SECRET_KEY", ""),
            data_dir=data_dir,
            office=env.get("LEGIS_OFFICE", cls.office),
            comment_rate_per_minute=int(env.get("LEGIS_COMMENT_RATE", cls.comment_rate_per_minute)),
            session_rate_per_minute=int(env.get("LEGIS_SESSION_RATE", cls.session_rate_per_minute)),
            max_upload_bytes=int(env.get("LEGIS_MAX_UPLOAD_MB", 20)) * 1024 * 1024,
            trust_proxy=_flag(env.get("LEGIS_TRUST_PROXY")),
            https=_flag(env.get("LEGIS_HTTPS")),
            base_url=env.get("LEGIS_BASE_URL", "").rstrip("/"),
            load_samples=_flag(env.get("LEGIS_LOAD_SAMPLES", "1")),
            db_pool_size=int(env.get("LEGIS_DB_POOL_SIZE", cls.db_pool_size)),
            db_statement_timeout_ms=int(
                env.get("LEGIS_DB_STATEMENT_TIMEOUT_MS", cls.db_statement_timeout_ms)
            ),
        )
        return settings

    def ensure_secret_key(self) -> str:
        """The signing key: LEGIS_SECRET_KEY, else one generated once and kept in data_dir.

        Keeping it on disk means sessions and form tokens survive a restart, and
        every worker process of one deployment signs with the same key.
        """
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # O_EXCL: when several workers start at once only one writes the key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(48))
            except FileExistsError:
                pass
        self.secret_key = path.read_text().strip()
        return self.secret_key


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}
