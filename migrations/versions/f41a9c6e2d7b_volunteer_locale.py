"""volunteer locale: the language of a volunteer's pages and of every email they get

Revision ID: f41a9c6e2d7b
Revises: c93e5d17a4b8
Create Date: 2026-12-02 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f41a9c6e2d7b'
down_revision = 'c93e5d17a4b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_column('locale')
