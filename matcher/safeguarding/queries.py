"""Read-only queries for the supervision dashboard, the escalation queue and the audit log."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.mailrelay.models import InboundMessage, InboundState
from matcher.pairing.models import Pairing, PairingStatus
from matcher.safeguarding.models import Escalation, EscalationStatus

OPEN = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)
# The messages that count as written to the other side when asking who is waiting for a reply.
_AWAITING_REPLY = (InboundState.DELIVERED, InboundState.HELD)


def escalation_queue(limit: int = 200) -> list[Escalation]:
    """Return open escalations, RED first, then oldest first."""
    return list(db.session.scalars(
        select(Escalation).options(selectinload(Escalation.assigned_to)).where(Escalation.status.in_(OPEN))
        .order_by(Escalation.tier_rank, Escalation.created_at, Escalation.id).limit(limit)
    ))


@dataclass(frozen=True)
class Overview:
    """The figures at the top of the dashboard."""

    escalations: list[Escalation]
    counts_by_tier: dict[str, int]
    held: int
    waiting: int
    longest_wait_since: datetime | None
    silent_pairings: list[int]  # pairing ids


def overview(now: datetime, reply_within: timedelta) -> Overview:
    """Gather what a coordinator must see first."""
    queue = escalation_queue()
    counts: dict[str, int] = {}
    for escalation in queue:
        counts[str(escalation.tier)] = counts.get(str(escalation.tier), 0) + 1
    held = db.session.scalar(select(func.count(InboundMessage.id)).where(
        InboundMessage.state.in_((InboundState.HELD, InboundState.QUARANTINED))))
    waiting = db.session.scalar(select(func.count(SupportRequest.id))
                                .where(SupportRequest.status == RequestStatus.WAITING))
    longest = db.session.scalar(select(func.min(SupportRequest.requested_on)).where(
        SupportRequest.status == RequestStatus.WAITING))
    return Overview(queue, counts, held or 0, waiting or 0, longest, pairings_without_reply(now, reply_within))


def pairings_without_reply(now: datetime, reply_within: timedelta) -> list[int]:
    """Return the ids of active pairings whose requester wrote last and has waited too long for a reply.

    Two index probes per active pairing (the newest counted message of each side, read backwards on
    ix_inbound_message_pairing_party_received), so the cost follows the live pairings, never the history.
    """
    def newest_from(party: str):
        return (select(func.max(InboundMessage.received_at))
                .where(InboundMessage.pairing_id == Pairing.id, InboundMessage.sender_party == party,
                       InboundMessage.state.in_(_AWAITING_REPLY))
                .correlate(Pairing).scalar_subquery())

    newest = (select(Pairing.id.label("id"), newest_from("requester").label("requester"),
                     newest_from("volunteer").label("volunteer"))
              .where(Pairing.status == PairingStatus.ACTIVE).subquery())
    return list(db.session.scalars(
        select(newest.c.id).where(newest.c.requester < now - reply_within,
                                  newest.c.volunteer.is_(None) | (newest.c.volunteer <= newest.c.requester))
        .order_by(newest.c.id)))


def audit_events(coordinator_id: int | None = None, pairing_id: int | None = None, action: str | None = None,
                 limit: int = 500) -> list[AuditEvent]:
    """Search the audit log, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if coordinator_id:
        query = query.where(AuditEvent.coordinator_id == coordinator_id)
    if pairing_id:
        query = query.where(AuditEvent.pairing_id == pairing_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip()))
    return list(db.session.scalars(query))
