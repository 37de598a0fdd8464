"""Intake state changes: submit, confirm, update preferences, withdraw."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from matcher import links
from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.intake import notices
from matcher.intake.estimate import LOOKBACK_DAYS, WaitEstimate, estimate_wait
from matcher.intake.models import NOT_ASKED, OPEN_STATUSES, RequestStatus, SupportRequest
from matcher.pairing.service import end_for_withdrawal
from matcher.safeguarding.alerts import queue_intake_alert
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier

AT_RISK_ANSWERS = ("harm", "unwell")
EDITABLE_STATUSES = (RequestStatus.UNCONFIRMED, RequestStatus.WAITING)


@dataclass(frozen=True)
class RequestAnswers:
    """What a person told us on the form."""

    pseudonym: str
    email: str
    role: str
    stage: str
    language: str
    region: str
    timezone: str
    safety: str
    experiences: tuple[str, ...] = field(default=())
    hopes: str | None = None
    care_team: str | None = None
    locale: str | None = None  # the language of the pages the form was sent from

    @property
    def at_risk(self) -> bool:
        """Say whether the safety question was answered yes."""
        return self.safety in AT_RISK_ANSWERS


def find_open_request(email: str) -> SupportRequest | None:
    """Return the request currently holding this address, if any."""
    query = select(SupportRequest).where(
        SupportRequest.email == email, SupportRequest.status.in_(OPEN_STATUSES)
    )
    return db.session.scalar(query)


def find_by_public_id(public_id: str) -> SupportRequest | None:
    """Return the request with this public identifier."""
    return db.session.scalar(select(SupportRequest).where(SupportRequest.public_id == public_id))


def submit_request(answers: RequestAnswers, now: datetime | None = None) -> SupportRequest:
    """Store a request unconfirmed and queue its confirmation, in one transaction.

    An address that already has an open request gets an email saying so instead;
    the caller shows the same page either way, so the page reveals nothing.
    """
    now = now or utcnow()
    try:
        return _submit(answers, now)
    except IntegrityError:
        # Two submissions for one address raced; the loser joins the winner's request.
        db.session.rollback()
        return _submit(answers, now)


def _submit(answers: RequestAnswers, now: datetime) -> SupportRequest:
    existing = find_open_request(answers.email)
    if existing is not None:
        support_request = _resubmit(existing, answers, now)
    else:
        support_request = _create(answers, now)
    if answers.at_risk:
        _hold_for_risk(support_request, answers.safety)
    db.session.commit()
    return support_request


def _create(answers: RequestAnswers, now: datetime) -> SupportRequest:
    support_request = SupportRequest(status=RequestStatus.UNCONFIRMED, consented_at=now, requested_on=now,
                                     form_mail_sent_at=now)
    _apply_answers(support_request, answers)
    db.session.add(support_request)
    db.session.flush()
    notices.queue_confirmation(support_request)
    record("request.submitted", actor="requester", subject=("support_request", support_request.id))
    return support_request


def _resubmit(existing: SupportRequest, answers: RequestAnswers, now: datetime) -> SupportRequest:
    # The stored answers stay as they are: anyone can type an address into the form, so a
    # resubmission must not rewrite someone else's request. Changes go through the status link.
    if existing.status == RequestStatus.UNCONFIRMED:
        if _may_mail(existing, now):
            notices.queue_confirmation(existing)
        record("request.resubmitted", actor="requester", subject=("support_request", existing.id))
    else:
        if _may_mail(existing, now):
            notices.queue_already_listed(existing)
        record("request.duplicate_submission", actor="requester", subject=("support_request", existing.id))
    return existing


def _may_mail(support_request: SupportRequest, now: datetime) -> bool:
    """Claim this period's one form mail for the address; False when it has gone already."""
    cutoff = now - current_app.config["MATCHER_CONFIRMATION_MAIL_EVERY"]
    # A conditional UPDATE, so two submissions at once cannot both claim it.
    claimed = db.session.execute(
        update(SupportRequest)
        .where(SupportRequest.id == support_request.id,
               or_(SupportRequest.form_mail_sent_at.is_(None), SupportRequest.form_mail_sent_at <= cutoff))
        .values(form_mail_sent_at=now)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult; typed as Result


def _apply_answers(support_request: SupportRequest, answers: RequestAnswers) -> None:
    support_request.pseudonym = answers.pseudonym.strip()
    support_request.email = answers.email
    support_request.role = answers.role
    support_request.stage = answers.stage
    support_request.experiences = list(answers.experiences)
    support_request.language = answers.language
    support_request.region = answers.region
    support_request.timezone = answers.timezone
    support_request.hopes = (answers.hopes or "").strip() or None
    support_request.care_team = answers.care_team or None
    support_request.safety_answer = answers.safety
    support_request.locale = answers.locale


def _hold_for_risk(support_request: SupportRequest, answer: str) -> None:
    support_request.risk_hold = True
    support_request.safety_answer = answer
    queue_intake_alert(support_request, answer)
    open_escalation("intake_safety_screen", Tier.RED, "The safety question on the request form was answered yes",
                    request_id=support_request.id)
    record("request.risk_hold", actor="system", subject=("support_request", support_request.id),
           detail={"reason": f"safety screen: {answer}"})


def clear_risk_hold(support_request: SupportRequest, reason: str, by) -> None:
    """Lift a risk hold with a reason; the request keeps its place by its original date (commits)."""
    if not support_request.risk_hold:
        raise ValueError("This request is not on risk hold.")
    if reason not in current_app.config["MATCHER_HOLD_CLEAR_REASONS"]:
        raise ValueError("Choose the reason the hold can be lifted.")
    support_request.risk_hold = False
    record("request.risk_hold_cleared", actor=by, subject=("support_request", support_request.id),
           detail={"reason": reason})
    db.session.commit()


def record_screening(support_request: SupportRequest, safety: str, now: datetime | None = None) -> None:
    """Record an imported person's consent and safety answer; a yes holds the request and alerts (commits)."""
    if not support_request.needs_screening or support_request.status not in EDITABLE_STATUSES:
        return
    support_request.consented_at = now or utcnow()
    support_request.safety_answer = safety
    if safety in AT_RISK_ANSWERS:
        _hold_for_risk(support_request, safety)
    record("request.screened", actor="requester", subject=("support_request", support_request.id),
           detail={"at_risk": safety in AT_RISK_ANSWERS})
    db.session.commit()


def confirm_request(support_request: SupportRequest, now: datetime | None = None) -> SupportRequest:
    """Move an unconfirmed request to the waiting list; repeat clicks change nothing."""
    if support_request.status == RequestStatus.UNCONFIRMED:
        support_request.status = RequestStatus.WAITING
        support_request.confirmed_at = now or utcnow()
        record("request.confirmed", actor="requester", subject=("support_request", support_request.id))
        db.session.commit()
    return support_request


def update_preferences(support_request: SupportRequest, stage: str, experiences: list[str],
                       language: str, timezone: str, hopes: str | None, locale: str | None = None) -> bool:
    """Change what the person asked for while they wait (and the language of their emails); False once paired."""
    if support_request.status not in EDITABLE_STATUSES:
        return False
    if locale:
        support_request.locale = locale
    support_request.stage = stage
    support_request.experiences = list(experiences)
    support_request.language = language
    support_request.timezone = timezone
    support_request.hopes = (hopes or "").strip() or None
    record("request.preferences_updated", actor="requester", subject=("support_request", support_request.id))
    db.session.commit()
    return True


def withdraw_request(support_request: SupportRequest, now: datetime | None = None) -> bool:
    """Withdraw and erase a request; return True if safeguarding keeps a little.

    A request on risk hold keeps the name, address, region and safety answer so
    a coordinator can still follow up; everything else goes.
    """
    now = now or utcnow()
    kept_for_safeguarding = support_request.risk_hold
    # Before the details go: the volunteer's goodbye names the person by pseudonym.
    end_for_withdrawal(support_request, now)
    revoke_links(support_request)
    support_request.status = RequestStatus.WITHDRAWN
    support_request.withdrawn_at = now
    support_request.hopes = None
    support_request.experiences = []
    support_request.care_team = None
    support_request.name = None
    if not kept_for_safeguarding:
        support_request.pseudonym = "(withdrawn)"
        support_request.email = None
    record("request.withdrawn", actor="requester", subject=("support_request", support_request.id),
           detail={"kept_for_safeguarding": kept_for_safeguarding})
    db.session.commit()
    return kept_for_safeguarding


def revoke_links(support_request: SupportRequest) -> None:
    """Make every status and confirmation link mailed so far stop working (no commit)."""
    support_request.link_version = (support_request.link_version or 0) + 1


def issue_status_link(support_request: SupportRequest, by=None) -> None:
    """Revoke the person's links and mail them a new status link; audited, the link never logged (commits)."""
    if support_request.status == RequestStatus.WITHDRAWN or not support_request.email:
        raise ValueError("This request was withdrawn or erased; there is nobody to send a link to.")
    revoke_links(support_request)
    notices.queue_new_status_link(support_request)
    record("request.link_reissued", actor=by, subject=("support_request", support_request.id),
           detail={"link_version": support_request.link_version})
    db.session.commit()


def resend_link(email: str, now: datetime | None = None) -> None:
    """Mail an open request its current link (the confirmation link while unconfirmed), at most once a period.

    The caller shows the same page whether or not the address is known. Links are not
    revoked: anyone can type an address, and that must not break the owner's links.
    """
    now = now or utcnow()
    support_request = find_open_request(email)
    if support_request is None or not _may_mail(support_request, now):
        db.session.rollback()
        return
    if support_request.status == RequestStatus.UNCONFIRMED:
        notices.queue_confirmation(support_request)
    else:
        notices.queue_new_status_link(support_request, asked=True)
    record("request.link_resent", actor="requester", subject=("support_request", support_request.id))
    db.session.commit()


def find_by_link(token: str, purpose: str, max_age: timedelta) -> SupportRequest | None:
    """Return the request a current link belongs to; None when revoked or erased; LinkError when bad."""
    public_id, version = links.unsign_person(purpose, token, max_age)
    support_request = find_by_public_id(public_id)
    if support_request is None or (support_request.link_version or 0) != version:
        return None
    return support_request


def wait_estimate(support_request: SupportRequest, now: datetime | None = None) -> WaitEstimate:
    """Estimate how long this person may still wait, from the recent pace."""
    now = now or utcnow()
    ahead = db.session.scalar(
        select(func.count(SupportRequest.id)).where(
            SupportRequest.status == RequestStatus.WAITING,
            SupportRequest.role == support_request.role,
            SupportRequest.requested_on < support_request.requested_on,
        )
    )
    paired_recently = db.session.scalar(
        select(func.count(SupportRequest.id)).where(
            SupportRequest.role == support_request.role,
            SupportRequest.paired_at >= now - timedelta(days=LOOKBACK_DAYS),
        )
    )
    return estimate_wait((ahead or 0) + 1, paired_recently or 0)


def status_link_age() -> timedelta:
    """Return how long a status link stays valid."""
    return current_app.config["MATCHER_STATUS_LINK_MAX_AGE"]


def import_waiting_list(rows: list[dict], dry_run: bool = False, progress=None) -> list[str]:
    """Add checked waiting-list rows as waiting requests, all or none.

    Each keeps its original request date, so nobody loses their place by the
    move out of the spreadsheet. Returns problems found against the database.
    """
    problems = [f"row {n}: {row['email']} already has an open request"
                for n, row in enumerate(rows, start=1) if find_open_request(row["email"]) is not None]
    if problems or dry_run:
        return problems
    default_region = current_app.config["MATCHER_DEFAULT_REGION"]
    for row in progress(rows) if progress else rows:
        # Waiting, in their old place, but not paired until they consent and answer the safety question.
        imported = SupportRequest(status=RequestStatus.WAITING, region=default_region, safety_answer=NOT_ASKED,
                                  consented_at=None, confirmed_at=row["requested_on"], **row)
        db.session.add(imported)
        db.session.flush()
        notices.queue_screening(imported)
    record("request.imported", actor="system", detail={"rows": len(rows)})
    db.session.commit()
    return []
