"""A job's clock reaches everything it writes: every mail it queues is dated and due at the job's time."""
from datetime import UTC, timedelta
from email import message_from_bytes
from email.utils import parsedate_to_datetime

from sqlalchemy import select

from matcher.care.jobs import JOBS, run_job
from matcher.care.models import SentNotice
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage

PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com"},
          {"pseudonym": "Sam", "email": "sam@example.org", "checks_expire_on": None})


def _new_rows(model, seen: set[int]) -> list:
    rows = [row for row in db.session.scalars(select(model)) if row.id not in seen]
    seen.update(row.id for row in rows)
    return rows


def test_every_job_queues_its_mail_at_the_clock_it_was_given(make_pairing):
    pairing, _, _ = make_pairing(*PEOPLE, moderation="audit_only")
    start, end_on = pairing.created_at, pairing.planned_end_on
    pairing.volunteer.checks_expire_on = (start + timedelta(days=20)).date()
    db.session.commit()
    moments = [start + timedelta(hours=60), start + timedelta(days=15), start + timedelta(days=20),
               (start + timedelta(days=25)).replace(hour=12), (start + timedelta(days=25)).replace(hour=13),
               start.replace(hour=12) + timedelta(days=(end_on - start.date()).days - 10),
               start.replace(hour=12) + timedelta(days=(end_on - start.date()).days + 1)]
    seen_mail = {row.id for row in db.session.scalars(select(OutboxMessage))}  # the introductions
    seen_notices: set[int] = set()
    kinds = set()
    for moment in moments:
        for name in JOBS:
            run_job(name, moment)
            for row in _new_rows(OutboxMessage, seen_mail):
                kinds.add(row.kind)
                assert row.next_attempt_at == moment, (name, row.kind)
                assert parsedate_to_datetime(message_from_bytes(row.raw)["Date"]) == moment.replace(microsecond=0)
            for notice in _new_rows(SentNotice, seen_notices):
                assert notice.sent_at == moment, (name, notice.key)
    assert {"reminder", "checkin", "coordinator_notice", "digest", "ending_soon", "ending", "feedback"} <= kinds


def test_the_clock_can_be_years_ahead_of_the_real_one(make_pairing):
    pairing, _, _ = make_pairing(*PEOPLE, moderation="audit_only")
    far = pairing.created_at.astimezone(UTC).replace(hour=12) + timedelta(days=3 * 365)
    for name in JOBS:
        run_job(name, far)
    due = db.session.scalars(select(OutboxMessage.next_attempt_at).where(OutboxMessage.kind != "introduction")).all()
    assert due and all(when == far for when in due)
