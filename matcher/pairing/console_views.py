"""Coordinator pages for volunteers, proposals and pairings."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.guard import require_coordinator
from matcher.extensions import db
from matcher.ids import get_by_id
from matcher.intake.models import SupportRequest
from matcher.listing import read_listing
from matcher.pairing import manual, queries, roster, service, volunteers
from matcher.pairing.forms import EndPairingForm, VolunteerRecordForm
from matcher.pairing.models import Moderation, Pairing, PairingStatus, Proposal, Volunteer, VolunteerStatus

bp = Blueprint("pairing_console", __name__, url_prefix="/console")
require_coordinator(bp)


@bp.get("/volunteers")
def volunteer_list():
    """List volunteers with their current load, a page at a time, by status, capacity and check expiry."""
    filters = {"status": [s.value for s in VolunteerStatus], "checks": queries.CHECKS_FILTERS}
    listing = read_listing(request.args, queries.VOLUNTEER_SORTS, "status", filters)
    today = utcnow().date()
    page, rows = queries.volunteer_page(listing, today)
    return render_template("pairing/console/volunteers.html", page=page, rows=rows, listing=listing,
                           statuses=list(VolunteerStatus), today=today)


@bp.get("/volunteers.csv")
def volunteer_export():
    """Download the roster as CSV, in the import's columns."""
    body = roster.export_volunteers(db.session.scalars(select(Volunteer).order_by(Volunteer.id)))
    from matcher.console.audit import record

    record("volunteer.roster_exported")
    db.session.commit()
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=volunteers.csv"})


@bp.route("/volunteers/new", methods=["GET", "POST"])
def volunteer_new():
    """Add a volunteer."""
    form = VolunteerRecordForm()
    if form.validate_on_submit():
        try:
            volunteer = volunteers.create_volunteer(form.details(), VolunteerStatus.APPLICANT, by=current_user)
        except volunteers.VolunteerError as error:
            form.email.errors.append(str(error))  # type: ignore[attr-defined]  # a list once validated
        else:
            return redirect(url_for(".volunteer_detail", volunteer_id=volunteer.id))
    return render_template("pairing/console/volunteer_form.html", form=form, volunteer=None)


def _get(model, object_id):
    found = get_by_id(model, object_id)
    if found is None:
        abort(404)
    return found


@bp.route("/volunteers/<int:volunteer_id>", methods=["GET", "POST"])
def volunteer_detail(volunteer_id: int):
    """Show and edit one volunteer, with their pairing history."""
    volunteer = _get(Volunteer, volunteer_id)
    form = VolunteerRecordForm(obj=volunteer)
    if form.validate_on_submit():
        try:
            volunteers.update_volunteer(volunteer, form.details(), by=current_user)
            flash("Saved.")
            return redirect(url_for(".volunteer_detail", volunteer_id=volunteer.id))
        except volunteers.VolunteerError as error:
            form.email.errors.append(str(error))  # type: ignore[attr-defined]  # a list once validated
    load = volunteers.live_loads([volunteer.id]).get(volunteer.id, 0)
    return render_template("pairing/console/volunteer_form.html", form=form, volunteer=volunteer, load=load)


@bp.post("/volunteers/<int:volunteer_id>/status")
def volunteer_status(volunteer_id: int):
    """Activate, pause or retire a volunteer."""
    volunteer = _get(Volunteer, volunteer_id)
    try:
        status = VolunteerStatus(request.form.get("status", ""))
        until = request.form.get("until") or None
        from datetime import date

        volunteers.set_status(volunteer, status, by=current_user, until=date.fromisoformat(until) if until else None)
        flash(f"{volunteer.pseudonym} is now {status}.")
    except (ValueError, volunteers.VolunteerError) as error:
        flash(str(error))
    return redirect(url_for(".volunteer_detail", volunteer_id=volunteer.id))


@bp.post("/volunteers/<int:volunteer_id>/link")
def volunteer_new_link(volunteer_id: int):
    """Revoke a volunteer's links and mail them a new one."""
    volunteer = _get(Volunteer, volunteer_id)
    try:
        volunteers.issue_new_link(volunteer, by=current_user)
        flash(f"A new link has been sent to {volunteer.pseudonym}; the old links no longer work.")
    except volunteers.VolunteerError as error:
        flash(str(error))
    return redirect(url_for(".volunteer_detail", volunteer_id=volunteer.id))


@bp.get("/proposals")
def proposals():
    """List the open proposals, and each waiting request without one with the rule that blocks it."""
    waiting = queries.waiting_without_proposal()
    return render_template("pairing/console/proposals.html", **queries.open_proposals(), unmatched=waiting,
                           unmatched_reasons=service.unmatched_reasons(waiting, utcnow()))


@bp.post("/proposals/run")
def run_proposals():
    """Compute a new batch of proposals."""
    run = service.run_proposals(by=current_user)
    flash(f"{len(run.proposals)} proposals; {len(run.unmatched)} requests left unmatched.")
    return redirect(url_for(".proposals"))


@bp.post("/proposals/<int:proposal_id>/<any(approve, reject):decision>")
def decide_proposal(proposal_id: int, decision: str):
    """Approve (optionally with an alternative volunteer) or reject a proposal."""
    proposal = _get(Proposal, proposal_id)
    try:
        if decision == "approve":
            chosen = request.form.get("volunteer_id", type=int)
            pairing = service.approve_proposal(proposal, current_user, chosen)
            flash(f"Pairing #{pairing.id} approved; introductions are on their way.")
        else:
            service.reject_proposal(proposal, current_user)
            flash("Proposal rejected; the request keeps its place in the queue.")
    except service.PairingError as error:
        flash(str(error))
    return redirect(url_for(".proposals"))


@bp.route("/requests/<int:request_id>/pair", methods=["GET", "POST"])
def pair_by_hand(request_id: int):
    """Choose any volunteer for a waiting request, see the rules the choice breaks, and confirm."""
    support_request = _get(SupportRequest, request_id)
    chosen_id = request.values.get("volunteer_id", type=int)
    chosen = get_by_id(Volunteer, chosen_id) if chosen_id else None
    if request.method == "POST" and chosen is not None:
        try:
            pairing = manual.pair_by_hand(support_request, chosen, current_user,
                                          confirmed=request.form.get("confirm") == "yes",
                                          note=request.form.get("note", ""))
            flash(f"Pairing #{pairing.id} made by hand; introductions are on their way.")
            return redirect(url_for(".pairing_detail", pairing_id=pairing.id))
        except service.PairingError as error:
            flash(str(error))
    breaks = manual.breaks_for(support_request, chosen, utcnow()) if chosen is not None else []
    return render_template("pairing/console/pair_by_hand.html", support_request=support_request, chosen=chosen,
                           breaks=breaks, rows=queries.volunteers_with_load())


@bp.get("/pairings")
def pairing_list():
    """List pairings, live first, a page at a time, filtered by status and moderation."""
    filters = {"status": [s.value for s in PairingStatus], "moderation": [m.value for m in Moderation]}
    listing = read_listing(request.args, queries.PAIRING_SORTS, "started", filters, descending=True)
    return render_template("pairing/console/pairings.html", page=queries.pairing_page(listing), listing=listing,
                           statuses=list(PairingStatus), levels=list(Moderation), now=utcnow())


@bp.route("/pairings/<int:pairing_id>", methods=["GET", "POST"])
def pairing_detail(pairing_id: int):
    """Show a pairing and let a coordinator end it."""
    pairing = _get(Pairing, pairing_id)
    form = EndPairingForm()
    concerns = queries.open_concerns(pairing.id)
    if form.validate_on_submit() and request.form.get("confirmed") != "yes":
        # Ending revokes both addresses at once: ask again, with anything still open in view.
        return render_template("pairing/console/confirm_end.html", pairing=pairing, form=form, **concerns)
    if form.validate_on_submit():
        try:
            service.end_pairing(pairing, form.reason.data, current_user, form.note.data)
            flash("The pairing has ended; both sides have been told.")
        except service.PairingError as error:
            flash(str(error))
        return redirect(url_for(".pairing_detail", pairing_id=pairing.id))
    from matcher.care.queries import pairing_feedback

    return render_template("pairing/console/pairing.html", pairing=pairing, form=form, now=utcnow(),
                           feedback=pairing_feedback(pairing.id), **concerns)


@bp.post("/requests/<int:request_id>/repair")
def repair(request_id: int):
    """Put a requester whose pairing ended back on the waiting list."""
    support_request = _get(SupportRequest, request_id)
    try:
        service.return_for_repairing(support_request, current_user)
        flash("Back on the waiting list; earlier volunteers will not be proposed again.")
    except service.PairingError as error:
        flash(str(error))
    return redirect(url_for("console.request_detail", request_id=request_id))
