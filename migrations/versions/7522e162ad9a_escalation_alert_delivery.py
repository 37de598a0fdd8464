"""escalation alert delivery: when every alert route failed, when it was last alerted

Revision ID: 7522e162ad9a
Revises: a7c3e91d5b20
Create Date: 2026-12-02 00:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7522e162ad9a'
down_revision = 'a7c3e91d5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_undelivered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_alerted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_column('last_alerted_at')
        batch_op.drop_column('alert_undelivered_at')
