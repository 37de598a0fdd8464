"""Pairing by hand: a coordinator picks the volunteer, sees the rules it breaks, and confirms (commits).

Like `service.py`, these functions commit. Rules that protect people (training,
background checks, a risk hold) can be overridden only by an admin; a volunteer
who is not active cannot be paired at all (activate or resume them first).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.intake.models import SupportRequest
from matcher.pairing.models import Pairing, Volunteer
from matcher.pairing.service import PairingError, create_pairing, weights, withdraw_open_proposals
from matcher.pairing.volunteers import live_loads

if TYPE_CHECKING:  # the rules import numpy (through scoring); every web and relay process loads this module
    from matcher.pairing.rulebreaks import RuleBreak


def breaks_for(support_request: SupportRequest, volunteer: Volunteer, now: datetime) -> list[RuleBreak]:
    """Return every hard rule pairing this request with this volunteer would break."""
    from matcher.pairing.profiles import request_profile, volunteer_profile
    from matcher.pairing.queries import past_volunteers
    from matcher.pairing.rulebreaks import rule_breaks

    excluded = past_volunteers([support_request.id]).get(support_request.id, frozenset())
    load = live_loads([volunteer.id]).get(volunteer.id, 0)
    return rule_breaks(request_profile(support_request, excluded), volunteer_profile(volunteer, load), now.date())


def _check_override(breaks: list[RuleBreak], by, confirmed: bool, note: str) -> None:
    if any(b.code == "not_active" for b in breaks):
        raise PairingError("This volunteer is not active: activate or resume them before pairing.")
    protective = [b.words for b in breaks if b.protective]
    if protective and not getattr(by, "is_admin", False):
        raise PairingError("Only an admin can override a rule that protects people: " + "; ".join(protective) + ".")
    if breaks and not confirmed:
        raise PairingError("This choice breaks the rules listed; tick the box to confirm you mean it.")
    if breaks and not note.strip():
        raise PairingError("Say briefly why this pairing is right despite the rules it breaks.")


# What `reasons` says of a pairing made against the rules; the coordinator's own words go in hand_note.
HAND_REASON = "Paired by hand against the rules above; the coordinator's reason is kept with the pairing"


def pair_by_hand(support_request: SupportRequest, volunteer: Volunteer, by, confirmed: bool = False,
                 note: str = "", now: datetime | None = None) -> Pairing:
    """Pair a waiting request with the volunteer a coordinator chose, overriding rules as confirmed (commits)."""
    from matcher.pairing.profiles import request_profile, volunteer_profile
    from matcher.pairing.scoring import score

    now = now or utcnow()
    breaks = breaks_for(support_request, volunteer, now)
    _check_override(breaks, by, confirmed, note)
    fit = score(request_profile(support_request, frozenset()),
                volunteer_profile(volunteer, live_loads([volunteer.id]).get(volunteer.id, 0)), weights(), now)
    reasons = [*fit.reasons, *(f"Overridden: {b.words}" for b in breaks)]
    if breaks:
        reasons.append(HAND_REASON)
    withdraw_open_proposals(support_request.id)
    pairing = create_pairing(support_request, volunteer, by, round(fit.total, 2), reasons, now,
                             override_risk_hold=any(b.code == "risk_hold" for b in breaks))
    pairing.hand_note = note.strip() if breaks else None
    record("pairing.paired_by_hand", actor=by, subject=("pairing", pairing.id),
           detail={"request": support_request.id, "volunteer": volunteer.id,
                   "overridden": [b.code for b in breaks]})
    db.session.commit()
    return pairing
