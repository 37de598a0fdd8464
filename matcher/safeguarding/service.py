"""Working an escalation: acknowledge, assign, note, act, resolve. Every step audited."""
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.safeguarding import alerts
from matcher.safeguarding.models import Escalation, EscalationNote, EscalationStatus, Tier


class EscalationError(ValueError):
    """An escalation step that cannot be taken as asked."""


def _audit(escalation: Escalation, action: str, by, detail: dict | None = None) -> None:
    detail = (detail or {}) | ({"pairing": escalation.pairing_id} if escalation.pairing_id else {})
    record(f"escalation.{action}", actor=by, subject=("escalation", escalation.id), detail=detail)


def acknowledge(escalation: Escalation, by, now: datetime | None = None) -> None:
    """Say a coordinator has seen it and is on it (commits)."""
    if escalation.status == EscalationStatus.OPEN:
        escalation.status = EscalationStatus.ACKNOWLEDGED
        escalation.acknowledged_at = now or utcnow()
        if escalation.assigned_to_id is None:
            escalation.assigned_to_id = by.id
        _audit(escalation, "acknowledged", by)
        db.session.commit()


def assign(escalation: Escalation, coordinator, by) -> None:
    """Give the escalation to a coordinator (commits)."""
    escalation.assigned_to_id = coordinator.id
    _audit(escalation, "assigned", by, {"to": coordinator.id})
    db.session.commit()


def add_note(escalation: Escalation, text: str, by) -> EscalationNote:
    """Add a coordinator's note (commits); the audit records that a note exists, not its words."""
    if not text.strip():
        raise EscalationError("Write the note first.")
    note = EscalationNote(escalation_id=escalation.id, coordinator_id=by.id, text=text.strip())
    db.session.add(note)
    _audit(escalation, "noted", by)
    db.session.commit()
    return note


def record_action(escalation: Escalation, action: str, by, now: datetime | None = None) -> None:
    """Record an action taken, such as advising 999 or a safeguarding referral (commits)."""
    actions = current_app.config["MATCHER_ESCALATION_ACTIONS"]
    if action not in actions:
        raise EscalationError("Choose an action from the list.")
    escalation.actions = [
        *(escalation.actions or []), {"action": action, "by": by.id, "at": (now or utcnow()).isoformat()}]
    _audit(escalation, "action_recorded", by, {"action": action})
    db.session.commit()


def resolve(escalation: Escalation, by, resolution: str, now: datetime | None = None) -> None:
    """Close the escalation with a short account of the outcome (commits)."""
    if not resolution.strip():
        raise EscalationError("Say briefly how it was resolved.")
    if escalation.status == EscalationStatus.OPEN:
        escalation.acknowledged_at = now or utcnow()
    escalation.status = EscalationStatus.RESOLVED
    escalation.resolved_at = now or utcnow()
    escalation.resolution = resolution.strip()
    _audit(escalation, "resolved", by)
    db.session.commit()


def remind_overdue(now: datetime) -> int:
    """Alert again about RED escalations unacknowledged past their due time; tell coordinators of AMBER ones.

    RED: every MATCHER_RED_REALERT_EVERY until acknowledged, to the on-call address and the
    second on-call address. AMBER: once, to the coordinators' address. Returns how many went (commits).
    """
    config = current_app.config
    every = config["MATCHER_RED_REALERT_EVERY"]
    overdue = db.session.scalars(select(Escalation).where(
        Escalation.status == EscalationStatus.OPEN, Escalation.due_at <= now,
        Escalation.tier.in_((Tier.RED, Tier.AMBER))).order_by(Escalation.tier_rank, Escalation.due_at)).all()
    sent = 0
    for escalation in overdue:
        if escalation.tier == Tier.RED and _due_again(escalation, every, now):
            for recipient in filter(None, (config["MATCHER_ALERT_ADDRESS"], config["MATCHER_ALERT_SECOND_ADDRESS"])):
                alerts.queue_red_reminder(escalation, recipient, now)
        elif escalation.tier == Tier.AMBER and escalation.last_alerted_at is None:
            alerts.queue_amber_overdue(escalation, now)
        else:
            continue
        escalation.last_alerted_at = now
        record("escalation.reminded", actor="system", subject=("escalation", escalation.id),
               detail={"tier": str(escalation.tier)})
        sent += 1
    db.session.commit()
    return sent


def _due_again(escalation: Escalation, every, now: datetime) -> bool:
    return escalation.last_alerted_at is None or escalation.last_alerted_at + every <= now
