"""A stranger's message costs a header read; every message has a time budget and a bounded number
of attempts (issue 11, relay: High, items 2 and 4)."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay import ingest
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, Priority
from matcher.safeguarding.models import Escalation

REQUESTER, VOLUNTEER, STRANGER = "asha@example.com", "sam@example.org", "mallory@example.net"
# One line of the shape that once took the signature reader tens of seconds.
HOSTILE_LINE = "a-" * 8_000


@pytest.fixture
def pairing(make_pairing):
    return make_pairing({"email": REQUESTER}, {"email": VOLUNTEER}, moderation="audit_only")


def _row(inbound_id):
    db.session.expire_all()
    return db.session.get(InboundMessage, inbound_id)


def _mail_to(address):
    """Mail queued because of an inbound message (not the introductions the pairing began with)."""
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == address, OutboxMessage.subject_type == "inbound_message")).all()


def test_strangers_message_is_quarantined_after_reading_only_its_headers(pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    raw = mail_writer(STRANGER, requester_writes_to, f"Hello\n\n{HOSTILE_LINE}\n\nCall me on 07700 900123")
    started = time.process_time()
    received = ingest.receive(raw, "pipe", requester_writes_to)
    spent = time.process_time() - started
    row = _row(received.inbound_id)
    assert row.state == InboundState.QUARANTINED
    assert row.reasons == ["the sender is not the person this address belongs to"]
    assert row.clean_text is None and row.removals == []  # the body was never read
    assert spent < 1.0
    assert _mail_to(VOLUNTEER) == []


def test_message_over_its_processing_budget_is_quarantined_for_a_coordinator_with_the_reason(
        app, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    app.config["MATCHER_RELAY_PROCESS_BUDGET"] = timedelta(microseconds=1)
    raw = mail_writer(REQUESTER, requester_writes_to, "Thank you for yesterday, it helped.\n\n" + HOSTILE_LINE)
    received = ingest.receive(raw, "pipe", requester_writes_to)
    row = _row(received.inbound_id)
    assert row.state == InboundState.QUARANTINED
    assert "longer than its 1e-06-second budget" in row.reasons[0]
    assert row.pairing_id == pairing[0].id
    assert db.session.scalar(select(Escalation.tier).where(Escalation.inbound_id == row.id)) == "amber"
    assert _mail_to(VOLUNTEER) == []


def test_message_whose_processing_keeps_being_interrupted_ends_quarantined_not_retried_forever(
        app, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    raw = mail_writer(REQUESTER, requester_writes_to, "A message whose reader keeps dying")
    row, _ = ingest.store_raw(raw, "pipe", requester_writes_to, None, now=_now())
    lease = app.config["MATCHER_RELAY_PROCESS_LEASE"]
    attempts = app.config["MATCHER_RELAY_MAX_ATTEMPTS"]
    moment = _now()
    for _ in range(attempts):
        # What a worker killed mid-reading leaves behind: a claim whose lease runs out.
        assert ingest._claim(row.id, moment)
        moment += lease + timedelta(seconds=1)
    assert ingest.resume_pending(moment) == 1
    row = _row(row.id)
    assert row.state == InboundState.QUARANTINED
    assert row.reasons == [f"processing did not finish in {attempts} attempts"]
    assert _mail_to(VOLUNTEER) == []
    later = moment + lease + timedelta(seconds=1)
    assert ingest.resume_pending(later) == 0  # nothing left to retry


def test_a_text_longer_than_the_relay_reads_is_quarantined_and_its_risk_still_alerts(
        app, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    app.config["MATCHER_RELAY_READ_TEXT_CHARS"] = 2_000
    body = "I want to kill myself tonight.\n\n" + "We went to the park and it was lovely. " * 200
    received = ingest.receive(mail_writer(REQUESTER, requester_writes_to, body), "pipe", requester_writes_to)
    row = _row(received.inbound_id)
    assert row.state == InboundState.QUARANTINED
    assert row.reasons[0] == "the text is longer than the 2000 characters the relay reads"
    assert any(flag["tier"] == "red" for flag in row.flags)
    alerts = _mail_to(app.config["MATCHER_ALERT_ADDRESS"])
    assert [alert.priority for alert in alerts] == [Priority.ALERT]
    assert _mail_to(VOLUNTEER) == []


def _now():
    from matcher.columns import utcnow

    return utcnow()
