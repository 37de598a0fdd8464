"""Every message awaiting the volunteer's reply is timed, not only the first."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.care.jobs import run_job
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import OutboxMessage
from matcher.pairing.models import VolunteerStatus
from matcher.safeguarding.models import Escalation

PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"})


@pytest.fixture
def exchanged(make_pairing, mail_writer):
    """A pairing past its first exchange, with the requester's second message unanswered."""
    pairing, to, volunteer_to = make_pairing(*PEOPLE, moderation="audit_only")
    receive(mail_writer("asha@example.com", to, "Hello Sam, nice to meet you."), "pipe")
    receive(mail_writer("sam@example.org", volunteer_to, "Hello Asha, lovely to hear from you."), "pipe")
    receive(mail_writer("asha@example.com", to, "Today was hard. Can I ask you something?"), "pipe")
    return pairing, volunteer_to


def _reminders():
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "sam@example.org", OutboxMessage.subject.like("%waiting for your reply%"))))


def test_a_later_unanswered_message_reminds_the_volunteer_then_tells_a_coordinator(exchanged):
    pairing, _ = exchanged
    now = utcnow()
    run_job("response_timers", now + timedelta(hours=71))
    assert _reminders() == []
    run_job("response_timers", now + timedelta(hours=73))
    run_job("response_timers", now + timedelta(hours=80))
    assert len(_reminders()) == 1
    run_job("response_timers", now + timedelta(hours=121))
    run_job("response_timers", now + timedelta(hours=130))
    assert [(e.kind, e.pairing_id) for e in db.session.scalars(select(Escalation))] == [("no_reply", pairing.id)]


def test_a_reply_stops_the_timer(exchanged, mail_writer):
    _, volunteer_to = exchanged
    receive(mail_writer("sam@example.org", volunteer_to, "Of course, ask away."), "pipe")
    run_job("response_timers", utcnow() + timedelta(hours=200))
    assert _reminders() == [] and db.session.scalar(select(Escalation)) is None


def test_a_paused_volunteer_is_not_reminded_but_coordinators_still_hear(exchanged):
    pairing, _ = exchanged
    pairing.volunteer.status = VolunteerStatus.PAUSED
    db.session.commit()
    run_job("response_timers", utcnow() + timedelta(hours=80))
    assert _reminders() == []
    run_job("response_timers", utcnow() + timedelta(hours=125))
    assert db.session.scalar(select(Escalation)).kind == "no_reply"
