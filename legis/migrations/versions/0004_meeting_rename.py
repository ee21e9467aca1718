"""the 座谈会 table commentsession becomes meeting, and session_id on its comments meeting_id

Only names change; every row stays. "session" now means only a database or login session.

Revision ID: 0004_meeting_rename
Revises: 0003_i19w_comment_visitor
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_meeting_rename"
down_revision = "0003_i19w_comment_visitor"
branch_labels = None
depends_on = None

# (table as it will be named, old column, new column)
COLUMNS = (("comment", "session_id", "meeting_id"), ("paperimport", "session_id", "meeting_id"))
# (table, old index, new index, columns, unique) — the names SQLModel gives the models' indexes
INDEXES = (
    ("meeting", "ix_commentsession_token", "ix_meeting_token", ["token"], True),
    ("meeting", "ix_commentsession_draft_id", "ix_meeting_draft_id", ["draft_id"], False),
    ("meeting", "ix_commentsession_contact_point_id", "ix_meeting_contact_point_id",
     ["contact_point_id"], False),
    ("comment", "ix_comment_session_id", "ix_comment_meeting_id", ["meeting_id"], False),
    ("paperimport", "ix_paperimport_session_hash", "ix_paperimport_meeting_hash",
     ["meeting_id", "file_hash"], False),
)


def upgrade() -> None:
    _rename(old_table="commentsession", new_table="meeting", forward=True)


def downgrade() -> None:
    _rename(old_table="meeting", new_table="commentsession", forward=False)


def _rename(*, old_table: str, new_table: str, forward: bool) -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if not inspector.has_table(old_table):
        return   # made by create_schema from models that already have the new names
    op.execute(f'ALTER TABLE "{old_table}" RENAME TO "{new_table}"')
    for table, old, new in COLUMNS:
        source, target = (old, new) if forward else (new, old)
        op.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{source}" TO "{target}"')
    postgres = bind.dialect.name == "postgresql"
    for table, old, new, columns, unique in INDEXES:
        source, target = (old, new) if forward else (new, old)
        if postgres:
            op.execute(f'ALTER INDEX "{source}" RENAME TO "{target}"')
        else:   # SQLite cannot rename an index: make it again under its new name
            table_now = table if forward else ("commentsession" if table == "meeting" else table)
            op.drop_index(source, table_name=table_now)
            names = columns if forward else [_old_column(c) for c in columns]
            op.create_index(target, table_now, names, unique=unique)
    if postgres:
        _rename_postgres_constraints(bind, forward=forward)


def _old_column(name: str) -> str:
    return "session_id" if name == "meeting_id" else name


def _rename_postgres_constraints(bind, *, forward: bool) -> None:
    """Keys and the id sequence carry the old names PostgreSQL gave them; rename them too."""
    pairs = (("commentsession_", "meeting_"), ("_session_id_", "_meeting_id_"))
    if not forward:
        pairs = tuple((new, old) for old, new in reversed(pairs))
    tables = ("meeting", "comment", "paperimport") if forward else ("commentsession", "comment", "paperimport")
    rows = bind.execute(sa.text(
        "SELECT c.conname, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE n.nspname = current_schema() AND t.relname = ANY(:tables)"), {"tables": list(tables)}).all()
    for name, table in rows:
        renamed = name
        for old, new in pairs:
            renamed = renamed.replace(old, new)
        if renamed != name:
            op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{name}" TO "{renamed}"')
    old_seq, new_seq = ("commentsession_id_seq", "meeting_id_seq")[:: 1 if forward else -1]
    exists = bind.execute(sa.text(
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = :name AND c.relkind = 'S'"),
        {"name": old_seq}).first()
    if exists:
        op.execute(f'ALTER SEQUENCE "{old_seq}" RENAME TO "{new_seq}"')
