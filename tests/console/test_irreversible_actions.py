"""Discarding a held message and ending a pairing ask first; ending warns of what is still open."""
import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState
from matcher.pairing.models import PairingStatus
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier


@pytest.fixture
def held(make_pairing, mail_writer):
    pairing, requester_writes_to, _ = make_pairing(
        {"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"},
        moderation="review_all")
    receive(mail_writer("asha@example.com", requester_writes_to, "Slept four hours in a row!"), "pipe")
    return pairing, db.session.scalar(select(InboundMessage))


def test_discard_asks_first_and_only_a_confirmed_discard_discards(client, signed_in, held):
    _pairing, message = held
    held_page = client.get("/console/held").get_data(as_text=True)
    confirm_url = f"/console/messages/{message.id}/discard/confirm"
    assert confirm_url in held_page
    unconfirmed = client.post(f"/console/messages/{message.id}/discard", data={"back": "/console/held"})
    assert message.state == InboundState.HELD
    assert confirm_url in unconfirmed.headers["Location"]
    page = client.get(confirm_url + "?back=/console/held").get_data(as_text=True)
    assert "Discard this message?" in page and 'name="confirmed" value="yes"' in page
    assert "<script" not in page
    client.post(f"/console/messages/{message.id}/discard", data={"confirmed": "yes", "back": "/console/held"})
    assert message.state == InboundState.DISCARDED


def test_confirm_page_never_sends_a_coordinator_off_site(client, signed_in, held):
    _pairing, message = held
    page = client.get(f"/console/messages/{message.id}/discard/confirm?back=https://evil.example.net/").get_data(
        as_text=True)
    assert "evil.example.net" not in page


def test_ending_a_pairing_asks_first_and_warns_of_red_escalation_and_held_message(client, signed_in, held):
    pairing, message = held
    red = open_escalation("risk_red", Tier.RED, "Said she might hurt herself", pairing=pairing)
    db.session.commit()
    detail = client.get(f"/console/pairings/{pairing.id}").get_data(as_text=True)
    assert f"/console/escalations/{red.id}" in detail
    first = client.post(f"/console/pairings/{pairing.id}", data={"reason": "planned", "note": ""})
    assert pairing.status != PairingStatus.ENDED
    page = first.get_data(as_text=True)
    assert "End pairing" in page and "cannot be undone" in page
    assert "1 open RED escalation" in page and f'href="/console/escalations/{red.id}"' in page
    assert "1 held message" in page and f"/console/pairings/{pairing.id}/thread#m{message.id}" in page
    client.post(f"/console/pairings/{pairing.id}", data={"reason": "planned", "note": "", "confirmed": "yes"})
    assert pairing.status == PairingStatus.ENDED


def test_ending_a_pairing_with_nothing_open_still_asks_but_warns_of_nothing(client, signed_in, make_pairing):
    pairing, _, _ = make_pairing()
    page = client.post(f"/console/pairings/{pairing.id}", data={"reason": "planned"}).get_data(as_text=True)
    assert pairing.status != PairingStatus.ENDED
    assert "Yes, end this pairing" in page and "Still open on this pairing" not in page
