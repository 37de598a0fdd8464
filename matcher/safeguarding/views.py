"""Console pages for supervision: the escalation queue, one escalation, the audit log."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from matcher.console.guard import require_coordinator
from matcher.console.models import Coordinator
from matcher.extensions import db
from matcher.intake import service as requests
from matcher.intake.models import SupportRequest
from matcher.safeguarding import queries, service
from matcher.safeguarding.models import Escalation, EscalationNote
from matcher.safeguarding.rules.reader import RULES, RULES_VERSION

bp = Blueprint("safeguarding_console", __name__, url_prefix="/console")
require_coordinator(bp)


def _escalation(escalation_id: int) -> Escalation:
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None:
        abort(404)
    return escalation


@bp.get("/escalations")
def escalations():
    """List open escalations, RED first, then oldest."""
    return render_template("safeguarding/escalations.html", escalations=queries.escalation_queue())


@bp.get("/escalations/<int:escalation_id>")
def escalation(escalation_id: int):
    """Show one escalation with its notes, actions and the people involved."""
    found = _escalation(escalation_id)
    notes = db.session.scalars(select(EscalationNote).where(EscalationNote.escalation_id == found.id)
                               .order_by(EscalationNote.at)).all()
    coordinators = db.session.scalars(select(Coordinator).where(Coordinator.active.is_(True))).all()
    return render_template("safeguarding/escalation.html", escalation=found, notes=notes,
                           coordinators=coordinators, actions=current_app.config["MATCHER_ESCALATION_ACTIONS"],
                           held_request=_held_request(found),
                           hold_reasons=current_app.config["MATCHER_HOLD_CLEAR_REASONS"])


@bp.post("/escalations/<int:escalation_id>/<any(acknowledge, assign, note, action, resolve):step>")
def escalation_step(escalation_id: int, step: str):
    """Take one step on an escalation."""
    found = _escalation(escalation_id)
    form = request.form
    try:
        if step == "acknowledge":
            service.acknowledge(found, current_user)
        elif step == "assign":
            assignee = db.session.get(Coordinator, form.get("coordinator_id", type=int) or 0)
            if assignee is None:
                raise service.EscalationError("Choose a coordinator.")
            service.assign(found, assignee, current_user)
        elif step == "note":
            service.add_note(found, form.get("text", ""), current_user)
        elif step == "action":
            service.record_action(found, form.get("action", ""), current_user)
        else:
            _resolve(found, form)
        flash("Saved.")
    except ValueError as error:  # EscalationError, or a hold that cannot be lifted as asked
        flash(str(error))
    return redirect(url_for(".escalation", escalation_id=found.id))


def _resolve(escalation: Escalation, form) -> None:
    hold_reason = form.get("hold_reason") or ""
    on_hold = _held_request(escalation)
    if on_hold is not None and hold_reason and hold_reason not in current_app.config["MATCHER_HOLD_CLEAR_REASONS"]:
        raise service.EscalationError("Choose the reason the hold can be lifted.")
    service.resolve(escalation, current_user, form.get("resolution", ""))
    if on_hold is not None and hold_reason:
        requests.clear_risk_hold(on_hold, hold_reason, current_user)


def _held_request(escalation: Escalation) -> SupportRequest | None:
    found = db.session.get(SupportRequest, escalation.request_id) if escalation.request_id else None
    return found if found is not None and found.risk_hold else None


@bp.post("/requests/<int:request_id>/clear-hold")
def clear_hold(request_id: int):
    """Lift a request's risk hold with a reason, so it can be proposed again."""
    support_request = db.session.get(SupportRequest, request_id)
    if support_request is None:
        abort(404)
    try:
        requests.clear_risk_hold(support_request, request.form.get("reason", ""), current_user)
        flash("The risk hold is lifted; the request keeps its place in the queue by its original date.")
    except ValueError as error:
        flash(str(error))
    return redirect(url_for("console.request_detail", request_id=request_id))


@bp.get("/audit")
def audit():
    """Search the audit log by coordinator, pairing and action; nothing here can be edited."""
    args = request.args
    events = queries.audit_events(args.get("coordinator", type=int), args.get("pairing", type=int),
                                  args.get("action") or None)
    coordinators = db.session.scalars(select(Coordinator).order_by(Coordinator.email)).all()
    from matcher.console.wording import ACTIONS

    actions = sorted(ACTIONS.items(), key=lambda item: item[1])
    return render_template("safeguarding/audit.html", events=events, coordinators=coordinators, args=args,
                           actions=actions)


@bp.get("/rules")
def rules():
    """Show the risk and boundary rules in force, in coordinators' words."""
    return render_template("safeguarding/rules.html", rules=RULES, version=RULES_VERSION)
