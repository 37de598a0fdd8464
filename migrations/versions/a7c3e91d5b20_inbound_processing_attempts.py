"""inbound processing attempts

Revision ID: a7c3e91d5b20
Revises: b4d2f6a81c02
Create Date: 2026-11-23 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e91d5b20'
down_revision = 'b4d2f6a81c02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('attempts')
