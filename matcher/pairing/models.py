"""Volunteers, proposals and pairings."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.columns import UTCDateTime, str_enum, utcnow
from matcher.crypto import EncryptedText
from matcher.extensions import Model
from matcher.intake.models import SupportRequest, new_public_id


class VolunteerStatus(enum.StrEnum):
    """Where a volunteer stands."""

    APPLICANT = "applicant"
    ACTIVE = "active"
    PAUSED = "paused"
    RETIRED = "retired"


class Volunteer(Model):
    """A trained peer supporter who has recovered from what requesters face."""

    __tablename__ = "volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    pseudonym: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(32))
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    experiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # The language of their pages and emails (a catalogue's locale code); None is English.
    locale: Mapped[str | None] = mapped_column(String(16))
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    trained_on: Mapped[date | None] = mapped_column(Date)
    checks_expire_on: Mapped[date | None] = mapped_column(Date)
    supervision_due_on: Mapped[date | None] = mapped_column(Date)
    paused_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[VolunteerStatus] = mapped_column(
        str_enum(VolunteerStatus), default=VolunteerStatus.APPLICANT, index=True
    )
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    # Signed into every volunteer link; raising it revokes every link mailed so far.
    link_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    application: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    pairings: Mapped[list["Pairing"]] = relationship("Pairing", back_populates="volunteer")


class PairingStatus(enum.StrEnum):
    """The life of a pairing."""

    INTRODUCED = "introduced"   # approved; waiting for the volunteer to confirm
    ACTIVE = "active"
    DECLINED = "declined"       # the volunteer declined or did not answer in time
    ENDED = "ended"


LIVE_PAIRING_STATUSES = (PairingStatus.INTRODUCED, PairingStatus.ACTIVE)
_LIVE_SQL = "status IN ('introduced', 'active')"


class Moderation(enum.StrEnum):
    """How closely coordinators watch a pairing's messages."""

    REVIEW_ALL = "review_all"
    REVIEW_FLAGGED = "review_flagged"
    AUDIT_ONLY = "audit_only"


class Pairing(Model):
    """A requester and a volunteer writing to each other through the relay."""

    __tablename__ = "pairing"
    __table_args__ = (
        # One live pairing per request, enforced by the database.
        Index("uq_pairing_live_request", "request_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"), index=True)
    status: Mapped[PairingStatus] = mapped_column(
        str_enum(PairingStatus), default=PairingStatus.INTRODUCED, index=True
    )
    moderation: Mapped[Moderation] = mapped_column(str_enum(Moderation), default=Moderation.REVIEW_FLAGGED)
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirm_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    planned_end_on: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(64))
    end_note: Mapped[str | None] = mapped_column(EncryptedText)
    # Why a coordinator paired by hand against the rules: their own words, which can name people, so
    # encrypted like every other free text and erased with the pairing's messages (`reasons` is plain JSON).
    hand_note: Mapped[str | None] = mapped_column(EncryptedText)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped["SupportRequest"] = relationship("SupportRequest")
    volunteer: Mapped["Volunteer"] = relationship("Volunteer", back_populates="pairings")

    @property
    def is_live(self) -> bool:
        """Say whether the pairing is introduced or active."""
        return self.status in LIVE_PAIRING_STATUSES


class ProposalStatus(enum.StrEnum):
    """What a coordinator did with a proposal."""

    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Proposal(Model):
    """One suggested pair from a batch, with its explanation and alternatives."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(String(32), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_request.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"volunteer_id": int, "score": float, "reasons": [str]}], best first
    alternatives: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus), default=ProposalStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped["SupportRequest"] = relationship("SupportRequest")
    volunteer: Mapped["Volunteer"] = relationship("Volunteer")
