"""Settings read once from the environment: Settings.from_env()."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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
    # by every worker). Default: the database when `legis serve` runs several workers.
    rate_limit_store: str = "memory"
    load_samples: bool = True               # load the sample drafts into an empty database on start
    db_pool_size: int = 5
    db_statement_timeout_ms: int = 30_000
    # uvicorn's line per request (off: it cost 8% of a comment's CPU); failed requests
    # are logged by legis itself either way (web/errors.py, web/security.py).
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
                                    int(env.get("LEGIS_WORKERS", "1") or 1)),
            load_samples=_flag(env.get("LEGIS_LOAD_SAMPLES", "1")),
            db_pool_size=int(env.get("LEGIS_DB_POOL_SIZE", cls.db_pool_size)),
            db_statement_timeout_ms=int(
                env.get("LEGIS_DB_STATEMENT_TIMEOUT_MS", cls.db_statement_timeout_ms)
            ),
            access_log=_flag(env.get("LEGIS_ACCESS_LOG")),
            group_commit=_flag(env.get("LEGIS_GROUP_COMMIT", "1")),
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


def _hosts(raw: str, base_url: str) -> tuple[str, ...]:
    """LEGIS_ALLOWED_HOSTS as lower-case names; LEGIS_BASE_URL's host is always among them."""
    hosts = [h.strip().lower() for h in raw.split(",") if h.strip()]
    if hosts and base_url:
        base_host = urlsplit(base_url).hostname
        if base_host and base_host not in hosts:
            hosts.append(base_host)
    return tuple(hosts)


def _store(raw: str, workers: int) -> str:
    raw = raw.strip().lower()
    if raw in ("memory", "database"):
        return raw
    if raw:
        raise ValueError("LEGIS_RATE_LIMIT_STORE 只能是 memory 或 database")
    return "database" if workers > 1 else "memory"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}
