"""When a copy cannot be delivered, coordinators and the writer hear about it, through every adapter."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound.failures import plain_reason
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.safeguarding.models import Escalation
from tests.mailrelay.adapters import ADAPTERS, send_through

REQUESTER = {"pseudonym": "Asha", "name": "Asha Fictional-Surname", "email": "asha.private@example.com"}
VOLUNTEER = {"pseudonym": "Sam", "name": "Samantha Invented", "email": "sam.private@example.org"}
COORDINATORS = "coordinators@relay.example"
REFUSAL = "550 5.1.1 <sam.private@example.org>: Recipient address rejected: mailbox full for good"


@pytest.fixture
def pairing(make_pairing, smtp_sink):
    """A live pairing whose introductions have gone out."""
    found = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    deliver_due()
    smtp_sink.wait_for(2)
    smtp_sink.clear()
    return found


def _letter(mail_writer, to):
    return mail_writer(REQUESTER["email"], to, "Sam, the nights are long but today was a little better.",
                       subject="Today")


def _deliver_all(now=None):
    for _ in range(3):  # the failure queues its notices, which the next pass sends
        deliver_due(now=now)


def _thread_page(client, pairing_id):
    return client.get(f"/console/pairings/{pairing_id}/thread").get_data(as_text=True)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_refused_copy_is_shown_not_delivered_and_coordinators_and_writer_are_told(
        adapter, app, request, client, signed_in, pairing, mail_writer, smtp_sink):
    live, requester_writes_to, _ = pairing
    smtp_sink.refuse_for[VOLUNTEER["email"]] = REFUSAL
    send_through(adapter, app, request, _letter(mail_writer, requester_writes_to), requester_writes_to)
    _deliver_all()
    db.session.expire_all()
    [copy] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay")).all()
    assert copy.status == OutboxStatus.FAILED

    [escalation] = db.session.scalars(select(Escalation).where(Escalation.kind == "undelivered")).all()
    assert escalation.pairing_id == live.id and "could not be delivered" in escalation.summary
    assert VOLUNTEER["email"] not in escalation.summary
    escalations = client.get("/console/escalations").get_data(as_text=True)
    assert "relayed message could not be delivered" in escalations

    thread = _thread_page(client, live.id)
    assert "not delivered" in thread and "Recipient address rejected" in thread
    assert VOLUNTEER["email"] not in thread.split("not delivered", 1)[1].split("</p>", 1)[0]

    [coordinator_notice] = smtp_sink.to(COORDINATORS)
    assert f"pairing #{live.id}" in coordinator_notice["Subject"]
    assert VOLUNTEER["email"] not in coordinator_notice.as_string()
    [writer_notice] = smtp_sink.to(REQUESTER["email"])
    text = writer_notice.get_body(preferencelist=("plain",)).get_content()
    assert "has not reached Sam yet" in text and "do not need to send it again" in text
    assert "nights are long" not in text and VOLUNTEER["email"] not in writer_notice.as_string()


def test_a_copy_still_failing_after_the_late_time_is_told_once(app, client, signed_in, runner, pairing,
                                                                mail_writer, smtp_sink):
    live, requester_writes_to, _ = pairing
    smtp_sink.refuse_for[VOLUNTEER["email"]] = "451 4.3.0 try again later"
    raw = _letter(mail_writer, requester_writes_to)
    assert runner.invoke(args=["relay", "receive", "--recipient", requester_writes_to], input=raw).exit_code == 0
    deliver_due()
    assert db.session.scalars(select(Escalation).where(Escalation.kind == "undelivered")).all() == []
    assert smtp_sink.to(REQUESTER["email"]) == []
    assert "not delivered yet, still trying: 451 4.3.0 try again later" in _thread_page(client, live.id)

    late = utcnow() + app.config["MATCHER_OUTBOX_LATE_AFTER"] + timedelta(minutes=1)
    _deliver_all(now=late)
    _deliver_all(now=late + timedelta(hours=1))
    db.session.expire_all()
    [escalation] = db.session.scalars(select(Escalation).where(Escalation.kind == "undelivered")).all()
    assert "still not delivered after retrying" in escalation.summary
    assert len(smtp_sink.to(REQUESTER["email"])) == 1 and len(smtp_sink.to(COORDINATORS)) == 1


def test_a_bounce_after_delivery_shows_not_delivered_and_tells_the_writer(app, client, signed_in, runner, pairing,
                                                                          mail_writer, smtp_sink):
    live, requester_writes_to, _ = pairing
    raw = _letter(mail_writer, requester_writes_to)
    assert runner.invoke(args=["relay", "receive", "--recipient", requester_writes_to], input=raw).exit_code == 0
    deliver_due()
    [relayed] = [env for env in smtp_sink.received if VOLUNTEER["email"] in env["rcpt_tos"]]
    bounce = mail_writer("MAILER-DAEMON@mail.example.org", relayed["mail_from"], "Delivery failed: mailbox gone",
                         subject="Undelivered Mail Returned to Sender")
    assert runner.invoke(args=["relay", "receive", "--recipient", relayed["mail_from"]], input=bounce).exit_code == 0
    _deliver_all()
    assert "not delivered: bounced back after delivery" in _thread_page(client, live.id)
    assert len(smtp_sink.to(REQUESTER["email"])) == 1
    assert len(db.session.scalars(select(Escalation).where(Escalation.kind.in_(("bounce", "undelivered")))).all()) == 1


def test_a_reason_shown_to_coordinators_names_no_address():
    shown = plain_reason("550 <sam@example.org>: no\r\nsuch user sam@example.org")
    assert shown == "550 [address] no such user [address]"
    assert len(plain_reason("x" * 100_000)) <= 300
