"""lease tokens: a claim of an inbound or outbox row carries a token its final UPDATE must still match

Revision ID: f4a19c7e2d6b
Revises: f41a9c6e2d7b
Create Date: 2026-12-02 01:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4a19c7e2d6b'
down_revision = 'f41a9c6e2d7b'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('inbound_message', 'outbox_message'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))


def downgrade():
    for table in ('inbound_message', 'outbox_message'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('lease_token')
