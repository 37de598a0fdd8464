"""Public pages: the explanation, the request form, confirmation and status."""
from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from matcher import i18n, links
from matcher.columns import utcnow
from matcher.extensions import limiter
from matcher.intake import notices, service
from matcher.intake.forms import FreshLinkForm, PreferencesForm, RequestForm, ScreeningForm
from matcher.intake.models import RequestStatus

bp = Blueprint("intake", __name__)


def _intake_limit() -> str:
    return current_app.config["MATCHER_INTAKE_RATE_LIMIT"]


@bp.get("/")
def home():
    """Explain the service, who it is for, and where to get urgent help."""
    return render_template("intake/home.html", region=_region_asked(),
                           regions=current_app.config["MATCHER_REGIONS"])


def _region_asked() -> str:
    """Return the region in ?region= if it is one we know, else the organisation's default."""
    from matcher.templating import default_region

    asked = request.args.get("region") or ""
    return asked if asked in current_app.config["MATCHER_CRISIS_RESOURCES"] else default_region()


@bp.get("/guidelines")
def guidelines():
    """Show the guidelines for writing with a peer supporter."""
    return render_template("intake/guidelines.html")


@bp.get("/privacy")
def privacy():
    """Say what is kept, for how long and why."""
    from flask_babel import ngettext

    from matcher.privacy.retention_policy import retention_policy

    return render_template("intake/privacy.html", policy=retention_policy(current_app.config, gettext, ngettext))


@bp.get("/accessibility")
def accessibility():
    """Say how accessible the site is (WCAG 2.2 AA) and how to ask for another format."""
    return render_template("intake/accessibility.html")

@bp.route("/request", methods=["GET", "POST"])
@limiter.limit(_intake_limit, methods=["POST"])
def request_form():
    """Show and accept the request form."""
    form = RequestForm()
    if not form.is_submitted():
        form.region.data = form.region.data or _region_asked()
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
    """Over a form's limit: show the form again with the person's answers and the crisis numbers."""
    if request.endpoint == "intake.fresh_link":
        return render_template("intake/link_gone.html", link_form=FreshLinkForm(), limited=True), 429
    if request.endpoint != "intake.request_form":
        from matcher.errors import kind_error_page

        return kind_error_page(error)
    form = RequestForm()
    return render_template("intake/request.html", form=form, limited=True, region=form.region.data), 429


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
        locale=i18n.current(),
    )


@bp.get("/request/sent")
def sent():
    """Ask the person to look for the confirmation email."""
    return render_template("intake/sent.html")


@bp.get("/request/safety")
def safety():
    """Show crisis numbers at once after a positive safety screen."""
    return render_template("intake/safety.html", region=_region_asked())


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Show the confirmation button (a GET changes nothing: mail scanners open links); confirm on POST."""
    support_request = _request_from(token, "confirm", current_app.config["MATCHER_CONFIRM_LINK_MAX_AGE"])
    if request.method == "POST":
        if support_request.status == RequestStatus.UNCONFIRMED:
            flash(gettext("You’re on the list. Thank you for confirming your email address."))
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
                                           form.language.data, form.timezone.data, form.hopes.data,
                                           locale=i18n.current())
    return _status_page(support_request, form, token, saved=saved)


def _status_page(support_request, form, token: str, saved: bool = False, withdraw_unticked: bool = False):
    g.person_region = support_request.region
    estimate = service.wait_estimate(support_request) if support_request.status == RequestStatus.WAITING else None
    screening = ScreeningForm() if support_request.needs_screening else None
    waited_days = (utcnow() - support_request.requested_on).days
    page = render_template("intake/status.html", support_request=support_request, form=form,
                           estimate=estimate, saved=saved, token=token, waited_days=waited_days,
                           withdraw_unticked=withdraw_unticked, region=support_request.region, screening=screening,
                           editable=support_request.status in service.EDITABLE_STATUSES)
    return page, 422 if withdraw_unticked else 200


@bp.post("/status/<token>/screening")
def screening(token: str):
    """Record consent and the safety answer of someone moved from the old waiting list."""
    support_request = _request_from(token, "status", service.status_link_age())
    form = ScreeningForm()
    if not form.validate_on_submit():
        return render_template("intake/status.html", support_request=support_request,
                               form=PreferencesForm(obj=support_request), estimate=None, saved=False, token=token,
                               screening=form, editable=False, region=support_request.region,
                               waited_days=(utcnow() - support_request.requested_on).days), 422
    service.record_screening(support_request, form.data["safety"])
    if support_request.risk_hold:
        return redirect(url_for("intake.safety", region=support_request.region))
    return redirect(url_for("intake.status", token=token))


@bp.post("/status/<token>/withdraw")
def withdraw(token: str):
    """Withdraw the request and erase what we hold, saying what is kept."""
    support_request = _request_from(token, "status", service.status_link_age())
    if request.form.get("confirm") != "yes":
        return _status_page(support_request, PreferencesForm(obj=support_request), token, withdraw_unticked=True)
    kept = False
    if support_request.status != RequestStatus.WITHDRAWN:
        kept = service.withdraw_request(support_request)
    return render_template("intake/withdrawn.html", kept_for_safeguarding=kept,
                           region=support_request.region)


@bp.post("/link/new")
@limiter.limit(_intake_limit)
def fresh_link():
    """Mail a new link to an address's open request; the page is the same whether it has one or not."""
    form = FreshLinkForm()
    if not form.validate_on_submit():
        return render_template("intake/link_gone.html", link_form=form), 422
    service.resend_link(form.email.data)  # type: ignore[arg-type]  # required field: str once validated
    return render_template("intake/link_sent.html")


def _request_from(token: str, purpose: str, max_age):
    try:
        support_request = service.find_by_link(token, purpose, max_age)
    except links.LinkError as error:
        _link_gone(410 if error.expired else 404)
    if support_request is None:
        # A genuine link that was revoked, or whose request was withdrawn or erased.
        _link_gone(410)
    return support_request


def _link_gone(status: int) -> None:
    """Stop with the kind page for a link that does not work: crisis numbers and a form for a fresh link."""
    abort(make_response(render_template("intake/link_gone.html", link_form=FreshLinkForm()), status))
