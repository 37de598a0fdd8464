"""link versions: revocable links for volunteers and requesters

Revision ID: a1c3e5f70b01
Revises: b7e4c2a91f03
Create Date: 2026-11-23 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1c3e5f70b01'
down_revision = 'b7e4c2a91f03'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing link was signed without a version, which reads as 0: they keep working.
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_column('link_version')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_column('link_version')
