"""console sessions and sign-in throttle

Revision ID: de8f12bd2d93
Revises: 75e2b097ac5a
Create Date: 2026-11-22 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import matcher.columns

# revision identifiers, used by Alembic.
revision = 'de8f12bd2d93'
down_revision = '75e2b097ac5a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', matcher.columns.UTCDateTime(), nullable=False),
    sa.Column('blocked_until', matcher.columns.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinator.id'], name=op.f('fk_sign_in_throttle_coordinator_id_coordinator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')),
    sa.UniqueConstraint('coordinator_id', 'source', name=op.f('uq_sign_in_throttle_coordinator_id'))
    )
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
        # The account-wide lock is replaced by pauses per (account, source) in sign_in_throttle.
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', matcher.columns.UTCDateTime(), nullable=True))
        batch_op.drop_column('session_generation')
    op.drop_table('sign_in_throttle')
