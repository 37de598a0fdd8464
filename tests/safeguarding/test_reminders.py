"""A RED escalation nobody acknowledges is alerted again until someone does; AMBER tells the coordinators."""
from datetime import timedelta

import pytest

from matcher.care.jobs import run_job
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier
from matcher.safeguarding.service import acknowledge


@pytest.fixture
def app_config(app_config):
    return app_config | {"MATCHER_ALERT_SECOND_ADDRESS": "second-oncall@example.org",
                         "MATCHER_COORDINATOR_ADDRESS": "coordinators@example.org",
                         "MATCHER_RED_REALERT_EVERY": "10m"}


def _reminders_at(now, smtp_sink):
    smtp_sink.clear()
    run_job("escalation_reminders", now)
    deliver_due(now=now)
    return sorted(r for m in smtp_sink.received for r in m["rcpt_tos"])


def test_red_unacknowledged_past_due_is_alerted_again_until_acknowledged(
        app, make_pairing, make_coordinator, smtp_sink):
    pairing, _, _ = make_pairing({"email": "asha@example.com"}, {"email": "sam@example.org"})
    deliver_due()  # the introductions
    raised = utcnow()
    red = open_escalation("risk_red", Tier.RED, "RED risk flag", pairing=pairing, now=raised)
    db.session.commit()
    assert _reminders_at(raised + timedelta(minutes=14), smtp_sink) == []  # not due yet (15 minutes)
    both = ["oncall@example.org", "second-oncall@example.org"]
    assert _reminders_at(raised + timedelta(minutes=16), smtp_sink) == both
    [again] = smtp_sink.to("oncall@example.org")
    assert "not acknowledged" in again["Subject"] and f"pairing #{pairing.id}" in again["Subject"]
    assert "asha" not in again.as_string().lower()
    assert _reminders_at(raised + timedelta(minutes=20), smtp_sink) == []  # within the interval
    assert _reminders_at(raised + timedelta(minutes=27), smtp_sink) == both
    acknowledge(red, make_coordinator(email="oncall-person@example.org"), now=raised + timedelta(minutes=28))
    assert _reminders_at(raised + timedelta(minutes=40), smtp_sink) == []


def test_amber_past_due_mails_the_coordinators_once(app, make_pairing, smtp_sink):
    pairing, _, _ = make_pairing({"email": "asha@example.com"}, {"email": "sam@example.org"})
    deliver_due()  # the introductions
    raised = utcnow()
    amber = open_escalation("risk_amber", Tier.AMBER, "AMBER flag", pairing=pairing, now=raised)
    db.session.commit()
    assert _reminders_at(amber.due_at - timedelta(minutes=1), smtp_sink) == []
    assert _reminders_at(amber.due_at + timedelta(minutes=1), smtp_sink) == ["coordinators@example.org"]
    assert "AMBER, overdue" in smtp_sink.to("coordinators@example.org")[0]["Subject"]
    assert _reminders_at(amber.due_at + timedelta(hours=5), smtp_sink) == []
