"""Settings read once from the environment: Settings.from_env()."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DEFAULT_DATABASE_URL = "sqlite:///var/legis.db"


@dataclass
class Settings:
    """Everything configurable about a running legis; see README 配置 for each variable."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = ""
    data_dir: Path = Path("var")
    office: str = "市人大常委会法制工作委员会"
    comment_rate_per_minute: int = 10       # per client, public comment form
    meeting_rate_per_minute: int = 600      # per client when coming through a meeting (座谈会) link
    max_upload_bytes: int = 20 * 1024 * 1024
    trust_proxy: bool = False               # honour X-Forwarded-For / X-Forwarded-Proto
    https: bool = False                     # mark cookies Secure
    base_url: str = ""                      # public address for QR codes; empty: from the request
    allowed_hosts: tuple[str, ...] = ()     # Host header values served; empty: any
    max_articles: int = 5_000               # articles in one imported draft or version
    # Where rate limits are counted: "memory" (one process) or "database" (shared
    # by every worker and server). Default: the database on PostgreSQL (several
    # servers may share it) or when `legis serve` runs several workers.
    rate_limit_store: str = "memory"
    load_samples: bool = True               # load the sample drafts into an empty database on start
    db_pool_size: int = 5
    db_statement_timeout_ms: int = 30_000
    # uvicorn's line per request (off: it cost 8% of a comment's CPU); failed requests
    # are logged by legis itself either way (web/errors.py, web/front.py).
    access_log: bool = False
    # Comments arriving together are stored in one transaction (web/comment_intake.py).
    group_commit: bool = True
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
            meeting_rate_per_minute=int(env.get("LEGIS_MEETING_RATE", env.get(
                "LEGIS_SESSION_RATE", cls.meeting_rate_per_minute))),   # the old name still read
            max_upload_bytes=int(env.get("LEGIS_MAX_UPLOAD_MB", 20)) * 1024 * 1024,
            trust_proxy=_flag(env.get("LEGIS_TRUST_PROXY")),
            https=_flag(env.get("LEGIS_HTTPS")),
            base_url=env.get("LEGIS_BASE_URL", "").rstrip("/"),
            allowed_hosts=_hosts(env.get("LEGIS_ALLOWED_HOSTS", ""),
                                 env.get("LEGIS_BASE_URL", "")),
            max_articles=int(env.get("LEGIS_MAX_ARTICLES", cls.max_articles)),
            rate_limit_store=_store(env.get("LEGIS_RATE_LIMIT_STORE", ""),
                                    int(env.get("LEGIS_WORKERS", "1") or 1),
                                    env.get("DATABASE_URL", DEFAULT_DATABASE_URL)),
            load_samples=_flag(env.get("LEGIS_LOAD_SAMPLES", "1")),
            db_pool_size=int(env.get("LEGIS_DB_POOL_SIZE", cls.db_pool_size)),
            db_statement_timeout_ms=int(
                env.get("LEGIS_DB_STATEMENT_TIMEOUT_MS", cls.db_statement_timeout_ms)
            ),
            access_log=_flag(env.get("LEGIS_ACCESS_LOG")),
            group_commit=_flag(env.get("LEGIS_GROUP_COMMIT", "1")),
        )
        return settings

    def ensure_secret_key(self, engine: Engine) -> str:
        """The signing key: LEGIS_SECRET_KEY, else one made once and kept in the database,
        so every server and worker of one deployment signs with the same key and
        sessions and form tokens survive a restart (legis.services.site_keys)."""
        if not self.secret_key:
            from legis.services.site_keys import signing_key

            self.secret_key = signing_key(engine, legacy_file=self.data_dir / "secret_key")
        return self.secret_key


def _hosts(raw: str, base_url: str) -> tuple[str, ...]:
    """LEGIS_ALLOWED_HOSTS as lower-case names; LEGIS_BASE_URL's host is always among them."""
    hosts = [h.strip().lower() for h in raw.split(",") if h.strip()]
    if hosts and base_url:
        base_host = urlsplit(base_url).hostname
        if base_host and base_host not in hosts:
            hosts.append(base_host)
    return tuple(hosts)


def _store(raw: str, workers: int, database_url: str) -> str:
    """Counting in one process's memory is right only for one process on one machine:
    several workers, or PostgreSQL (which several servers may share), count in the database."""
    raw = raw.strip().lower()
    if raw in ("memory", "database"):
        return raw
    if raw:
        raise ValueError("LEGIS_RATE_LIMIT_STORE 只能是 memory 或 database")
    shared_database = database_url.startswith(("postgres://", "postgresql"))
    return "database" if workers > 1 or shared_database else "memory"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}
