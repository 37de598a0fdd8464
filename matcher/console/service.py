"""Coordinator accounts: creation, sign-in with per-source backoff, sessions."""
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from matcher.columns import utcnow
from matcher.console import throttle
from matcher.console.audit import record
from matcher.console.models import Coordinator, CoordinatorRole
from matcher.console.passwords import password_problem
from matcher.extensions import db


@cache
def _dummy_hash() -> str:
    """Return a hash to check against when the email is unknown, so a miss costs what a hit does."""
    # Made on first use, not at import: every `relay receive` process imports this module.
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


class AccountError(ValueError):
    """A coordinator account could not be created or changed as asked."""

    def __init__(self, message: str, wrong_password: bool = False):
        super().__init__(message)
        self.wrong_password = wrong_password


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt."""

    coordinator: Coordinator | None
    throttled: bool = False


def find_coordinator(email: str) -> Coordinator | None:
    """Return the coordinator with this address, ignoring case."""
    return db.session.scalar(select(Coordinator).where(func.lower(Coordinator.email) == email.strip().lower()))


def create_coordinator(email: str, password: str, role: str = "coordinator",
                       by: Coordinator | None = None) -> Coordinator:
    """Create a coordinator with a hashed password, or raise AccountError."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("That is not an email address.")
    _check_password(password, email)
    if find_coordinator(email) is not None:
        raise AccountError("A coordinator with that email already exists.")
    coordinator = Coordinator(
        email=email,
        password_hash=_hash(password),
        role=CoordinatorRole(role),
    )
    db.session.add(coordinator)
    db.session.flush()
    record("coordinator.created", actor=by or "system", subject=("coordinator", coordinator.id),
           detail={"role": str(coordinator.role)})
    db.session.commit()
    return coordinator


def sign_in(email: str, password: str, source: str | None, now: datetime | None = None) -> SignIn:
    """Check a password, pausing guesses from one source after too many failures (commits)."""
    now = now or utcnow()
    coordinator = find_coordinator(email)
    # Always one hash, whatever the outcome, so the time taken says nothing about the account.
    if coordinator is None or not coordinator.active:
        check_password_hash(_dummy_hash(), password)
        # No address in the record: a typo or a guess would otherwise put one in the audit trail.
        record("console.login_failed", actor="unknown account", detail={"known": False})
        db.session.commit()
        return SignIn(None)
    matches = check_password_hash(coordinator.password_hash, password)
    if throttle.blocked_until(coordinator, [source], now):
        record("console.login_throttled", actor=coordinator, subject=("coordinator", coordinator.id))
        db.session.commit()
        return SignIn(None, throttled=True)
    if not matches:
        paused = throttle.count_failure(coordinator, [source], now)
        record("console.login_failed", actor=coordinator, subject=("coordinator", coordinator.id),
               detail={"paused": paused})
        db.session.commit()
        return SignIn(None, throttled=paused)
    return SignIn(coordinator)


def complete_sign_in(coordinator: Coordinator, source: str | None, now: datetime | None = None) -> None:
    """Record a finished sign-in (password and, where set, second factor) (commits)."""
    throttle.clear(coordinator, [source, throttle.ANY_SOURCE])
    coordinator.last_login_at = now or utcnow()
    record("console.login", actor=coordinator, subject=("coordinator", coordinator.id))
    db.session.commit()


def count_code_failure(coordinator: Coordinator, source: str | None, now: datetime | None = None) -> bool:
    """Count a wrong second-factor code from this source and from all; say whether paused (commits)."""
    paused = throttle.count_failure(coordinator, [source, throttle.ANY_SOURCE], now or utcnow())
    db.session.commit()
    return paused


def code_paused(coordinator: Coordinator, source: str | None, now: datetime | None = None) -> bool:
    """Say whether code entry for this account is paused, from this source or from all."""
    return throttle.blocked_until(coordinator, [source, throttle.ANY_SOURCE], now or utcnow()) is not None


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


def change_password(coordinator: Coordinator, current: str, new: str, source: str | None,
                    now: datetime | None = None) -> None:
    """Change a coordinator's own password, given the current one; ends every session (commits)."""
    now = now or utcnow()
    # A session left open must not be enough to guess the password it was opened with.
    paused = throttle.blocked_until(coordinator, [source], now)
    if paused or not check_password_hash(coordinator.password_hash, current):
        throttle.count_failure(coordinator, [source], now)
        record("console.password_change_failed", actor=coordinator, subject=("coordinator", coordinator.id))
        db.session.commit()
        raise AccountError("That is not your current password.", wrong_password=True)
    _check_password(new, coordinator.email)
    coordinator.password_hash = _hash(new)
    end_sessions(coordinator)
    record("console.password_changed", actor=coordinator, subject=("coordinator", coordinator.id))
    db.session.commit()


def reset_password(coordinator: Coordinator, new: str, by: Coordinator) -> None:
    """Give a coordinator a new password and end their sessions (another admin only; commits)."""
    if not by.is_admin or by.id == coordinator.id:
        raise AccountError("Only another admin can reset a password; change your own from your account page.")
    _check_password(new, coordinator.email)
    coordinator.password_hash = _hash(new)
    end_sessions(coordinator)
    record("coordinator.password_reset", actor=by, subject=("coordinator", coordinator.id))
    db.session.commit()


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password, [email, current_app.config["MATCHER_ORGANISATION"]])
    if problem:
        raise AccountError(problem)


def _hash(password: str) -> str:
    return generate_password_hash(password, method="scrypt")
