"""Every scheduled job by name: the scheduler and `flask jobs run NAME` call the same functions."""
import logging
import threading
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
    from matcher.mailrelay.inbound import imap_idle
    from matcher.mailrelay.inbound.imap import poll_once

    if imap_idle.idling.is_set():  # the IDLE connection reads mail the moment it comes
        return 0

    report = poll_once(current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    return report.stored


def start_imap_idle(app) -> threading.Event:
    """Start the IMAP IDLE watcher beside the jobs when a mailbox is configured; return its stop."""
    from matcher.mailrelay.inbound.imap_idle import watch

    stop = threading.Event()
    if app.config.get("MATCHER_IMAP_HOST"):
        threading.Thread(target=watch, args=(app, stop), name="imap-idle", daemon=True).start()
    return stop


def escalation_reminders(now: datetime) -> int:
    """Alert again about unacknowledged RED escalations past due; tell coordinators of overdue AMBER."""
    from matcher.safeguarding.service import remind_overdue

    return remind_overdue(now)


def retention_job(now: datetime) -> int:
    """Apply the retention rules."""
    return sum(retention.run_retention(now).values())


JOBS: dict[str, Callable[[datetime], int]] = {
    "outbox": deliver_outbox,
    "escalation_reminders": escalation_reminders,
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
