"""Decisions that protect people: DMARC, bounces, rate limits, risk, attachments."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound.addresses import verp_address
from matcher.mailrelay.outbound.envelope import envelope_for, verp_secret
from matcher.mailrelay.reading.fingerprint import transport_fingerprint
from matcher.safeguarding.models import Escalation
from tests.mailrelay.mailfixtures import load_eml


@pytest.fixture
def pairing(make_pairing):
    return make_pairing({"pseudonym": "Asha", "email": "asha@example.com"},
                        {"pseudonym": "Sam", "email": "sam@example.org"}, moderation="audit_only")


def _last():
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()


def _kinds():
    return [e.kind for e in db.session.scalars(select(Escalation))]


def test_dmarc_fail_from_our_own_server_quarantines(app, pairing, mail_writer):
    app.config["MATCHER_AUTHSERV_ID"] = "mx.relay.example"
    _, to, _ = pairing
    receive(mail_writer("asha@example.com", to, "hello", extra_headers=[
        ("Authentication-Results", "mx.relay.example; dmarc=fail header.from=example.com")]), "pipe")
    assert _last().state == InboundState.QUARANTINED and "dmarc_fail" in _kinds()


def test_dmarc_result_from_another_server_is_ignored(app, pairing, mail_writer):
    app.config["MATCHER_AUTHSERV_ID"] = "mx.relay.example"
    _, to, _ = pairing
    receive(mail_writer("asha@example.com", to, "hello", extra_headers=[
        ("Authentication-Results", "evil.example.net; dmarc=fail header.from=example.com")]), "pipe")
    assert _last().state == InboundState.DELIVERED


def test_bounce_to_our_signed_address_marks_the_message_and_escalates(app, pairing, mail_writer):
    pairing, to, _ = pairing
    receive(mail_writer("asha@example.com", to, "hello"), "pipe")
    relayed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay"))
    bounce_address = envelope_for(relayed.envelope_from, relayed.id, relayed.created_at)  # its MAIL FROM
    assert bounce_address.startswith("support+bounce-")
    bounce = load_eml("bounce_dsn.eml")
    receive(bounce, "pipe", recipient=bounce_address)
    assert relayed.status == OutboxStatus.BOUNCED
    escalation = db.session.scalar(select(Escalation).where(Escalation.kind == "bounce"))
    assert "bounces" in escalation.summary and escalation.pairing_id == pairing.id


def test_forged_or_expired_bounce_address_is_ignored(app, pairing):
    relay = app.config["MATCHER_RELAY_ADDRESS"]
    expired = verp_address(relay, 1, verp_secret(), utcnow() - timedelta(days=90))
    receive(load_eml("bounce_dsn.eml"), "pipe", recipient=expired)
    assert _last().state == InboundState.IGNORED and _kinds() == []


def test_too_many_messages_in_an_hour_are_held(app, pairing, mail_writer):
    app.config["MATCHER_RELAY_HOURLY_LIMIT"] = 3
    _, to, _ = pairing
    for number in range(4):
        receive(mail_writer("asha@example.com", to, f"message {number}"), "pipe")
    states = [r.state for r in db.session.scalars(select(InboundMessage).order_by(InboundMessage.id))]
    assert states == [InboundState.DELIVERED] * 3 + [InboundState.HELD]


def test_attachment_waits_for_a_coordinator_and_the_reader_is_told(pairing):
    from email.message import EmailMessage

    _, to, _ = pairing
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "asha@example.com", to, "A photo"
    message.set_content("Here is the view from our walk.")
    message.add_attachment(b"\x89PNG fake image bytes", maintype="image", subtype="png", filename="walk.png")
    receive(message.as_bytes(), "pipe")
    row = _last()
    assert row.state == InboundState.DELIVERED
    assert [(a["filename"], a["never_passes"]) for a in row.attachments] == [("walk.png", False)]
    relayed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay"))
    assert b"PNG fake image" not in relayed.raw
    assert b"waiting for a coordinator to check it" in relayed.raw


def test_vcard_never_passes(make_pairing):
    import email
    from email import policy

    raw = load_eml("vcard_attachment.eml")
    sender = email.utils.parseaddr(str(email.message_from_bytes(raw, policy=policy.compat32)["From"]))[1]
    _, to, _ = make_pairing({"email": sender.lower()}, {}, moderation="audit_only")
    receive(raw, "pipe", recipient=to)
    row = _last()
    assert any(a["never_passes"] for a in row.attachments)
    assert row.state == InboundState.DELIVERED
    relayed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay"))
    assert b"text/vcard" not in relayed.raw.lower() and b"BEGIN:VCARD" not in relayed.raw


RAW_MESSAGES = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda body, cut: load_eml("gmail_reply.eml")[:cut] + body,
              st.binary(max_size=200), st.integers(0, 3000)),
    st.builds(lambda junk: b"From: asha@example.com\r\nTo: " + junk + b"\r\n\r\nhello", st.binary(max_size=100)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=RAW_MESSAGES)
def test_any_bytes_are_stored_or_refused_never_a_traceback_never_lost(pairing, raw):
    _, to, _ = pairing
    before = db.session.scalar(select(func.count(InboundMessage.id)))
    try:
        received = receive(raw, "pipe", recipient=to)
    except UnknownAddress:
        pytest.fail("a message to a live masked address was refused")
    row = db.session.get(InboundMessage, received.inbound_id)
    # Stored as given, or recognised as a repeat of a stored message that differs only in transport.
    assert row.raw == raw or (received.duplicate and transport_fingerprint(row.raw) == transport_fingerprint(raw))
    assert row.state != InboundState.RECEIVED, row.last_error
    assert db.session.scalar(select(func.count(InboundMessage.id))) in (before, before + 1)


def test_our_own_copy_coming_back_is_stopped_not_looped(app, make_pairing, mail_writer):
    # A volunteer whose mailbox forwards everything back to the relay must not start a loop.
    _pairing, to, volunteer_to = make_pairing({"email": "asha@example.com"}, {"email": "sam@example.org"},
                                             moderation="audit_only")
    receive(mail_writer("asha@example.com", to, "hello"), "pipe")
    copy = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay"))
    looped = copy.raw.replace(b"To: sam@example.org", b"To: " + volunteer_to.encode())
    receive(looped.replace(b"From: \"Asha", b"X-Forwarded: yes\r\nFrom: \"Asha"), "pipe", recipient=volunteer_to)
    assert _last().state == InboundState.IGNORED
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay")).all()) == 1
