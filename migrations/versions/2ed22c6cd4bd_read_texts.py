"""read texts: an inbound message's text as read, an outbox message's text as queued

Later messages of a thread recognise quotes and learn signatures from these instead of parsing
every earlier raw message again (issue 15). Both are encrypted like the raw bytes and erased with them.

Revision ID: 2ed22c6cd4bd
Revises: c8b2ff864eaa
Create Date: 2026-12-02 04:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2ed22c6cd4bd'
down_revision = 'c8b2ff864eaa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_text', sa.Text(), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('text')
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('read_text')
