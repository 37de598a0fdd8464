"""The outbox: queue mail in the caller's transaction, deliver it later with retries.

Queueing never commits: the row joins the transaction of the change that caused
it, so a request and its confirmation are stored together or not at all.
Delivery claims a few rows at a time in one UPDATE (plus SKIP LOCKED on PostgreSQL,
`claims.py`), so several senders can run at once and each message goes out once; a
sender keeps its batch's short lease alive while it sends (`claims.BatchLease`), so one
that dies mid-send leaves a lease that expires within seconds and is retried. Each claim
carries a lease token: a sender sends only while it is sure it still holds the row (the
lease has time left, else it asks the database), and its outcome commits only if the row
still carries the token, so a sender whose lease ran out never sends a row another sender
has taken, nor overwrites that sender's result.
"""
import logging
import secrets
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, g, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from matcher.care.models import SentNotice
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.i18n import in_language
from matcher.intake.models import SupportRequest
from matcher.mailrelay.models import OutboxMessage, OutboxStatus, Priority
from matcher.mailrelay.outbound import alerting, claims
from matcher.mailrelay.outbound.compose import OutgoingMail, build_message
from matcher.mailrelay.outbound.envelope import VERP_AT_SEND
from matcher.mailrelay.outbound.failures import told_key, undelivered
from matcher.mailrelay.outbound.transport import PermanentFailure, TemporaryFailure, transport_for
from matcher.pairing.models import Volunteer

log = logging.getLogger(__name__)
# A batch whose sends have not finished in this long loses its lease (the heartbeat stops) and may be retried.
SEND_MAX_HOLD = timedelta(minutes=5)
# Rows claimed in one statement; a few, so a sender that dies leaves little waiting for its lease.
CLAIM_BATCH = 20


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    failed_ids: list[int] = field(default_factory=list)


def queue_mail(mail: OutgoingMail, kind: str, priority: int = Priority.PERSON,
               subject_ref: tuple[str, int] | None = None, now: datetime | None = None,
               verp: bool = False) -> OutboxMessage:
    """Add a message to the outbox in the current transaction (no commit).

    With `verp`, the envelope sender is a signed, expiring bounce address for
    this row, so a bounce is traced back to the message that caused it.
    """
    now = now or utcnow()
    message_id, raw = build_message(mail, now)
    row = OutboxMessage(
        kind=kind,
        priority=int(priority),
        # With VERP, the signed bounce address is made from the id when the row is sent (claims.py).
        envelope_from=VERP_AT_SEND if verp else _envelope_from(),
        recipient=mail.recipient,
        subject=mail.subject[:300],
        message_id=message_id,
        raw=raw,
        text=mail.text,
        next_attempt_at=now,
        created_at=now,
        subject_type=subject_ref[0] if subject_ref else None,
        subject_id=subject_ref[1] if subject_ref else None,
    )
    db.session.add(row)
    if verp:
        db.session.flush()  # the id, which the caller records (the inbound row's outbox_id)
    g.outbox_queued = True
    return row


def queue_template(template: str, recipient: str, kind: str, priority: int = Priority.PERSON,
                   subject_ref: tuple[str, int] | None = None, sender_name: str | None = None,
                   sender_address: str | None = None, headers: tuple = (), now: datetime | None = None,
                   locale: str | None = None, **context) -> OutboxMessage:
    """Render templates/email/<template>.* and queue the result at `now` (default: the real time).

    `<template>.subject.txt` and `<template>.txt` are required; `<template>.html`
    is used when present, otherwise the HTML part is the text in paragraphs.
    Templates see `now` too, so a job's clock reaches what the mail says. The mail is
    written in `locale`, else in the language a volunteer chose or a person asked for support
    in (whoever queues it), else in English.
    """
    config = current_app.config
    now = now or utcnow()
    context["now"] = now
    with in_language(locale or recipient_locale(recipient)):
        subject = " ".join(render_template(f"email/{template}.subject.txt", **context).split())
        text = render_template(f"email/{template}.txt", **context)
        html = _html_part(template, subject, text, context)
    mail = OutgoingMail(
        sender_name=sender_name or config["MATCHER_ORGANISATION"],
        sender_address=sender_address or config["MATCHER_RELAY_ADDRESS"],
        recipient=recipient,
        subject=subject,
        text=text,
        html=html,
        headers=tuple(headers),
    )
    return queue_mail(mail, kind, priority, subject_ref, now=now)


def recipient_locale(recipient: str) -> str | None:
    """Return the language of the volunteer, else of the requester, at this address, if either chose one."""
    volunteer = db.session.scalar(select(Volunteer.locale).where(Volunteer.email == recipient))
    return volunteer or db.session.scalar(
        select(SupportRequest.locale)
        .where(SupportRequest.email == recipient, SupportRequest.locale.is_not(None))
        .order_by(SupportRequest.id.desc())
        .limit(1)
    )


def _html_part(template: str, subject: str, text: str, context: dict) -> str:
    try:
        return render_template(f"email/{template}.html", subject=subject, **context)
    except TemplateNotFound:
        paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
        # The region too, so the HTML footer lists the same crisis numbers as the text.
        return render_template("email/from_text.html", subject=subject, paragraphs=paragraphs,
                               region=context.get("region"))


def _envelope_from() -> str:
    return current_app.config["MATCHER_RELAY_ADDRESS"]


def deliver_due(transport=None, now: datetime | None = None, limit: int = 200,
                most_urgent_only: bool = False, tell_late: bool = True) -> DeliveryReport:
    """Send every due message once, most urgent first, committing each outcome as it is known.

    Rows are claimed CLAIM_BATCH at a time; each is tried at most once per pass. The transport is
    `transport`, else the block's kept-open one (`one_connection`), else a new one for this pass.
    With `most_urgent_only`, only alerts and crisis replies go: what a one-shot process (the MTA
    pipe) sends before it exits, so they leave within seconds. Unless `tell_late` is False, an
    ordinary pass ends by reporting mail still failing MATCHER_OUTBOX_LATE_AFTER after it was queued.
    """
    transport = transport or g.get("outbox_transport") or transport_for(current_app)
    lease = current_app.config["MATCHER_OUTBOX_LEASE"]
    # A look first, so a pass with nothing to send (most alert checks) takes no write lock on SQLite.
    report, tried, newest = DeliveryReport(), set[int](), claims.newest_due(now or utcnow(), most_urgent_only)
    with transport:
        while newest is not None and len(tried) < limit:
            token, size = secrets.token_hex(16), min(CLAIM_BATCH, limit - len(tried))
            batch = claims.claim_due(now or utcnow(), size, token, lease, most_urgent_only, frozenset(tried), newest)
            if not batch:
                break
            tried.update(row.id for row in batch)
            with claims.BatchLease(token, batch[0].lease_until, lease, SEND_MAX_HOLD) as held:
                for claimed in batch:
                    _attempt(claimed, token, held, transport, report, now)
            if len(batch) < size:  # every due row was in it (or another sender's)
                break
    if tell_late and not most_urgent_only:
        _tell_late(now or utcnow())
    return report


@contextmanager
def one_connection():
    """Send every pass inside the block over one kept-open SMTP connection (`relay send`)."""
    transport = transport_for(current_app, keep_open=True)
    g.outbox_transport = transport
    try:
        yield transport
    finally:
        g.pop("outbox_transport", None)
        transport.close()


def _tell_late(now: datetime, limit: int = 50) -> None:
    """Report mail still failing temporarily MATCHER_OUTBOX_LATE_AFTER after it was queued, once each."""
    late = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0,
               OutboxMessage.priority > Priority.ALERT,
               OutboxMessage.created_at <= now - current_app.config["MATCHER_OUTBOX_LATE_AFTER"],
               ~exists().where(SentNotice.key == told_key(OutboxMessage.id)))
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    for row_id in [row.id for row in late]:
        row = db.session.get_one(OutboxMessage, row_id)
        tell_undelivered(row, row.last_error or "not accepted yet", now, still_trying=True)
        try:
            db.session.commit()
        except IntegrityError:  # another sender told about this one at the same moment (its SentNotice key)
            db.session.rollback()


def _attempt(claimed: claims.Claimed, token: str, held: claims.BatchLease, transport, report: DeliveryReport,
             now: datetime | None) -> None:
    if not held.trusted() and not claims.holds(claimed.id, token):
        # The lease ran out before we could send: the row may be another sender's.
        log.warning("outbox message %s: lease lost before sending; left to the sender that holds it", claimed.id)
        return
    try:
        final_status = transport.send(claimed.envelope_from, claimed.recipient, claimed.raw)
    except (TemporaryFailure, PermanentFailure) as error:
        row = db.session.get_one(OutboxMessage, claimed.id, populate_existing=True)
        failed = DeliveryReport()
        _after_failure(row, error, failed, now or utcnow())
        if claims.fenced_commit(claimed.id, token):
            _add(report, failed)
        return
    if claimed.kind == "alert":  # its escalations may say "not delivered": clear that with the outcome
        row = db.session.get_one(OutboxMessage, claimed.id, populate_existing=True)
        row.status, row.sent_at, row.lease_until, row.last_error = final_status, now or utcnow(), None, None
        alerting.after_success(row, now or utcnow())
        report.sent += claims.fenced_commit(claimed.id, token)
    else:
        report.sent += claims.record_sent(claimed.id, token, final_status, now or utcnow())


def _add(report: DeliveryReport, part: DeliveryReport) -> None:
    report.sent += part.sent
    report.retried += part.retried
    report.failed += part.failed
    report.failed_ids.extend(part.failed_ids)


def _after_failure(row: OutboxMessage, error: Exception, report: DeliveryReport, now: datetime) -> None:
    if alerting.is_urgent(row) and alerting.fast_retries_over(row, now):
        _mark_failed(row, f"gave up after {row.attempts} attempts: {error}", report, now)
    elif alerting.is_urgent(row) and alerting.after_failure(row, error, now):
        # The alert path took it: delivered by a second route, or tried again in seconds.
        report.sent += row.status == OutboxStatus.SENT
        report.retried += row.status == OutboxStatus.PENDING
    elif isinstance(error, TemporaryFailure):
        _schedule_retry(row, str(error), now, report)
    else:
        _mark_failed(row, str(error), report, now)


def _schedule_retry(row: OutboxMessage, error: str, now: datetime, report: DeliveryReport) -> None:
    delays = current_app.config["MATCHER_OUTBOX_RETRY_DELAYS"]
    if row.attempts > len(delays):
        _mark_failed(row, f"gave up after {row.attempts} attempts: {error}", report, now)
        return
    row.status = OutboxStatus.PENDING
    row.lease_until = None
    row.last_error = error[:2000]
    row.next_attempt_at = now + timedelta(seconds=delays[row.attempts - 1])
    report.retried += 1
    log.warning("outbox message %s: temporary failure, attempt %s", row.id, row.attempts)


def _mark_failed(row: OutboxMessage, error: str, report: DeliveryReport, now: datetime) -> None:
    from matcher.console.audit import record

    row.status = OutboxStatus.FAILED
    row.lease_until = None
    row.last_error = error[:2000]
    report.failed += 1
    report.failed_ids.append(row.id)
    record("outbox.failed", actor="system", subject=("outbox_message", row.id),
           detail={"kind": row.kind, "attempts": row.attempts})
    log.error("outbox message %s failed permanently after %s attempts", row.id, row.attempts)
    tell_undelivered(row, error, now)


def tell_undelivered(row: OutboxMessage, reason: str, now: datetime, still_trying: bool = False,
                     escalate: bool = True) -> None:
    """Raise the escalation and queue the notices for a message that has not arrived (no commit)."""
    for notice in undelivered(row, reason, now, still_trying, escalate):
        queue_template(notice.template, notice.recipient, kind=notice.kind, priority=Priority.PERSON,
                       subject_ref=("outbox_message", row.id), now=now, **notice.context)


def deliver_after_request_in_demo() -> None:
    """Run the in-process sender after a request that queued mail (demo only)."""
    if not g.get("outbox_queued"):
        return
    config = current_app.config
    if not (config["MATCHER_DEMO"] or current_app.debug):
        return
    try:
        deliver_due()
    except (OSError, smtplib.SMTPException):
        log.exception("in-process sender could not reach the mail server; mail stays queued")
