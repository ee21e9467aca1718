"""a per-draft count of changes to its public pages, read by every server to key its page cache

Revision ID: 0006_i20p_page_stamps
Revises: 0005_i20r_figure_changes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_i20p_page_stamps"
down_revision = "0005_i20r_figure_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "pagestamp" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "pagestamp",
        sa.Column("draft_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text_gen", sa.Integer(), nullable=False),
        sa.Column("results_gen", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("draft_id"),
    )


def downgrade() -> None:
    op.drop_table("pagestamp")
