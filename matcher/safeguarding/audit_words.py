"""The audit log in coordinators' words: what was done, to which record, with which details (pure)."""
from collections.abc import Mapping

# Each recorded action, as a coordinator would say it. An action missing here is still shown in words.
ACTION_WORDS: dict[str, str] = {
    "console.login": "Signed in to the console",
    "console.login_failed": "Failed sign-in",
    "console.login_throttled": "Sign-in paused after repeated failures",
    "console.logout": "Signed out",
    "console.password_changed": "Changed their password",
    "console.password_change_failed": "Failed to change their password",
    "console.recovery_code_used": "Signed in with a recovery code",
    "console.second_factor_enrolled": "Set up an authenticator app",
    "console.second_factor_failed": "Wrong authenticator code",
    "coordinator.created": "Added a coordinator",
    "coordinator.deactivated": "Deactivated a coordinator",
    "coordinator.password_reset": "Reset a coordinator's password",
    "coordinator.second_factor_reset": "Reset a coordinator's authenticator",
    "escalation.opened": "Opened an escalation",
    "escalation.acknowledged": "Acknowledged an escalation",
    "escalation.assigned": "Assigned an escalation",
    "escalation.action_recorded": "Recorded an action on an escalation",
    "escalation.noted": "Added a note to an escalation",
    "escalation.resolved": "Resolved an escalation",
    "feedback.received": "Feedback received",
    "message.attachment_released": "Released an attachment",
    "message.discarded": "Discarded a held message",
    "message.raw_viewed": "Viewed the original email",
    "message.released": "Released a held message",
    "message.returned": "Returned a message to its sender",
    "outbox.failed": "An email could not be delivered",
    "pairing.approved": "Approved a pairing",
    "pairing.ended": "Ended a pairing",
    "pairing.moderation_changed": "Changed a pairing's moderation",
    "pairing.proposal_rejected": "Rejected a proposed pairing",
    "pairing.proposed": "Proposed pairings",
    "pairing.returned_for_repairing": "Returned a request to the waiting list for a new supporter",
    "pairing.volunteer_confirmed": "The volunteer accepted the introduction",
    "pairing.volunteer_declined": "The volunteer declined the introduction",
    "pairing.volunteer_no_answer": "The volunteer did not answer the introduction",
    "privacy.erased": "Erased a person's data",
    "privacy.exported": "Exported a person's data",
    "request.confirmed": "The person confirmed their email address",
    "request.duplicate_submission": "The form was sent again for an address already listed",
    "request.imported": "Imported the waiting list",
    "request.link_reissued": "Sent the person a new link",
    "request.link_resent": "The person asked for their link again",
    "request.preferences_updated": "The person changed their preferences",
    "request.resubmitted": "The form was sent again before confirming",
    "request.risk_hold": "Held the request for a safety check",
    "request.submitted": "A person asked for support",
    "request.withdrawn": "The person withdrew their request",
    "retention.applied": "Deleted data past its retention period",
    "volunteer.active": "Made a volunteer active",
    "volunteer.applied": "A volunteer applied",
    "volunteer.asked_to_talk": "A volunteer asked to talk to a coordinator",
    "volunteer.capacity_changed": "A volunteer changed how many people they support",
    "volunteer.created": "Added a volunteer",
    "volunteer.imported": "Imported volunteers",
    "volunteer.link_reissued": "Sent a volunteer a new link",
    "volunteer.paused": "Paused a volunteer",
    "volunteer.paused_self": "A volunteer paused themselves",
    "volunteer.resumed_self": "A volunteer came back from a pause",
    "volunteer.retired": "Retired a volunteer",
    "volunteer.roster_exported": "Exported the volunteer roster",
    "volunteer.updated": "Updated a volunteer's record",
}

# What each kind of record is called, and the console page that shows it (endpoint, its id argument).
SUBJECTS: dict[str, tuple[str, str | None, str | None]] = {
    "support_request": ("Request", "console.request_detail", "request_id"),
    "pairing": ("Pairing", "pairing_console.pairing_detail", "pairing_id"),
    "volunteer": ("Volunteer", "pairing_console.volunteer_detail", "volunteer_id"),
    "escalation": ("Escalation", "safeguarding_console.escalation", "escalation_id"),
    "coordinator": ("Coordinator", None, None),
    "inbound_message": ("Message", None, None),
    "outbox_message": ("Email", None, None),
    "proposal": ("Proposal", None, None),
}

ACTORS = {"system": "The system", "requester": "The person supported", "volunteer": "The volunteer"}

# The groups offered in the log's filter, by the prefix their actions share.
GROUPS = {
    "request.": "Requests", "pairing.": "Pairings", "volunteer.": "Volunteers", "message.": "Messages",
    "escalation.": "Escalations", "console.": "Sign-ins", "coordinator.": "Coordinators",
    "privacy.": "Privacy", "retention.": "Retention", "outbox.": "Email delivery", "feedback.": "Feedback",
}


def action_words(action: str) -> str:
    """Return what an action means, in words ("pairing.ended" -> "Ended a pairing")."""
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    return action.replace(".", ": ", 1).replace("_", " ").capitalize()


def subject_words(subject_type: str | None, subject_id: int | None) -> str:
    """Return the record an action was on, as "Request #12"."""
    if not subject_type:
        return ""
    name = SUBJECTS.get(subject_type, (subject_type.replace("_", " ").capitalize(), None, None))[0]
    return f"{name} #{subject_id}" if subject_id is not None else name


def subject_link(subject_type: str | None, subject_id: int | None) -> tuple[str, dict] | None:
    """Return the console page (endpoint, arguments) of the record, when it has one."""
    if subject_type not in SUBJECTS or subject_id is None:
        return None
    _name, endpoint, argument = SUBJECTS[subject_type]
    return (endpoint, {argument: subject_id}) if endpoint and argument else None


def actor_words(actor: str | None) -> str:
    """Return who acted: a coordinator's address as it is, the others in words."""
    return ACTORS.get(actor or "", actor or "")


def detail_words(detail: Mapping | None) -> list[str]:
    """Return each detail as "what: value" in words, never as JSON."""
    return [f"{_key_words(key)}: {_value_words(value)}" for key, value in (detail or {}).items()]


def _key_words(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


def _value_words(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, list | tuple):
        return ", ".join(_value_words(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{_key_words(k)} {_value_words(v)}" for k, v in value.items())
    return str(value).replace("_", " ") if isinstance(value, str) and value.isidentifier() else str(value)
