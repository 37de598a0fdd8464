"""The request form: every field labelled, every error in words."""
from flask import current_app
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

from matcher.intake.addresses import AddressError, normalise_address
from matcher.plaintext import PlainText

SAFETY_CHOICES = {
    "no": "No",
    "harm": "Yes: I have thoughts of harming myself or my baby",
    "unwell": "Yes: I feel very unwell right now",
}
CARE_TEAM_CHOICES = {"yes": "Yes", "no": "No", "unsure": "I'm not sure"}


class CheckboxListField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choice_list(words: dict[str, str]) -> list[SelectChoice]:
    """Turn a code -> words mapping into WTForms choices."""
    return [SelectChoice(code, label) for code, label in words.items()]


def _choices(key: str) -> list[SelectChoice]:
    return choice_list(current_app.config[key])


class PreferencesForm(FlaskForm):
    """What a person can change about their request after sending it."""

    stage = RadioField("Where are you in your recovery?",
                       validators=[InputRequired(message="Choose the stage that fits you best.")])
    experiences = CheckboxListField("What have you been through? Choose any that apply.", validators=[Optional()])
    language = SelectField("Which language would you like to write in?",
                           validators=[InputRequired(message="Choose a language.")])
    timezone = SelectField("Your time zone", validators=[InputRequired(message="Choose your time zone.")])
    hopes = TextAreaField("What do you hope for from a peer supporter? (optional)",
                          validators=[Optional(), Length(max=2000, message="Please keep this under 2,000 characters."),
                                      PlainText("What you hope for", multiline=True)])
    submit = SubmitField("Save changes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = _choices("MATCHER_STAGES")
        self.experiences.choices = _choices("MATCHER_EXPERIENCES")
        self.language.choices = _choices("MATCHER_LANGUAGES")
        self.timezone.choices = [SelectChoice(zone, zone.replace("_", " "))
                                 for zone in current_app.config["MATCHER_TIMEZONES"]]


class RequestForm(PreferencesForm):
    """Everything we ask a person who requests support."""

    pseudonym = StringField(
        "What should we call you? A first name or a made-up name is fine.",
        validators=[DataRequired(message="Tell us what to call you."),
                    Length(max=80, message="Please use 80 characters or fewer."),
                    PlainText("The name we call you")],
    )
    email = EmailField("Your email address", validators=[DataRequired(message="Enter your email address.")])
    role = RadioField("Who are you?",
                      validators=[InputRequired(message="Tell us whether you are a mother or a partner.")])
    region = SelectField("Where do you live?", validators=[InputRequired(message="Choose where you live.")])
    care_team = RadioField("Do you have a GP, health visitor or perinatal team you can talk to? (optional)",
                           choices=choice_list(CARE_TEAM_CHOICES), validators=[Optional()])
    safety = RadioField(
        "Right now, are you having thoughts of harming yourself or your baby, or do you feel very unwell?",
        choices=choice_list(SAFETY_CHOICES),
        validators=[InputRequired(message="Please answer this question so we can keep you safe.")],
    )
    consent_health = BooleanField(
        "I agree that the service stores what I tell it about my health, to find me the right supporter.",
        validators=[DataRequired(message="We need this agreement to offer support.")],
    )
    consent_reading = BooleanField(
        "I understand that coordinators can read the messages between me and my supporter, to keep us both safe.",
        validators=[DataRequired(message="We need this agreement to offer support.")],
    )
    consent_guidelines = BooleanField(
        "I have read and agree to the guidelines for writing with a peer supporter.",
        validators=[DataRequired(message="Please read and agree to the guidelines.")],
    )
    submit = SubmitField("Send my request")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _choices("MATCHER_ROLES")
        self.region.choices = _choices("MATCHER_REGIONS")

    def validate_email(self, field) -> None:
        """Check and normalise the address with email-validator."""
        try:
            field.data = normalise_address(field.data, current_app.config["MATCHER_CHECK_DELIVERABILITY"])
        except AddressError as error:
            raise ValidationError(str(error)) from error


class ScreeningForm(FlaskForm):
    """The form's consent and safety question, for someone moved from a spreadsheet who never saw them."""

    safety = RequestForm.safety
    consent_health = RequestForm.consent_health
    consent_reading = RequestForm.consent_reading
    consent_guidelines = RequestForm.consent_guidelines
    submit = SubmitField("Send my answers")
