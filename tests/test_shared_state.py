"""What several servers of one deployment must share without LEGIS_SECRET_KEY: one signing key,
and rate limits counted where every server counts (the two-server walk is test_two_servers.py)."""

from __future__ import annotations

from legis.config import Settings
from legis.services.site_keys import signing_key


def test_servers_with_their_own_data_directories_sign_with_one_key(engine, tmp_path):
    first = Settings(database_url="unused", data_dir=tmp_path / "a")
    second = Settings(database_url="unused", data_dir=tmp_path / "b")
    key = first.ensure_secret_key(engine)
    assert len(key) >= 32
    assert second.ensure_secret_key(engine) == key
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()   # nothing on disk


def test_a_key_an_older_install_kept_on_disk_is_adopted(engine, tmp_path):
    """Upgrading a single-server install: its signed-in users stay signed in."""
    (tmp_path / "secret_key").write_text("old-install-key-" + "x" * 40 + "\n")
    assert signing_key(engine, legacy_file=tmp_path / "secret_key") == "old-install-key-" + "x" * 40
    assert signing_key(engine, legacy_file=tmp_path / "missing") == "old-install-key-" + "x" * 40


def test_the_key_from_the_environment_wins(engine, tmp_path):
    settings = Settings(database_url="unused", data_dir=tmp_path, secret_key="from-the-environment")
    assert settings.ensure_secret_key(engine) == "from-the-environment"
    assert Settings(data_dir=tmp_path).ensure_secret_key(engine) != "from-the-environment"


def test_rate_limits_are_counted_in_the_database_wherever_several_processes_may_serve():
    def store(**env: str) -> str:
        return Settings.from_env(env).rate_limit_store

    assert store(DATABASE_URL="sqlite:///var/legis.db") == "memory"
    assert store(DATABASE_URL="sqlite:///var/legis.db", LEGIS_WORKERS="4") == "database"
    assert store(DATABASE_URL="postgresql://legis@db/legis") == "database"
    assert store(DATABASE_URL="postgres://legis@db/legis") == "database"
    assert store(DATABASE_URL="postgresql://legis@db/legis",
                 LEGIS_RATE_LIMIT_STORE="memory") == "memory"
