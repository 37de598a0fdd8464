"""Retention: message text and raw mail go after the configured time; safeguarding keeps what it needs."""
from datetime import timedelta

from sqlalchemy import select

from matcher.care.jobs import run_job
from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.intake.models import RequestStatus
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, OutboxMessage
from matcher.pairing.service import end_pairing
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier


def _ended_pairing_with_a_message(make_pairing, mail_writer, make_coordinator, email="asha@example.com"):
    pairing, to, _ = make_pairing({"email": email}, {}, moderation="audit_only")
    receive(mail_writer(email, to, "Private words about my week"), "pipe")
    end_pairing(pairing, "planned", make_coordinator(email=f"c-{pairing.id}@example.org"))
    return pairing


def test_message_text_and_raw_mail_are_deleted_90_days_after_the_end(make_pairing, mail_writer, make_coordinator):
    _ended_pairing_with_a_message(make_pairing, mail_writer, make_coordinator)
    run_job("retention", utcnow() + timedelta(days=89))
    row = db.session.scalar(select(InboundMessage))
    assert row.raw is not None and "Private words" in row.read_text
    run_job("retention", utcnow() + timedelta(days=91))
    db.session.refresh(row)
    assert row.raw is None and row.clean_text is None and row.read_text is None
    for outbox in db.session.scalars(select(OutboxMessage)):
        assert b"Private words" not in outbox.raw
        assert "Private words" not in (outbox.text or "")  # the copy's text as queued goes too
    assert row.state is not None and row.received_at  # the fact of a message stays, for reports
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.applied"))
    assert event.detail["pairings_erased"] == 1


def test_open_escalation_keeps_the_messages_it_needs(make_pairing, mail_writer, make_coordinator):
    pairing = _ended_pairing_with_a_message(make_pairing, mail_writer, make_coordinator)
    open_escalation("risk_red", Tier.RED, "kept", pairing=pairing)
    db.session.commit()
    run_job("retention", utcnow() + timedelta(days=120))
    assert db.session.scalar(select(InboundMessage)).raw is not None


def test_requests_are_anonymised_a_year_after_ending(make_pairing, mail_writer, make_coordinator):
    pairing = _ended_pairing_with_a_message(make_pairing, mail_writer, make_coordinator)
    run_job("retention", utcnow() + timedelta(days=366))
    request = pairing.request
    db.session.refresh(request)
    assert request.email is None and request.pseudonym == "(erased)"
    assert request.status == RequestStatus.ENDED and request.requested_on  # counts for reports survive


def test_unconfirmed_requests_are_dropped_after_a_month(make_request):
    unconfirmed = make_request(status=RequestStatus.UNCONFIRMED)
    run_job("retention", utcnow() + timedelta(days=31))
    assert unconfirmed.email is None and unconfirmed.status == RequestStatus.WITHDRAWN


def test_audit_records_outlive_messages_but_not_forever(make_coordinator):
    make_coordinator()
    assert db.session.scalar(select(AuditEvent)) is not None
    run_job("retention", utcnow() + timedelta(days=365 * 5))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "coordinator.created")) is not None
    run_job("retention", utcnow() + timedelta(days=365 * 7))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "coordinator.created")) is None


def test_an_anonymised_request_s_old_links_stop_working(app, make_request):
    from matcher.care.retention import anonymise_request
    from matcher.intake.notices import link_token
    from matcher.intake.service import find_by_link

    support_request = make_request()
    token = link_token(support_request, "status")
    max_age = app.config["MATCHER_STATUS_LINK_MAX_AGE"]
    assert find_by_link(token, "status", max_age) == support_request
    anonymise_request(support_request)
    db.session.commit()
    assert find_by_link(token, "status", max_age) is None


def _stranger_mail(mail_writer, make_pairing, resolve=lambda row: True):
    """Store two messages to the bare mailbox; resolve the escalations they open where `resolve(row)` says."""
    from matcher.safeguarding.models import Escalation, EscalationStatus

    make_pairing({"email": "asha@example.com"}, {})
    for sender, words in (("someone.else@example.net", "My own private words, to the bare box"),
                          ("asha@example.com", "More private words, to the bare box too")):
        receive(mail_writer(sender, "support@relay.example", words), "pipe", recipient="support@relay.example")
    unrouted = [row for row in db.session.scalars(select(InboundMessage)) if row.pairing_id is None]
    for escalation in db.session.scalars(select(Escalation)):
        if resolve(db.session.get(InboundMessage, escalation.inbound_id)):
            escalation.status = EscalationStatus.RESOLVED
    db.session.commit()
    return unrouted


def test_mail_that_reached_no_pairing_is_erased_after_its_own_period(make_pairing, mail_writer, app):
    unrouted = _stranger_mail(mail_writer, make_pairing)
    assert len(unrouted) == 2 and all(row.raw is not None for row in unrouted)
    period = app.config["MATCHER_RETAIN_UNROUTED_MAIL"]
    run_job("retention", utcnow() + period - timedelta(days=1))
    assert all(db.session.get(InboundMessage, row.id).raw is not None for row in unrouted)
    run_job("retention", utcnow() + period + timedelta(days=1))
    for row in unrouted:
        db.session.refresh(row)
        assert row.raw is None and row.clean_text is None and row.read_text is None and row.subject is None
        assert row.state is not None  # the fact that mail came stays
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.applied"))
    assert event.detail["unrouted_mail_erased"] == 2


def test_unrouted_mail_whose_escalation_is_still_open_is_kept(make_pairing, mail_writer, app):
    unrouted = _stranger_mail(mail_writer, make_pairing, resolve=lambda row: b"More private" in row.raw)
    run_job("retention", utcnow() + app.config["MATCHER_RETAIN_UNROUTED_MAIL"] + timedelta(days=1))
    kept = {row.id: db.session.get(InboundMessage, row.id).raw is not None for row in unrouted}
    assert sorted(kept.values()) == [False, True]
