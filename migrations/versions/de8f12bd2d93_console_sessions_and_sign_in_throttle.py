"""console sessions and sign-in throttle

Revision ID: de8f12bd2d93
Revises: 75e2b097ac5a
Create Date: 2026-11-22 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de8f12bd2d93'
down_revision = '75e2b097ac5a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('coordinator', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
