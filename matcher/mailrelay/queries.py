"""Read-only queries behind the relay console pages."""
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import defer

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound.failures import plain_reason
from matcher.mailrelay.outbound.relaying import RED_BANNER, VOLUNTEER_FOOTER, concern_address
from matcher.mailrelay.reading.parse import Inbound, parse

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


# The earlier messages risk compares a new one with: enough for any thread a person quotes.
EARLIER_FOR_RISK = 200
# The relay's own mail in a pairing besides relayed copies (introductions, check-ins, notices).
OWN_MAIL_FOR_RISK = 30


@dataclass(frozen=True)
class Earlier:
    """What a new message of a pairing may quote: subjects, others' texts, the sender's own texts."""

    subjects: list[str]
    others: list[str]
    own: list[str]


def earlier_messages(pairing, before_id: int, author: str, limit: int = EARLIER_FOR_RISK) -> Earlier:
    """Return what a new message from `author` in this pairing may quote, newest first.

    The pairing's earlier messages in both directions, as read (scrubbed) and as a coordinator
    edited them: what the other party received and may quote back, and what the sender wrote and
    may quote again. Then what the relay added to relayed copies (the banner and the footer) and
    its own mail in the pairing: a first reply quotes the introduction.
    """
    rows = db.session.execute(
        select(InboundMessage.id, InboundMessage.sender_party, InboundMessage.subject, InboundMessage.clean_text,
               InboundMessage.edited_text)
        .where(InboundMessage.pairing_id == pairing.id, InboundMessage.id < before_id)
        .order_by(InboundMessage.id.desc()).limit(limit)
    ).all()
    ours = _our_mail_in_the_thread(pairing.id, [row.id for row in rows])
    added = [RED_BANNER.format(name=pairing.request.pseudonym),
             VOLUNTEER_FOOTER.format(concern=concern_address(pairing.id))]

    def texts(mine: bool) -> list[str]:
        return [text for row in rows if (row.sender_party == author) == mine
                for text in (row.clean_text, row.edited_text) if text]

    return Earlier([row.subject for row in rows if row.subject] + [mail.subject for mail in ours],
                   texts(False) + added + [mail.text for mail in ours], texts(True))


def _our_mail_in_the_thread(pairing_id: int, inbound_ids: list[int]) -> list[Inbound]:
    """The relay's own mail in this pairing, as read; relayed copies are the texts above, not parsed again."""
    about_pairing = and_(OutboxMessage.subject_type == "pairing", OutboxMessage.subject_id == pairing_id)
    about_messages = and_(OutboxMessage.subject_type == "inbound_message", OutboxMessage.subject_id.in_(inbound_ids))
    raws = db.session.scalars(
        select(OutboxMessage.raw).where(or_(about_pairing, about_messages),
                                        OutboxMessage.kind.notin_(("alert", "relay", "relay_attachment")))
        .order_by(OutboxMessage.id.desc()).limit(OWN_MAIL_FOR_RISK)
    ).all()
    return [parse(raw) for raw in raws]
