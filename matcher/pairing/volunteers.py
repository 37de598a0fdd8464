"""Volunteer records: applications, edits, pauses, capacity and retirement.

State changes for volunteers live here rather than in pairing/service.py so each
file stays about one thing; like service.py, these functions commit.
"""
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from matcher import links
from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.mailrelay.outbound.outbox import queue_template
from matcher.pairing.models import (
    LIVE_PAIRING_STATUSES,
    Pairing,
    Proposal,
    ProposalStatus,
    Volunteer,
    VolunteerStatus,
)
from matcher.pairing.roster import imported_status
from matcher.plaintext import has_control_characters

EDITABLE_FIELDS = (
    "name", "email", "phone", "pseudonym", "role", "stages", "experiences", "languages", "timezone",
    "capacity", "trained_on", "checks_expire_on", "supervision_due_on", "paused_until", "notes",
    "locale",
)
SUBJECT = "volunteer"
# The only states a volunteer's own link can see or move between.
SELF_SERVICE_STATUSES = (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED)
LINK_PURPOSE = "volunteer"


class VolunteerError(ValueError):
    """A change to a volunteer that cannot be made as asked."""


def find_volunteer(email: str) -> Volunteer | None:
    """Return the volunteer with this address, ignoring case."""
    return db.session.scalar(select(Volunteer).where(func.lower(Volunteer.email) == email.strip().lower()))


def find_by_public_id(public_id: str) -> Volunteer | None:
    """Return the volunteer with this public identifier."""
    return db.session.scalar(select(Volunteer).where(Volunteer.public_id == public_id))


def live_loads(volunteer_ids=None) -> dict[int, int]:
    """Return the number of live pairings per volunteer id."""
    query = (
        select(Pairing.volunteer_id, func.count(Pairing.id))
        .where(Pairing.status.in_(LIVE_PAIRING_STATUSES))
        .group_by(Pairing.volunteer_id)
    )
    if volunteer_ids is not None:
        query = query.where(Pairing.volunteer_id.in_(list(volunteer_ids)))
    return dict(db.session.execute(query).all())


def _apply(volunteer: Volunteer, details: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in details:
            setattr(volunteer, name, details[name])
    if volunteer.email:
        volunteer.email = volunteer.email.strip().lower()


def create_volunteer(details: dict, status: VolunteerStatus = VolunteerStatus.ACTIVE, by=None) -> Volunteer:
    """Add a volunteer from a coordinator's form or an import (commits)."""
    volunteer = _new(details, status)
    record("volunteer.created", actor=by, subject=(SUBJECT, volunteer.id), detail={"status": str(status)})
    db.session.commit()
    return volunteer


def _new(details: dict, status: VolunteerStatus) -> Volunteer:
    if find_volunteer(details["email"]) is not None:
        raise VolunteerError("A volunteer with that email address already exists.")
    volunteer = Volunteer(status=status)
    _apply(volunteer, details)
    db.session.add(volunteer)
    db.session.flush()
    return volunteer


def apply_to_volunteer(details: dict, application: str | None) -> Volunteer | None:
    """Record an application from the public form; tell coordinators (commits).

    Returns None when the address is already known, so the page says the same
    either way and reveals nothing.
    """
    if find_volunteer(details["email"]) is not None:
        return None
    volunteer = _new(details, VolunteerStatus.APPLICANT)
    volunteer.application = application
    record("volunteer.applied", actor="volunteer", subject=(SUBJECT, volunteer.id))
    queue_template("volunteer_applied", current_app.config["MATCHER_COORDINATOR_ADDRESS"],
                   kind="coordinator_notice", subject_ref=(SUBJECT, volunteer.id), volunteer_id=volunteer.id)
    db.session.commit()
    return volunteer


def update_volunteer(volunteer: Volunteer, details: dict, by=None) -> Volunteer:
    """Change a volunteer's record; training and checks are recorded here (commits)."""
    other = find_volunteer(details.get("email", volunteer.email))
    if other is not None and other.id != volunteer.id:
        raise VolunteerError("Another volunteer already has that email address.")
    changed = sorted(name for name in EDITABLE_FIELDS if name in details and getattr(volunteer, name) != details[name])
    _apply(volunteer, details)
    record("volunteer.updated", actor=by, subject=(SUBJECT, volunteer.id), detail={"fields": changed})
    db.session.commit()
    return volunteer


def readiness_problem(volunteer: Volunteer, today: date | None = None) -> str | None:
    """Say why a volunteer may not be active now, or None when they may."""
    today = today or utcnow().date()
    if volunteer.trained_on is None or volunteer.checks_expire_on is None:
        return "Record the training date and check expiry before activating this volunteer."
    if volunteer.checks_expire_on < today:
        return "The background check has expired; renew it before activating this volunteer."
    return None


def _refuse_past(until: date | None, today: date | None = None) -> None:
    # A pause that ended before it began would never be noticed by anyone.
    if until is not None and until < (today or utcnow().date()):
        raise VolunteerError(_l("Choose a date from today on: a pause cannot end in the past."))


def set_status(volunteer: Volunteer, status: VolunteerStatus, by=None, until: date | None = None) -> None:
    """Activate, pause (optionally until a date) or retire a volunteer (commits)."""
    if status == VolunteerStatus.ACTIVE and (problem := readiness_problem(volunteer)):
        raise VolunteerError(problem)
    if status == VolunteerStatus.PAUSED:
        _refuse_past(until)
    if status == VolunteerStatus.RETIRED:
        withdraw_volunteer_proposals(volunteer.id)
    if status == VolunteerStatus.RETIRED:
        revoke_links(volunteer)
    starting = volunteer.status == VolunteerStatus.APPLICANT and status == VolunteerStatus.ACTIVE
    volunteer.status = status
    if starting:
        # A volunteer added in the console (or accepted from the public form) has had no link until now.
        _send_welcome(volunteer)
    volunteer.paused_until = until if status == VolunteerStatus.PAUSED else None
    record(f"volunteer.{status}", actor=by, subject=(SUBJECT, volunteer.id),
           detail={"until": until.isoformat() if until else None})
    db.session.commit()


def withdraw_volunteer_proposals(volunteer_id: int) -> None:
    """Supersede open proposals that pair this volunteer, who no longer volunteers (no commit)."""
    db.session.execute(update(Proposal).where(
        Proposal.volunteer_id == volunteer_id, Proposal.status == ProposalStatus.OPEN,
    ).values(status=ProposalStatus.SUPERSEDED))


def _send_welcome(volunteer: Volunteer) -> None:
    url = links.external_url("pairing.volunteer_page", token=link_token(volunteer))
    queue_template("volunteer_welcome", volunteer.email, kind="volunteer_link", subject_ref=(SUBJECT, volunteer.id),
                   volunteer_pseudonym=volunteer.pseudonym, volunteer_url=url)


def _require_self_service(volunteer: Volunteer) -> None:
    if volunteer.status not in SELF_SERVICE_STATUSES:
        raise VolunteerError(_l("This link no longer works. Please contact the coordinators."))


def pause_self(volunteer: Volunteer, until: date) -> None:
    """Pause from the volunteer's own signed page (commits)."""
    _require_self_service(volunteer)
    _refuse_past(until)
    volunteer.status = VolunteerStatus.PAUSED
    volunteer.paused_until = until
    record("volunteer.paused_self", actor="volunteer", subject=(SUBJECT, volunteer.id),
           detail={"until": until.isoformat()})
    db.session.commit()


def resume_self(volunteer: Volunteer) -> None:
    """End a pause from the volunteer's own page, if the volunteer is still ready to be paired (commits)."""
    _require_self_service(volunteer)
    if volunteer.status == VolunteerStatus.PAUSED:
        if readiness_problem(volunteer):
            raise VolunteerError(_l("Your training or background check needs renewing before you can be paired "
                                    "again. A coordinator has the details; please get in touch with them."))
        volunteer.status = VolunteerStatus.ACTIVE
        volunteer.paused_until = None
        record("volunteer.resumed_self", actor="volunteer", subject=(SUBJECT, volunteer.id))
        db.session.commit()


def end_pause(volunteer: Volunteer, now: datetime) -> bool:
    """End a pause whose date has passed: resume a ready volunteer, or tell coordinators why not (no commit).

    Returns whether the volunteer is active again. Either way the volunteer is told.
    """
    problem = readiness_problem(volunteer, now.date())
    url = links.external_url("pairing.volunteer_page", token=link_token(volunteer))
    if problem is None:
        volunteer.status = VolunteerStatus.ACTIVE
        volunteer.paused_until = None
        record("volunteer.resumed_after_pause", actor="system", subject=(SUBJECT, volunteer.id))
    else:
        record("volunteer.pause_ended_not_ready", actor="system", subject=(SUBJECT, volunteer.id))
        queue_template("volunteer_checks_due", current_app.config["MATCHER_COORDINATOR_ADDRESS"],
                       kind="coordinator_notice", subject_ref=(SUBJECT, volunteer.id), volunteer_id=volunteer.id,
                       checks_expire_on=volunteer.checks_expire_on, supervision_due_on=volunteer.supervision_due_on,
                       today=now.date(), url=links.external_url("pairing_console.volunteer_detail",
                                                                volunteer_id=volunteer.id), now=now)
    queue_template("volunteer_pause_ended", volunteer.email, kind="volunteer_notice",
                   subject_ref=(SUBJECT, volunteer.id), volunteer_pseudonym=volunteer.pseudonym,
                   resumed=problem is None, volunteer_url=url, now=now)
    return problem is None


def change_capacity_self(volunteer: Volunteer, capacity: int) -> None:
    """Change how many people the volunteer supports at once (commits)."""
    _require_self_service(volunteer)
    if not 0 <= capacity <= 10:
        raise VolunteerError(_l("Choose a number from 0 to 10."))
    old = volunteer.capacity
    volunteer.capacity = capacity
    record("volunteer.capacity_changed", actor="volunteer", subject=(SUBJECT, volunteer.id),
           detail={"from": old, "to": capacity})
    db.session.commit()


def change_language_self(volunteer: Volunteer, locale: str) -> None:
    """Set the language of the volunteer's pages and emails (commits)."""
    _require_self_service(volunteer)
    old = volunteer.locale
    volunteer.locale = locale
    record("volunteer.language_changed", actor="volunteer", subject=(SUBJECT, volunteer.id),
           detail={"from": old, "to": locale})
    db.session.commit()


def link_token(volunteer: Volunteer) -> str:
    """Return the token of the volunteer's current signed link."""
    return links.sign_person(LINK_PURPOSE, volunteer.public_id, volunteer.link_version)


def find_by_link(token: str) -> Volunteer | None:
    """Return the volunteer a current link belongs to; None for a revoked link; LinkError for a bad one."""
    public_id, version = links.unsign_person(LINK_PURPOSE, token, current_app.config["MATCHER_VOLUNTEER_LINK_MAX_AGE"])
    volunteer = find_by_public_id(public_id)
    if volunteer is None or volunteer.link_version != version:
        return None
    return volunteer


def revoke_links(volunteer: Volunteer) -> None:
    """Make every link mailed to this volunteer so far stop working (no commit)."""
    volunteer.link_version = (volunteer.link_version or 0) + 1


def issue_new_link(volunteer: Volunteer, by=None) -> None:
    """Revoke the volunteer's links and mail them a new one; audited, the link never logged (commits)."""
    if volunteer.status == VolunteerStatus.APPLICANT:
        raise VolunteerError(f"{volunteer.pseudonym} has not started volunteering yet: activate them first.")
    if volunteer.status not in SELF_SERVICE_STATUSES:
        raise VolunteerError(f"{volunteer.pseudonym} no longer volunteers: a link would not work.")
    revoke_links(volunteer)
    url = links.external_url("pairing.volunteer_page", token=link_token(volunteer))
    queue_template("volunteer_new_link", volunteer.email, kind="volunteer_link", subject_ref=(SUBJECT, volunteer.id),
                   volunteer_pseudonym=volunteer.pseudonym, volunteer_url=url)
    record("volunteer.link_reissued", actor=by, subject=(SUBJECT, volunteer.id),
           detail={"link_version": volunteer.link_version})
    db.session.commit()


def ask_for_coordinator(volunteer: Volunteer, note: str | None) -> None:
    """Tell coordinators a volunteer wants to talk; the note goes only to the console (commits)."""
    record("volunteer.asked_to_talk", actor="volunteer", subject=(SUBJECT, volunteer.id))
    if note:
        volunteer.notes = ((volunteer.notes or "") + f"\n[asked to talk] {note.strip()}").strip()
    queue_template("volunteer_wants_to_talk", current_app.config["MATCHER_COORDINATOR_ADDRESS"],
                   kind="coordinator_notice", subject_ref=(SUBJECT, volunteer.id), volunteer_id=volunteer.id)
    db.session.commit()


def import_roster(rows: list[dict], dry_run: bool = False, progress=None) -> list[str]:
    """Add checked roster rows, all or none; return problems found against the database."""
    problems = [f"row {n}: a volunteer with email {row['email']} already exists"
                for n, row in enumerate(rows, start=1) if find_volunteer(row["email"]) is not None]
    if problems or dry_run:
        return problems
    for row in progress(rows) if progress else rows:
        volunteer = Volunteer(status=VolunteerStatus(imported_status(row)))
        _apply(volunteer, row)
        db.session.add(volunteer)
    record("volunteer.imported", actor="system", detail={"rows": len(rows)})
    db.session.commit()
    return []


def vocabularies() -> dict:
    """Return the configured vocabularies by name."""
    config = current_app.config
    return {name: config[f"MATCHER_{name.upper()}"] for name in ("roles", "stages", "experiences", "languages")}


def raise_concern(volunteer: Volunteer, pairing, note: str) -> None:
    """Open an escalation about one of the volunteer's pairings from their signed page (commits)."""
    from matcher.safeguarding.escalations import open_escalation
    from matcher.safeguarding.models import EscalationNote, Tier

    if pairing is None or pairing.volunteer_id != volunteer.id:
        raise VolunteerError(_l("Choose one of the people you support."))
    if has_control_characters(note, multiline=True):
        raise VolunteerError(_l("What worries you cannot contain control characters."))
    escalation = open_escalation("volunteer_concern", Tier.AMBER, "The volunteer raised a concern about this pairing",
                                 pairing=pairing)
    if note and note.strip():
        db.session.add(EscalationNote(escalation_id=escalation.id, text=f"From the volunteer: {note.strip()}"))
    db.session.commit()
