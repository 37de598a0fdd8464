"""Read-only queries behind the pairing console pages."""
from datetime import date, timedelta

from sqlalchemy import case, select

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.listing import Listing
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


_VOLUNTEER_STATUS_ORDER = case({"active": 0, "applicant": 1, "paused": 2}, value=Volunteer.status, else_=3)
# Sort keys a coordinator can choose, each mapped to columns here: no request text reaches ORDER BY.
VOLUNTEER_SORTS = {
    "name": (Volunteer.pseudonym,),
    "status": (_VOLUNTEER_STATUS_ORDER, Volunteer.pseudonym),
    "capacity": (Volunteer.capacity, Volunteer.pseudonym),
    "checks": (Volunteer.checks_expire_on, Volunteer.pseudonym),
}
CHECKS_FILTERS = ("expired", "due_soon", "none")
CHECKS_DUE_SOON = timedelta(days=60)


def volunteer_page(listing: Listing, today: date):
    """Return a page of volunteers with their live loads, in the chosen order and filters."""
    query = select(Volunteer)
    if "status" in listing.filters:
        query = query.where(Volunteer.status == listing.filters["status"])
    checks = listing.filters.get("checks")
    if checks == "expired":
        query = query.where(Volunteer.checks_expire_on < today)
    elif checks == "due_soon":
        query = query.where(Volunteer.checks_expire_on >= today, Volunteer.checks_expire_on < today + CHECKS_DUE_SOON)
    elif checks == "none":
        query = query.where(Volunteer.checks_expire_on.is_(None))
    columns = [c.desc() if listing.descending else c.asc() for c in VOLUNTEER_SORTS[listing.sort]]
    page = db.paginate(query.order_by(*columns, Volunteer.id), page=listing.page, per_page=listing.per_page,
                       error_out=False)
    loads = live_loads([v.id for v in page.items])
    return page, [(volunteer, loads.get(volunteer.id, 0)) for volunteer in page.items]


PAIRING_SORTS = {
    "started": (Pairing.created_at,),
    "status": (Pairing.status, Pairing.created_at),
    "moderation": (Pairing.moderation, Pairing.created_at),
    "planned_end": (Pairing.planned_end_on, Pairing.created_at),
}


def pairing_page(listing: Listing):
    """Return a page of pairings, live first, in the chosen order and filters."""
    query = select(Pairing)
    for name in ("status", "moderation"):
        if name in listing.filters:
            query = query.where(getattr(Pairing, name) == listing.filters[name])
    live_first = case((Pairing.status.in_(LIVE_PAIRING_STATUSES), 0), else_=1)
    columns = [c.desc() if listing.descending else c.asc() for c in PAIRING_SORTS[listing.sort]]
    return db.paginate(query.order_by(live_first, *columns, Pairing.id), page=listing.page,
                       per_page=listing.per_page, error_out=False)
