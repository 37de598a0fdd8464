"""Read-only queries behind the relay console pages."""
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState

THREAD_PAGE = 100


def thread(pairing_id: int, limit: int = THREAD_PAGE) -> tuple[list[InboundMessage], int]:
    """Return a pairing's newest messages (oldest first on the page) and how many are older.

    The raw bytes are not loaded: the page never shows them, and with encryption on
    each would be decrypted for nothing.
    """
    total = db.session.scalar(select(func.count(InboundMessage.id)).where(InboundMessage.pairing_id == pairing_id)) or 0
    rows = list(db.session.scalars(
        select(InboundMessage).options(defer(InboundMessage.raw))
        .where(InboundMessage.pairing_id == pairing_id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()).limit(limit)
    ))
    return rows[::-1], max(0, total - len(rows))


def _severity(row: InboundMessage) -> int:
    tiers = {flag.get("tier") for flag in row.flags or []}
    for rank, tier in enumerate(("red", "amber", "boundary")):
        if tier in tiers:
            return rank
    return 3


def held(limit: int = 500) -> list[InboundMessage]:
    """Return held and quarantined messages, most serious first, then oldest."""
    rows = list(db.session.scalars(
        select(InboundMessage)
        .where(InboundMessage.state.in_((InboundState.HELD, InboundState.QUARANTINED)))
        .order_by(InboundMessage.received_at).limit(limit)
    ))
    return sorted(rows, key=lambda row: (_severity(row), row.received_at))
