"""A risk hold can be lifted, with a reason, and the request keeps its place by its original date."""
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.intake.service import RequestAnswers, confirm_request, submit_request
from matcher.pairing.service import run_proposals
from matcher.safeguarding.models import Escalation, EscalationStatus


def _held_request(make_request, days_waiting=30):
    answers = RequestAnswers(pseudonym="Robin", email="robin@example.com", role="mother", stage="early",
                             language="en", region="GB", timezone="Europe/London", safety="unwell",
                             experiences=("postpartum_psychosis",))
    held = confirm_request(submit_request(answers, now=utcnow() - timedelta(days=days_waiting)))
    make_request(pseudonym="Later", days_waiting=1)
    return held


def test_resolving_the_escalation_can_lift_the_hold_and_the_request_is_proposed_first(
        client, signed_in, make_request, make_volunteer):
    held = _held_request(make_request)
    make_volunteer(capacity=1)
    assert [p.request_id for p in run_proposals().proposals] != [held.id]
    escalation = db.session.scalar(select(Escalation).where(Escalation.request_id == held.id))
    page = client.get(f"/console/escalations/{escalation.id}").get_data(as_text=True)
    assert "is on risk hold" in page and "spoke_with_person" in page
    client.post(f"/console/escalations/{escalation.id}/resolve",
                data={"resolution": "Called her; she is safe and wants support", "hold_reason": "spoke_with_person"})
    assert escalation.status == EscalationStatus.RESOLVED and not held.risk_hold
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request.risk_hold_cleared"))
    assert audit.detail == {"reason": "spoke_with_person"} and audit.coordinator_id == signed_in.id
    # Robin asked a month before "Later", and the only place goes to her.
    assert [p.request_id for p in run_proposals().proposals] == [held.id]


def test_the_hold_is_lifted_from_the_request_page_only_with_a_reason(client, signed_in, make_request):
    held = _held_request(make_request)
    page = client.get(f"/console/requests/{held.id}").get_data(as_text=True)
    assert "Lift the hold" in page
    refused = client.post(f"/console/requests/{held.id}/clear-hold", data={"reason": ""}, follow_redirects=True)
    assert "Choose the reason" in refused.get_data(as_text=True) and held.risk_hold
    client.post(f"/console/requests/{held.id}/clear-hold", data={"reason": "care_team_agrees"})
    assert not held.risk_hold


def test_resolving_without_choosing_keeps_the_hold(client, signed_in, make_request):
    held = _held_request(make_request)
    escalation = db.session.scalar(select(Escalation).where(Escalation.request_id == held.id))
    client.post(f"/console/escalations/{escalation.id}/resolve", data={"resolution": "Spoke to her GP"})
    assert escalation.status == EscalationStatus.RESOLVED and held.risk_hold
