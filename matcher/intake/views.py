"""Public pages: the explanation, the request form, confirmation and status."""
from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for

from matcher import links
from matcher.extensions import limiter
from matcher.intake import notices, service
from matcher.intake.forms import PreferencesForm, RequestForm, ScreeningForm
from matcher.intake.models import RequestStatus

bp = Blueprint("intake", __name__)


def _intake_limit() -> str:
    return current_app.config["MATCHER_INTAKE_RATE_LIMIT"]


@bp.get("/")
def home():
    """Explain the service, who it is for, and where to get urgent help."""
    region = request.args.get("region", "GB")
    return render_template("intake/home.html", region=region,
                           regions=current_app.config["MATCHER_REGIONS"])


@bp.get("/guidelines")
def guidelines():
    """Show the guidelines for writing with a peer supporter."""
    return render_template("intake/guidelines.html")


@bp.get("/privacy")
def privacy():
    """Say what is kept, for how long and why."""
    from matcher.privacy.retention_policy import retention_policy

    return render_template("intake/privacy.html", policy=retention_policy(current_app.config))


@bp.route("/request", methods=["GET", "POST"])
@limiter.limit(_intake_limit, methods=["POST"])
def request_form():
    """Show and accept the request form."""
    form = RequestForm()
    if not form.is_submitted():
        form.region.data = form.region.data or "GB"
        form.language.data = form.language.data or "en"
        form.timezone.data = form.timezone.data or "Europe/London"
    if form.validate_on_submit():
        answers = _answers(form)
        service.submit_request(answers)
        if answers.at_risk:
            return redirect(url_for("intake.safety", region=answers.region))
        return redirect(url_for("intake.sent"))
    status = 422 if form.is_submitted() else 200
    return render_template("intake/request.html", form=form), status


@bp.errorhandler(429)
def too_many_requests(error):
    """Over the form's limit: show the form again with the person's answers and the crisis numbers."""
    if request.endpoint != "intake.request_form":
        return error
    form = RequestForm()
    return render_template("intake/request.html", form=form, limited=True, region=form.region.data or "GB"), 429


def _answers(form: RequestForm) -> service.RequestAnswers:
    return service.RequestAnswers(
        pseudonym=form.pseudonym.data,  # type: ignore[arg-type]  # required fields: str once validated
        email=form.email.data,  # type: ignore[arg-type]
        role=form.role.data,
        stage=form.stage.data,
        language=form.language.data,
        region=form.region.data,
        timezone=form.timezone.data,
        safety=form.safety.data,
        experiences=tuple(form.experiences.data or ()),
        hopes=form.hopes.data,
        care_team=form.care_team.data,
    )


@bp.get("/request/sent")
def sent():
    """Ask the person to look for the confirmation email."""
    return render_template("intake/sent.html")


@bp.get("/request/safety")
def safety():
    """Show crisis numbers at once after a positive safety screen."""
    region = request.args.get("region", "GB")
    return render_template("intake/safety.html", region=region)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Show the confirmation button (a GET changes nothing: mail scanners open links); confirm on POST."""
    support_request = _request_from(token, "confirm", current_app.config["MATCHER_CONFIRM_LINK_MAX_AGE"])
    if request.method == "POST":
        service.confirm_request(support_request)
    elif support_request.status == RequestStatus.UNCONFIRMED:
        return render_template("intake/confirm.html", support_request=support_request, token=token)
    return redirect(url_for("intake.status", token=notices.link_token(support_request, "status")))


@bp.route("/status/<token>", methods=["GET", "POST"])
def status(token: str):
    """Show the person where they stand and let them change their preferences."""
    support_request = _request_from(token, "status", service.status_link_age())
    form = PreferencesForm(obj=support_request)
    saved = False
    if form.validate_on_submit():
        saved = service.update_preferences(support_request, form.stage.data, form.experiences.data or [],
                                           form.language.data, form.timezone.data, form.hopes.data)
    estimate = service.wait_estimate(support_request) if support_request.status == RequestStatus.WAITING else None
    screening = ScreeningForm() if support_request.needs_screening else None
    return render_template("intake/status.html", support_request=support_request, form=form,
                           estimate=estimate, saved=saved, token=token, screening=screening,
                           editable=support_request.status in service.EDITABLE_STATUSES)


@bp.post("/status/<token>/screening")
def screening(token: str):
    """Record consent and the safety answer of someone moved from the old waiting list."""
    support_request = _request_from(token, "status", service.status_link_age())
    form = ScreeningForm()
    if not form.validate_on_submit():
        return render_template("intake/status.html", support_request=support_request,
                               form=PreferencesForm(obj=support_request), estimate=None, saved=False, token=token,
                               screening=form, editable=False), 422
    service.record_screening(support_request, form.data["safety"])
    if support_request.risk_hold:
        return redirect(url_for("intake.safety", region=support_request.region))
    return redirect(url_for("intake.status", token=token))


@bp.post("/status/<token>/withdraw")
def withdraw(token: str):
    """Withdraw the request and erase what we hold, saying what is kept."""
    support_request = _request_from(token, "status", service.status_link_age())
    if request.form.get("confirm") != "yes":
        return redirect(url_for("intake.status", token=token, _anchor="withdraw"))
    kept = False
    if support_request.status != RequestStatus.WITHDRAWN:
        kept = service.withdraw_request(support_request)
    return render_template("intake/withdrawn.html", kept_for_safeguarding=kept,
                           region=support_request.region)


def _request_from(token: str, purpose: str, max_age):
    try:
        support_request = service.find_by_link(token, purpose, max_age)
    except links.LinkError as error:
        abort(410 if error.expired else 404)
    if support_request is None:
        # A genuine link that was revoked, or whose request was withdrawn or erased.
        abort(make_response(render_template("intake/link_gone.html"), 410))
    return support_request
