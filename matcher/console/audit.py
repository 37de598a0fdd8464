"""Recording audit events; every service that changes state calls `record`."""
from flask_login import current_user

from matcher.console.models import AuditEvent, Coordinator
from matcher.extensions import db


def record(action: str, actor: str | Coordinator | None = None,
           subject: tuple[str, int] | None = None, detail: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (no commit).

    `actor` defaults to the signed-in coordinator; pass "system", "requester" or
    "volunteer" for actions nobody in the console took. Never put message text,
    names or addresses in `detail`.
    """
    coordinator = actor if isinstance(actor, Coordinator) else _signed_in(actor)
    event = AuditEvent(
        coordinator_id=coordinator.id if coordinator else None,
        actor=coordinator.email if coordinator else (actor or "system"),
        action=action,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        detail=detail or {},
        pairing_id=_pairing_of(subject, detail or {}),
    )
    db.session.add(event)
    return event


def _pairing_of(subject: tuple[str, int] | None, detail: dict) -> int | None:
    if subject and subject[0] == "pairing":
        return subject[1]
    pairing = detail.get("pairing")
    return pairing if isinstance(pairing, int) else None


def _signed_in(actor: str | None) -> Coordinator | None:
    if actor is not None:
        return None
    try:
        return current_user if current_user.is_authenticated else None
    except (AttributeError, RuntimeError):
        # Outside a request (CLI, scheduler) there is no signed-in user.
        return None
