"""Pairing state changes: proposals, approval, confirmation, decline, ending, re-pairing."""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.mailrelay.service import mint_pairing_addresses, revoke_pairing_addresses
from matcher.pairing import introductions
from matcher.pairing.models import (
    LIVE_PAIRING_STATUSES,
    Moderation,
    Pairing,
    PairingStatus,
    Proposal,
    ProposalStatus,
    Volunteer,
    VolunteerStatus,
)
from matcher.pairing.volunteers import live_loads

NOT_SCREENED = "has not yet given consent and answered the safety question (asked by email)"


class PairingError(ValueError):
    """A pairing action that cannot be taken as asked."""


@dataclass(frozen=True)
class ProposalRun:
    """The stored proposals of one batch and the requests left unmatched."""

    batch: str
    proposals: list[Proposal]
    unmatched: list[SupportRequest]
    # Per unmatched request id: the rule that blocks it most often, in words.
    reasons: dict[int, str] = field(default_factory=dict)


def weights():
    """Return the scoring weights from configuration."""
    from matcher.pairing.scoring import Weights

    return Weights.from_mapping(current_app.config["MATCHER_PAIRING_WEIGHTS"])


def compute_batch(now: datetime):
    """Score every waiting request against every volunteer who could take one.

    The solver (numpy, scipy) is imported here, not at start-up: every `relay
    receive` is a new process, and it never proposes anything.
    """
    from matcher.pairing.assignment import propose
    from matcher.pairing.profiles import request_profile, volunteer_profile
    from matcher.pairing.queries import past_volunteers

    waiting = [r for r in db.session.scalars(
        select(SupportRequest).where(SupportRequest.status == RequestStatus.WAITING)
        .order_by(SupportRequest.requested_on, SupportRequest.id)
    ) if not r.needs_screening]
    volunteers = list(db.session.scalars(select(Volunteer).where(Volunteer.status == VolunteerStatus.ACTIVE)))
    loads = live_loads()
    excluded = past_volunteers(r.id for r in waiting)
    batch = propose(
        [request_profile(r, excluded.get(r.id, frozenset())) for r in waiting],
        [volunteer_profile(v, loads.get(v.id, 0)) for v in volunteers],
        weights(),
        now,
        min_score=current_app.config["MATCHER_PAIRING_MIN_SCORE"],
    )
    return batch, {r.id: r for r in waiting}


def unmatched_reasons(requests: list[SupportRequest], now: datetime) -> dict[int, str]:
    """Say, per request, which rule blocks it most often among active volunteers of its role."""
    from matcher.pairing.profiles import request_profile, volunteer_profile
    from matcher.pairing.queries import past_volunteers
    from matcher.pairing.rulebreaks import unmatched_reason

    if not requests:
        return {}
    loads = live_loads()
    roster = [volunteer_profile(v, loads.get(v.id, 0))
              for v in db.session.scalars(select(Volunteer).where(Volunteer.status == VolunteerStatus.ACTIVE))]
    excluded = past_volunteers(r.id for r in requests)
    return {r.id: NOT_SCREENED if r.needs_screening else
            unmatched_reason(request_profile(r, excluded.get(r.id, frozenset())), roster, now.date())
            for r in requests}


def run_proposals(by=None, now: datetime | None = None) -> ProposalRun:
    """Compute a batch, store it, and supersede earlier open proposals (commits)."""
    now = now or utcnow()
    expire_unconfirmed(now)
    batch, waiting = compute_batch(now)
    batch_id = secrets.token_hex(8)
    db.session.execute(
        update(Proposal).where(Proposal.status == ProposalStatus.OPEN).values(status=ProposalStatus.SUPERSEDED)
    )
    stored = [_store(batch_id, proposal) for proposal in batch.proposals]
    record("pairing.proposed", actor=by, detail={"batch": batch_id, "proposals": len(stored),
                                                 "unmatched": len(batch.unmatched)})
    db.session.commit()
    unmatched = [waiting[i] for i in batch.unmatched]
    return ProposalRun(batch_id, stored, unmatched, unmatched_reasons(unmatched, now))


def _store(batch_id: str, proposal) -> Proposal:
    row = Proposal(
        batch=batch_id,
        request_id=proposal.request_id,
        volunteer_id=proposal.volunteer_id,
        score=round(proposal.score.total, 2),
        reasons=proposal.score.reasons,
        alternatives=[
            {"volunteer_id": volunteer_id, "score": round(score.total, 2), "reasons": score.reasons}
            for volunteer_id, score in proposal.alternatives
        ],
    )
    db.session.add(row)
    return row


def approve_proposal(proposal: Proposal, by, volunteer_id: int | None = None,
                     now: datetime | None = None) -> Pairing:
    """Approve a proposal, or swap in one of its alternatives, and introduce the pair (commits)."""
    now = now or utcnow()
    if proposal.status != ProposalStatus.OPEN:
        raise PairingError("This proposal has already been decided or replaced by a newer batch.")
    chosen_id, score, reasons = _chosen(proposal, volunteer_id)
    pairing = create_pairing(proposal.request, db.session.get_one(Volunteer, chosen_id), by, score, reasons, now)
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by_id = getattr(by, "id", None)
    proposal.decided_at = now
    record("pairing.approved", actor=by, subject=("pairing", pairing.id),
           detail={"proposal": proposal.id, "swapped": chosen_id != proposal.volunteer_id})
    db.session.commit()
    return pairing


def _chosen(proposal: Proposal, volunteer_id: int | None) -> tuple[int, float, list[str]]:
    if volunteer_id is None or volunteer_id == proposal.volunteer_id:
        return proposal.volunteer_id, proposal.score, proposal.reasons
    for alternative in proposal.alternatives:
        if alternative["volunteer_id"] == volunteer_id:
            return volunteer_id, alternative["score"], alternative["reasons"]
    raise PairingError("That volunteer is not one of this proposal's alternatives.")


def create_pairing(support_request: SupportRequest, volunteer: Volunteer, by, score: float | None,
                   reasons: list[str], now: datetime, override_risk_hold: bool = False) -> Pairing:
    """Make the pairing, mint its two addresses and queue both introductions (no commit)."""
    if support_request.status != RequestStatus.WAITING:
        raise PairingError("This request is no longer waiting.")
    if support_request.needs_screening:
        raise PairingError("This person has not yet given consent and answered the safety question "
                           "(asked by email, through their status link).")
    if support_request.risk_hold and not override_risk_hold:
        raise PairingError("This request is on risk hold: a coordinator must clear the hold first.")
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise PairingError(f"{volunteer.pseudonym} is {volunteer.status} and cannot be paired now.")
    pairing = Pairing(
        request_id=support_request.id, volunteer_id=volunteer.id, status=PairingStatus.INTRODUCED,
        moderation=Moderation(current_app.config["MATCHER_DEFAULT_MODERATION"]),
        score=score, reasons=list(reasons), approved_by_id=getattr(by, "id", None), created_at=now,
        confirm_by=now + current_app.config["MATCHER_CONFIRM_WITHIN"],
        planned_end_on=(now + timedelta(weeks=current_app.config["MATCHER_SUPPORT_WEEKS"])).date(),
    )
    db.session.add(pairing)
    db.session.flush()
    support_request.status = RequestStatus.PAIRED
    support_request.paired_at = now
    support_request.front_of_queue = False
    addresses = mint_pairing_addresses(pairing)
    introductions.queue_introductions(pairing, addresses)
    return pairing


def reject_proposal(proposal: Proposal, by, now: datetime | None = None) -> None:
    """Reject a proposal; the request keeps waiting with its wait time kept (commits)."""
    if proposal.status != ProposalStatus.OPEN:
        raise PairingError("This proposal has already been decided or replaced by a newer batch.")
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by_id = getattr(by, "id", None)
    proposal.decided_at = now or utcnow()
    record("pairing.proposal_rejected", actor=by, subject=("proposal", proposal.id),
           detail={"request": proposal.request_id})
    db.session.commit()


def volunteer_confirms(pairing: Pairing, now: datetime | None = None) -> None:
    """The volunteer accepts the introduction: the pairing becomes active (commits)."""
    if pairing.status != PairingStatus.INTRODUCED:
        return
    pairing.status = PairingStatus.ACTIVE
    pairing.confirmed_at = now or utcnow()
    record("pairing.volunteer_confirmed", actor="volunteer", subject=("pairing", pairing.id))
    db.session.commit()


def volunteer_declines(pairing: Pairing, now: datetime | None = None, reason: str = "declined") -> None:
    """Send the request back to the front of the queue and tell coordinators (commits)."""
    if pairing.status != PairingStatus.INTRODUCED:
        return
    _return_to_front(pairing, now or utcnow(), reason)
    record(f"pairing.volunteer_{reason}", actor="volunteer" if reason == "declined" else "system",
           subject=("pairing", pairing.id))
    db.session.commit()


def _return_to_front(pairing: Pairing, now: datetime, reason: str) -> None:
    pairing.status = PairingStatus.DECLINED
    pairing.ended_at = now
    pairing.end_reason = reason
    revoke_pairing_addresses(pairing.id, now)
    support_request = pairing.request
    support_request.status = RequestStatus.WAITING
    support_request.front_of_queue = True
    support_request.paired_at = None  # not paired after all: wait estimates and reports must not count it
    introductions.queue_decline_notice(pairing, reason, now)


def expire_unconfirmed(now: datetime | None = None) -> int:
    """Treat introductions not confirmed in time as declined (commits); return how many."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Pairing).where(Pairing.status == PairingStatus.INTRODUCED, Pairing.confirm_by < now)
    ).all()
    for pairing in overdue:
        _return_to_front(pairing, now, "no_answer")
        record("pairing.volunteer_no_answer", actor="system", subject=("pairing", pairing.id))
    db.session.commit()
    return len(overdue)


def end_pairing(pairing: Pairing, reason: str, by, note: str | None = None, now: datetime | None = None,
                ask_feedback: bool = True) -> None:
    """End a live pairing with a reason; its addresses are revoked and both sides asked for feedback (commits).

    A safeguarding ending asks for none: that is not the moment for a questionnaire.
    """
    if not pairing.is_live:
        raise PairingError("This pairing has already ended.")
    if reason not in current_app.config["MATCHER_END_REASONS"]:
        raise PairingError("Choose a reason for ending.")
    now = now or utcnow()
    pairing.status = PairingStatus.ENDED
    pairing.ended_at = now
    pairing.end_reason = reason
    pairing.end_note = (note or "").strip() or None
    revoke_pairing_addresses(pairing.id, now)
    pairing.request.status = RequestStatus.ENDED
    introductions.queue_endings(pairing, now)
    if ask_feedback and reason != "safeguarding":
        introductions.queue_feedback(pairing, now)
    record("pairing.ended", actor=by, subject=("pairing", pairing.id), detail={"reason": reason})
    db.session.commit()


def end_for_withdrawal(support_request: SupportRequest, now: datetime) -> int:
    """End the request's live pairings because the person left; tell each volunteer kindly (no commit).

    The addresses are revoked, so anything the volunteer writes afterwards is
    quarantined for coordinators instead of failing to reach nobody.
    """
    live = db.session.scalars(select(Pairing).where(
        Pairing.request_id == support_request.id, Pairing.status.in_(LIVE_PAIRING_STATUSES))).all()
    for pairing in live:
        pairing.status = PairingStatus.ENDED
        pairing.ended_at = now
        pairing.end_reason = "requester_withdrew"
        revoke_pairing_addresses(pairing.id, now)
        introductions.queue_volunteer_ending(pairing, now)
        record("pairing.ended", actor="system", subject=("pairing", pairing.id),
               detail={"reason": "requester_withdrew"})
    withdraw_open_proposals(support_request.id)
    return len(live)


def withdraw_open_proposals(request_id: int) -> None:
    """Take a request out of every open proposal, as its own or as nobody's alternative (no commit)."""
    db.session.execute(update(Proposal).where(
        Proposal.request_id == request_id, Proposal.status == ProposalStatus.OPEN,
    ).values(status=ProposalStatus.SUPERSEDED))


def return_for_repairing(support_request: SupportRequest, by) -> None:
    """Put a requester whose pairing ended back on the waiting list, history kept (commits)."""
    if support_request.status != RequestStatus.ENDED:
        raise PairingError("Only a request whose pairing has ended can be re-paired.")
    support_request.status = RequestStatus.WAITING
    record("pairing.returned_for_repairing", actor=by, subject=("support_request", support_request.id))
    db.session.commit()
