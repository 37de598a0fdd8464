"""The alert path: alerts never wait on ordinary mail's retry schedule, and have a second route.

A safeguarding alert that the mail server refuses, or that times out, is tried again every
MATCHER_ALERT_RETRY_EVERY (seconds, not the minutes ordinary mail waits). Once it has waited
MATCHER_ALERT_FALLBACK_AFTER, each attempt also tries the second routes: another SMTP server
(MATCHER_ALERT_FALLBACK_SMTP) and a webhook or SMS gateway (MATCHER_ALERT_WEBHOOK_URL). When
every route has failed, the escalations the alert is about show "alert not delivered" on the
dashboard until one route succeeds. Crisis replies share the fast retries, not the second routes:
they go to the requester, whom neither route reaches. Fast retries last as long as ordinary mail
is retried at all (the sum of MATCHER_OUTBOX_RETRY_DELAYS); after that the message fails and is
shown to coordinators as any failed mail is, and an alert's escalation still says "not delivered".
"""
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import select

from matcher.console.audit import record
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus, Priority
from matcher.mailrelay.outbound.envelope import envelope_for
from matcher.mailrelay.outbound.transport import PermanentFailure, SmtpServer, SmtpTransport, TemporaryFailure
from matcher.safeguarding.models import Escalation, Tier

log = logging.getLogger(__name__)


def is_urgent(row: OutboxMessage) -> bool:
    """Say whether this message takes the alert path's fast retries (alerts and crisis replies)."""
    return row.priority <= Priority.ALERT


def fast_retries_over(row: OutboxMessage, now: datetime) -> bool:
    """Say whether an urgent message has been retried as long as ordinary mail is retried at all."""
    return now - row.created_at > timedelta(seconds=sum(current_app.config["MATCHER_OUTBOX_RETRY_DELAYS"]))


def after_failure(row: OutboxMessage, error: Exception, now: datetime) -> bool:
    """Take a failed attempt onto the alert path (second routes when due, else a retry in seconds).

    Return False when ordinary mail's handling applies instead: a crisis reply refused for good.
    """
    config = current_app.config
    waited = now - row.created_at
    if row.kind == "alert" and waited >= config["MATCHER_ALERT_FALLBACK_AFTER"]:
        route = _second_routes_deliver(row)
        if route is not None:
            _delivered(row, now, f"sent by the second route ({route}) after the first failed: {error}")
            return True
        _mark_not_delivered(row, now)
    if row.kind != "alert" and isinstance(error, PermanentFailure):
        return False  # a refused crisis-reply address takes ordinary mail's permanent-failure path
    row.status = OutboxStatus.PENDING
    row.lease_until = None
    row.last_error = str(error)[:2000]
    row.next_attempt_at = now + config["MATCHER_ALERT_RETRY_EVERY"]
    log.warning("%s %s: not delivered yet (attempt %s); trying again in %s", row.kind, row.id, row.attempts,
                config["MATCHER_ALERT_RETRY_EVERY"])
    return True


def after_success(row: OutboxMessage, now: datetime) -> None:
    """Clear "alert not delivered" from the escalations once the alert has gone (no commit)."""
    if row.kind != "alert":
        return
    for escalation in _escalations_of(row):
        if escalation.alert_undelivered_at is not None:
            escalation.alert_undelivered_at = None
            record("escalation.alert_delivered_late", actor="system", subject=("escalation", escalation.id),
                   detail={"outbox": row.id})


def _delivered(row: OutboxMessage, now: datetime, note: str) -> None:
    row.status, row.sent_at, row.lease_until, row.last_error = OutboxStatus.SENT, now, None, note[:2000]
    after_success(row, now)
    log.warning("alert %s delivered by a second route", row.id)


def _second_routes_deliver(row: OutboxMessage) -> str | None:
    """Try each configured second route in turn; return the name of the one that delivered."""
    config = current_app.config
    timeout = float(config["MAIL_TIMEOUT"])
    if config["MATCHER_ALERT_FALLBACK_SMTP"]:
        try:
            with SmtpTransport(smtp_server_from_url(config["MATCHER_ALERT_FALLBACK_SMTP"], timeout)) as second:
                second.send(envelope_for(row.envelope_from, row.id, row.created_at), row.recipient, row.raw)
            return "second SMTP server"
        except (TemporaryFailure, PermanentFailure) as error:
            log.error("alert %s: the second SMTP server failed too (%s)", row.id, type(error).__name__)
    if config["MATCHER_ALERT_WEBHOOK_URL"]:
        try:
            post_alert(config["MATCHER_ALERT_WEBHOOK_URL"], row, timeout)
            return "alert webhook"
        except TemporaryFailure as error:
            log.error("alert %s: the alert webhook failed too (%s)", row.id, error)
    return None


def smtp_server_from_url(url: str, timeout: float) -> SmtpServer:
    """Read smtp://[user:password@]host[:port], smtps:// (TLS from the start) or smtp+starttls://."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
        raise ValueError("an smtp://, smtps:// or smtp+starttls:// URL with a host")
    ssl = parts.scheme == "smtps"
    return SmtpServer(parts.hostname, parts.port or (465 if ssl else 25), use_ssl=ssl,
                      use_tls=parts.scheme == "smtp+starttls", username=unquote(parts.username or "") or None,
                      password=unquote(parts.password or "") or None, timeout=timeout)


def post_alert(url: str, row: OutboxMessage, timeout: float) -> None:
    """POST the alert's subject line (tier and pairing number, no personal details) as JSON."""
    body = json.dumps({"alert": row.subject, "outbox_id": row.id,
                       "text": f"{row.subject}. Sign in to the console to see it."}).encode()
    # The URL is the operator's own setting (http or https), never built from message content.
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - operator-configured URL
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - operator-configured URL
            status = answer.status
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise TemporaryFailure(f"alert webhook: {type(error).__name__}") from error
    if not 200 <= status < 300:
        raise TemporaryFailure(f"alert webhook answered {status}")


def _mark_not_delivered(row: OutboxMessage, now: datetime) -> None:
    for escalation in _escalations_of(row):
        if escalation.alert_undelivered_at is None:
            escalation.alert_undelivered_at = now
            record("escalation.alert_not_delivered", actor="system", subject=("escalation", escalation.id),
                   detail={"outbox": row.id, "attempts": row.attempts})
    log.error("alert %s: every route failed; the dashboard shows it as not delivered", row.id)


def _escalations_of(row: OutboxMessage) -> list[Escalation]:
    """The escalations an alert is about, found through what the alert refers to."""
    column = {"inbound_message": Escalation.inbound_id, "support_request": Escalation.request_id,
              "escalation": Escalation.id}.get(row.subject_type or "")
    if column is None or row.subject_id is None:
        return []
    query = select(Escalation).where(column == row.subject_id)
    if row.subject_type != "escalation":
        query = query.where(Escalation.tier == Tier.RED)
    return list(db.session.scalars(query))
