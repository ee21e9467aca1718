"""report document: the report text staff edit per draft

Revision ID: 0002_report_document
Revises: 0002_login_sessions_rate_counts
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002_report_document'
down_revision = '0002_login_sessions_rate_counts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_schema before migrations existed already has every table
    # of the models; it is stamped 0001 and upgraded from there (legis/migrate.py).
    if sa.inspect(op.get_bind()).has_table('reportdocument'):
        return
    op.create_table(
        'reportdocument',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('addressee', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('doc_number', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('signatory', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('report_date', sa.Date(), nullable=True),
        sa.Column('attachments', sa.JSON(), nullable=False),
        sa.Column('sections', sa.JSON(), nullable=False),
        sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('draft_id'),
    )


def downgrade() -> None:
    op.drop_table('reportdocument')
