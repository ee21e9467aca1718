"""personal data in comment text, opinion approval, withdrawn comments and paper imports

Revision ID: 0002_privacy_review
Revises: 0002_i19p_drafts_in
Create Date: 2026-11-30 03:50:00

Existing comments are scanned for personal data here, so public pages mask
what residents already wrote. Opinions staff already worked on (text edited
or decided) count as approved; the rest start 待审核.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002_privacy_review'
down_revision = '0002_i19p_drafts_in'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('paperimport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('file_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['commentsession.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('paperimport', schema=None) as batch_op:
        batch_op.create_index('ix_paperimport_session_hash', ['session_id', 'file_hash'], unique=False)

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('withdrawn', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('withdrawn_reason', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_comment_import_id'), ['import_id'], unique=False)
        batch_op.create_foreign_key('fk_comment_import_id', 'paperimport', ['import_id'], ['id'])

    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('approved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    _scan_existing()


def _scan_existing() -> None:
    from legis import privacy

    bind = op.get_bind()
    comment = sa.table('comment', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                       sa.column('personal_data', sa.String))
    last = 0
    while True:
        rows = bind.execute(sa.select(comment.c.id, comment.c.text).where(comment.c.id > last)
                            .order_by(comment.c.id).limit(5000)).all()
        if not rows:
            break
        for row_id, text in rows:
            found = privacy.kinds(text or "")
            if found:
                bind.execute(comment.update().where(comment.c.id == row_id)
                             .values(personal_data="、".join(found)))
        last = rows[-1][0]
    opinion = sa.table('opinion', sa.column('approved', sa.Boolean), sa.column('text_edited', sa.Boolean),
                       sa.column('state', sa.String))
    bind.execute(opinion.update().where(sa.or_(opinion.c.text_edited.is_(True), opinion.c.state != '待研究'))
                 .values(approved=True))


def downgrade() -> None:
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by')
        batch_op.drop_column('approved')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_comment_import_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comment_import_id'))
        batch_op.drop_column('import_id')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn')
        batch_op.drop_column('awaiting_confirmation')
        batch_op.drop_column('personal_data')
    with op.batch_alter_table('paperimport', schema=None) as batch_op:
        batch_op.drop_index('ix_paperimport_session_hash')
    op.drop_table('paperimport')
