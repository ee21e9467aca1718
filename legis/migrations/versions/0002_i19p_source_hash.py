"""draft versions keep the SHA-256 of their source file (refusing the same file twice)

Revision ID: 0002_i19p_source_hash
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_i19p_source_hash"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all before migrations existed may have it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("draftversion")}
    if "source_sha256" in columns:
        return
    with op.batch_alter_table("draftversion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_sha256", sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_draftversion_source_sha256"), ["source_sha256"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("draftversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draftversion_source_sha256"))
        batch_op.drop_column("source_sha256")
