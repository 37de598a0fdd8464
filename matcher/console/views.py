"""Console pages: sign-in and the requests overview."""
import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from matcher.columns import utcnow
from matcher.console import queries
from matcher.console.forms import CodeForm, LoginForm
from matcher.console.guard import admin_only, require_coordinator
from matcher.console.models import Coordinator
from matcher.console.second_factor import check_second_factor, confirm_enrolment, provisioning_uri, start_enrolment
from matcher.console.service import complete_sign_in, count_failure, is_locked, sign_in, sign_out
from matcher.extensions import db, limiter, login_manager

bp = Blueprint("console", __name__, url_prefix="/console")
login_manager.login_view = "console.login"
login_manager.login_message = "Please sign in to continue."


@login_manager.user_loader
def load_coordinator(coordinator_id: str) -> Coordinator | None:
    """Load the signed-in coordinator for Flask-Login."""
    return db.session.get(Coordinator, int(coordinator_id))


require_coordinator(bp)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: _login_limit(), methods=["POST"])  # noqa: PLW0108 - _login_limit is defined below
def login():
    """Sign a coordinator in."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        outcome = sign_in(form.email.data, form.password.data)  # type: ignore[arg-type]  # required fields: str once validated
        if outcome.coordinator:
            return _second_step(outcome.coordinator)
        error = "That email and password did not match, or the account is locked for a while after too many tries."
    return render_template("console/login.html", form=form, error=error), (401 if error else 200)


def _second_step(coordinator: Coordinator):
    """After the password: ask for the code, set one up, or finish."""
    session.clear()
    session["pending_coordinator"] = coordinator.id
    session["pending_since"] = time.time()
    session["pending_next"] = _safe_next(request.args.get("next"))
    if coordinator.has_second_factor:
        return redirect(url_for("console.login_code"))
    if current_app.config["MATCHER_REQUIRE_TOTP"]:
        return redirect(url_for("console.second_factor_setup"))
    return _finish(coordinator)


def _pending() -> Coordinator | None:
    since = session.get("pending_since")
    if since is None or time.time() - since > 300:
        return None
    coordinator = db.session.get(Coordinator, session.get("pending_coordinator") or 0)
    return None if coordinator is None or is_locked(coordinator) else coordinator


def _finish(coordinator: Coordinator):
    target = session.get("pending_next") or url_for("console.dashboard")
    session.clear()
    complete_sign_in(coordinator)
    login_user(coordinator)
    session["seen_at"] = time.time()
    return redirect(target)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: _login_limit(), methods=["POST"])  # noqa: PLW0108 - _login_limit is defined below
def login_code():
    """Ask for the authenticator code (or a recovery code)."""
    coordinator = _pending()
    if coordinator is None:
        return redirect(url_for("console.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if check_second_factor(coordinator, form.code.data):  # type: ignore[arg-type]  # required: str once validated
            return _finish(coordinator)
        count_failure(coordinator)
        error = "That code did not work. Codes change every 30 seconds; a recovery code works once."
    return render_template("console/login_code.html", form=form, error=error), (401 if error else 200)


@bp.route("/second-factor/setup", methods=["GET", "POST"])
def second_factor_setup():
    """Set up an authenticator app, then show the recovery codes once."""
    coordinator = current_user if current_user.is_authenticated else _pending()
    if coordinator is None:
        return redirect(url_for("console.login"))
    form = CodeForm()
    if not coordinator.totp_secret or (request.method == "GET" and not coordinator.has_second_factor):
        start_enrolment(coordinator)
    error = None
    if form.validate_on_submit():
        codes = confirm_enrolment(coordinator, form.code.data)  # type: ignore[arg-type]  # required: str once validated
        if codes:
            if not current_user.is_authenticated:
                _finish(coordinator)
            return render_template("console/recovery_codes.html", codes=codes)
        error = "That code did not match. Check the time on your phone and try the next code."
    return render_template("console/second_factor_setup.html", form=form, error=error,
                           secret=coordinator.totp_secret, uri=provisioning_uri(coordinator))


def _login_limit() -> str:
    return current_app.config["MATCHER_LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect here would help a phishing page.
    if target and target.startswith("/") and not urlsplit(target).netloc and not target.startswith("//"):
        return target
    return url_for("console.dashboard")


@bp.post("/logout")
@login_required
def logout():
    """Sign the coordinator out."""
    sign_out(current_user)
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("console.login"))


@bp.get("/")
def dashboard():
    """Show what matters first: escalations by tier and age, held messages, waits, silence."""
    from matcher.safeguarding.queries import overview

    now = utcnow()
    summary = overview(now, current_app.config["MATCHER_REPLY_EXPECTED_WITHIN"])
    return render_template("console/dashboard.html", summary=summary, escalations=summary.escalations,
                           groups=queries.requests_by_state(), finished=queries.finished_counts(), now=now)


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    """Show one request to a coordinator."""
    from flask import abort

    from matcher.intake.models import SupportRequest

    support_request = db.session.get(SupportRequest, request_id)
    if support_request is None:
        abort(404)
    return render_template("console/request.html", support_request=support_request, now=utcnow())


@bp.route("/coordinators", methods=["GET", "POST"])
@admin_only
def coordinators():
    """List coordinator accounts and add one (admins only)."""
    from matcher.console.forms import NewCoordinatorForm
    from matcher.console.service import AccountError, all_coordinators, create_coordinator

    form = NewCoordinatorForm()
    if form.validate_on_submit():
        try:
            create_coordinator(form.email.data, form.password.data, form.role.data,  # type: ignore[arg-type]  # required
                               by=current_user)
            flash("Account created. They set up their authenticator at first sign-in.")
            return redirect(url_for("console.coordinators"))
        except AccountError as error:
            form.email.errors.append(str(error))  # type: ignore[attr-defined]  # a list once validated
    return render_template("console/coordinators.html", form=form, coordinators=all_coordinators())


@bp.post("/coordinators/<int:coordinator_id>/deactivate")
@admin_only
def deactivate(coordinator_id: int):
    """Stop a coordinator signing in (admins only); their audit history stays."""
    from flask import abort

    from matcher.console.service import deactivate_coordinator

    coordinator = db.session.get(Coordinator, coordinator_id)
    if coordinator is None:
        abort(404)
    deactivate_coordinator(coordinator, by=current_user)
    flash(f"{coordinator.email} can no longer sign in.")
    return redirect(url_for("console.coordinators"))
