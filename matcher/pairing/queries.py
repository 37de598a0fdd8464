"""Read-only queries behind the pairing console pages."""
from sqlalchemy import case, select

from matcher.extensions import db
from matcher.pairing.models import LIVE_PAIRING_STATUSES, Pairing, Proposal, ProposalStatus, Volunteer
from matcher.pairing.volunteers import live_loads


def volunteers_with_load() -> list[tuple[Volunteer, int]]:
    """Return every volunteer with their live pairing count, active first."""
    loads = live_loads()
    order = case({"active": 0, "applicant": 1, "paused": 2}, value=Volunteer.status, else_=3)
    rows = db.session.scalars(select(Volunteer).order_by(order, Volunteer.pseudonym))
    return [(volunteer, loads.get(volunteer.id, 0)) for volunteer in rows]


def open_proposals() -> dict:
    """Return the open proposals and the volunteers their alternatives name."""
    proposals = list(db.session.scalars(
        select(Proposal).where(Proposal.status == ProposalStatus.OPEN).order_by(Proposal.score.desc(), Proposal.id)
    ))
    ids = {a["volunteer_id"] for p in proposals for a in p.alternatives}
    named = {v.id: v for v in db.session.scalars(select(Volunteer).where(Volunteer.id.in_(ids)))} if ids else {}
    return {"proposals": proposals, "volunteers_by_id": named}


def pairings(limit: int = 500) -> list[Pairing]:
    """Return pairings, live first, newest first."""
    live_first = case((Pairing.status.in_(LIVE_PAIRING_STATUSES), 0), else_=1)
    return list(db.session.scalars(select(Pairing).order_by(live_first, Pairing.created_at.desc()).limit(limit)))


def past_volunteers(request_ids) -> dict[int, frozenset[int]]:
    """Return, per request, the volunteers an earlier pairing of it involved."""
    rows = db.session.execute(
        select(Pairing.request_id, Pairing.volunteer_id).where(Pairing.request_id.in_(list(request_ids)))
    ).all()
    past: dict[int, set[int]] = {}
    for request_id, volunteer_id in rows:
        past.setdefault(request_id, set()).add(volunteer_id)
    return {request_id: frozenset(ids) for request_id, ids in past.items()}


def open_concerns(pairing_id: int) -> dict:
    """Return a pairing's open RED escalations and its held or quarantined messages (to warn before ending)."""
    from matcher.mailrelay.models import InboundMessage, InboundState
    from matcher.safeguarding.models import Escalation, EscalationStatus, Tier

    red = db.session.scalars(select(Escalation).where(
        Escalation.pairing_id == pairing_id, Escalation.tier == Tier.RED,
        Escalation.status != EscalationStatus.RESOLVED).order_by(Escalation.created_at))
    held = db.session.scalars(select(InboundMessage).where(
        InboundMessage.pairing_id == pairing_id,
        InboundMessage.state.in_((InboundState.HELD, InboundState.QUARANTINED))).order_by(InboundMessage.received_at))
    return {"red_escalations": list(red), "held_messages": list(held)}
