"""request locale: the language of the pages a person asked in, for every email they get

Revision ID: c93e5d17a4b8
Revises: a7c3e91d5b20
Create Date: 2026-12-02 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c93e5d17a4b8'
down_revision = '7522e162ad9a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_column('locale')
