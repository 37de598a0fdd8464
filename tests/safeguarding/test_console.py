"""Coordinators work escalations in order, and can search but never edit the audit log."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Escalation, EscalationStatus, Tier


@pytest.fixture
def coordinator(signed_in):
    return signed_in


def _open(kind, tier, hours_ago, pairing=None):
    escalation = open_escalation(kind, tier, f"{kind} summary", pairing=pairing,
                                 now=utcnow() - timedelta(hours=hours_ago))
    db.session.commit()
    return escalation


def test_queue_is_ordered_by_tier_then_age(client, coordinator):
    old_amber = _open("risk_amber", Tier.AMBER, 30)
    new_red = _open("risk_red", Tier.RED, 1)
    old_red = _open("risk_red", Tier.RED, 5)
    notice = _open("bounce", Tier.NOTICE, 50)
    page = client.get("/console/escalations").get_data(as_text=True)
    positions = [page.index(f"/console/escalations/{e.id}\"") for e in (old_red, new_red, old_amber, notice)]
    assert positions == sorted(positions)
    dashboard = client.get("/console/").get_data(as_text=True)
    assert "4 open escalations" in dashboard and "2 RED" in dashboard


def test_escalation_is_acknowledged_noted_acted_on_and_resolved_with_each_step_audited(client, coordinator):
    escalation = _open("risk_red", Tier.RED, 1)
    base = f"/console/escalations/{escalation.id}"
    client.post(base + "/acknowledge")
    assert escalation.status == EscalationStatus.ACKNOWLEDGED and escalation.assigned_to_id == coordinator.id
    client.post(base + "/note", data={"text": "Called, no answer; will try again at 3pm."})
    client.post(base + "/action", data={"action": "advised_emergency"})
    client.post(base + "/resolve", data={"resolution": ""})
    assert escalation.status == EscalationStatus.ACKNOWLEDGED  # a resolution needs words
    client.post(base + "/resolve", data={"resolution": "Spoke to her partner; crisis team visiting."})
    assert escalation.status == EscalationStatus.RESOLVED
    assert [a["action"] for a in escalation.actions] == ["advised_emergency"]
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "escalation"))]
    assert actions == ["escalation.opened", "escalation.acknowledged", "escalation.noted",
                       "escalation.action_recorded", "escalation.resolved"]
    page = client.get(base).get_data(as_text=True)
    assert "Called, no answer" in page and "Advised 999 or 111" in page


def test_audit_log_is_searchable_by_coordinator_pairing_and_action(client, coordinator, make_pairing, make_coordinator):
    pairing, _, _ = make_pairing()
    other, _, _ = make_pairing()
    escalation = _open("risk_amber", Tier.AMBER, 1, pairing=pairing)
    client.post(f"/console/escalations/{escalation.id}/acknowledge")
    by_pairing = client.get(f"/console/audit?pairing={pairing.id}").get_data(as_text=True)
    assert "<td>acknowledged an escalation</td>" in by_pairing
    # Each pairing's confirmation is audited; only this pairing's shows.
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.pairing_id == other.id)) is not None
    assert by_pairing.count("<td>volunteer confirmed a pairing</td>") == 1
    by_action = client.get("/console/audit?action=escalation.").get_data(as_text=True)
    assert "<td>acknowledged an escalation</td>" in by_action and "<td>signed in</td>" not in by_action
    by_person = client.get(f"/console/audit?coordinator={coordinator.id}").get_data(as_text=True)
    assert "<td>acknowledged an escalation</td>" in by_person and "<td>risk escalation opened</td>" not in by_person


def test_audit_log_cannot_be_changed_from_the_console(app):
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert audit_rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)


def test_volunteer_raises_a_concern_from_their_page(client, make_pairing):
    from matcher import links

    pairing, _, _ = make_pairing()
    token = links.sign("volunteer", pairing.volunteer.public_id)
    client.post(f"/volunteer/{token}/concern",
                data={"pairing_id": pairing.id, "note": "She mentioned not sleeping for days"})
    escalation = db.session.scalar(select(Escalation))
    assert escalation.kind == "volunteer_concern" and escalation.pairing_id == pairing.id


def test_rules_page_shows_the_version(client, coordinator):
    from matcher.safeguarding.rules.reader import RULES_VERSION

    assert RULES_VERSION in client.get("/console/rules").get_data(as_text=True)


def test_dashboard_lists_pairings_whose_requester_waits_for_a_reply(make_pairing, mail_writer):
    from matcher.mailrelay.ingest import receive
    from matcher.safeguarding.queries import pairings_without_reply

    waiting, to_waiting, _ = make_pairing({"email": "a@example.com"}, {"email": "v1@example.org"},
                                          moderation="audit_only")
    _answered, to_answered, volunteer_to = make_pairing({"email": "b@example.com"}, {"email": "v2@example.org"},
                                                       moderation="audit_only")
    earlier = utcnow() - timedelta(days=3)
    receive(mail_writer("a@example.com", to_waiting, "Are you there?"), "pipe", now=earlier)
    receive(mail_writer("b@example.com", to_answered, "Hello"), "pipe", now=earlier)
    receive(mail_writer("v2@example.org", volunteer_to, "Hi!"), "pipe", now=earlier + timedelta(hours=2))
    assert pairings_without_reply(utcnow(), timedelta(hours=48)) == [waiting.id]
    assert pairings_without_reply(utcnow(), timedelta(days=4)) == []


def test_long_thread_shows_the_newest_messages_first_page(client, coordinator, make_pairing, mail_writer, app):
    from matcher.mailrelay import queries
    from matcher.mailrelay.ingest import receive

    app.config["MATCHER_RELAY_HOURLY_LIMIT"] = 1000
    pairing, to, _ = make_pairing({"email": "a@example.com"}, {}, moderation="audit_only")
    for number in range(5):
        receive(mail_writer("a@example.com", to, f"note {number}"), "pipe", now=utcnow() + timedelta(minutes=number))
    messages, older = queries.thread(pairing.id, limit=3)
    assert [m.clean_text for m in messages] == ["note 2", "note 3", "note 4"] and older == 2
    page = client.get(f"/console/pairings/{pairing.id}/thread?show=3").get_data(as_text=True)
    assert "2 older messages not shown" in page and "note 4" in page and "note 1" not in page


@pytest.mark.parametrize(("region", "number", "other"),
                         [("AU", "000", "999"), ("CA", "911", "999"), ("GB", "999", "911")])
def test_a_volunteer_is_told_the_emergency_number_of_the_person_they_support(client, make_pairing, region, number,
                                                                               other):
    import email
    import email.policy

    from matcher import links
    from matcher.mailrelay.models import OutboxMessage

    pairing, _, _ = make_pairing({"region": region})
    to_volunteer = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == pairing.volunteer.email))
    texts = [email.message_from_bytes(m.raw, policy=email.policy.default).get_body(("plain",)).get_content()
             for m in to_volunteer]
    introduction = next(text for text in texts if "Worried about" in text)
    assert f"call {number} first" in introduction and f"{other} (" not in introduction
    token = links.sign("volunteer", pairing.volunteer.public_id)
    page = client.post(f"/volunteer/{token}/concern", data={"pairing_id": pairing.id, "note": "worried"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"call {number} now" in page and f"{other} (" not in page
