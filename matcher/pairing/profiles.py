"""Turn stored records into the pure scoring module's profiles (pure: the records are passed in)."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from matcher.pairing.scoring import FRONT_OF_QUEUE_DAYS, RequestProfile, VolunteerProfile

if TYPE_CHECKING:  # for the annotations only: at run time this module needs no database
    from matcher.intake.models import SupportRequest
    from matcher.pairing.models import Volunteer

# A request sent back to the front of the queue scores as if it had waited this
# much longer, which puts it ahead of everyone on wait time and on ties.
FRONT_OF_QUEUE_HEAD_START = timedelta(days=FRONT_OF_QUEUE_DAYS)


def request_profile(support_request: SupportRequest, excluded: frozenset[int]) -> RequestProfile:
    """Describe a request for scoring."""
    requested_on = support_request.requested_on
    if support_request.front_of_queue:
        requested_on -= FRONT_OF_QUEUE_HEAD_START
    return RequestProfile(
        id=support_request.id,
        role=support_request.role,
        stage=support_request.stage,
        experiences=frozenset(support_request.experiences or ()),
        language=support_request.language,
        timezone=support_request.timezone,
        requested_on=requested_on,
        risk_hold=support_request.risk_hold,
        excluded_volunteer_ids=excluded,
    )


def volunteer_profile(volunteer: Volunteer, load: int) -> VolunteerProfile:
    """Describe a volunteer for scoring."""
    return VolunteerProfile(
        id=volunteer.id,
        role=volunteer.role,
        stages=frozenset(volunteer.stages or ()),
        experiences=frozenset(volunteer.experiences or ()),
        languages=frozenset(volunteer.languages or ()),
        timezone=volunteer.timezone,
        capacity=volunteer.capacity,
        active_pairings=load,
        status=str(volunteer.status),
        trained_on=volunteer.trained_on,
        checks_expire_on=volunteer.checks_expire_on,
        paused_until=volunteer.paused_until,
    )
