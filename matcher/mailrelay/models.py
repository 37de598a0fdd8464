"""The outbox: every email the system sends, kept until it is delivered."""
import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.columns import UTCDateTime, str_enum, utcnow
from matcher.extensions import db


class OutboxStatus(enum.StrEnum):
    """Delivery state of one outgoing message."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    KEPT_LOCALLY = "kept_locally"
    FAILED = "failed"


class Priority(enum.IntEnum):
    """Lower goes first: safeguarding alerts before everything else."""

    ALERT = 0
    PERSON = 10
    RELAY = 20
    DIGEST = 30


class OutboxMessage(db.Model):
    """One complete RFC 5322 message and its envelope, waiting or delivered."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "priority", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer, default=Priority.PERSON)
    envelope_from: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
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


class MaskedAddress(db.Model):
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
