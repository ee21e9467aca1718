"""each draft's figures kept as counts (per opinion, and per article, state and contact point),
filled from the comments and opinions already there; the figure-change log they replace
(the ledger's cache now follows the page stamps) dropped

Revision ID: 0008_i20d_figure_counts
Revises: 0007_i20s_shared_state
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_i20d_figure_counts"
down_revision = "0007_i20s_shared_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "opinioncount" not in existing:
        op.create_table(
            "opinioncount",
            sa.Column("opinion_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("point_key", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("draft_id", sa.Integer(), nullable=False),
            sa.Column("article_key", sa.Integer(), nullable=False),
            sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
            sa.Column("comments", sa.Integer(), nullable=False),
            sa.Column("pointed", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("opinion_id", "point_key"),
        )
        op.create_index("ix_opinioncount_draft", "opinioncount", ["draft_id"])
    if "figurecount" not in existing:
        op.create_table(
            "figurecount",
            sa.Column("draft_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("article_key", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
            sa.Column("point_key", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("opinions", sa.Integer(), nullable=False),
            sa.Column("comments", sa.Integer(), nullable=False),
            sa.Column("counted_opinions", sa.Integer(), nullable=False),
            sa.Column("pointed", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("draft_id", "article_key", "state", "point_key"),
        )
    if "figurechange" in existing:
        op.drop_index("ix_figurechange_draft", table_name="figurechange")
        op.drop_table("figurechange")
    # Counted from the rows already there, on either engine (the same code that keeps them).
    from legis.services import figure_counts

    figure_counts.rebuild_all(op.get_bind())


def downgrade() -> None:
    op.create_table(
        "figurechange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_figurechange_draft", "figurechange", ["draft_id", "id"], unique=False)
    op.drop_table("figurecount")
    op.drop_index("ix_opinioncount_draft", table_name="opinioncount")
    op.drop_table("opinioncount")
