"""Console pages: sign-in, sign-out and the requests overview."""
import time

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from matcher.columns import utcnow
from matcher.console import queries
from matcher.console.blueprint import bp, login_limit
from matcher.console.forms import CodeForm, LoginForm
from matcher.console.guard import safe_target
from matcher.console.models import Coordinator
from matcher.console.qrcode import qr_svg
from matcher.console.second_factor import (
    check_second_factor,
    confirm_enrolment,
    provisioning_uri,
    start_enrolment,
)
from matcher.console.service import (
    code_paused,
    complete_sign_in,
    count_code_failure,
    sign_in,
    sign_out,
)
from matcher.extensions import db, limiter
from matcher.listing import read_listing

__all__ = ["bp"]
WRONG_CODE = "That code did not work. Codes change every 30 seconds; a recovery code works once."
PAUSED = "Too many wrong codes. Wait a few minutes, then try again."


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Sign a coordinator in."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        outcome = sign_in(form.email.data, form.password.data, request.remote_addr)  # type: ignore[arg-type]  # required fields: str once validated
        if outcome.coordinator:
            return _second_step(outcome.coordinator)
        error = ("That email and password did not match, "
                 "or sign-in from here is paused for a while after too many tries.")
    return render_template("console/login.html", form=form, error=error), (401 if error else 200)


def _second_step(coordinator: Coordinator):
    """After the password: ask for the code, set one up, or finish."""
    session.clear()
    session["pending_coordinator"] = coordinator.id
    session["pending_since"] = time.time()
    session["pending_next"] = safe_target(request.args.get("next"), url_for("console.dashboard"))
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
    return coordinator if coordinator is not None and coordinator.active else None


def _finish(coordinator: Coordinator):
    target = session.get("pending_next") or url_for("console.dashboard")
    session.clear()
    complete_sign_in(coordinator, request.remote_addr)
    login_user(coordinator)
    session["seen_at"] = session["signed_in_at"] = time.time()
    return redirect(target)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login_code():
    """Ask for the authenticator code (or a recovery code)."""
    coordinator = _pending()
    if coordinator is None:
        return redirect(url_for("console.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("console/login_code.html", form=form, error=None)
    if code_paused(coordinator, request.remote_addr):
        return render_template("console/login_code.html", form=form, error=PAUSED), 429
    if check_second_factor(coordinator, form.code.data):  # type: ignore[arg-type]  # required fields: str once validated
        return _finish(coordinator)
    error = PAUSED if count_code_failure(coordinator, request.remote_addr) else WRONG_CODE
    return render_template("console/login_code.html", form=form, error=error), 401


@bp.route("/second-factor/setup", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def second_factor_setup():
    """Set up an authenticator app (only without one already), then show the recovery codes once."""
    coordinator = current_user if current_user.is_authenticated else _pending()
    if coordinator is None:
        return redirect(url_for("console.login"))
    if coordinator.has_second_factor:
        # The secret is never shown again; a new phone needs an admin's reset.
        return render_template("console/second_factor_enrolled.html"), 403
    form = CodeForm()
    if not coordinator.totp_secret or request.method == "GET":
        start_enrolment(coordinator)
    error, status = None, 200
    if form.validate_on_submit():
        if code_paused(coordinator, request.remote_addr):
            error, status = PAUSED, 429
        elif codes := confirm_enrolment(coordinator, form.code.data):  # type: ignore[arg-type]  # required fields: str once validated
            if not current_user.is_authenticated:
                _finish(coordinator)
            return render_template("console/recovery_codes.html", codes=codes)
        else:
            paused = count_code_failure(coordinator, request.remote_addr)
            error, status = (PAUSED if paused else "That code did not match. Check the time on your phone "
                             "and try the next code."), 401
    uri = provisioning_uri(coordinator)
    return render_template("console/second_factor_setup.html", form=form, error=error,
                           secret=coordinator.totp_secret, uri=uri,
                           qr=qr_svg(uri, "QR code for your authenticator app")), status


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
                           groups=queries.requests_by_state(), now=now)


@bp.get("/waiting")
def waiting_list():
    """List the waiting list a page at a time, filtered and sorted by wait, stage, role or language."""
    config = current_app.config
    vocabularies = {"stage": config["MATCHER_STAGES"], "role": config["MATCHER_ROLES"],
                    "language": config["MATCHER_LANGUAGES"]}
    listing = read_listing(request.args, queries.WAITING_SORTS, "wait", vocabularies)
    return render_template("console/waiting.html", page=queries.waiting_list(listing), listing=listing,
                           vocabularies=vocabularies, now=utcnow())


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    """Show one request to a coordinator."""
    return render_template("console/request.html", support_request=_request(request_id), now=utcnow())


@bp.get("/requests/<int:request_id>/link/confirm")
def confirm_new_status_link(request_id: int):
    """Ask before sending a new status link: every link mailed so far stops working."""
    return render_template("console/confirm_new_link.html", support_request=_request(request_id))


@bp.post("/requests/<int:request_id>/link")
def new_status_link(request_id: int):
    """Revoke the person's links and mail them a new status link (once confirmed); audited."""
    from matcher.intake.service import issue_status_link

    support_request = _request(request_id)
    if request.form.get("confirmed") != "yes":
        return redirect(url_for(".confirm_new_status_link", request_id=request_id))
    try:
        issue_status_link(support_request, by=current_user)
        flash(f"A new link has been sent to {support_request.pseudonym}; the links in earlier emails no longer work.")
    except ValueError as error:
        flash(str(error))
    return redirect(url_for(".request_detail", request_id=request_id))


def _request(request_id: int):
    from flask import abort

    from matcher.intake.models import SupportRequest

    support_request = db.session.get(SupportRequest, request_id)
    if support_request is None:
        abort(404)
    return support_request


# Account pages join the same blueprint (and so the same sign-in guard).
from matcher.console import account_views  # noqa: E402, F401  # after bp, which it adds pages to
