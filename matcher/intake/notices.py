"""Emails to people who asked for support, queued through the outbox."""
from matcher import links
from matcher.intake.models import SupportRequest
from matcher.mailrelay.outbound.outbox import queue_template

SUBJECT_TYPE = "support_request"


def status_url(support_request: SupportRequest) -> str:
    """Return the person's signed status link."""
    return links.external_url("intake.status", token=links.sign("status", support_request.public_id))


def confirm_url(support_request: SupportRequest) -> str:
    """Return the signed, expiring confirmation link."""
    return links.external_url("intake.confirm", token=links.sign("confirm", support_request.public_id))


def queue_confirmation(support_request: SupportRequest) -> None:
    """Queue the double opt-in email with its confirmation link."""
    queue_template(
        "confirm_request",
        support_request.email,
        kind="confirmation",
        subject_ref=(SUBJECT_TYPE, support_request.id),
        pseudonym=support_request.pseudonym,
        confirm_url=confirm_url(support_request),
        status_url=status_url(support_request),
    )


def queue_already_listed(support_request: SupportRequest) -> None:
    """Tell an address that already has an open request where it stands."""
    queue_template(
        "already_listed",
        support_request.email,
        kind="already_listed",
        subject_ref=(SUBJECT_TYPE, support_request.id),
        pseudonym=support_request.pseudonym,
        status=support_request.status,
        status_url=status_url(support_request),
    )
