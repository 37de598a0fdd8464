"""Opening escalations: one function every feature calls (no commit)."""
from datetime import datetime, timedelta

from flask import current_app

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.safeguarding.models import TIER_ORDER, Escalation, Tier
from matcher.safeguarding.worktime import WorkingHours, due_in_working_hours

# How soon each tier must be looked at.
DUE_WITHIN = {Tier.RED: timedelta(minutes=15), Tier.AMBER: timedelta(hours=8), Tier.NOTICE: timedelta(days=2)}


def due_at(tier: Tier, now: datetime) -> datetime:
    """Return when an escalation of this tier must have been looked at."""
    if tier == Tier.AMBER:
        return due_in_working_hours(now, working_hours())
    return now + DUE_WITHIN[tier]


def working_hours() -> WorkingHours:
    """Return the organisation's working hours and holidays from configuration."""
    config = current_app.config
    return WorkingHours(
        config["MATCHER_TIMEZONE"], start_hour=config["MATCHER_WORKING_DAY_START"],
        end_hour=config["MATCHER_WORKING_DAY_END"], country=config["MATCHER_HOLIDAY_COUNTRY"] or None,
        subdivision=config["MATCHER_HOLIDAY_SUBDIVISION"] or None, min_window=config["MATCHER_MIN_WORKING_WINDOW"])


def open_escalation(kind: str, tier: Tier, summary: str, pairing=None, request_id: int | None = None,
                    volunteer_id: int | None = None, inbound_id: int | None = None,
                    flags: list[dict] | None = None, now: datetime | None = None) -> Escalation:
    """Open an escalation in the current transaction; `summary` must hold no message text."""
    now = now or utcnow()
    escalation = Escalation(
        kind=kind, tier=tier, tier_rank=TIER_ORDER[tier], summary=summary[:300],
        pairing_id=getattr(pairing, "id", None),
        request_id=request_id or getattr(pairing, "request_id", None),
        volunteer_id=volunteer_id or getattr(pairing, "volunteer_id", None),
        inbound_id=inbound_id, flags=flags or [], created_at=now, due_at=due_at(tier, now),
    )
    db.session.add(escalation)
    db.session.flush()
    record("escalation.opened", actor="system", subject=("escalation", escalation.id),
           detail={"kind": kind, "tier": str(tier)}
           | ({"pairing": escalation.pairing_id} if escalation.pairing_id else {}))
    return escalation
