"""Safeguarding alerts: to the on-call address, ahead of every other email."""
from flask import current_app

from matcher import links
from matcher.mailrelay.models import Priority
from matcher.mailrelay.outbound.outbox import queue_template

INTAKE_REASONS = {
    "harm": "said they have thoughts of harming themselves or their baby",
    "unwell": "said they feel very unwell right now",
}


def queue_intake_alert(support_request, answer: str) -> None:
    """Queue an alert for a positive safety screen; it carries no personal details."""
    queue_template(
        "alert_intake",
        current_app.config["MATCHER_ALERT_ADDRESS"],
        kind="alert",
        priority=Priority.ALERT,
        subject_ref=("support_request", support_request.id),
        reference=support_request.id,
        reason=INTAKE_REASONS.get(answer, "answered yes to the safety question"),
        region=support_request.region,
        console_url=links.external_url("console.request_detail", request_id=support_request.id),
    )


def queue_red_reminder(escalation, recipient: str, now) -> None:
    """Alert on-call again about a RED escalation nobody has acknowledged; no personal details."""
    queue_template(
        "alert_unacknowledged", recipient, kind="alert", priority=Priority.ALERT,
        subject_ref=("escalation", escalation.id), now=now, escalation=escalation,
        console_url=links.external_url("safeguarding_console.escalation", escalation_id=escalation.id),
    )


def queue_amber_overdue(escalation, now) -> None:
    """Tell the coordinators an AMBER escalation is past its due time unacknowledged."""
    queue_template(
        "amber_overdue", current_app.config["MATCHER_COORDINATOR_ADDRESS"], kind="coordinator_notice",
        subject_ref=("escalation", escalation.id), now=now, escalation=escalation,
        console_url=links.external_url("safeguarding_console.escalation", escalation_id=escalation.id),
    )
