"""Console pages for data protection: export, erasure, and the retention policy."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.console.guard import admin_only, require_coordinator
from matcher.ids import get_by_id
from matcher.intake.models import SupportRequest
from matcher.pairing.models import Volunteer
from matcher.privacy import service
from matcher.privacy.retention_policy import retention_policy

bp = Blueprint("privacy_console", __name__, url_prefix="/console")
require_coordinator(bp)
KINDS = {"requests": ("requester", SupportRequest, "console.request_detail", "request_id"),
         "volunteers": ("volunteer", Volunteer, "pairing_console.volunteer_detail", "volunteer_id")}


def _subject(collection: str, subject_id: int):
    kind, model, _, _ = KINDS[collection]
    found = get_by_id(model, subject_id)
    if found is None:
        abort(404)
    return kind, found


@bp.post("/<any(requests, volunteers):collection>/<int:subject_id>/export")
def export(collection: str, subject_id: int):
    """Download everything held about one person (subject access)."""
    kind, subject = _subject(collection, subject_id)
    body = service.export_person(kind, subject, current_user)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename={kind}-{subject_id}-data.json"})


@bp.post("/<any(requests, volunteers):collection>/<int:subject_id>/erase")
@admin_only
def erase(collection: str, subject_id: int):
    """Erase one person's data on request, keeping what open safeguarding needs."""
    kind, subject = _subject(collection, subject_id)
    _, _, endpoint, argument = KINDS[collection]
    try:
        eraser = service.erase_requester if kind == "requester" else service.erase_volunteer
        outcome = eraser(subject, request.form.get("reason", ""), current_user)
        flash("Erased." + (" Some details are kept until the open safeguarding escalation is resolved."
                           if outcome["kept_for_safeguarding"] else ""))
    except service.ErasureError as error:
        flash(str(error))
    return redirect(url_for(endpoint, **{argument: subject_id}))  # type: ignore[arg-type]  # mypy checks it against _anchor etc.


@bp.get("/retention")
def retention():
    """Show what is kept, for how long, and why."""
    return render_template("privacy/retention.html", policy=retention_policy(current_app.config),
                           reasons=service.ERASURE_REASONS)
