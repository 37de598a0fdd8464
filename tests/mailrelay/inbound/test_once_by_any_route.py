"""The same message by SMTP and then by the pipe is stored and delivered once."""
import smtplib

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.inbound.smtpd import make_controller, stop_controller
from matcher.mailrelay.models import InboundMessage, OutboxMessage


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
