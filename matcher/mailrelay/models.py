"""The relay's records: the outbox's messages, masked addresses, inbound messages and thread ids."""
import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.columns import UTCDateTime, str_enum, utcnow
from matcher.crypto import EncryptedBytes, EncryptedJSON, EncryptedText
from matcher.extensions import Model

if TYPE_CHECKING:  # relationships name the model; importing it at run time is not needed
    from matcher.pairing.models import Pairing


class OutboxStatus(enum.StrEnum):
    """Delivery state of one outgoing message."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    KEPT_LOCALLY = "kept_locally"
    FAILED = "failed"
    BOUNCED = "bounced"   # accepted, then bounced back to our VERP address


class Priority(enum.IntEnum):
    """Lower goes first: safeguarding alerts before everything else."""

    ALERT = 0
    PERSON = 10
    RELAY = 20
    DIGEST = 30


class OutboxMessage(Model):
    """One complete RFC 5322 message and its envelope, waiting or delivered."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "priority", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=Priority.PERSON)
    envelope_from: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(EncryptedText)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    raw: Mapped[bytes] = mapped_column(EncryptedBytes)
    # The text part as queued, so the thread's later messages read it without parsing `raw` again.
    text: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by each claim; the sender's final UPDATE must still match it (matcher/leases.py, fencing).
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)


class Party(enum.StrEnum):
    """The two sides of a pairing."""

    REQUESTER = "requester"
    VOLUNTEER = "volunteer"

    @property
    def other(self) -> "Party":
        """Return the other side."""
        return Party.VOLUNTEER if self is Party.REQUESTER else Party.REQUESTER


class MaskedAddress(Model):
    """A plus-address one party writes to; what arrives there goes to the other party.

    Revoked addresses stay, so late mail to them is recognised and sent to
    coordinators rather than treated as unknown.
    """

    __tablename__ = "masked_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    writer: Mapped[Party] = mapped_column(str_enum(Party))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pairing: Mapped["Pairing"] = relationship("Pairing")


class InboundState(enum.StrEnum):
    """What became of one inbound message."""

    RECEIVED = "received"        # stored, not yet decided (resumed after a crash)
    DELIVERED = "delivered"      # an anonymised copy is in the outbox
    HELD = "held"                # waits for a coordinator before it can go
    QUARANTINED = "quarantined"  # must not go to the other party as it is
    IGNORED = "ignored"          # automatic mail: auto-replies, receipts, lists
    BOUNCE = "bounce"            # a bounce of our own mail
    RETURNED = "returned"        # a coordinator sent it back to its writer
    DISCARDED = "discarded"      # a coordinator decided it goes nowhere
    FOR_COORDINATORS = "for_coordinators"  # a volunteer's concern: never relayed


class InboundMessage(Model):
    """One message as it arrived: raw bytes first, then what was decided and sent.

    The dedupe key (Message-ID, content hash and recipient) makes a repeat from
    any adapter the same row, so it is never delivered twice.
    """

    __tablename__ = "inbound_message"
    __table_args__ = (
        # Serves the thread page and the "waiting for a reply" query without touching the rows.
        Index("ix_inbound_message_pairing_party_received", "pairing_id", "sender_party", "received_at",
              postgresql_include=["state"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    adapter: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(320))
    message_id: Mapped[str | None] = mapped_column(String(300))
    raw: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    size: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    state: Mapped[InboundState] = mapped_column(str_enum(InboundState), default=InboundState.RECEIVED, index=True)
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"), index=True)
    sender_party: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    removals: Mapped[list[str]] = mapped_column(JSON, default=list)
    flags: Mapped[list[dict]] = mapped_column(EncryptedJSON, default=list)  # quote the words that raised them
    subject: Mapped[str | None] = mapped_column(EncryptedText)
    clean_text: Mapped[str | None] = mapped_column(EncryptedText)
    edited_text: Mapped[str | None] = mapped_column(EncryptedText)
    # The text as read, before any cut (at most MATCHER_RELAY_READ_TEXT_CHARS): later messages of the
    # thread recognise quotes and learn signatures from it without parsing `raw` again.
    read_text: Mapped[str | None] = mapped_column(EncryptedText)
    attachments: Mapped[list[dict]] = mapped_column(EncryptedJSON, default=list)  # file names can carry names
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by each claim; the outcome commits only if the row still carries it (matcher/leases.py, fencing).
    lease_token: Mapped[str | None] = mapped_column(String(32))
    # Claims so far: after MATCHER_RELAY_MAX_ATTEMPTS unfinished ones the message is quarantined.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pairing: Mapped["Pairing | None"] = relationship("Pairing")


class ThreadId(Model):
    """A Message-ID as one party knows it, tied to the message it stands for.

    Each side sees only its own ids and ours, so In-Reply-To and References are
    translated through this table and nothing from the other side crosses.
    """

    __tablename__ = "thread_id"
    __table_args__ = (UniqueConstraint("pairing_id", "party", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("pairing.id"), index=True)
    party: Mapped[Party] = mapped_column(str_enum(Party))
    message_id: Mapped[str] = mapped_column(String(300))
    canonical: Mapped[str] = mapped_column(String(64), index=True)
