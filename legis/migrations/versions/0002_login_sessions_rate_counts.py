"""login sessions (logout ends them) and shared rate-limit counts

Revision ID: 0002_login_sessions_rate_counts
Revises: 0002_network
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002_login_sessions_rate_counts'
down_revision = '0002_network'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all before migrations existed may have these already.
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if 'loginsession' not in existing:
        _login_sessions()
    if 'ratecount' not in existing:
        _rate_counts()


def _login_sessions() -> None:
    op.create_table('loginsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginsession_user_id'), ['user_id'], unique=False)


def _rate_counts() -> None:
    op.create_table('ratecount',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'period', name='uq_ratecount_key_period')
    )
    with op.batch_alter_table('ratecount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratecount_period'), ['period'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratecount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratecount_period'))
    op.drop_table('ratecount')
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginsession_user_id'))
    op.drop_table('loginsession')
