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
