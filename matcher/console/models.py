"""Coordinators and the audit trail of what they do."""
import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.columns import UTCDateTime, str_enum, utcnow
from matcher.extensions import Model


class CoordinatorRole(enum.StrEnum):
    """What a coordinator may do."""

    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Coordinator(UserMixin, Model):
    """A member of staff who signs in to the console."""

    __tablename__ = "coordinator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[CoordinatorRole] = mapped_column(
        str_enum(CoordinatorRole), default=CoordinatorRole.COORDINATOR
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hashes of unused one-time recovery codes.
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_totp_step: Mapped[int | None] = mapped_column(Integer)
    # Part of every session's user id: raising it ends every open session of this coordinator.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def get_id(self) -> str:
        """Name this coordinator and session generation in the session cookie (Flask-Login)."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:
        """Let Flask-Login refuse a disabled account."""
        return self.active

    @property
    def has_second_factor(self) -> bool:
        """Say whether TOTP is set up and confirmed."""
        return bool(self.totp_secret and self.totp_confirmed_at)

    @property
    def is_admin(self) -> bool:
        """Say whether this coordinator has the admin role."""
        return self.role == CoordinatorRole.ADMIN


class SignInThrottle(Model):
    """Failed sign-in attempts on one account from one source, and the pause they earned.

    `source` is a keyed hash of the client address (never the address itself), or "*" for
    second-factor failures from every source together.
    """

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("coordinator_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinator.id"))
    source: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Model):
    """An append-only record of an action: who, what, to which record, when.

    `detail` holds identifiers and decisions, never message text or addresses.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("coordinator.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The pairing an action concerns, when it concerns one, so the log can be searched by pairing.
    pairing_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    coordinator: Mapped["Coordinator | None"] = relationship("Coordinator")
