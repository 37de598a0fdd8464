"""Each scheduled job with an injected clock, through real SMTP: the right mail, once."""
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matcher.care.jobs import run_job
from matcher.care.models import SentNotice
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.pairing.models import PairingStatus
from matcher.safeguarding.models import Escalation

PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"})


@pytest.fixture
def pairing(make_pairing):
    return make_pairing(*PEOPLE, moderation="audit_only")


def _sent_to(smtp_sink, address, subject_part):
    return [m for m in smtp_sink.to(address) if subject_part in str(m["Subject"])]


def _deliver(now):
    deliver_due(now=now)


def test_volunteer_is_reminded_at_48_hours_and_an_escalation_opens_at_72(pairing, smtp_sink):
    pairing, _, _ = pairing
    start = pairing.created_at
    assert run_job("response_timers", start + timedelta(hours=47)) == 0
    run_job("response_timers", start + timedelta(hours=49))
    run_job("response_timers", start + timedelta(hours=50))
    _deliver(start + timedelta(hours=50))
    assert len(_sent_to(smtp_sink, "sam@example.org", "gentle reminder")) == 1
    run_job("response_timers", start + timedelta(hours=73))
    run_job("response_timers", start + timedelta(hours=80))
    assert [e.kind for e in db.session.scalars(select(Escalation))] == ["no_first_reply"]


def test_no_reminder_once_the_volunteer_has_written(pairing, mail_writer):
    pairing, _, volunteer_to = pairing
    receive(mail_writer("sam@example.org", volunteer_to, "Hello Asha, lovely to meet you."), "pipe")
    assert run_job("response_timers", pairing.created_at + timedelta(hours=80)) == 0


def test_quiet_pairing_gets_one_gentle_check_in_to_both(pairing, mail_writer, smtp_sink):
    pairing, to, _ = pairing
    receive(mail_writer("asha@example.com", to, "Talk soon"), "pipe")
    quiet = utcnow() + timedelta(days=15)
    assert run_job("silence", utcnow() + timedelta(days=13)) == 0
    assert run_job("silence", quiet) == 1
    assert run_job("silence", quiet + timedelta(days=1)) == 0
    _deliver(quiet)
    assert len(_sent_to(smtp_sink, "asha@example.com", "Checking in")) == 1
    assert len(_sent_to(smtp_sink, "sam@example.org", "Checking in")) == 1


def test_planned_ending_warns_two_weeks_ahead_then_closes_and_asks_for_feedback(pairing, smtp_sink, client):
    pairing, _, _ = pairing
    end = pairing.planned_end_on
    at = lambda day: utcnow().replace(year=day.year, month=day.month, day=day.day)  # noqa: E731
    assert run_job("endings", at(end - timedelta(days=15))) == 0
    assert run_job("endings", at(end - timedelta(days=14))) == 1
    assert run_job("endings", at(end - timedelta(days=13))) == 0
    run_job("endings", at(end))
    assert pairing.status == PairingStatus.ENDED and pairing.end_reason == "planned"
    _deliver(at(end))
    assert len(_sent_to(smtp_sink, "asha@example.com", "ends in two weeks")) == 1
    assert len(_sent_to(smtp_sink, "asha@example.com", "has ended")) == 1
    [ask] = _sent_to(smtp_sink, "asha@example.com", "Two questions")
    link = next(line for line in ask.get_body(preferencelist=("plain",)).get_content().split() if "/feedback/" in line)
    path = link.replace("http://matcher.test", "")
    assert client.post(path, data={"helpfulness": "5", "would_recommend": "yes"}).status_code == 200
    assert "Thank you" in client.get(path).get_data(as_text=True)


def test_coordinators_hear_about_expiring_checks_once_per_date(make_volunteer, smtp_sink):
    volunteer = make_volunteer(checks_expire_on=date.today() + timedelta(days=10))
    make_volunteer(checks_expire_on=date.today() + timedelta(days=200))
    now = utcnow()
    assert run_job("volunteer_checks", now) == 1
    assert run_job("volunteer_checks", now) == 0
    volunteer.checks_expire_on = date.today() + timedelta(days=20)
    db.session.commit()
    assert run_job("volunteer_checks", now) == 1
    _deliver(utcnow())
    assert len(_sent_to(smtp_sink, "coordinators@relay.example", f"Volunteer #{volunteer.id}")) == 2


def test_daily_digest_goes_once_a_day_after_the_configured_hour(pairing, smtp_sink):
    day = pairing[0].created_at + timedelta(days=1)
    early = day.replace(hour=6, minute=0)   # 06:00 or 07:00 in London, before the 08:00 digest
    late = day.replace(hour=9, minute=0)
    assert run_job("digest", early) == 0
    assert run_job("digest", late) == 1
    assert run_job("digest", late + timedelta(hours=3)) == 0
    assert run_job("digest", late + timedelta(days=1)) == 1
    _deliver(late + timedelta(days=1))
    assert len(_sent_to(smtp_sink, "coordinators@relay.example", "Daily summary")) == 2


def test_a_job_run_twice_at_once_sends_once(make_app, pairing):
    pairing, _, _ = pairing
    moment = pairing.created_at + timedelta(hours=49)
    apps = [make_app(), make_app()]
    barrier = threading.Barrier(2)

    def run(app):
        with app.app_context():
            barrier.wait()
            run_job("response_timers", moment)

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SentNotice.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "reminder")) == 1


def test_jobs_run_command_runs_one_job(runner, pairing):
    result = runner.invoke(args=["jobs", "run", "outbox"])
    assert result.exit_code == 0 and result.output.startswith("outbox: ")
