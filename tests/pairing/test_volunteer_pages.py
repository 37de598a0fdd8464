"""The public offer to volunteer and the volunteer's signed page (no password)."""
from datetime import date, timedelta

from sqlalchemy import select

from matcher import links
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage
from matcher.pairing import service
from matcher.pairing.models import PairingStatus, Volunteer, VolunteerStatus

APPLICATION = {
    "name": "Jo Fictional", "pseudonym": "Jo", "email": "Jo@Example.org", "phone": "07700 900111",
    "role": "mother", "experiences": ["postpartum_psychosis"], "stages": ["early"], "languages": ["en"],
    "timezone": "Europe/London", "application": "I was in an MBU in 2023.",
}


def _page(volunteer):
    return f"/volunteer/{links.sign('volunteer', volunteer.public_id)}"


def test_offer_to_volunteer_creates_an_applicant_who_cannot_be_paired(client, make_request):
    response = client.post("/volunteer/apply", data=APPLICATION)
    assert "Thank you for offering to help" in response.get_data(as_text=True)
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.status == VolunteerStatus.APPLICANT and volunteer.email == "jo@example.org"
    assert db.session.scalar(select(OutboxMessage)).kind == "coordinator_notice"
    make_request()
    assert service.run_proposals().proposals == []


def test_offer_with_a_missing_stage_says_what_to_fix(client):
    response = client.post("/volunteer/apply", data=APPLICATION | {"stages": []})
    assert response.status_code == 422
    assert "Choose at least one stage." in response.get_data(as_text=True)


def test_same_address_offering_twice_sees_the_same_page(client):
    client.post("/volunteer/apply", data=APPLICATION)
    response = client.post("/volunteer/apply", data=APPLICATION)
    assert "Thank you for offering to help" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Volunteer)).all()) == 1


def test_volunteer_pauses_until_a_date_and_is_not_proposed(client, make_volunteer, make_request):
    volunteer = make_volunteer()
    make_request()
    until = date.today() + timedelta(days=30)
    page = client.post(_page(volunteer) + "/pause", data={"until": until.isoformat()}, follow_redirects=True)
    assert "You are paused until" in page.get_data(as_text=True)
    assert volunteer.status == VolunteerStatus.PAUSED and volunteer.paused_until == until
    assert service.run_proposals().proposals == []
    client.post(_page(volunteer) + "/resume")
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_volunteer_changes_capacity(client, make_volunteer):
    volunteer = make_volunteer(capacity=1)
    client.post(_page(volunteer) + "/capacity", data={"capacity": "3"})
    assert volunteer.capacity == 3
    client.post(_page(volunteer) + "/capacity", data={"capacity": "99"})
    assert volunteer.capacity == 3


def test_volunteer_asks_to_talk_and_coordinators_are_told_without_the_note(client, make_volunteer):
    volunteer = make_volunteer()
    client.post(_page(volunteer) + "/talk", data={"note": "A hard week"})
    notice = db.session.scalar(select(OutboxMessage))
    assert notice.kind == "coordinator_notice" and b"A hard week" not in notice.raw
    assert "A hard week" in volunteer.notes


def test_opening_the_confirmation_link_changes_nothing_until_the_button(client, make_volunteer, make_request,
                                                                        make_coordinator):
    make_request(pseudonym="Asha")
    volunteer = make_volunteer()
    pairing = service.approve_proposal(service.run_proposals().proposals[0], make_coordinator())
    path = f"{_page(volunteer)}/pairings/{pairing.id}"
    assert "Can you support Asha?" in client.get(path).get_data(as_text=True)
    assert pairing.status == PairingStatus.INTRODUCED
    client.post(path + "/confirm")
    assert pairing.status == PairingStatus.ACTIVE


def test_volunteer_cannot_answer_for_someone_elses_pairing(client, make_volunteer, make_request, make_coordinator):
    make_request()
    volunteer = make_volunteer()
    other = make_volunteer(role="partner")
    pairing = service.approve_proposal(service.run_proposals().proposals[0], make_coordinator())
    assert pairing.volunteer_id == volunteer.id
    assert client.post(f"{_page(other)}/pairings/{pairing.id}/decline").status_code == 404
    assert pairing.status == PairingStatus.INTRODUCED


def test_forged_volunteer_link_is_not_found(client):
    assert client.get("/volunteer/forged-token").status_code == 404
