"""Read-only queries behind the relay console pages."""
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage


def thread(pairing_id: int) -> list[InboundMessage]:
    """Return a pairing's messages, oldest first."""
    return list(db.session.scalars(
        select(InboundMessage).where(InboundMessage.pairing_id == pairing_id).order_by(InboundMessage.received_at)
    ))


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


def delivered_copy(row: InboundMessage) -> OutboxMessage | None:
    """Return the outbox row that carried a message on, if any."""
    return db.session.get(OutboxMessage, row.outbox_id) if row.outbox_id else None



