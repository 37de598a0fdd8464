"""Read-only queries behind the pairing console pages."""
from sqlalchemy import case, select

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
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


def waiting_without_proposal() -> list[SupportRequest]:
    """Return waiting requests that no open proposal names, longest waiting first."""
    proposed = select(Proposal.request_id).where(Proposal.status == ProposalStatus.OPEN)
    return list(db.session.scalars(select(SupportRequest).where(
        SupportRequest.status == RequestStatus.WAITING, SupportRequest.id.not_in(proposed),
    ).order_by(SupportRequest.requested_on, SupportRequest.id)))


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
