"""Coordinators review held messages and read threads; every step audited."""
import pytest
from sqlalchemy import select

from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage


@pytest.fixture
def held_message(make_pairing, mail_writer):
    _pairing, requester_writes_to, _ = make_pairing(
        {"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"},
        moderation="review_all")
    receive(mail_writer("asha@example.com", requester_writes_to, "Slept four hours in a row!"), "pipe")
    return db.session.scalar(select(InboundMessage))


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent))]


def _relayed():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay")).all()


def test_held_message_is_listed_and_released_as_edited(client, signed_in, held_message):
    assert held_message.state == InboundState.HELD
    page = client.get("/console/held").get_data(as_text=True)
    assert "Slept four hours in a row!" in page
    client.post(f"/console/messages/{held_message.id}/release", data={"edited_text": "Slept four hours!"})
    assert held_message.state == InboundState.DELIVERED
    [copy] = _relayed()
    assert b"Slept four hours!" in copy.raw and b"in a row" not in copy.raw
    thread = client.get(f"/console/pairings/{held_message.pairing_id}/thread").get_data(as_text=True)
    assert "As edited by a coordinator" in thread and "Slept four hours in a row!" in thread
    assert "message.released" in _actions()


def test_returning_a_message_tells_the_sender_and_sends_nothing_on(client, signed_in, held_message):
    client.post(f"/console/messages/{held_message.id}/return", data={"explanation": "Please keep it on this service."})
    assert held_message.state == InboundState.RETURNED and _relayed() == []
    returned = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "returned"))
    assert returned.recipient == "asha@example.com" and b"Please keep it on this service." in returned.raw


def test_return_needs_an_explanation(client, signed_in, held_message):
    client.post(f"/console/messages/{held_message.id}/return", data={"explanation": " "})
    assert held_message.state == InboundState.HELD


def test_discard_is_final_and_audited(client, signed_in, held_message):
    client.post(f"/console/messages/{held_message.id}/discard", data={"confirmed": "yes"})
    assert held_message.state == InboundState.DISCARDED
    client.post(f"/console/messages/{held_message.id}/release", data={})
    assert _relayed() == [] and "message.discarded" in _actions()


def test_original_message_only_on_an_audited_post(client, signed_in, held_message):
    thread = client.get(f"/console/pairings/{held_message.pairing_id}/thread").get_data(as_text=True)
    assert "asha@example.com" not in thread
    assert client.get(f"/console/messages/{held_message.id}/raw").status_code == 405
    raw = client.post(f"/console/messages/{held_message.id}/raw").get_data(as_text=True)
    assert "asha@example.com" in raw and "message.raw_viewed" in _actions()


def test_moderation_change_is_audited(client, signed_in, held_message):
    client.post(f"/console/pairings/{held_message.pairing_id}/moderation", data={"level": "audit_only"})
    assert str(held_message.pairing.moderation) == "audit_only"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pairing.moderation_changed"))
    assert event.detail == {"from": "review_all", "to": "audit_only"}


def test_demo_visitor_replies_as_the_volunteer_through_the_relay(app, client, make_pairing):
    app.config.update(MATCHER_DEMO=True, MAIL_SERVER=None)
    _pairing, _, _ = make_pairing({"email": "asha@example.com"}, {"email": "sam@example.org"}, moderation="audit_only")
    intro = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sam@example.org"))
    page = client.get(f"/dev/mailbox/{intro.id}").get_data(as_text=True)
    assert "Reply as sam@example.org" in page
    client.post(f"/dev/mailbox/{intro.id}/reply", data={"body": "Hello Asha, lovely to meet you."})
    [row] = db.session.scalars(select(InboundMessage)).all()
    assert row.state == InboundState.DELIVERED
    [copy] = _relayed()
    assert copy.recipient == "asha@example.com"
