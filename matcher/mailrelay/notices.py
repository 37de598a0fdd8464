"""Mail the relay sends on its own account: alerts, crisis replies, kind explanations."""
from flask import current_app

from matcher import links
from matcher.mailrelay.models import Party, Priority
from matcher.mailrelay.outbound.outbox import queue_template
from matcher.mailrelay.policy import Decision


def after_decision(row, decision: Decision, pairing, author: Party, now) -> None:
    """Queue the alert, crisis reply and sender notice a decision asks for (no commit)."""
    if decision.alert:
        queue_message_alert(row, pairing, author)
    if decision.crisis_reply:
        queue_crisis_reply(pairing, row)
    if decision.tell_sender:
        queue_held_notice(pairing, author, row)


def queue_message_alert(row, pairing, author: Party) -> None:
    """Alert the on-call address at once; tier, pairing and a link, never the text."""
    queue_template(
        "alert_message", current_app.config["MATCHER_ALERT_ADDRESS"], kind="alert", priority=Priority.ALERT,
        subject_ref=("inbound_message", row.id), pairing_id=pairing.id, author=str(author),
        labels=[flag["label"] for flag in row.flags if flag["tier"] == "red"],
        model_flags=[flag for flag in row.flags if flag["tier"] == "red" and flag.get("model")],
        rules_version=next((flag["rules_version"] for flag in row.flags if not flag.get("model")), ""),
        console_url=links.external_url("relay_console.thread", pairing_id=pairing.id),
    )


def queue_crisis_reply(pairing, row) -> None:
    """Send the requester the crisis numbers for their region, straight away."""
    support_request = pairing.request
    if not support_request.email:
        return
    from matcher.intake.notices import status_url

    queue_template(
        "crisis_reply", support_request.email, kind="crisis_reply", priority=Priority.ALERT,
        subject_ref=("inbound_message", row.id), pseudonym=support_request.pseudonym,
        region=support_request.region, status_url=status_url(support_request),
    )


def queue_held_notice(pairing, author: Party, row) -> None:
    """Tell the sender, kindly, why their message is waiting."""
    email = pairing.request.email if author == Party.REQUESTER else pairing.volunteer.email
    name = pairing.request.pseudonym if author == Party.REQUESTER else pairing.volunteer.pseudonym
    if email:
        queue_template("held_contact_details", email, kind="held_notice", subject_ref=("inbound_message", row.id),
                       pseudonym=name)
