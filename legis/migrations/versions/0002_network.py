"""contact point network: submissions up the tree, referrals out, report level per tree

Revision ID: 0002_network
Revises: 0002_i19p_drafts_in
Create Date: 2026-11-30 03:37:30.780575
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002_network'
down_revision = '0002_privacy_review'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all before migrations existed may have these already.
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())

    def has_column(table: str, column: str) -> bool:
        return column in {c['name'] for c in inspector.get_columns(table)}

    if 'referralbody' not in tables:
        op.create_table('referralbody',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name')
        )

    if 'referral' not in tables:
        op.create_table('referral',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('answered_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(['body_id'], ['referralbody.id'], ),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('referral', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_referral_body_id'), ['body_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_referral_draft_id'), ['draft_id'], unique=False)

    if 'submission' not in tables:
        op.create_table('submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('contact_point_id', sa.Integer(), nullable=False),
        sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('cover_note', sa.Text(), nullable=False),
        sa.Column('return_note', sa.Text(), nullable=False),
        sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('submitted_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_point_id'], ['contactpoint.id'], ),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('draft_id', 'contact_point_id')
        )
        with op.batch_alter_table('submission', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_submission_contact_point_id'), ['contact_point_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_submission_draft_id'), ['draft_id'], unique=False)

    if 'submissionversion' not in tables:
        op.create_table('submissionversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('submitted_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('document', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('submission_id', 'number')
        )
        with op.batch_alter_table('submissionversion', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_submissionversion_submission_id'), ['submission_id'], unique=False)

    if 'submissionitem' not in tables:
        op.create_table('submissionitem',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=True),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('comment_ids', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], ),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('submissionitem', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_submissionitem_submission_id'), ['submission_id'], unique=False)

    if 'referralopinion' not in tables:
        op.create_table('referralopinion',
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('opinion_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['opinion_id'], ['opinion.id'], ),
        sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
        sa.PrimaryKeyConstraint('referral_id', 'opinion_id')
        )
        with op.batch_alter_table('referralopinion', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_referralopinion_opinion_id'), ['opinion_id'], unique=False)

    if 'ix_comment_draft_point' not in {i['name'] for i in inspector.get_indexes('comment')}:
        with op.batch_alter_table('comment', schema=None) as batch_op:
            batch_op.create_index('ix_comment_draft_point',
                                  ['draft_id', 'contact_point_id', 'excluded', 'opinion_id'],
                                  unique=False)

    if not has_column('contactpoint', 'report_level'):
        with op.batch_alter_table('contactpoint', schema=None) as batch_op:
            batch_op.add_column(sa.Column('report_level', sqlmodel.sql.sqltypes.AutoString(length=4),
                                          nullable=False, server_default='站'))

    if not has_column('draft', 'points_deadline'):
        with op.batch_alter_table('draft', schema=None) as batch_op:
            batch_op.add_column(sa.Column('points_deadline', sa.Date(), nullable=True))

    if not has_column('user', 'body_id'):
        with op.batch_alter_table('user', schema=None) as batch_op:
            batch_op.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key('fk_user_body_id', 'referralbody', ['body_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_draft_point')

    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_user_body_id', type_='foreignkey')
        batch_op.drop_column('body_id')

    with op.batch_alter_table('draft', schema=None) as batch_op:
        batch_op.drop_column('points_deadline')

    with op.batch_alter_table('contactpoint', schema=None) as batch_op:
        batch_op.drop_column('report_level')

    with op.batch_alter_table('referralopinion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referralopinion_opinion_id'))

    op.drop_table('referralopinion')
    with op.batch_alter_table('submissionitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissionitem_submission_id'))

    op.drop_table('submissionitem')
    with op.batch_alter_table('submissionversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissionversion_submission_id'))

    op.drop_table('submissionversion')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_draft_id'))
        batch_op.drop_index(batch_op.f('ix_submission_contact_point_id'))

    op.drop_table('submission')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_draft_id'))
        batch_op.drop_index(batch_op.f('ix_referral_body_id'))

    op.drop_table('referral')
    op.drop_table('referralbody')
    # ### end Alembic commands ###
