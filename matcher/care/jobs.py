"""Every scheduled job by name: the scheduler and `flask jobs run NAME` call the same functions."""
import logging
from collections.abc import Callable
from datetime import datetime

from flask import current_app

from matcher.care import reminders, retention, timers

log = logging.getLogger(__name__)


def deliver_outbox(now: datetime) -> int:
    """Send alerts, finish interrupted inbound mail (alerts it raises go at once), then the rest."""
    from matcher.mailrelay.ingest import deliver_alerts_then_resume
    from matcher.mailrelay.outbound.outbox import deliver_due

    resumed = deliver_alerts_then_resume(now)
    report = deliver_due(now=now)
    return resumed + report.sent


def poll_inbox(now: datetime) -> int:
    """Poll the IMAP mailbox when one is configured."""
    if not current_app.config.get("MATCHER_IMAP_HOST"):
        return 0
    from matcher.mailrelay.inbound.imap import poll_once

    report = poll_once(current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    return report.stored


def retention_job(now: datetime) -> int:
    """Apply the retention rules."""
    return sum(retention.run_retention(now).values())


JOBS: dict[str, Callable[[datetime], int]] = {
    "outbox": deliver_outbox,
    "inbox": poll_inbox,
    "response_timers": timers.response_timers,
    "silence": timers.silence_checkins,
    "endings": timers.planned_endings,
    "volunteer_checks": reminders.volunteer_checks,
    "pauses": reminders.pause_ends,
    "digest": reminders.daily_digest,
    "retention": retention_job,
}


def run_job(name: str, now: datetime) -> int:
    """Run one job by name at `now`; return how many things it did."""
    done = JOBS[name](now)
    log.info("job %s did %s", name, done)
    return done
