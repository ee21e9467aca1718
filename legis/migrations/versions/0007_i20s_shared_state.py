"""import previews, background jobs' files and the generated signing key in the database,
shared by every server

Revision ID: 0007_i20s_shared_state
Revises: 0006_i20p_page_stamps
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_i20s_shared_state"
down_revision = "0006_i20p_page_stamps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "pendingimport" not in existing:
        op.create_table(
            "pendingimport",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
            sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
            sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
            sa.Column("payload", sa.Text(), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_pendingimport_expires_at", "pendingimport", ["expires_at"])
    if "sitekey" not in existing:
        op.create_table(
            "sitekey",
            sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
            sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    if "jobfile" not in existing:
        op.create_table(
            "jobfile",
            sa.Column("job_id", sa.Integer(), nullable=False),
            sa.Column("data", sa.LargeBinary(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["job_id"], ["job.id"]),
            sa.PrimaryKeyConstraint("job_id"),
        )
        op.create_index("ix_jobfile_created_at", "jobfile", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_jobfile_created_at", table_name="jobfile")
    op.drop_table("jobfile")
    op.drop_table("sitekey")
    op.drop_index("ix_pendingimport_expires_at", table_name="pendingimport")
    op.drop_table("pendingimport")
