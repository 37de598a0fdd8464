"""The earlier messages of a pairing, as text, for recognising quoted history (read-only I/O).

The relay stores every message of a pairing in both directions: what each side wrote (inbound, raw)
and what each side received (the outbox's copies and the introductions). A reply that reproduces any
of them is quoting history, whatever language surrounds it; the anonymiser itself stays pure and is
handed these texts.
"""
from dataclasses import dataclass

from sqlalchemy import or_, select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.reading.parse import parse

# The newest messages are the ones a reply quotes; older ones cost reading time and add little.
RECENT = 12
# An earlier message larger than this is not parsed again for every later one (its read text is
# used instead): one long letter would otherwise cost every reply in the pairing seconds.
REPARSE_BYTES = 64 * 1024
# Messages still being read, and automatic mail, are nothing a person quotes.
_NOT_HISTORY = (InboundState.RECEIVED, InboundState.IGNORED, InboundState.BOUNCE)


@dataclass(frozen=True)
class ThreadSoFar:
    """The texts of a pairing's earlier messages: all of them, and the ones this sender wrote."""

    earlier: tuple[str, ...] = ()
    own: tuple[str, ...] = ()


def thread_so_far(pairing_id: int, author: str, current_id: int, max_chars: int) -> ThreadSoFar:
    """Return the texts of the pairing's recent messages before this one, both ways, each cut to max_chars."""
    rows = list(db.session.scalars(
        select(InboundMessage).where(InboundMessage.pairing_id == pairing_id, InboundMessage.id != current_id,
                                     InboundMessage.raw.is_not(None), InboundMessage.state.not_in(_NOT_HISTORY))
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()).limit(RECENT)))
    own = tuple(_inbound_text(row, max_chars) for row in rows if row.sender_party == author)
    wrote = tuple(_inbound_text(row, max_chars) for row in rows if row.sender_party != author)
    copies = db.session.scalars(
        select(OutboxMessage.raw).where(or_(
            (OutboxMessage.subject_type == "inbound_message") & OutboxMessage.subject_id.in_([r.id for r in rows]),
            (OutboxMessage.subject_type == "pairing") & (OutboxMessage.subject_id == pairing_id)))
        .order_by(OutboxMessage.id.desc()).limit(RECENT * 2))
    received = tuple(_text(raw, max_chars) for raw in copies if raw and len(raw) <= REPARSE_BYTES)
    return ThreadSoFar(tuple(text for text in (*own, *wrote, *received) if text), tuple(t for t in own if t))


def _inbound_text(row: InboundMessage, max_chars: int) -> str:
    """Return what the writer wrote, parsed again when small, else as the relay read it."""
    if row.size is not None and row.size > REPARSE_BYTES:
        return (row.clean_text or "")[:max_chars]
    return _text(row.raw, max_chars)


def _text(raw: bytes | None, max_chars: int) -> str:
    return (parse(raw or b"").text or "")[:max_chars]
