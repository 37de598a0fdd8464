"""Escalations: what a coordinator must look at, by tier and age."""
import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.columns import UTCDateTime, str_enum, utcnow
from matcher.crypto import EncryptedJSON, EncryptedText
from matcher.extensions import Model

if TYPE_CHECKING:  # relationships name the models; importing them at run time is not needed
    from matcher.console.models import Coordinator
    from matcher.pairing.models import Pairing


class Tier(enum.StrEnum):
    """How urgent an escalation is; RED first."""

    RED = "red"
    AMBER = "amber"
    NOTICE = "notice"


TIER_ORDER = {Tier.RED: 0, Tier.AMBER: 1, Tier.NOTICE: 2}


class EscalationStatus(enum.StrEnum):
    """Where an escalation stands."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Escalation(Model):
    """Something a coordinator must act on. It holds no message text."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    tier: Mapped[Tier] = mapped_column(str_enum(Tier), index=True)
    tier_rank: Mapped[int] = mapped_column(Integer, default=2, index=True)
    status: Mapped[EscalationStatus] = mapped_column(
        str_enum(EscalationStatus), default=EscalationStatus.OPEN, index=True
    )
    summary: Mapped[str] = mapped_column(String(300))
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("pairing.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("support_request.id"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer.id"))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_message.id"))
    flags: Mapped[list[dict]] = mapped_column(EncryptedJSON, default=list)
    actions: Mapped[list[dict]] = mapped_column(EncryptedJSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(EncryptedText)
    # Set while every route for this escalation's alert has failed (the dashboard says so).
    alert_undelivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the on-call address was last alerted about it again (RED) or the coordinators told (AMBER).
    last_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pairing: Mapped["Pairing | None"] = relationship("Pairing")
    assigned_to: Mapped["Coordinator | None"] = relationship("Coordinator", foreign_keys=[assigned_to_id])


class EscalationNote(Model):
    """A coordinator's note on an escalation."""

    __tablename__ = "escalation_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(EncryptedText)
