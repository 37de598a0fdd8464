"""Discarding a held message, ending a pairing and sending a new status link ask first; ending warns of what is
still open."""
import re
from email import message_from_bytes
from email.policy import default

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


def test_a_new_status_link_is_sent_only_once_confirmed_and_the_old_one_stops_working(
        client, signed_in, make_request):
    from matcher.console.models import AuditEvent
    from matcher.intake.models import RequestStatus
    from matcher.intake.notices import link_token
    from matcher.mailrelay.models import OutboxMessage

    person = make_request(email="robin@example.com", pseudonym="Robin")
    old_link = f"/status/{link_token(person, 'status')}"
    request_page = client.get(f"/console/requests/{person.id}").get_data(as_text=True)
    confirm_url = f"/console/requests/{person.id}/link/confirm"
    assert confirm_url in request_page
    assert f'action="/console/requests/{person.id}/link"' not in request_page  # one click cannot send it

    unconfirmed = client.post(f"/console/requests/{person.id}/link", data={})
    assert confirm_url in unconfirmed.headers["Location"]
    assert client.get(old_link).status_code == 200
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "robin@example.com")) is None
    page = client.get(confirm_url).get_data(as_text=True)
    assert "Send Robin a new link?" in page and 'name="confirmed" value="yes"' in page

    done = client.post(f"/console/requests/{person.id}/link", data={"confirmed": "yes"}, follow_redirects=True)
    assert "A new link has been sent to Robin" in done.get_data(as_text=True)
    assert client.get(old_link).status_code == 410
    [mailed] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "robin@example.com"))
    body = message_from_bytes(mailed.raw, policy=default).get_body(preferencelist=("plain",)).get_content()
    new_link = re.search(r"http://matcher\.test(/status/\S+)", body).group(1)
    assert client.get(new_link).status_code == 200  # the mailed link works; the old one is gone
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request.link_reissued"))
    assert event.actor == signed_in.email and event.subject_id == person.id

    person.status = RequestStatus.WITHDRAWN
    db.session.commit()
    assert confirm_url not in client.get(f"/console/requests/{person.id}").get_data(as_text=True)
    refused = client.post(f"/console/requests/{person.id}/link", data={"confirmed": "yes"}, follow_redirects=True)
    assert "withdrawn or erased" in refused.get_data(as_text=True)


def test_signed_out_nobody_can_send_a_new_status_link(client, make_request):
    person = make_request()
    response = client.post(f"/console/requests/{person.id}/link", data={"confirmed": "yes"})
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert "/console/login" in client.get(f"/console/requests/{person.id}/link/confirm").headers["Location"]


def test_a_new_status_link_is_refused_without_the_forms_csrf_token(app, client, signed_in, make_request):
    # Another site posting confirmed=yes in a signed-in coordinator's browser must change nothing.
    from matcher.intake.notices import link_token

    person = make_request(email="wren@example.com", pseudonym="Wren")
    old_link = f"/status/{link_token(person, 'status')}"
    app.config["WTF_CSRF_ENABLED"] = True
    forged = client.post(f"/console/requests/{person.id}/link", data={"confirmed": "yes"})
    app.config["WTF_CSRF_ENABLED"] = False
    assert forged.status_code == 400
    assert client.get(old_link).status_code == 200
