"""Fetch the rows the report is computed from: dates, reasons and scores only, never names or text."""
from datetime import datetime

from sqlalchemy import func, or_, select

from matcher.care.models import Feedback
from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.mailrelay.models import InboundMessage, InboundState
from matcher.pairing.models import Pairing, PairingStatus
from matcher.reporting.figures import FeedbackRow, FirstReply, PairedRequest, PairingRow, ReportRows

# A reply the volunteer wrote that went, or is waiting to go, to the person supported.
REPLY_STATES = (InboundState.DELIVERED, InboundState.HELD)


def report_rows(start: datetime, end: datetime) -> ReportRows:
    """Return every row the report needs for the period [start, end)."""
    return ReportRows(
        pairings=pairings_overlapping(start, end),
        paired_requests=requests_paired(start, end),
        first_replies=first_replies(start, end),
        feedback=feedback_submitted(start, end),
    )


def pairings_overlapping(start: datetime, end: datetime) -> list[PairingRow]:
    """Return the pairings live at any time in [start, end), which includes those started or ended in it."""
    query = select(Pairing.request_id, Pairing.created_at, Pairing.ended_at, Pairing.end_reason, Pairing.status).where(
        Pairing.created_at < end, or_(Pairing.ended_at.is_(None), Pairing.ended_at >= start)
    )
    return [PairingRow(request_id, created_at, ended_at, end_reason, status == PairingStatus.DECLINED)
            for request_id, created_at, ended_at, end_reason, status in db.session.execute(query)]


def requests_paired(start: datetime, end: datetime) -> list[PairedRequest]:
    """Return when each request paired in [start, end) was made and paired."""
    # A request back on the waiting list after its introduction fell through keeps
    # the old paired_at; it is counted when it is paired again, with its whole wait.
    query = select(SupportRequest.requested_on, SupportRequest.paired_at).where(
        SupportRequest.paired_at >= start, SupportRequest.paired_at < end,
        SupportRequest.status.not_in((RequestStatus.WAITING, RequestStatus.UNCONFIRMED)),
    )
    return [PairedRequest(requested_on, paired_at)  # type: ignore[arg-type]  # paired_at >= start: never NULL
            for requested_on, paired_at in db.session.execute(query)]


def first_replies(start: datetime, end: datetime) -> list[FirstReply]:
    """Return, for each pairing started in [start, end) that did not fall through, the volunteer's first reply."""
    # Correlated, so only the period's pairings are looked up (by the pairing_id index).
    replied_at = (
        select(func.min(InboundMessage.received_at))
        .where(InboundMessage.pairing_id == Pairing.id, InboundMessage.sender_party == "volunteer",
               InboundMessage.state.in_(REPLY_STATES))
        .scalar_subquery()
    )
    query = select(Pairing.created_at, Pairing.confirmed_at, replied_at).where(
        Pairing.created_at >= start, Pairing.created_at < end, Pairing.status != PairingStatus.DECLINED
    )
    return [FirstReply(created_at, confirmed_at or created_at, replied_at)
            for created_at, confirmed_at, replied_at in db.session.execute(query)]


def feedback_submitted(start: datetime, end: datetime) -> list[FeedbackRow]:
    """Return the scores of feedback submitted in [start, end), without comments."""
    query = select(Feedback.submitted_at, Feedback.helpfulness, Feedback.would_recommend).where(
        Feedback.submitted_at >= start, Feedback.submitted_at < end
    )
    return [FeedbackRow(*row) for row in db.session.execute(query)]


def people_supported_by(start: datetime, end: datetime, column: str) -> dict[str, int]:
    """Count the people with a live pairing at any time in [start, end), by their request's region or role."""
    category = {"region": SupportRequest.region, "role": SupportRequest.role}[column]  # never request text
    query = (
        select(category, func.count(func.distinct(SupportRequest.id)))
        .join(Pairing, Pairing.request_id == SupportRequest.id)
        .where(Pairing.created_at < end, or_(Pairing.ended_at.is_(None), Pairing.ended_at >= start),
               Pairing.status != PairingStatus.DECLINED)
        .group_by(category)
    )
    return {code or "unknown": number for code, number in db.session.execute(query)}
