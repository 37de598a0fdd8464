"""The outbox: queue mail in the caller's transaction, deliver it later with retries.

Queueing never commits: the row joins the transaction of the change that caused
it, so a request and its confirmation are stored together or not at all.
Delivery claims rows one at a time with a conditional UPDATE (plus SKIP LOCKED
on PostgreSQL), so several senders can run at once and each message goes out
once; a sender keeps its short lease alive while it sends (matcher/leases.py), so one that
dies mid-send leaves a lease that expires within seconds and is retried. Each claim carries a
lease token: a sender checks it still holds the row just before it sends, and its outcome
commits only if the row still carries the token, so a sender whose lease ran out never sends a
row another sender has taken, nor overwrites that sender's result.
"""
import hashlib
import hmac
import logging
import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, g, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from matcher.care.models import SentNotice
from matcher.columns import utcnow
from matcher.database import is_postgres
from matcher.extensions import db
from matcher.i18n import in_language
from matcher.intake.models import SupportRequest
from matcher.leases import Heartbeat
from matcher.mailrelay.models import OutboxMessage, OutboxStatus, Priority
from matcher.mailrelay.outbound import alerting
from matcher.mailrelay.outbound.addresses import verp_address
from matcher.mailrelay.outbound.compose import OutgoingMail, build_message
from matcher.mailrelay.outbound.failures import told_key, undelivered
from matcher.mailrelay.outbound.transport import PermanentFailure, TemporaryFailure, transport_for
from matcher.pairing.models import Volunteer

log = logging.getLogger(__name__)
# A send that has not finished in this long loses its lease (the heartbeat stops) and may be retried.
SEND_MAX_HOLD = timedelta(minutes=5)


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
        envelope_from=_envelope_from(),
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
        db.session.flush()
        row.envelope_from = verp_address(current_app.config["MATCHER_RELAY_ADDRESS"], row.id, verp_secret(), now)
    g.outbox_queued = True
    return row


def verp_secret() -> bytes:
    """Return the key that signs bounce addresses, derived from SECRET_KEY."""
    key = current_app.config["SECRET_KEY"]
    return hmac.new(key.encode() if isinstance(key, str) else key, b"matcher.verp", hashlib.sha256).digest()


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
                most_urgent_only: bool = False) -> DeliveryReport:
    """Send every due message once, most urgent first; commit after each.

    With `most_urgent_only`, only alerts and crisis replies go: what a one-shot
    process (the MTA pipe) sends before it exits, so they leave within seconds.
    """
    transport = transport or transport_for(current_app)
    report = DeliveryReport()
    with transport:
        for message_id in _due_ids(now or utcnow(), limit, most_urgent_only):
            claimed = _claim(message_id, now or utcnow())
            if claimed is not None:
                row, token = claimed
                with Heartbeat(OutboxMessage, row.id, row.lease_until, current_app.config["MATCHER_OUTBOX_LEASE"],
                               max_hold=SEND_MAX_HOLD):
                    _attempt(row, token, transport, report, now)
    if not most_urgent_only:
        _tell_late(now or utcnow())
    return report


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


def _due_ids(now: datetime, limit: int, most_urgent_only: bool = False) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.lease_until < now),
            )
        )
        .order_by(OutboxMessage.priority, OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if most_urgent_only:
        query = query.where(OutboxMessage.priority <= Priority.ALERT)
    if is_postgres(db.engine):
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    db.session.commit()
    return ids


def _claim(message_id: int, now: datetime) -> tuple[OutboxMessage, str] | None:
    """Take one message for this sender with a fresh lease token, or None if another sender has it."""
    token = secrets.token_hex(16)
    lease = current_app.config["MATCHER_OUTBOX_LEASE"]
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .where(
            or_(
                OutboxMessage.status == OutboxStatus.PENDING,
                (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.lease_until < now),
            )
        )
        .values(status=OutboxStatus.SENDING, lease_until=now + lease, lease_token=token,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult; typed as Result
        return None
    return db.session.get_one(OutboxMessage, message_id, populate_existing=True), token


def _holds(message_id: int, token: str) -> bool:
    """Return True if this sender's lease token is still on the row."""
    held = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.id == message_id,
                                                            OutboxMessage.lease_token == token))
    db.session.commit()
    return held is not None


def _fenced_commit(message_id: int, token: str) -> bool:
    """Commit this sender's outcome only if it still holds the lease; else roll it back."""
    db.session.flush()
    held = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.lease_token == token)
        .values(lease_token=None).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult; typed as Result
    if held != 1:
        db.session.rollback()
        log.warning("outbox message %s: lease lost while sending; the other sender's result stands", message_id)
        return False
    db.session.commit()
    return True


def _attempt(row: OutboxMessage, token: str, transport, report: DeliveryReport, now: datetime | None) -> None:
    if not _holds(row.id, token):  # the lease ran out before we could send: the row is another sender's
        log.warning("outbox message %s: lease lost before sending; left to the sender that holds it", row.id)
        return
    row_id = row.id
    sent_before = report.sent
    try:
        final_status = transport.send(row.envelope_from, row.recipient, row.raw)
    except (TemporaryFailure, PermanentFailure) as error:
        _after_failure(row, error, report, now or utcnow())
    else:
        row.status = final_status
        row.sent_at = now or utcnow()
        row.lease_until = None
        row.last_error = None
        alerting.after_success(row, now or utcnow())
        report.sent += 1
    if not _fenced_commit(row_id, token):
        report.sent = sent_before


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
