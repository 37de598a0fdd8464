"""Read-only queries behind the relay console pages."""
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound.failures import plain_reason

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


def undelivered(rows: list[InboundMessage]) -> dict[int, str]:
    """Return, for each message whose copy has not arrived, what the thread says instead of "delivered"."""
    outbox_ids = [row.outbox_id for row in rows if row.outbox_id is not None]
    if not outbox_ids:
        return {}
    copies = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error)
        .where(OutboxMessage.id.in_(outbox_ids))
    ).all()
    problems = {}
    for outbox_id, status, attempts, error in copies:
        if status in (OutboxStatus.FAILED, OutboxStatus.BOUNCED):
            problems[outbox_id] = f"not delivered: {plain_reason(error)}"
        elif status == OutboxStatus.PENDING and attempts and error:
            problems[outbox_id] = f"not delivered yet, still trying: {plain_reason(error)}"
    return {row.id: problems[row.outbox_id] for row in rows if row.outbox_id in problems}


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
