"""a stamp of each draft's figures (rows added by every write that changes them), and an
index that counts a draft's unmerged comments without reading the table

Revision ID: 0005_i20r_figure_changes
Revises: 0004_meeting_rename
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_i20r_figure_changes"
down_revision = "0004_meeting_rename"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "figurechange" not in inspector.get_table_names():
        op.create_table(
            "figurechange",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("draft_id", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_figurechange_draft", "figurechange", ["draft_id", "id"], unique=False)
    if "ix_comment_draft_opinion" not in {i["name"] for i in inspector.get_indexes("comment")}:
        op.create_index("ix_comment_draft_opinion", "comment",
                        ["draft_id", "opinion_id", "excluded", "withdrawn", "article_id",
                         "contact_point_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_comment_draft_opinion", table_name="comment")
    op.drop_index("ix_figurechange_draft", table_name="figurechange")
    op.drop_table("figurechange")
