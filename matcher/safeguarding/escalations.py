"""Opening escalations: one function every feature calls (no commit)."""
from datetime import datetime, timedelta

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.safeguarding.models import TIER_ORDER, Escalation, Tier

# How soon each tier must be looked at.
DUE_WITHIN = {Tier.RED: timedelta(minutes=15), Tier.AMBER: timedelta(hours=8), Tier.NOTICE: timedelta(days=2)}


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
        inbound_id=inbound_id, flags=flags or [], created_at=now, due_at=now + DUE_WITHIN[tier],
    )
    db.session.add(escalation)
    db.session.flush()
    record("escalation.opened", actor="system", subject=("escalation", escalation.id),
           detail={"kind": kind, "tier": str(tier)})
    return escalation
