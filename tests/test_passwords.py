"""Passwords: production hashes with argon2 at full cost, whatever the test suite installs."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from tests.live import legis, server_env


def test_production_stores_argon2_hashes_at_the_library_default_cost(tmp_path):
    # A fresh `legis` process, as an operator runs it: the suite's cheap hasher is not there.
    env = server_env(tmp_path)
    legis("migrate", env=env)
    legis("create-user", "clerk", "--role", "staff", "--password-stdin", env=env,
          input="a-long-clerk-password\n")
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM user")).scalar_one()
    engine.dispose()
    default = PasswordHasher()
    assert stored.startswith(
        f"$argon2id$v=19$m={default.memory_cost},t={default.time_cost},p={default.parallelism}$")
    assert default.verify(stored, "a-long-clerk-password")
    assert not default.check_needs_rehash(stored)
