"""Subject access and erasure, each recorded in the audit log (commits)."""
import json
from datetime import datetime

from sqlalchemy import ColumnElement, select, update

from matcher.care.models import Feedback
from matcher.care.retention import ERASED, anonymise_request, erase_pairing_messages
from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.intake.models import OPEN_STATUSES, RequestStatus, SupportRequest
from matcher.intake.service import revoke_links as revoke_request_links
from matcher.pairing.models import Pairing, VolunteerStatus
from matcher.pairing.service import end_for_withdrawal
from matcher.pairing.volunteers import revoke_links, withdraw_volunteer_proposals
from matcher.privacy.export import requester_record, volunteer_record
from matcher.safeguarding.models import Escalation, EscalationStatus

ERASURE_REASONS = {
    "person_asked": "The person asked for their data to be erased",
    "consent_withdrawn": "The person withdrew consent",
    "no_longer_needed": "No longer needed for the purpose it was collected",
}


class ErasureError(ValueError):
    """An erasure that cannot be done as asked."""


def export_person(kind: str, subject, by) -> bytes:
    """Return a JSON document of everything held about one person; audited (commits)."""
    document = requester_record(subject) if kind == "requester" else volunteer_record(subject)
    record("privacy.exported", actor=by,
           subject=("support_request" if kind == "requester" else "volunteer", subject.id))
    db.session.commit()
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()


def _open_escalation_pairings(pairing_ids: list[int], request_id: int | None = None) -> set[int]:
    condition: ColumnElement[bool] = Escalation.pairing_id.in_(pairing_ids)
    if request_id is not None:
        condition = condition | (Escalation.request_id == request_id)
    rows = db.session.execute(select(Escalation.pairing_id, Escalation.request_id).where(
        condition, Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)))).all()
    return {pairing_id or -1 for pairing_id, _ in rows}


def _erase_feedback_comments(pairing_ids: list[int], party: str) -> None:
    # The scores stay for the trustees' counts; the words were the person's own.
    if pairing_ids:
        db.session.execute(update(Feedback).where(Feedback.pairing_id.in_(pairing_ids), Feedback.party == party)
                           .values(comment=None))


def _take_out_of_queues(support_request: SupportRequest, now: datetime) -> None:
    # Erased means gone from every queue, proposal and timer, not a "(erased)" row still waiting.
    end_for_withdrawal(support_request, now)
    if support_request.status in OPEN_STATUSES:
        support_request.status = RequestStatus.WITHDRAWN
        support_request.withdrawn_at = now
    support_request.front_of_queue = False


def erase_requester(support_request, reason: str, by) -> dict:
    """Erase a requester, keeping only what an open safeguarding escalation needs (commits)."""
    if reason not in ERASURE_REASONS:
        raise ErasureError("Choose the reason for the erasure.")
    pairings = list(db.session.scalars(select(Pairing).where(Pairing.request_id == support_request.id)))
    _take_out_of_queues(support_request, utcnow())
    revoke_request_links(support_request)
    held = _open_escalation_pairings([p.id for p in pairings], support_request.id)
    erasable = [p.id for p in pairings if p.id not in held]
    erase_pairing_messages(erasable)
    _erase_feedback_comments(erasable, "requester")
    kept = bool(held)
    if kept:
        # Safeguarding keeps the way to reach the person and their answer; the rest goes.
        support_request.name = support_request.hopes = support_request.care_team = None
        support_request.experiences = []
    else:
        anonymise_request(support_request)
    outcome = {"reason": reason, "pairings_erased": len(erasable),
               "kept_for_safeguarding": kept}
    record("privacy.erased", actor=by, subject=("support_request", support_request.id), detail=outcome)
    db.session.commit()
    return outcome


def erase_volunteer(volunteer, reason: str, by) -> dict:
    """Erase a volunteer's personal details, retiring them (commits)."""
    if reason not in ERASURE_REASONS:
        raise ErasureError("Choose the reason for the erasure.")
    pairings = list(volunteer.pairings)
    if any(p.is_live for p in pairings):
        raise ErasureError("End or hand over this volunteer's live pairings first.")
    held = _open_escalation_pairings([p.id for p in pairings])
    erasable = [p.id for p in pairings if p.id not in held]
    erase_pairing_messages(erasable)
    _erase_feedback_comments(erasable, "volunteer")
    kept = bool(held)
    volunteer.status = VolunteerStatus.RETIRED
    withdraw_volunteer_proposals(volunteer.id)
    revoke_links(volunteer)
    volunteer.phone = None
    volunteer.notes = None
    volunteer.application = None
    if not kept:
        volunteer.name = ERASED
        volunteer.email = f"erased-{volunteer.id}@invalid"
    outcome = {"reason": reason, "pairings_erased": len(erasable), "kept_for_safeguarding": kept}
    record("privacy.erased", actor=by, subject=("volunteer", volunteer.id), detail=outcome)
    db.session.commit()
    return outcome
