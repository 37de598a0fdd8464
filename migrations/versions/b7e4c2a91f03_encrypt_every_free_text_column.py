"""encrypt every free-text column: subjects, flags and attachment notes become text that may hold ciphertext

Revision ID: b7e4c2a91f03
Revises: de8f12bd2d93
Create Date: 2026-12-01 21:40:00

Ciphertext is longer than the 300 characters a subject had, and JSON columns now hold
(possibly encrypted) JSON text. Stored values are kept as they are: plain values stay
readable, and `flask --app matcher keys rotate` encrypts them.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e4c2a91f03'
down_revision = 'de8f12bd2d93'
branch_labels = None
depends_on = None

SUBJECTS = ('outbox_message', 'inbound_message')
JSON_COLUMNS = (('inbound_message', 'flags'), ('inbound_message', 'attachments'),
                ('escalation', 'flags'), ('escalation', 'actions'))


def upgrade():
    for table in SUBJECTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('subject', existing_type=sa.String(length=300), type_=sa.Text())
    for table, column in JSON_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.JSON(), type_=sa.Text(),
                                  postgresql_using=f'{column}::text')


def downgrade():
    for table, column in JSON_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.JSON(),
                                  postgresql_using=f'{column}::json')
    for table in SUBJECTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('subject', existing_type=sa.Text(), type_=sa.String(length=300))
