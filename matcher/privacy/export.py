"""Everything held about one person, as one JSON document (subject access)."""
from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_, select

from matcher.care.models import Feedback
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, Party
from matcher.pairing.models import Pairing
from matcher.safeguarding.models import Escalation


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def _message(row: InboundMessage, direction: str) -> dict:
    return {"direction": direction, "received_at": _when(row.received_at), "state": str(row.state),
            "subject": row.subject, "text": row.edited_text or row.clean_text,
            "removed_before_delivery": row.removals, "flags": [f["label"] for f in row.flags or []]}


def _messages(pairing_ids: list[int], party: Party) -> list[dict]:
    rows: Iterable[InboundMessage] = db.session.scalars(
        select(InboundMessage).where(InboundMessage.pairing_id.in_(pairing_ids))
        .order_by(InboundMessage.received_at)) if pairing_ids else []
    return [_message(row, "sent" if row.sender_party == str(party) else "received") for row in rows]


def _escalations(pairing_ids: list[int], request_id: int | None = None) -> list[dict]:
    conditions: list[ColumnElement[bool]] = [Escalation.pairing_id.in_(pairing_ids)] if pairing_ids else []
    if request_id is not None:
        conditions.append(Escalation.request_id == request_id)
    if not conditions:
        return []
    rows = db.session.scalars(select(Escalation).where(or_(*conditions)).order_by(Escalation.created_at))
    return [{"kind": e.kind, "tier": str(e.tier), "status": str(e.status), "summary": e.summary,
             "opened": _when(e.created_at), "resolved": _when(e.resolved_at), "resolution": e.resolution,
             "actions": [a["action"] for a in e.actions or []]} for e in rows]


def _audit(subjects: list[tuple[str, int]], pairing_ids: list[int]) -> list[dict]:
    conditions: list[ColumnElement[bool]] = [
        (AuditEvent.subject_type == kind) & (AuditEvent.subject_id == ident) for kind, ident in subjects]
    if pairing_ids:
        conditions.append(AuditEvent.pairing_id.in_(pairing_ids))
    rows = db.session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.at))
    return [{"at": _when(e.at), "action": e.action, "by": e.actor if e.coordinator_id else "the service"} for e in rows]


def _feedback(pairing_ids: list[int], party: Party) -> list[dict]:
    if not pairing_ids:
        return []
    rows = db.session.scalars(select(Feedback).where(
        Feedback.pairing_id.in_(pairing_ids), Feedback.party == str(party)).order_by(Feedback.id))
    return [{"pairing": f.pairing_id, "submitted_at": _when(f.submitted_at), "helpfulness": f.helpfulness,
             "would_recommend": f.would_recommend, "comment": f.comment} for f in rows]


def requester_record(support_request) -> dict:
    """Return everything held about the person behind a request."""
    pairings = list(db.session.scalars(select(Pairing).where(Pairing.request_id == support_request.id)))
    ids = [p.id for p in pairings]
    fields = ("pseudonym", "name", "email", "role", "stage", "experiences", "language", "locale", "region",
              "timezone", "hopes", "care_team", "safety_answer", "risk_hold")
    return {
        "kind": "requester",
        "request": {name: getattr(support_request, name) for name in fields}
        | {"status": str(support_request.status), "requested_on": _when(support_request.requested_on),
           "confirmed_at": _when(support_request.confirmed_at), "consented_at": _when(support_request.consented_at)},
        "pairings": [{"id": p.id, "status": str(p.status), "volunteer": p.volunteer.pseudonym,
                      "started": _when(p.created_at), "ended": _when(p.ended_at), "end_reason": p.end_reason}
                     for p in pairings],
        "messages": _messages(ids, Party.REQUESTER),
        "feedback": _feedback(ids, Party.REQUESTER),
        "escalations": _escalations(ids, support_request.id),
        "record_of_actions": _audit([("support_request", support_request.id)], ids),
    }


def volunteer_record(volunteer) -> dict:
    """Return everything held about a volunteer."""
    pairings = list(volunteer.pairings)
    ids = [p.id for p in pairings]
    fields = ("name", "email", "phone", "pseudonym", "role", "stages", "experiences", "languages", "locale",
              "timezone", "capacity", "notes", "application")
    return {
        "kind": "volunteer",
        "volunteer": {name: getattr(volunteer, name) for name in fields}
        | {"status": str(volunteer.status), "trained_on": _when(volunteer.trained_on),
           "checks_expire_on": _when(volunteer.checks_expire_on)},
        "pairings": [{"id": p.id, "status": str(p.status), "supported": p.request.pseudonym,
                      "started": _when(p.created_at), "ended": _when(p.ended_at)} for p in pairings],
        "messages": _messages(ids, Party.VOLUNTEER),
        "feedback": _feedback(ids, Party.VOLUNTEER),
        "escalations": _escalations(ids),
        "record_of_actions": _audit([("volunteer", volunteer.id)], ids),
    }
