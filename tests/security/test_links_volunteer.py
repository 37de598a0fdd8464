"""Volunteer links follow the volunteer's current state, and can be revoked and reissued."""
import logging
import re
from datetime import date, timedelta

from sqlalchemy import select

from matcher import links
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.pairing import service, volunteers
from matcher.pairing.models import VolunteerStatus
from matcher.privacy.service import erase_volunteer


def _old_link(volunteer):
    """The link as mailed before links carried a version: only the public id, signed."""
    return f"/volunteer/{links.sign('volunteer', volunteer.public_id)}"


def _try_to_reactivate(client, page):
    client.post(page + "/pause", data={"until": (date.today() + timedelta(days=3)).isoformat()})
    client.post(page + "/resume")
    client.post(page + "/capacity", data={"capacity": "10"})


def test_retired_volunteer_cannot_reactivate_with_an_old_link(client, make_volunteer, make_request):
    volunteer = make_volunteer(capacity=1)
    page = _old_link(volunteer)
    volunteers.set_status(volunteer, VolunteerStatus.RETIRED)
    make_request()
    _try_to_reactivate(client, page)
    assert volunteer.status == VolunteerStatus.RETIRED and volunteer.capacity == 1
    assert service.run_proposals().proposals == []
    assert client.get(page).status_code == 410


def test_erased_volunteer_link_is_useless(client, make_volunteer, make_request):
    volunteer = make_volunteer(capacity=1)
    page = _old_link(volunteer)
    erase_volunteer(volunteer, "person_asked", by=None)
    make_request()
    _try_to_reactivate(client, page)
    assert volunteer.status == VolunteerStatus.RETIRED
    assert service.run_proposals().proposals == []
    gone = client.get(page)
    assert gone.status_code == 410 and "This link no longer works" in gone.get_data(as_text=True)


def test_applicant_cannot_activate_themselves_with_a_link(client, make_volunteer):
    applicant = make_volunteer(status=VolunteerStatus.APPLICANT, trained_on=None, checks_expire_on=None)
    _try_to_reactivate(client, _old_link(applicant))
    assert applicant.status == VolunteerStatus.APPLICANT


def test_resume_applies_the_consoles_readiness_rules(client, make_volunteer):
    volunteer = make_volunteer(status=VolunteerStatus.PAUSED, paused_until=date.today() + timedelta(days=5),
                               checks_expire_on=date.today() - timedelta(days=1))
    page = client.post(_old_link(volunteer) + "/resume", follow_redirects=True).get_data(as_text=True)
    assert volunteer.status == VolunteerStatus.PAUSED
    assert "background check" in page
    assert "Welcome back" not in page


def test_paused_volunteer_who_is_ready_still_resumes(client, make_volunteer):
    volunteer = make_volunteer(status=VolunteerStatus.PAUSED, paused_until=date.today() + timedelta(days=5))
    client.post(_old_link(volunteer) + "/resume")
    assert volunteer.status == VolunteerStatus.ACTIVE and volunteer.paused_until is None


def test_coordinator_issues_a_new_link_and_the_old_one_stops_working(
        client, signed_in, make_volunteer, smtp_sink, caplog):
    volunteer = make_volunteer()
    old = _old_link(volunteer)
    assert client.get(old).status_code == 200
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/console/volunteers/{volunteer.id}/link", follow_redirects=True)
        assert "new link has been sent" in response.get_data(as_text=True)
        deliver_due()
    smtp_sink.wait_for(1)
    [message] = smtp_sink.to(volunteer.email)
    body = message.get_body(preferencelist=("plain",)).get_content()
    new = re.search(r"http://matcher\.test(/volunteer/\S+)", body).group(1)
    token = new.rsplit("/", 1)[1]
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.link_reissued"))
    assert event is not None and event.coordinator_id == signed_in.id
    assert token not in repr(event.detail)
    assert token not in caplog.text


def test_a_new_link_is_refused_for_a_retired_volunteer(client, signed_in, make_volunteer):
    volunteer = make_volunteer(status=VolunteerStatus.RETIRED)
    page = client.post(f"/console/volunteers/{volunteer.id}/link", follow_redirects=True).get_data(as_text=True)
    assert "no longer volunteers" in page
    assert deliver_due().sent == 0
