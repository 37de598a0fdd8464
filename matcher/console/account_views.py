"""Console account pages: an admin's list of coordinators and resets, and a coordinator's own password."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from matcher.console.blueprint import bp, login_limit
from matcher.console.forms import (
    AdminPasswordForm,
    ChangePasswordForm,
    NewCoordinatorForm,
)
from matcher.console.guard import admin_only
from matcher.console.models import Coordinator
from matcher.console.second_factor import reset_second_factor as reset_factor
from matcher.console.service import (
    AccountError,
    all_coordinators,
    change_password,
    create_coordinator,
    deactivate_coordinator,
    reset_password,
)
from matcher.extensions import db, limiter


def _coordinator(coordinator_id: int) -> Coordinator:
    coordinator = db.session.get(Coordinator, coordinator_id)
    if coordinator is None:
        abort(404)
    return coordinator


@bp.route("/coordinators", methods=["GET", "POST"])
@admin_only
def coordinators():
    """List coordinator accounts and add one (admins only)."""
    form = NewCoordinatorForm()
    if form.validate_on_submit():
        try:
            create_coordinator(form.email.data, form.password.data, form.role.data, by=current_user)  # type: ignore[arg-type]  # required fields: str once validated
            flash("Account created. They set up their authenticator at first sign-in.")
            return redirect(url_for("console.coordinators"))
        except AccountError as error:
            form.email.errors.append(str(error))  # type: ignore[attr-defined]  # a list once validated
    return render_template("console/coordinators.html", form=form, coordinators=all_coordinators(),
                           password_form=AdminPasswordForm())


@bp.post("/coordinators/<int:coordinator_id>/deactivate")
@admin_only
def deactivate(coordinator_id: int):
    """Stop a coordinator signing in (admins only); their audit history stays."""
    coordinator = _coordinator(coordinator_id)
    deactivate_coordinator(coordinator, by=current_user)
    flash(f"{coordinator.email} can no longer sign in.")
    return redirect(url_for("console.coordinators"))


@bp.post("/coordinators/<int:coordinator_id>/reset-second-factor")
@admin_only
def reset_second_factor(coordinator_id: int):
    """Remove a coordinator's second factor so they set up a new phone (another admin only)."""
    coordinator = _coordinator(coordinator_id)
    try:
        reset_factor(coordinator, by=current_user)
        flash(f"{coordinator.email} was signed out and sets up an authenticator at their next sign-in.")
    except AccountError as error:
        flash(str(error))
    return redirect(url_for("console.coordinators"))


@bp.post("/coordinators/<int:coordinator_id>/password")
@admin_only
def admin_password(coordinator_id: int):
    """Give a coordinator a new password, told to them in person (another admin only)."""
    coordinator = _coordinator(coordinator_id)
    form = AdminPasswordForm()
    try:
        if not form.validate():
            raise AccountError("Enter the new password.")
        reset_password(coordinator, form.password.data, by=current_user)  # type: ignore[arg-type]  # required fields: str once validated
        flash(f"{coordinator.email} has a new password and was signed out everywhere.")
    except AccountError as error:
        flash(str(error))
    return redirect(url_for("console.coordinators"))


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def own_password():
    """Let a coordinator change their own password, ending their other sessions."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            coordinator = current_user._get_current_object()
            change_password(coordinator, form.current.data, form.new.data, request.remote_addr)  # type: ignore[arg-type]  # required fields: str once validated
            # The change ended every session, this one too: carry on in this browser only.
            login_user(coordinator)
            flash("Your password is changed. Any other browser you were signed in on is signed out.")
            return redirect(url_for("console.dashboard"))
        except AccountError as error:
            form.new.errors.append(str(error))  # type: ignore[attr-defined]  # a list once validated
            status = 401 if error.wrong_password else 400
    return render_template("console/password.html", form=form), status
