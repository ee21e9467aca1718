"""draft versions keep the SHA-256 of their source file (refusing the same file twice);
drafts keep their old web addresses (draftslug) so they redirect, and a withdrawal reason

Revision ID: 0002_i19p_drafts_in
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_i19p_drafts_in"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all before migrations existed may have these already.
    inspector = sa.inspect(op.get_bind())
    if "draftslug" not in inspector.get_table_names():
        op.create_table(
            "draftslug",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("draft_id", sa.Integer(), nullable=False),
            sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["draft_id"], ["draft.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("slug"),
        )
        with op.batch_alter_table("draftslug", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_draftslug_draft_id"), ["draft_id"], unique=False)
    if "withdrawn_reason" not in {c["name"] for c in inspector.get_columns("draft")}:
        with op.batch_alter_table("draft", schema=None) as batch_op:
            batch_op.add_column(sa.Column(
                "withdrawn_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                server_default=""))
    columns = {c["name"] for c in inspector.get_columns("draftversion")}
    if "source_sha256" in columns:
        return
    with op.batch_alter_table("draftversion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_sha256", sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_draftversion_source_sha256"), ["source_sha256"],
                              unique=False)


def downgrade() -> None:
    op.drop_table("draftslug")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
    with op.batch_alter_table("draftversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draftversion_source_sha256"))
        batch_op.drop_column("source_sha256")
