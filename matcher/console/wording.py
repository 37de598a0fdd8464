"""Console words for stored codes: audit actions, statuses, levels, dates and counts (pure)."""
import enum
from datetime import UTC, date, datetime

ACTIONS = {
    "volunteer.language_changed": "changed the language of their pages and emails",
    "escalation.alert_delivered_late": "an undelivered alert got through",
    "escalation.alert_not_delivered": "an alert could not be delivered by any route",
    "escalation.reminded": "alerted again about an unacknowledged escalation",
    "pairing.paired_by_hand": "paired by hand",
    "request.link_resent": "sent a fresh link to a request",
    "request.risk_hold_cleared": "lifted a risk hold",
    "request.screened": "answered the consent and safety questions",
    "volunteer.pause_ended_not_ready": "a pause ended but the volunteer is not ready to resume",
    "volunteer.resumed_after_pause": "resumed after a pause",
    "console.login": "signed in",
    "console.login_failed": "failed to sign in",
    "console.login_throttled": "sign-in paused after repeated failures",
    "console.logout": "signed out",
    "console.password_change_failed": "failed to change their password",
    "console.password_changed": "changed their password",
    "console.recovery_code_used": "signed in with a recovery code",
    "console.second_factor_enrolled": "set up an authenticator",
    "console.second_factor_failed": "entered a wrong authenticator code",
    "coordinator.created": "added a coordinator",
    "coordinator.deactivated": "stopped a coordinator signing in",
    "coordinator.password_reset": "gave a coordinator a new password",
    "coordinator.second_factor_reset": "reset a coordinator's authenticator",
    "escalation.opened": "risk escalation opened",
    "escalation.acknowledged": "acknowledged an escalation",
    "escalation.assigned": "assigned an escalation",
    "escalation.noted": "added a note to an escalation",
    "escalation.action_recorded": "recorded an action on an escalation",
    "escalation.resolved": "resolved an escalation",
    "feedback.received": "feedback received",
    "message.attachment_released": "released an attachment",
    "message.discarded": "discarded a held message",
    "message.raw_viewed": "viewed a message as received",
    "message.released": "released a held message",
    "message.returned": "returned a message to its writer",
    "outbox.failed": "an email could not be sent",
    "pairing.approved": "approved a pairing",
    "pairing.ended": "ended a pairing",
    "pairing.moderation_changed": "changed a pairing's moderation",
    "pairing.proposal_rejected": "rejected a proposed pairing",
    "pairing.proposed": "proposed pairings",
    "pairing.returned_for_repairing": "returned a request for a new pairing",
    "pairing.volunteer_confirmed": "volunteer confirmed a pairing",
    "pairing.volunteer_no_answer": "volunteer did not answer in time",
    "privacy.erased": "erased personal details",
    "privacy.exported": "exported personal details",
    "request.confirmed": "request confirmed",
    "request.duplicate_submission": "request sent again from a known address",
    "request.imported": "imported requests",
    "request.link_reissued": "sent a requester a new link",
    "request.preferences_updated": "requester changed their preferences",
    "request.resubmitted": "request sent again",
    "request.risk_hold": "request put on risk hold",
    "request.submitted": "request received",
    "request.withdrawn": "request withdrawn",
    "retention.applied": "old records deleted on schedule",
    "volunteer.applied": "volunteer applied",
    "volunteer.asked_to_talk": "volunteer asked to talk to a coordinator",
    "volunteer.capacity_changed": "volunteer changed their capacity",
    "volunteer.created": "added a volunteer",
    "volunteer.imported": "imported volunteers",
    "volunteer.link_reissued": "sent a volunteer a new link",
    "volunteer.paused_self": "volunteer paused themselves",
    "volunteer.resumed_self": "volunteer came back from a pause",
    "volunteer.roster_exported": "exported the volunteer roster",
    "volunteer.updated": "changed a volunteer's details",
    "volunteer.active": "made a volunteer active (first time: their link was sent)",
    "volunteer.paused": "paused a volunteer",
    "volunteer.retired": "retired a volunteer",
}

# Keyed by the enum's class name: the same code means different things in different places.
STATES = {
    ("Moderation", "review_all"): "every message read before it goes",
    ("Moderation", "review_flagged"): "flagged messages read before they go",
    ("Moderation", "audit_only"): "messages go straight through, kept for audit",
    ("PairingStatus", "introduced"): "introduced, waiting for the volunteer",
    ("InboundState", "received"): "received, not yet processed",
    ("InboundState", "bounce"): "bounce of our own email",
    ("InboundState", "returned"): "returned to its writer",
    ("OutboxStatus", "kept_locally"): "kept locally (not sent)",
    ("Tier", "red"): "RED (urgent)",
    ("Tier", "amber"): "AMBER (soon)",
    ("Tier", "notice"): "notice",
    ("CoordinatorRole", "admin"): "administrator",
}

SUBJECTS = {
    "pairing": "pairing", "support_request": "request", "volunteer": "volunteer", "escalation": "escalation",
    "inbound_message": "message", "outbox_message": "outgoing email", "proposal": "proposal",
    "coordinator": "coordinator",
}


def action_words(action: str) -> str:
    """Name an audit action in words, falling back to the code made readable."""
    return ACTIONS.get(action) or action.replace(".", ": ").replace("_", " ")


def state_words(value: enum.Enum | str | None) -> str:
    """Name a status, level or tier in words."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        code = str(value.value)
        return STATES.get((type(value).__name__, code), code.replace("_", " "))
    return str(value).replace("_", " ")


def state_pair(value: enum.Enum) -> tuple[str, str]:
    """Return a status's code and its words, for a filter's choices."""
    return str(value.value), state_words(value)


def subject_words(subject_type: str | None) -> str:
    """Name what an audit event was about."""
    return SUBJECTS.get(subject_type or "", (subject_type or "").replace("_", " "))


def detail_words(detail: dict | None) -> str:
    """Describe an audit event's detail as short phrases, not JSON."""
    # The pairing is shown in its own column, linked.
    parts = [f"{key.replace('_', ' ')}: {_value_words(value)}" for key, value in (detail or {}).items()
             if key != "pairing"]
    return "; ".join(parts)


def _value_words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_value_words(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_value_words(v)}" for k, v in value.items()) or "none"
    return str(value).replace("_", " ")


def when(moment: datetime | None) -> str:
    """Show a moment in the console's one format: 2 Dec 2026, 14:05 UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def on_day(day: date | datetime | None) -> str:
    """Show a day in the console's one format: 2 Dec 2026."""
    if day is None:
        return ""
    return f"{day.day} {day:%b %Y}"


def plural(count: int, singular: str, several: str | None = None) -> str:
    """Count things with the right form: 1 message, 2 messages."""
    return f"{count} {singular if count == 1 else several or singular + 's'}"


def ago(since: datetime | None, now: datetime) -> str:
    """Say how long ago something happened: today, 1 day ago, 3 weeks ago."""
    if since is None:
        return ""
    days = (now - since).days
    if days < 1:
        return "today"
    if days < 14:
        return f"{plural(days, 'day')} ago"
    return f"{plural(days // 7, 'week')} ago"
