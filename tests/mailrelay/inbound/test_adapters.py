"""The SMTP listener and the webhook: the same ingest, with each protocol's answers; one message, two routes."""
import smtplib
import time

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.inbound.smtpd import make_controller, stop_controller
from matcher.mailrelay.inbound.webhook import sign_request
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage


@pytest.fixture
def pairing(make_pairing):
    return make_pairing({"email": "asha@example.com"}, {"email": "sam@example.org"}, moderation="audit_only")


@pytest.fixture
def listener(app):
    from tests.conftest import _free_port

    controller = make_controller(app, "127.0.0.1", _free_port())
    controller.start()
    yield controller
    stop_controller(controller)


def _rows():
    db.session.expire_all()
    return db.session.scalars(select(InboundMessage)).all()


def test_smtp_listener_answers_250_only_once_the_message_is_stored(listener, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    with smtplib.SMTP(listener.hostname, listener.port) as client:
        refused = client.sendmail("asha@example.com", [requester_writes_to],
                                  mail_writer("asha@example.com", requester_writes_to, "Hello from SMTP"))
    assert refused == {}
    [row] = _rows()  # the 250 above came after this commit
    assert row.adapter == "smtp" and row.state == InboundState.DELIVERED


def test_smtp_listener_refuses_an_unknown_address_with_550(listener, pairing, mail_writer):
    with (smtplib.SMTP(listener.hostname, listener.port) as client,
          pytest.raises(smtplib.SMTPRecipientsRefused) as refusal):
        client.sendmail("asha@example.com", ["support+" + "f" * 32 + "@relay.example"],
                        mail_writer("asha@example.com", "x@relay.example", "hi"))
    code, text = refusal.value.recipients["support+" + "f" * 32 + "@relay.example"]
    assert code == 550 and b"pairing" not in text.lower()
    assert _rows() == []


def test_smtp_listener_refuses_messages_over_the_size_limit(make_app, pairing, mail_writer):
    from tests.conftest import _free_port

    app = make_app(MATCHER_RELAY_MAX_MESSAGE_BYTES=2000)
    controller = make_controller(app, "127.0.0.1", _free_port())
    controller.start()
    try:
        _, requester_writes_to, _ = pairing
        with smtplib.SMTP(controller.hostname, controller.port) as client, pytest.raises(smtplib.SMTPException):
            client.sendmail("asha@example.com", [requester_writes_to],
                            mail_writer("asha@example.com", requester_writes_to, "x" * 5000))
    finally:
        stop_controller(controller)
    assert _rows() == []


def _post(client, body, secret="hook-secret", timestamp=None, recipient=None):
    timestamp = timestamp or str(int(time.time()))
    query = f"recipient={recipient}" if recipient else ""
    return client.post("/relay/inbound" + (f"?{query}" if query else ""), data=body,
                       headers={"X-Matcher-Timestamp": timestamp,
                                "X-Matcher-Signature": sign_request(secret, timestamp, "POST", "/relay/inbound",
                                                                    query, body),
                                "Content-Type": "message/rfc822"})


def test_webhook_stores_a_signed_message(app, client, pairing, mail_writer):
    app.config["MATCHER_WEBHOOK_SECRET"] = "hook-secret"
    _, requester_writes_to, _ = pairing
    response = _post(client, mail_writer("asha@example.com", requester_writes_to, "Hello from a webhook"))
    assert response.status_code == 200 and response.json == {"stored": True, "duplicate": False}
    assert _rows()[0].adapter == "webhook"


def test_webhook_refuses_a_bad_signature_or_an_old_timestamp(app, client, pairing, mail_writer):
    app.config["MATCHER_WEBHOOK_SECRET"] = "hook-secret"
    _, requester_writes_to, _ = pairing
    body = mail_writer("asha@example.com", requester_writes_to, "Hello")
    assert _post(client, body, secret="wrong").status_code == 401
    assert _post(client, body, timestamp=str(int(time.time()) - 3600)).status_code == 401
    assert _rows() == []


def test_webhook_is_off_without_a_secret(client, pairing, mail_writer):
    assert _post(client, b"anything").status_code == 404


def test_webhook_unknown_address_is_404(app, client, pairing, mail_writer):
    app.config["MATCHER_WEBHOOK_SECRET"] = "hook-secret"
    body = mail_writer("asha@example.com", "support+" + "e" * 32 + "@relay.example", "Hello")
    assert _post(client, body).status_code == 404


def _relayed_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address,
                                                          OutboxMessage.kind == "relay")).all()


def test_a_message_by_smtp_then_by_the_pipe_with_trace_headers_is_relayed_once(listener, pairing, runner,
                                                                                mail_writer):
    _, requester_writes_to, _ = pairing
    raw = mail_writer("asha@example.com", requester_writes_to, "The same words, by two routes.")
    with smtplib.SMTP(listener.hostname, listener.port) as client:
        assert client.sendmail("asha@example.com", [requester_writes_to], raw) == {}
    # The MTA's local delivery hands the same message to the pipe: LF endings, its own trace headers.
    piped = (f"Return-Path: <asha@example.com>\nDelivered-To: {requester_writes_to}\n"
             f"Received: from mx.example.net by relay.example.org\n").encode() + raw.replace(b"\r\n", b"\n")
    result = runner.invoke(args=["relay", "receive", "--recipient", requester_writes_to], input=piped)
    assert result.exit_code == 0, result.output
    assert len(db.session.scalars(select(InboundMessage)).all()) == 1
    assert len(_relayed_to("sam@example.org")) == 1
