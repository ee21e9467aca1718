"""Alembic environment: migrations run on the connection legis.migrate hands in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from legis import models  # noqa: F401  (registers the tables)

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",   # SQLite cannot ALTER most things
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
