"""Retention: delete message text and raw mail, and anonymise requests, when their time is up.

What an open safeguarding escalation needs is kept until it is resolved.
"""
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from matcher.console.audit import record
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.intake.service import revoke_links
from matcher.mailrelay.models import InboundMessage, OutboxMessage
from matcher.pairing.models import Pairing, PairingStatus
from matcher.safeguarding.models import Escalation, EscalationStatus

ERASED = "(erased)"
OPEN_ESCALATION = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED)


def _pairings_with_open_escalations() -> set[int]:
    return set(db.session.scalars(select(Escalation.pairing_id).where(
        Escalation.status.in_(OPEN_ESCALATION), Escalation.pairing_id.is_not(None))))


def _requests_with_open_escalations() -> set[int]:
    return set(db.session.scalars(select(Escalation.request_id).where(
        Escalation.status.in_(OPEN_ESCALATION), Escalation.request_id.is_not(None))))


def erase_pairing_messages(pairing_ids: list[int]) -> int:
    """Delete the text and raw bytes of every message in these pairings (no commit)."""
    if not pairing_ids:
        return 0
    inbound_ids = list(db.session.scalars(select(InboundMessage.id).where(InboundMessage.pairing_id.in_(pairing_ids))))
    erased = db.session.execute(update(InboundMessage).where(InboundMessage.id.in_(inbound_ids)).values(
        raw=None, clean_text=None, edited_text=None, read_text=None, subject=None, attachments=[])).rowcount  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult; execute() is typed as Result
    sources = ((OutboxMessage.subject_type == "pairing") & OutboxMessage.subject_id.in_(pairing_ids)) | (
        (OutboxMessage.subject_type == "inbound_message") & OutboxMessage.subject_id.in_(inbound_ids))
    db.session.execute(update(OutboxMessage).where(sources).values(raw=b"", text=None, subject=ERASED))
    # Coordinators' own words about the pairing can name the people in it.
    db.session.execute(update(Pairing).where(Pairing.id.in_(pairing_ids)).values(hand_note=None, end_note=None))
    return erased


def purge_messages(now: datetime) -> int:
    """Erase messages of pairings that ended long enough ago; return how many pairings."""
    cutoff = now - current_app.config["MATCHER_RETAIN_MESSAGES_AFTER_END"]
    keep = _pairings_with_open_escalations()
    ended = set(db.session.scalars(select(Pairing.id).where(
        Pairing.status.in_((PairingStatus.ENDED, PairingStatus.DECLINED)), Pairing.ended_at < cutoff))) - keep
    if not ended:
        return 0
    with_text = set(db.session.scalars(select(InboundMessage.pairing_id).where(
        InboundMessage.pairing_id.in_(ended),
        InboundMessage.raw.is_not(None) | InboundMessage.clean_text.is_not(None)
        | InboundMessage.read_text.is_not(None))))
    with_mail = set(db.session.scalars(select(OutboxMessage.subject_id).where(
        OutboxMessage.subject_type == "pairing", OutboxMessage.subject_id.in_(ended), OutboxMessage.subject != ERASED)))
    due = sorted(pairing_id for pairing_id in with_text | with_mail if pairing_id is not None)
    erase_pairing_messages(due)
    return len(due)


def purge_unrouted_mail(now: datetime) -> int:
    """Erase the words of mail that reached no pairing once its period has passed; return how many."""
    cutoff = now - current_app.config["MATCHER_RETAIN_UNROUTED_MAIL"]
    # Mail an open escalation points at (a stranger's RED, say) stays until the escalation is resolved.
    kept = select(Escalation.inbound_id).where(Escalation.status.in_(OPEN_ESCALATION),
                                               Escalation.inbound_id.is_not(None))
    due = list(db.session.scalars(select(InboundMessage.id).where(
        InboundMessage.pairing_id.is_(None), InboundMessage.received_at < cutoff,
        InboundMessage.raw.is_not(None) | InboundMessage.clean_text.is_not(None)
        | InboundMessage.read_text.is_not(None), InboundMessage.id.not_in(kept))))
    if due:
        db.session.execute(update(InboundMessage).where(InboundMessage.id.in_(due)).values(
            raw=None, clean_text=None, edited_text=None, read_text=None, subject=None, attachments=[]))
    return len(due)


def anonymise_request(support_request: SupportRequest) -> None:
    """Remove everything that identifies the person behind a request (no commit)."""
    support_request.pseudonym = ERASED
    support_request.name = None
    support_request.email = None
    support_request.hopes = None
    support_request.care_team = None
    support_request.experiences = []
    revoke_links(support_request)  # a link mailed before must not open what is left of the record


def anonymise_requests(now: datetime) -> int:
    """Anonymise requests that ended, were withdrawn, or never confirmed, after their time."""
    config = current_app.config
    keep = _requests_with_open_escalations()
    finished = db.session.scalars(select(SupportRequest).where(
        ((SupportRequest.status.in_((RequestStatus.ENDED, RequestStatus.WITHDRAWN)))
         & (SupportRequest.updated_at < now - config["MATCHER_RETAIN_REQUESTS_AFTER_END"]))
        | ((SupportRequest.status == RequestStatus.UNCONFIRMED)
           & (SupportRequest.created_at < now - config["MATCHER_RETAIN_UNCONFIRMED"])),
        SupportRequest.pseudonym != ERASED,
    )).all()
    count = 0
    for support_request in finished:
        if support_request.id in keep:
            continue
        anonymise_request(support_request)
        if support_request.status == RequestStatus.UNCONFIRMED:
            support_request.status = RequestStatus.WITHDRAWN
        count += 1
    return count


def purge_audit(now: datetime) -> int:
    """Delete audit records older than the audit retention period."""
    cutoff = now - current_app.config["MATCHER_RETAIN_AUDIT"]
    return db.session.query(AuditEvent).filter(AuditEvent.at < cutoff).delete(synchronize_session=False)


def run_retention(now: datetime) -> dict[str, int]:
    """Apply every retention rule once, in one transaction, and record what was done (commits)."""
    done = {"pairings_erased": purge_messages(now), "unrouted_mail_erased": purge_unrouted_mail(now),
            "requests_anonymised": anonymise_requests(now),
            "audit_records_deleted": purge_audit(now)}
    if any(done.values()):
        record("retention.applied", actor="system", detail=done)
    db.session.commit()
    return done
