"""request form mail sent at: one confirmation mail per address per period

Revision ID: b4d2f6a81c02
Revises: a1c3e5f70b01
Create Date: 2026-11-23 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import matcher.columns

# revision identifiers, used by Alembic.
revision = 'b4d2f6a81c02'
down_revision = 'a1c3e5f70b01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_mail_sent_at', matcher.columns.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_column('form_mail_sent_at')
