"""pairing.hand_note: a coordinator's reason for pairing by hand, encrypted, out of the plain reasons list

Revision ID: c8b2ff864eaa
Revises: f4a19c7e2d6b
Create Date: 2026-12-02 04:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from matcher.crypto import EncryptedText

# revision identifiers, used by Alembic.
revision = 'c8b2ff864eaa'
down_revision = 'f4a19c7e2d6b'
branch_labels = None
depends_on = None

PREFIX = "Paired by hand: "
HAND_REASON = "Paired by hand against the rules above; the coordinator's reason is kept with the pairing"
pairing = sa.table('pairing', sa.column('id', sa.Integer), sa.column('reasons', sa.JSON),
                   sa.column('hand_note', EncryptedText()))


def upgrade():
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hand_note', sa.Text(), nullable=True))
    connection = op.get_bind()
    # Pairings made by hand before this kept the coordinator's words in the plain JSON list; move them.
    for row in connection.execute(sa.select(pairing.c.id, pairing.c.reasons)).all():
        notes = [r[len(PREFIX):] for r in row.reasons or [] if isinstance(r, str) and r.startswith(PREFIX)]
        if notes:
            kept = [r for r in row.reasons if not (isinstance(r, str) and r.startswith(PREFIX))]
            connection.execute(pairing.update().where(pairing.c.id == row.id).values(
                reasons=[*kept, HAND_REASON], hand_note="\n".join(notes)))


def downgrade():
    connection = op.get_bind()
    for row in connection.execute(sa.select(pairing.c.id, pairing.c.reasons, pairing.c.hand_note)
                                  .where(pairing.c.hand_note.is_not(None))).all():
        kept = [r for r in row.reasons or [] if r != HAND_REASON]
        connection.execute(pairing.update().where(pairing.c.id == row.id).values(
            reasons=[*kept, PREFIX + row.hand_note]))
    with op.batch_alter_table('pairing', schema=None) as batch_op:
        batch_op.drop_column('hand_note')
