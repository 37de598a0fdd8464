"""Pauses end: past dates are refused, and a job resumes volunteers whose pause is over, telling them."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.care.jobs import run_job
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage
from matcher.pairing.models import VolunteerStatus
from matcher.pairing.volunteers import VolunteerError, link_token, pause_self, set_status


def _mail_to(address):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def test_a_pause_ending_in_the_past_is_refused_everywhere(client, signed_in, make_volunteer):
    volunteer = make_volunteer()
    past = utcnow().date() - timedelta(days=400)
    with pytest.raises(VolunteerError):
        pause_self(volunteer, past)
    with pytest.raises(VolunteerError):
        set_status(volunteer, VolunteerStatus.PAUSED, until=past)
    page = client.post(f"/volunteer/{link_token(volunteer)}/pause", data={"until": past.isoformat()},
                       follow_redirects=True).get_data(as_text=True)
    assert "cannot end in the past" in page
    client.post(f"/console/volunteers/{volunteer.id}/status", data={"status": "paused", "until": past.isoformat()})
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_the_pause_job_resumes_a_ready_volunteer_the_day_after_and_tells_them_once(make_volunteer):
    volunteer = make_volunteer(email="sam@example.org")
    today = utcnow().date()
    pause_self(volunteer, today + timedelta(days=7))
    assert run_job("pauses", utcnow() + timedelta(days=7)) == 0
    later = utcnow() + timedelta(days=8)
    assert run_job("pauses", later) == 1
    assert volunteer.status == VolunteerStatus.ACTIVE and volunteer.paused_until is None
    assert run_job("pauses", later + timedelta(hours=1)) == 0
    assert [m.subject for m in _mail_to("sam@example.org")] == ["Welcome back: your pause has ended"]


def test_a_volunteer_whose_check_lapsed_during_the_pause_stays_paused_and_coordinators_hear(app, make_volunteer):
    today = utcnow().date()
    volunteer = make_volunteer(email="sam@example.org", checks_expire_on=today + timedelta(days=3))
    pause_self(volunteer, today + timedelta(days=5))
    assert run_job("pauses", utcnow() + timedelta(days=6)) == 1
    assert volunteer.status == VolunteerStatus.PAUSED
    assert _mail_to("sam@example.org")[0].subject.startswith("Your pause has ended: one thing before")
    assert _mail_to(app.config["MATCHER_COORDINATOR_ADDRESS"])
    assert run_job("pauses", utcnow() + timedelta(days=7)) == 0
