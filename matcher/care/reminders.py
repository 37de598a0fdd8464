"""Reminders and the daily digest for coordinators."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from matcher import links
from matcher.care.notices import send_once
from matcher.extensions import db
from matcher.mailrelay.outbound.outbox import queue_template
from matcher.pairing import volunteers
from matcher.pairing.models import Volunteer, VolunteerStatus
from matcher.safeguarding.queries import overview


def volunteer_checks(now: datetime) -> int:
    """Tell coordinators, once per date, about checks and supervision coming due."""
    horizon = (now + current_app.config["MATCHER_CHECKS_WARN_BEFORE"]).date()
    due = db.session.scalars(select(Volunteer).where(
        Volunteer.status.in_((VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)),
        or_(Volunteer.checks_expire_on <= horizon, Volunteer.supervision_due_on <= horizon),
    )).all()
    sent = 0
    for volunteer in due:
        key = f"checks:{volunteer.id}:{volunteer.checks_expire_on}:{volunteer.supervision_due_on}"
        sent += send_once(key, lambda v=volunteer: queue_template(
            "volunteer_checks_due", current_app.config["MATCHER_COORDINATOR_ADDRESS"], kind="coordinator_notice",
            subject_ref=("volunteer", v.id), volunteer_id=v.id, checks_expire_on=v.checks_expire_on,
            supervision_due_on=v.supervision_due_on, today=now.date(),
            url=links.external_url("pairing_console.volunteer_detail", volunteer_id=v.id), now=now), now)
    return sent


def pause_ends(now: datetime) -> int:
    """Resume volunteers whose pause has ended (if still ready) and tell them, once per pause."""
    ended = db.session.scalars(select(Volunteer).where(
        Volunteer.status == VolunteerStatus.PAUSED, Volunteer.paused_until.is_not(None),
        Volunteer.paused_until < now.date())).all()
    return sum(send_once(f"pause-ended:{v.id}:{v.paused_until}", lambda v=v: volunteers.end_pause(v, now), now)
               for v in ended)


def daily_digest(now: datetime) -> int:
    """Send coordinators the day's summary once, at the configured local hour or after."""
    config = current_app.config
    local = now.astimezone(ZoneInfo(config["MATCHER_TIMEZONE"]))
    if local.hour < config["MATCHER_DIGEST_HOUR"]:
        return 0
    summary = overview(now, config["MATCHER_REPLY_EXPECTED_WITHIN"])
    return int(send_once(f"digest:{local.date().isoformat()}", lambda: queue_template(
        "daily_digest", config["MATCHER_COORDINATOR_ADDRESS"], kind="digest", summary=summary, now=now,
        day=local.date(), console_url=links.external_url("console.dashboard")), now))
