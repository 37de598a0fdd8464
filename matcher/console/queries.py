"""Read-only queries behind console pages."""
from dataclasses import dataclass

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest


@dataclass(frozen=True)
class RequestGroup:
    """Requests in one state, longest waiting first."""

    status: RequestStatus
    requests: list[SupportRequest]


# Finished requests are only counted on the dashboard; each one is reachable from its pairing.
LISTED_STATES = (RequestStatus.WAITING, RequestStatus.UNCONFIRMED, RequestStatus.PAIRED)


@dataclass(frozen=True)
class StateCount:
    """How many requests are in one state."""

    status: RequestStatus
    count: int


def finished_counts() -> list[StateCount]:
    """Count the requests that have ended or were withdrawn."""
    return [StateCount(status, db.session.scalar(select(func.count(SupportRequest.id))
                                                 .where(SupportRequest.status == status)) or 0)
            for status in (RequestStatus.ENDED, RequestStatus.WITHDRAWN)]


def requests_by_state(limit_per_state: int = 50) -> list[RequestGroup]:
    """Return open requests grouped by state, risk holds first, then longest waiting."""
    groups = []
    for status in LISTED_STATES:
        query = (
            select(SupportRequest)
            .where(SupportRequest.status == status)
            .order_by(SupportRequest.risk_hold.desc(), SupportRequest.requested_on, SupportRequest.id)
            .limit(limit_per_state)
        )
        groups.append(RequestGroup(status, list(db.session.scalars(query))))
    return groups
