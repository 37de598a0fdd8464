"""Console pages: sign-in and the requests overview."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from matcher.columns import utcnow
from matcher.console import queries
from matcher.console.forms import LoginForm
from matcher.console.guard import require_coordinator
from matcher.console.models import Coordinator
from matcher.console.service import sign_in, sign_out
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
@limiter.limit(lambda: _login_limit(), methods=["POST"])
def login():
    """Sign a coordinator in."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        outcome = sign_in(form.email.data, form.password.data)
        if outcome.coordinator:
            login_user(outcome.coordinator)
            return redirect(_safe_next(request.args.get("next")))
        error = "That email and password did not match, or the account is locked for a while after too many tries."
    return render_template("console/login.html", form=form, error=error), (401 if error else 200)


def _login_limit() -> str:
    from flask import current_app

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
    """List requests by state with their wait times."""
    groups = queries.requests_by_state()
    return render_template("console/dashboard.html", groups=groups, now=utcnow())


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    """Show one request to a coordinator."""
    from flask import abort

    from matcher.intake.models import SupportRequest

    support_request = db.session.get(SupportRequest, request_id)
    if support_request is None:
        abort(404)
    return render_template("console/request.html", support_request=support_request, now=utcnow())
