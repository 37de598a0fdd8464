"""Emails to people who asked for support, queued through the outbox."""
from matcher import links
from matcher.intake.models import SupportRequest
from matcher.mailrelay.outbound.outbox import queue_template

SUBJECT_TYPE = "support_request"


def link_token(support_request: SupportRequest, purpose: str) -> str:
    """Return the token of the person's current link for `purpose` ("status" or "confirm")."""
    return links.sign_person(purpose, support_request.public_id, support_request.link_version or 0)


def status_url(support_request: SupportRequest) -> str:
    """Return the person's signed status link."""
    return links.external_url("intake.status", token=link_token(support_request, "status"))


def confirm_url(support_request: SupportRequest) -> str:
    """Return the signed, expiring confirmation link."""
    return links.external_url("intake.confirm", token=link_token(support_request, "confirm"))


def _address(support_request: SupportRequest) -> str:
    if support_request.email is None:  # a withdrawn or erased request keeps no address
        raise ValueError(f"request {support_request.id} has no email address to write to")
    return support_request.email


def queue_confirmation(support_request: SupportRequest) -> None:
    """Queue the double opt-in email with its confirmation link."""
    queue_template(
        "confirm_request",
        _address(support_request),
        kind="confirmation",
        subject_ref=(SUBJECT_TYPE, support_request.id),
        locale=support_request.locale,
        region=support_request.region,
        pseudonym=support_request.pseudonym,
        confirm_url=confirm_url(support_request),
        status_url=status_url(support_request),
    )


def queue_already_listed(support_request: SupportRequest) -> None:
    """Tell an address that already has an open request where it stands."""
    queue_template(
        "already_listed",
        _address(support_request),
        kind="already_listed",
        subject_ref=(SUBJECT_TYPE, support_request.id),
        locale=support_request.locale,
        region=support_request.region,
        pseudonym=support_request.pseudonym,
        status=support_request.status,
        status_url=status_url(support_request),
    )


def queue_new_status_link(support_request: SupportRequest, asked: bool = False) -> None:
    """Send the person a new status link: after the old ones were revoked, or because they `asked`."""
    queue_template(
        "new_status_link",
        _address(support_request),
        kind="status_link",
        subject_ref=(SUBJECT_TYPE, support_request.id),
        locale=support_request.locale,
        region=support_request.region,
        pseudonym=support_request.pseudonym,
        status_url=status_url(support_request),
        asked=asked,
    )


def queue_screening(support_request: SupportRequest) -> None:
    """Ask someone moved from the old waiting list to confirm consent and answer the safety question."""
    queue_template(
        "screening_request",
        _address(support_request),
        kind="screening",
        subject_ref=(SUBJECT_TYPE, support_request.id),
        pseudonym=support_request.pseudonym,
        status_url=status_url(support_request),
    )
