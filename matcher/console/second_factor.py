"""TOTP second factor and recovery codes for coordinators (state changes commit)."""
import hashlib
import secrets
from datetime import datetime

import pyotp
from flask import current_app

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.console.models import Coordinator
from matcher.extensions import db

RECOVERY_CODES = 10


def _hash(code: str) -> str:
    normalised = code.strip().replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class EnrolmentRefused(RuntimeError):
    """The account already has a second factor: only an admin's reset allows a new one."""


def start_enrolment(coordinator: Coordinator) -> str:
    """Give a coordinator without a second factor a new, unconfirmed TOTP secret and return it (commits)."""
    if coordinator.has_second_factor:
        # Otherwise the password alone would be enough to replace (or read) the second factor.
        raise EnrolmentRefused("this account already has a second factor")
    coordinator.totp_secret = pyotp.random_base32()
    coordinator.totp_confirmed_at = None
    db.session.commit()
    return coordinator.totp_secret


def provisioning_uri(coordinator: Coordinator) -> str:
    """Return the otpauth:// URI an authenticator app reads."""
    issuer = current_app.config["MATCHER_ORGANISATION"]
    return _totp(coordinator).provisioning_uri(name=coordinator.email, issuer_name=issuer)


def _totp(coordinator: Coordinator) -> pyotp.TOTP:
    if coordinator.totp_secret is None:  # every caller enrols the coordinator first
        raise ValueError("the coordinator has no TOTP secret")
    return pyotp.TOTP(coordinator.totp_secret)


def _valid_totp(coordinator: Coordinator, code: str, now: datetime) -> bool:
    totp = _totp(coordinator)
    code = code.strip().replace(" ", "")
    for drift in (-1, 0, 1):
        step = int(now.timestamp()) // totp.interval + drift
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            # A code is good once: a code seen over a shoulder cannot be reused.
            if coordinator.last_totp_step is not None and step <= coordinator.last_totp_step:
                return False
            coordinator.last_totp_step = step
            return True
    return False


def confirm_enrolment(coordinator: Coordinator, code: str, now: datetime | None = None) -> list[str] | None:
    """Confirm the secret with a first code; return fresh recovery codes, or None (commits)."""
    if coordinator.has_second_factor:
        return None
    if not coordinator.totp_secret or not _valid_totp(coordinator, code, now or utcnow()):
        record("console.second_factor_failed", actor=coordinator, subject=("coordinator", coordinator.id),
               detail={"enrolling": True})
        db.session.commit()
        return None
    coordinator.totp_confirmed_at = now or utcnow()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    coordinator.recovery_codes = [_hash(code) for code in codes]
    record("console.second_factor_enrolled", actor=coordinator, subject=("coordinator", coordinator.id))
    db.session.commit()
    return codes


def check_second_factor(coordinator: Coordinator, code: str, now: datetime | None = None) -> bool:
    """Accept a current TOTP code or an unused recovery code (commits)."""
    now = now or utcnow()
    if coordinator.has_second_factor and _valid_totp(coordinator, code, now):
        db.session.commit()
        return True
    hashed = _hash(code)
    if hashed in (coordinator.recovery_codes or []):
        coordinator.recovery_codes = [h for h in coordinator.recovery_codes if h != hashed]
        record("console.recovery_code_used", actor=coordinator, subject=("coordinator", coordinator.id),
               detail={"left": len(coordinator.recovery_codes)})
        db.session.commit()
        return True
    record("console.second_factor_failed", actor=coordinator, subject=("coordinator", coordinator.id))
    db.session.commit()
    return False


def reset_second_factor(coordinator: Coordinator, by: Coordinator) -> None:
    """Remove a coordinator's second factor so they enrol again, ending their sessions (admins; commits)."""
    from matcher.console.service import AccountError, end_sessions

    if not by.is_admin or by.id == coordinator.id:
        # Another admin must do it: a stolen session must not be able to swap its owner's phone.
        raise AccountError("Only another admin can reset a second factor.")
    coordinator.totp_secret = None
    coordinator.totp_confirmed_at = None
    coordinator.recovery_codes = []
    coordinator.last_totp_step = None
    end_sessions(coordinator)
    record("coordinator.second_factor_reset", actor=by, subject=("coordinator", coordinator.id))
    db.session.commit()
