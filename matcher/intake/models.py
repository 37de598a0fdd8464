"""A person's request for support."""
import enum
import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from matcher.columns import UTCDateTime, str_enum, utcnow
from matcher.crypto import EncryptedText
from matcher.extensions import Model


class RequestStatus(enum.StrEnum):
    """Where a request stands."""

    UNCONFIRMED = "unconfirmed"
    WAITING = "waiting"
    PAIRED = "paired"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


# The safety answer of a request moved from a spreadsheet: nobody has asked yet.
NOT_ASKED = "not_asked"

# Statuses in which an address may hold only one request at a time.
OPEN_STATUSES = (RequestStatus.UNCONFIRMED, RequestStatus.WAITING, RequestStatus.PAIRED)
_OPEN_SQL = "status IN ('unconfirmed', 'waiting', 'paired')"


def new_public_id() -> str:
    """Return an unguessable identifier for links and references."""
    return secrets.token_urlsafe(16)


class SupportRequest(Model):
    """One person's request to be paired with a peer supporter."""

    __tablename__ = "support_request"
    __table_args__ = (
        Index(
            "uq_support_request_open_email",
            "email",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        # The console's queue order: state, risk holds first, then longest waiting.
        Index("ix_support_request_queue", "status", "risk_hold", "requested_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    pseudonym: Mapped[str] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32))
    experiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8))
    # The language of the pages the person used to ask (e.g. "fr_CA"): every email to them is in it.
    locale: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    hopes: Mapped[str | None] = mapped_column(EncryptedText)
    care_team: Mapped[str | None] = mapped_column(String(16))
    safety_answer: Mapped[str] = mapped_column(String(16), default="no")
    risk_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.UNCONFIRMED, index=True
    )
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a volunteer declined or never answered: served before everyone else.
    front_of_queue: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the form last mailed this address (confirmation or "already listed"), to bound repeats.
    form_mail_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signed into every status and confirmation link; raising it revokes every link mailed so far.
    link_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def needs_screening(self) -> bool:
        """Say whether the person has yet to give consent and answer the safety question (imported rows)."""
        return self.consented_at is None or self.safety_answer == NOT_ASKED
