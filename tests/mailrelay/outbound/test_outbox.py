"""The outbox: retries with backoff, permanent failures recorded, alerts first."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus, Priority
from matcher.mailrelay.outbound.compose import OutgoingMail
from matcher.mailrelay.outbound.outbox import deliver_due, queue_mail

pytestmark = pytest.mark.usefixtures("app")


def _queue(recipient="someone@example.com", priority=Priority.PERSON, subject="Hello"):
    mail = OutgoingMail("Peer Support", "support@relay.example", recipient, subject, "Body text")
    row = queue_mail(mail, kind="test", priority=priority)
    db.session.commit()
    return row


def test_temporary_refusal_is_retried_later_and_then_delivered(smtp_sink):
    row = _queue()
    smtp_sink.refuse_with = "451 4.3.0 try again later"
    report = deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    assert row.status == OutboxStatus.PENDING
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert "451" in row.last_error
    # Not due yet: nothing happens even once the server recovers.
    smtp_sink.refuse_with = None
    assert deliver_due().sent == 0
    report = deliver_due(now=utcnow() + timedelta(minutes=2))
    assert report.sent == 1
    assert row.status == OutboxStatus.SENT
    assert len(smtp_sink.received) == 1


def test_permanent_refusal_is_recorded_and_audited_not_lost(smtp_sink):
    row = _queue()
    smtp_sink.refuse_with = "550 5.1.1 no such user"
    report = deliver_due()
    assert report.failed == 1
    assert row.status == OutboxStatus.FAILED
    assert "550" in row.last_error
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.failed"))
    assert event.subject_id == row.id
    assert db.session.get(OutboxMessage, row.id) is not None


def test_gives_up_after_the_configured_retries(smtp_sink):
    row = _queue()
    smtp_sink.refuse_with = "421 4.7.0 busy"
    later = utcnow()
    for _ in range(3):
        deliver_due(now=later)
        later += timedelta(days=1)
    assert row.status == OutboxStatus.FAILED
    assert "gave up after 3 attempts" in row.last_error


def test_unreachable_server_is_a_temporary_failure(make_app):
    # Nothing listens on port 1 of loopback.
    with make_app(MAIL_PORT=1).app_context():
        row = _queue()
        report = deliver_due()
        assert report.retried == 1
        assert row.status == OutboxStatus.PENDING


def test_alerts_leave_before_everything_else(smtp_sink):
    for number in range(3):
        _queue(recipient=f"person{number}@example.com")
    _queue(recipient="oncall@example.org", priority=Priority.ALERT, subject="Alert")
    deliver_due()
    smtp_sink.wait_for(4)
    assert smtp_sink.received[0]["rcpt_tos"] == ["oncall@example.org"]


def test_a_message_whose_lease_expired_is_sent_again(smtp_sink):
    row = _queue()
    row.status = OutboxStatus.SENDING
    row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_due().sent == 1


def test_a_message_another_sender_holds_is_left_alone(smtp_sink):
    row = _queue()
    row.status = OutboxStatus.SENDING
    row.lease_until = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_due().sent == 0
    assert smtp_sink.received == []


def test_without_a_mail_server_mail_is_kept_locally(app, smtp_sink):
    app.config["MAIL_SERVER"] = None
    row = _queue()
    assert deliver_due().sent == 1
    assert row.status == OutboxStatus.KEPT_LOCALLY
    assert smtp_sink.received == []


def test_relay_send_command_delivers_due_mail(runner, smtp_sink):
    _queue()
    result = runner.invoke(args=["relay", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    smtp_sink.wait_for(1)
