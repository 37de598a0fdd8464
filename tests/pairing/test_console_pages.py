"""Coordinators manage volunteers, proposals and pairings from the console."""
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.pairing.models import Pairing, PairingStatus, Proposal, Volunteer, VolunteerStatus

RECORD = {
    "name": "Kit Fictional", "pseudonym": "Kit", "email": "kit@example.org", "phone": "07700 900333",
    "role": "partner", "experiences": ["postpartum_psychosis"], "stages": ["early"], "languages": ["en"],
    "timezone": "Europe/London", "capacity": "2", "trained_on": "", "checks_expire_on": "",
    "supervision_due_on": "", "notes": "",
}


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent))]


def test_add_volunteer_then_record_training_and_activate(client, signed_in):
    response = client.post("/console/volunteers/new", data=RECORD)
    volunteer = db.session.scalar(select(Volunteer))
    assert response.status_code == 302 and volunteer.status == VolunteerStatus.APPLICANT
    refused = client.post(f"/console/volunteers/{volunteer.id}/status", data={"status": "active"},
                          follow_redirects=True)
    assert "Record the training date" in refused.get_data(as_text=True)
    today = utcnow().date()  # training in the past and checks still valid, whatever today is
    client.post(f"/console/volunteers/{volunteer.id}",
                data=RECORD | {"trained_on": (today - timedelta(days=300)).isoformat(),
                               "checks_expire_on": (today + timedelta(days=400)).isoformat()})
    client.post(f"/console/volunteers/{volunteer.id}/status", data={"status": "active"})
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert {"volunteer.created", "volunteer.updated", "volunteer.active"} <= set(_actions())


def test_volunteer_list_shows_load(client, signed_in, make_volunteer):
    make_volunteer(pseudonym="Rae", capacity=3)
    page = client.get("/console/volunteers").get_data(as_text=True)
    assert "Rae" in page and "0 of 3" in page


def test_coordinator_runs_proposals_and_approves_an_alternative(client, signed_in, make_request, make_volunteer):
    make_request(pseudonym="Asha")
    make_volunteer(pseudonym="First")
    second = make_volunteer(pseudonym="Second", experiences=["ppd"])
    client.post("/console/proposals/run")
    page = client.get("/console/proposals").get_data(as_text=True)
    assert "Asha" in page and "Approve with Second instead" in page
    proposal = db.session.scalar(select(Proposal))
    client.post(f"/console/proposals/{proposal.id}/approve", data={"volunteer_id": second.id})
    pairing = db.session.scalar(select(Pairing))
    assert pairing.volunteer_id == second.id
    assert {"pairing.proposed", "pairing.approved"} <= set(_actions())


def test_coordinator_ends_a_pairing_with_a_reason(client, signed_in, make_request, make_volunteer):
    make_request()
    make_volunteer()
    client.post("/console/proposals/run")
    client.post(f"/console/proposals/{db.session.scalar(select(Proposal)).id}/approve")
    pairing = db.session.scalar(select(Pairing))
    client.post(f"/console/pairings/{pairing.id}", data={"reason": "planned", "note": "", "confirmed": "yes"})
    assert pairing.status == PairingStatus.ENDED and "pairing.ended" in _actions()
    page = client.get(f"/console/requests/{pairing.request_id}").get_data(as_text=True)
    assert "Return to the waiting list" in page
