"""The request form: every field labelled, every error in words."""
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3 has it; types-WTForms is still at 3.2
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from matcher import i18n
from matcher.columns import utcnow
from matcher.intake.addresses import AddressError, normalise_address
from matcher.plaintext import PlainText
from matcher.templating import zone_label

SAFETY_CHOICES = {
    "no": _l("No"),
    "harm": _l("Yes: I have thoughts of harming myself or my baby"),
    "unwell": _l("Yes: I feel very unwell right now"),
}
CARE_TEAM_CHOICES = {"yes": _l("Yes"), "no": _l("No"), "unsure": _l("I'm not sure")}


class CheckboxListField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choice_list(words: dict[str, str]) -> list[SelectChoice]:
    """Turn a code -> words mapping into WTForms choices."""
    return [SelectChoice(code, label) for code, label in words.items()]


def _choices(key: str) -> list[SelectChoice]:
    # Configured words are marked _t() in matcher/config.py and translated here, in the reader's language.
    return [SelectChoice(code, gettext(words)) for code, words in current_app.config[key].items()]


def zone_choices() -> list[SelectChoice]:
    """Return the configured time zones as choices, by city and offset in words."""
    now = utcnow()
    return [SelectChoice(zone, zone_label(zone, now)) for zone in current_app.config["MATCHER_TIMEZONES"]]


class PreferencesForm(FlaskForm):
    """What a person can change about their request after sending it."""

    stage = RadioField(_l("Where are you in your recovery?"),
                       validators=[InputRequired(message=_l("Choose the stage that fits you best."))])
    experiences = CheckboxListField(_l("What have you been through? Choose any that apply."), validators=[Optional()])
    language = SelectField(_l("Which language would you like to write in?"),
                           validators=[InputRequired(message=_l("Choose a language."))])
    timezone = SelectField(_l("Your time zone"), validators=[InputRequired(message=_l("Choose your time zone."))])
    hopes = TextAreaField(_l("What do you hope for from a peer supporter? (optional)"),
                          validators=[Optional(),
                                      Length(max=2000, message=_l("Please keep this under 2,000 characters.")),
                                      PlainText("What you hope for", multiline=True,
                                                message=_l("What you hope for cannot contain control characters."))])
    submit = SubmitField(_l("Save changes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = _choices("MATCHER_STAGES")
        self.experiences.choices = _choices("MATCHER_EXPERIENCES")
        self.language.choices = _choices("MATCHER_LANGUAGES")
        self.timezone.choices = zone_choices()


class RequestForm(PreferencesForm):
    """Everything we ask a person who requests support."""

    pseudonym = StringField(
        _l("What should we call you? A first name or a made-up name is fine."),
        validators=[DataRequired(message=_l("Tell us what to call you.")),
                    Length(max=80, message=_l("Please use 80 characters or fewer.")),
                    PlainText("The name we call you", message=_l(
                        "The name we call you cannot contain line breaks or control characters."))],
    )
    email = EmailField(_l("Your email address"), validators=[DataRequired(message=_l("Enter your email address."))])
    role = RadioField(_l("Who are you?"),
                      validators=[InputRequired(message=_l("Tell us whether you are a mother or a partner."))])
    region = SelectField(_l("Where do you live?"), validators=[InputRequired(message=_l("Choose where you live."))])
    care_team = RadioField(_l("Do you have a GP, health visitor or perinatal team you can talk to? (optional)"),
                           choices=choice_list(CARE_TEAM_CHOICES), validators=[Optional()])
    safety = RadioField(
        _l("Right now, are you having thoughts of harming yourself or your baby, or do you feel very unwell?"),
        choices=choice_list(SAFETY_CHOICES),
        validators=[InputRequired(message=_l("Please answer this question so we can keep you safe."))],
    )
    consent_health = BooleanField(
        _l("I agree that the service stores what I tell it about my health, to find me the right supporter."),
        validators=[DataRequired(message=_l("We need this agreement to offer support."))],
    )
    consent_reading = BooleanField(
        _l("I understand that coordinators can read the messages between me and my supporter, to keep us both safe."),
        validators=[DataRequired(message=_l("We need this agreement to offer support."))],
    )
    consent_guidelines = BooleanField(
        _l("I have read and agree to the guidelines for writing with a peer supporter."),
        validators=[DataRequired(message=_l("Please read and agree to the guidelines."))],
    )
    submit = SubmitField(_l("Send my request"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _choices("MATCHER_ROLES")
        self.region.choices = _choices("MATCHER_REGIONS")

    def validate_email(self, field) -> None:
        """Check and normalise the address with email-validator."""
        try:
            field.data = normalise_address(field.data, current_app.config["MATCHER_CHECK_DELIVERABILITY"])
        except AddressError as error:
            raise ValidationError(address_problem(error)) from error


def address_problem(error: AddressError) -> str:
    """Say what is wrong with an address in the reader's language (email-validator's detail is English only)."""
    if i18n.current() == i18n.SOURCE_LOCALE:
        return str(error)
    return gettext("Enter an email address like name@example.com.")


class FreshLinkForm(FlaskForm):
    """Ask for a new link to one's request; the answer never says whether the address is known."""

    email = EmailField(_l("Your email address"), validators=[DataRequired(message=_l("Enter your email address."))])
    submit = SubmitField(_l("Send me a new link"))

    def validate_email(self, field) -> None:
        """Check and normalise the address with email-validator."""
        try:
            field.data = normalise_address(field.data, current_app.config["MATCHER_CHECK_DELIVERABILITY"])
        except AddressError as error:
            raise ValidationError(address_problem(error)) from error


class ScreeningForm(FlaskForm):
    """The form's consent and safety question, for someone moved from a spreadsheet who never saw them."""

    safety = RequestForm.safety
    consent_health = RequestForm.consent_health
    consent_reading = RequestForm.consent_reading
    consent_guidelines = RequestForm.consent_guidelines
    submit = SubmitField(_l("Send my answers"))
