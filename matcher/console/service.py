"""Coordinator accounts: creation, sign-in with lockout."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.console.models import Coordinator, CoordinatorRole
from matcher.extensions import db

MIN_PASSWORD_LENGTH = 12
# Checked against when the email is unknown, so a miss costs the same time as a hit.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class AccountError(ValueError):
    """A coordinator account could not be created as asked."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt."""

    coordinator: Coordinator | None
    locked: bool = False


def find_coordinator(email: str) -> Coordinator | None:
    """Return the coordinator with this address, ignoring case."""
    return db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == email.strip().lower()))


def create_coordinator(email: str, password: str, role: str = "coordinator",
                       by: Coordinator | None = None) -> Coordinator:
    """Create a coordinator with a hashed password, or raise AccountError."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("That is not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if find_coordinator(email) is not None:
        raise AccountError("A coordinator with that email already exists.")
    coordinator = Coordinator(
        email=email,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=CoordinatorRole(role),
    )
    db.session.add(coordinator)
    db.session.flush()
    record("coordinator.created", actor=by or "system", subject=("coordinator", coordinator.id),
           detail={"role": str(coordinator.role)})
    db.session.commit()
    return coordinator


def sign_in(email: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a password, counting failures and locking the account after too many."""
    now = now or utcnow()
    coordinator = find_coordinator(email)
    if coordinator is None or not coordinator.active:
        check_password_hash(_DUMMY_HASH, password)
        return SignIn(None)
    if coordinator.locked_until and coordinator.locked_until > now:
        record("console.login_refused_locked", actor=coordinator, subject=("coordinator", coordinator.id))
        db.session.commit()
        return SignIn(None, locked=True)
    if not check_password_hash(coordinator.password_hash, password):
        return _count_failure(coordinator, now)
    return SignIn(coordinator)


def complete_sign_in(coordinator: Coordinator, now: datetime | None = None) -> None:
    """Record a finished sign-in (password and, where set, second factor) (commits)."""
    coordinator.failed_logins = 0
    coordinator.locked_until = None
    coordinator.last_login_at = now or utcnow()
    record("console.login", actor=coordinator, subject=("coordinator", coordinator.id))
    db.session.commit()


def count_failure(coordinator: Coordinator, now: datetime | None = None) -> SignIn:
    """Count a failed password or second-factor attempt towards the lockout (commits)."""
    return _count_failure(coordinator, now or utcnow())


def is_locked(coordinator: Coordinator, now: datetime | None = None) -> bool:
    """Say whether the account is locked for now."""
    return bool(coordinator.locked_until and coordinator.locked_until > (now or utcnow()))


def _count_failure(coordinator: Coordinator, now: datetime) -> SignIn:
    config = current_app.config
    coordinator.failed_logins += 1
    locked = coordinator.failed_logins >= config["MATCHER_LOGIN_MAX_FAILURES"]
    if locked:
        coordinator.locked_until = now + config["MATCHER_LOGIN_LOCKOUT"]
        coordinator.failed_logins = 0
    record("console.login_failed", actor=coordinator, subject=("coordinator", coordinator.id),
           detail={"locked": locked})
    db.session.commit()
    return SignIn(None, locked=locked)


def end_sessions(coordinator: Coordinator) -> None:
    """Make every session cookie issued to this coordinator worthless (no commit)."""
    coordinator.session_generation = (coordinator.session_generation or 0) + 1


def sign_out(coordinator: Coordinator) -> None:
    """End the coordinator's sessions on the server and record it (commits)."""
    # The cookie is kept by the browser (and by anyone who copied it): only the server can end it.
    end_sessions(coordinator)
    record("console.logout", actor=coordinator, subject=("coordinator", coordinator.id))
    db.session.commit()


def all_coordinators() -> list[Coordinator]:
    """Return every coordinator account, by email."""
    return list(db.session.scalars(select(Coordinator).order_by(Coordinator.email)))


def deactivate_coordinator(coordinator: Coordinator, by) -> None:
    """Stop an account signing in; nothing it did is removed (commits)."""
    coordinator.active = False
    end_sessions(coordinator)
    record("coordinator.deactivated", actor=by, subject=("coordinator", coordinator.id))
    db.session.commit()
