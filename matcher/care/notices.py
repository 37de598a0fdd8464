"""Send a notice once: the unique key is taken in the same transaction as the mail."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher.care.models import SentNotice
from matcher.columns import utcnow
from matcher.extensions import db


def already_sent(key: str) -> bool:
    """Say whether the notice with this key has gone."""
    return db.session.scalar(select(SentNotice.id).where(SentNotice.key == key)) is not None


def send_once(key: str, queue, now: datetime | None = None) -> bool:
    """Run `queue()` (which adds mail to the outbox) and commit with the key, unless sent before.

    Two job runs at once both try; the unique key lets exactly one commit.
    """
    if already_sent(key):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SentNotice(key=key[:200], sent_at=now or utcnow()))
            db.session.flush()
        queue()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
