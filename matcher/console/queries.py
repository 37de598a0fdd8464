"""Read-only queries behind console pages."""
from dataclasses import dataclass

from sqlalchemy import select

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest

STATE_ORDER = (
    RequestStatus.WAITING,
    RequestStatus.UNCONFIRMED,
    RequestStatus.PAIRED,
    RequestStatus.ENDED,
    RequestStatus.WITHDRAWN,
)


@dataclass(frozen=True)
class RequestGroup:
    """Requests in one state, longest waiting first."""

    status: RequestStatus
    requests: list[SupportRequest]


def requests_by_state(limit_per_state: int = 200) -> list[RequestGroup]:
    """Return requests grouped by state, risk holds first, then longest waiting."""
    groups = []
    for status in STATE_ORDER:
        query = (
            select(SupportRequest)
            .where(SupportRequest.status == status)
            .order_by(SupportRequest.risk_hold.desc(), SupportRequest.requested_on, SupportRequest.id)
            .limit(limit_per_state)
        )
        groups.append(RequestGroup(status, list(db.session.scalars(query))))
    return groups
