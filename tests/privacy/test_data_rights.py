"""Subject access and erasure from the console; the retention policy shown as configured."""
import json

import pytest
from sqlalchemy import select

from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier


@pytest.fixture
def coordinator(make_coordinator, sign_in):
    # Erasure is for admins; export is for every coordinator.
    admin = make_coordinator(role="admin")
    sign_in(admin)
    return admin


@pytest.fixture
def conversation(make_pairing, mail_writer):
    pairing, to, volunteer_to = make_pairing(
        {"pseudonym": "Asha", "email": "asha@example.com", "hopes": "To sleep again"},
        {"pseudonym": "Sam", "email": "sam@example.org", "locale": "fr_CA"}, moderation="audit_only")
    receive(mail_writer("asha@example.com", to, "Good news: two naps today."), "pipe")
    receive(mail_writer("sam@example.org", volunteer_to, "That is wonderful."), "pipe")
    return pairing


def test_export_holds_everything_about_the_requester_and_is_audited(client, coordinator, conversation):
    response = client.post(f"/console/requests/{conversation.request_id}/export")
    assert response.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(response.data)
    assert document["request"]["email"] == "asha@example.com" and document["request"]["hopes"] == "To sleep again"
    assert [(m["direction"], m["text"]) for m in document["messages"]] == [
        ("sent", "Good news: two naps today."), ("received", "That is wonderful.")]
    assert document["pairings"][0]["volunteer"] == "Sam"
    assert "sam@example.org" not in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.exported")) is not None


def test_volunteer_export(client, coordinator, conversation):
    document = json.loads(client.post(f"/console/volunteers/{conversation.volunteer_id}/export").data)
    assert document["volunteer"]["email"] == "sam@example.org"
    assert document["volunteer"]["locale"] == "fr_CA"  # what is held includes the language we write to them in
    assert [m["direction"] for m in document["messages"]] == ["received", "sent"]
    assert "asha@example.com" not in json.dumps(document)


def test_erasure_removes_the_person_and_their_messages_and_records_the_reason(client, coordinator, conversation):
    client.post(f"/console/requests/{conversation.request_id}/erase", data={"reason": "person_asked"})
    request = conversation.request
    assert request.email is None and request.hopes is None
    assert all(row.raw is None and row.clean_text is None for row in db.session.scalars(select(InboundMessage)))
    assert not conversation.is_live
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erased"))
    assert event.detail == {"reason": "person_asked", "pairings_erased": 1, "kept_for_safeguarding": False}


def test_erasure_keeps_what_an_open_escalation_needs(client, coordinator, conversation):
    open_escalation("risk_red", Tier.RED, "open", pairing=conversation)
    db.session.commit()
    page = client.post(f"/console/requests/{conversation.request_id}/erase", data={"reason": "person_asked"},
                       follow_redirects=True).get_data(as_text=True)
    assert "kept until the open safeguarding escalation is resolved" in page
    request = conversation.request
    assert request.email == "asha@example.com" and request.hopes is None
    assert db.session.scalar(select(InboundMessage)).clean_text is not None


def test_erasure_needs_a_reason(client, coordinator, conversation):
    client.post(f"/console/requests/{conversation.request_id}/erase", data={"reason": ""})
    assert conversation.request.email == "asha@example.com"


def test_retention_policy_pages_follow_configuration(app, client, coordinator):
    from datetime import timedelta

    app.config["MATCHER_RETAIN_MESSAGES_AFTER_END"] = timedelta(days=60)
    assert "60 days after the pairing ends" in client.get("/console/retention").get_data(as_text=True)
    assert "60 days after the pairing ends" in client.get("/privacy").get_data(as_text=True)


def test_only_an_admin_may_erase(client, make_coordinator, sign_in, conversation):
    sign_in(make_coordinator(email="plain@example.org"))
    assert client.post(f"/console/requests/{conversation.request_id}/erase",
                       data={"reason": "person_asked"}).status_code == 403
    assert conversation.request.email == "asha@example.com"
