"""comments keep a random id of the browser visit that sent them, to count participants

Revision ID: 0003_i19w_comment_visitor
Revises: 0002_report_document
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_i19w_comment_visitor"
down_revision = "0002_report_document"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "visitor" in {c["name"] for c in inspector.get_columns("comment")}:
        return
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visitor", sqlmodel.sql.sqltypes.AutoString(length=24),
                                      nullable=False, server_default=""))
        batch_op.create_index("ix_comment_draft_participant",
                              ["draft_id", "excluded", "withdrawn", "visitor", "phone"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_draft_participant")
        batch_op.drop_column("visitor")
