"""Read-only queries behind console pages."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import load_only

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.listing import Listing


@dataclass(frozen=True)
class RequestGroup:
    """Requests in one state, longest waiting first."""

    status: RequestStatus
    requests: list[SupportRequest]


# Finished requests are not listed on the dashboard (history, not work); each one is reachable from its pairing.
LISTED_STATES = (RequestStatus.WAITING, RequestStatus.UNCONFIRMED, RequestStatus.PAIRED)


def requests_by_state(limit_per_state: int = 50) -> list[RequestGroup]:
    """Return open requests grouped by state, risk holds first, then longest waiting."""
    groups = []
    for status in LISTED_STATES:
        query = (
            select(SupportRequest)
            # Only what the dashboard's rows show: the encrypted columns are never read or decrypted here.
            .options(load_only(SupportRequest.id, SupportRequest.pseudonym, SupportRequest.role,
                               SupportRequest.stage, SupportRequest.requested_on, SupportRequest.risk_hold,
                               SupportRequest.status))
            .where(SupportRequest.status == status)
            .order_by(SupportRequest.risk_hold.desc(), SupportRequest.requested_on, SupportRequest.id)
            .limit(limit_per_state)
        )
        groups.append(RequestGroup(status, list(db.session.scalars(query))))
    return groups


# Sort keys a coordinator can choose, each mapped to columns here: no request text reaches ORDER BY.
WAITING_SORTS = {
    "wait": (SupportRequest.requested_on,),
    "stage": (SupportRequest.stage, SupportRequest.requested_on),
    "role": (SupportRequest.role, SupportRequest.requested_on),
    "language": (SupportRequest.language, SupportRequest.requested_on),
}


def waiting_list(listing: Listing):
    """Return a page of the waiting list, risk holds first, then in the chosen order and filters."""
    query = select(SupportRequest).where(SupportRequest.status == RequestStatus.WAITING)
    for name in ("stage", "role", "language"):
        if name in listing.filters:
            query = query.where(getattr(SupportRequest, name) == listing.filters[name])
    columns = [c.desc() if listing.descending else c.asc() for c in WAITING_SORTS[listing.sort]]
    query = query.order_by(SupportRequest.risk_hold.desc(), *columns, SupportRequest.id)
    return db.paginate(query, page=listing.page, per_page=listing.per_page, error_out=False)
