"""Public volunteer pages: the offer to help, and the signed page with no password."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from matcher import i18n, links
from matcher.extensions import limiter
from matcher.ids import get_by_id
from matcher.pairing import service, volunteers
from matcher.pairing.forms import CapacityForm, LanguageForm, PauseForm, TalkForm, VolunteerApplicationForm
from matcher.pairing.models import LIVE_PAIRING_STATUSES, Pairing, PairingStatus
from matcher.templating import emergency_number

bp = Blueprint("pairing", __name__, url_prefix="/volunteer")


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MATCHER_INTAKE_RATE_LIMIT"], methods=["POST"])
def apply():
    """Let someone who has recovered offer to volunteer."""
    form = VolunteerApplicationForm()
    if form.validate_on_submit():
        # The language of the form is the language of every page and email they get from now on.
        volunteers.apply_to_volunteer(form.details() | {"locale": i18n.current()}, form.application.data)
        return render_template("pairing/applied.html")
    return render_template("pairing/apply.html", form=form), (422 if form.is_submitted() else 200)


@bp.errorhandler(429)
def too_many_applications(error):
    """Over the application form's limit: show it again with what they wrote, and the crisis numbers."""
    if request.endpoint != "pairing.apply":
        from matcher.errors import kind_error_page

        return kind_error_page(error)
    return render_template("pairing/apply.html", form=VolunteerApplicationForm(), limited=True), 429


def _volunteer(token: str):
    try:
        volunteer = volunteers.find_by_link(token)
    except links.LinkError as error:
        abort(410 if error.expired else 404)
    # A genuine but revoked link, or one whose volunteer retired or was erased, is gone (checked on every use).
    if volunteer is None or volunteer.status not in volunteers.SELF_SERVICE_STATUSES:
        abort(make_response(render_template("pairing/link_gone.html"), 410))
    return volunteer


def _their_language(volunteer):
    """Speak in the volunteer's stored language, unless this very page was asked for in another (?lang=)."""
    return i18n.in_stored_language(volunteer.locale)


@bp.get("/<token>")
def volunteer_page(token: str):
    """Show the volunteer their pairings and what they can change."""
    volunteer = _volunteer(token)
    newest_first = sorted(volunteer.pairings, key=lambda p: p.created_at, reverse=True)
    live = [p for p in newest_first if p.status in LIVE_PAIRING_STATUSES]
    past = [p for p in newest_first if p.status not in LIVE_PAIRING_STATUSES]
    with _their_language(volunteer):
        return render_template("pairing/volunteer_page.html", volunteer=volunteer, token=token, live=live,
                               past=past, coordinator_address=current_app.config["MATCHER_COORDINATOR_ADDRESS"],
                               pause_form=PauseForm(), capacity_form=CapacityForm(capacity=volunteer.capacity),
                               talk_form=TalkForm(), language_form=LanguageForm(locale=volunteer.locale or "en"))


@bp.post("/<token>/language")
def language(token: str):
    """Choose the language of the volunteer's pages and emails."""
    volunteer = _volunteer(token)
    form = LanguageForm()
    if form.validate_on_submit():
        volunteers.change_language_self(volunteer, form.locale.data)
        with _their_language(volunteer):
            flash(_("Saved. Our pages and emails to you will be in this language."))
    return redirect(url_for("pairing.volunteer_page", token=token))


@bp.post("/<token>/pause")
def pause(token: str):
    """Pause the volunteer until a date."""
    volunteer = _volunteer(token)
    form = PauseForm()
    if form.validate_on_submit():
        try:
            volunteers.pause_self(volunteer, form.until.data)  # type: ignore[arg-type]  # required: a date once validated
            with _their_language(volunteer):
                flash(_("You are paused until %(date)s. Thank you for letting us know.",
                        date=format_date(form.until.data, "d MMMM y")))
        except volunteers.VolunteerError as error:
            _flash_error(volunteer, error)
    else:
        with _their_language(volunteer):
            flash(_("Choose the date you will be back."))
    return redirect(url_for("pairing.volunteer_page", token=token))


@bp.post("/<token>/resume")
def resume(token: str):
    """End a pause early."""
    volunteer = _volunteer(token)
    try:
        volunteers.resume_self(volunteer)
        with _their_language(volunteer):
            flash(_("Welcome back: you can be paired again."))
    except volunteers.VolunteerError as error:
        _flash_error(volunteer, error)
    return redirect(url_for("pairing.volunteer_page", token=token))


@bp.post("/<token>/capacity")
def capacity(token: str):
    """Change how many people the volunteer supports at once."""
    volunteer = _volunteer(token)
    form = CapacityForm()
    if form.validate_on_submit():
        volunteers.change_capacity_self(volunteer, form.capacity.data)  # type: ignore[arg-type]  # required: an int once validated
        with _their_language(volunteer):
            flash(_("Saved. Thank you."))
    else:
        with _their_language(volunteer):
            flash(_("Choose a number from 0 to 10."))
    return redirect(url_for("pairing.volunteer_page", token=token))


@bp.post("/<token>/talk")
def talk(token: str):
    """Ask a coordinator to get in touch."""
    volunteer = _volunteer(token)
    form = TalkForm()
    if form.validate_on_submit():
        volunteers.ask_for_coordinator(volunteer, form.note.data)
        with _their_language(volunteer):
            flash(_("A coordinator will get in touch soon."))
    return redirect(url_for("pairing.volunteer_page", token=token))


def _pairing(volunteer, pairing_id: int) -> Pairing:
    pairing = get_by_id(Pairing, pairing_id)
    if pairing is None or pairing.volunteer_id != volunteer.id:
        abort(404)
    return pairing


@bp.get("/<token>/pairings/<int:pairing_id>")
def volunteer_pairing(token: str, pairing_id: int):
    """Ask the volunteer to confirm or decline an introduction.

    A GET changes nothing: mail scanners open links, and must not confirm for them.
    """
    volunteer = _volunteer(token)
    with _their_language(volunteer):
        return render_template("pairing/confirm.html", volunteer=volunteer, token=token,
                               pairing=_pairing(volunteer, pairing_id))


@bp.post("/<token>/pairings/<int:pairing_id>/<any(confirm, decline):answer>")
def answer_introduction(token: str, pairing_id: int, answer: str):
    """Record the volunteer's answer to an introduction."""
    volunteer = _volunteer(token)
    pairing = _pairing(volunteer, pairing_id)
    if pairing.status == PairingStatus.INTRODUCED:
        (service.volunteer_confirms if answer == "confirm" else service.volunteer_declines)(pairing)
    with _their_language(volunteer):
        return render_template("pairing/confirm.html", volunteer=volunteer, token=token, pairing=pairing)


@bp.post("/<token>/concern")
def concern(token: str):
    """Raise a concern about someone the volunteer supports."""
    volunteer = _volunteer(token)
    pairing = get_by_id(Pairing, request.form.get("pairing_id", type=int))
    try:
        volunteers.raise_concern(volunteer, pairing, request.form.get("note", ""))
        with _their_language(volunteer):
            flash(_("Thank you. A coordinator has been told and will be in touch. "
                    "If anyone is in immediate danger, call %(number)s now.",
                    number=emergency_number(pairing.request.region)))
    except volunteers.VolunteerError as error:
        _flash_error(volunteer, error)
    return redirect(url_for("pairing.volunteer_page", token=token))


def _flash_error(volunteer, error: Exception) -> None:
    """Flash a refusal from the service in the volunteer's language (its words are lazily translated)."""
    with _their_language(volunteer):
        flash(str(error))
