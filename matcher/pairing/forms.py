"""Forms for volunteers: the public offer to help, the coordinator's record, the signed page."""
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3 has it; types-WTForms is still at 3.2
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from matcher import i18n
from matcher.intake.addresses import AddressError, normalise_address
from matcher.intake.forms import CheckboxListField, address_problem, zone_choices
from matcher.plaintext import PlainText


def _choices(key: str) -> list[SelectChoice]:
    # Configured words are marked _t() in matcher/config.py and translated here, in the reader's language.
    return [SelectChoice(code, gettext(words)) for code, words in current_app.config[key].items()]


class VolunteerDetailsForm(FlaskForm):
    """What both the public offer and the coordinator's record ask."""

    name = StringField(_l("Full name"), validators=[
        DataRequired(message=_l("Enter a name.")), Length(max=160),
        PlainText("The full name", message=_l("The full name cannot contain line breaks or control characters."))])
    pseudonym = StringField(_l("Name shown to the people supported (a first name or a chosen name)"),
                            validators=[DataRequired(message=_l("Enter the name people will see.")), Length(max=80),
                                        PlainText("The name shown to the people supported", message=_l(
                                            "The name shown cannot contain line breaks or control characters."))])
    email = EmailField(_l("Email address"), validators=[DataRequired(message=_l("Enter an email address."))])
    phone = StringField(_l("Phone (coordinators only; never shown to anyone supported)"),
                        validators=[Optional(), Length(max=40), PlainText("The phone number", message=_l(
                            "The phone number cannot contain line breaks or control characters."))])
    role = RadioField(_l("Who are you?"), validators=[InputRequired(message=_l("Choose mother or partner."))])
    experiences = CheckboxListField(_l("What have you lived through?"), validators=[Optional()])
    stages = CheckboxListField(_l("Which stages of recovery could you support?"),
                               validators=[DataRequired(message=_l("Choose at least one stage."))])
    languages = CheckboxListField(_l("Languages you can write in"),
                                  validators=[DataRequired(message=_l("Choose at least one language."))])
    timezone = SelectField(_l("Your time zone"), validators=[InputRequired(message=_l("Choose your time zone."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _choices("MATCHER_ROLES")
        self.experiences.choices = _choices("MATCHER_EXPERIENCES")
        self.stages.choices = _choices("MATCHER_STAGES")
        self.languages.choices = _choices("MATCHER_LANGUAGES")
        self.timezone.choices = zone_choices()

    def validate_email(self, field) -> None:
        """Check and normalise the address."""
        try:
            field.data = normalise_address(field.data, current_app.config["MATCHER_CHECK_DELIVERABILITY"])
        except AddressError as error:
            raise ValidationError(address_problem(error)) from error

    def details(self) -> dict:
        """Return the answers as volunteer fields."""
        names = ("name", "pseudonym", "email", "phone", "role", "experiences", "stages", "languages", "timezone")
        return {name: self[name].data for name in names}


class VolunteerApplicationForm(VolunteerDetailsForm):
    """The public 'volunteer with us' form."""

    application = TextAreaField(_l("Tell us a little about your recovery and why you would like to help (optional)"),
                                validators=[Optional(), Length(max=3000),
                                            PlainText("What you tell us", multiline=True, message=_l(
                                                "What you tell us cannot contain control characters."))])
    submit = SubmitField(_l("Offer to volunteer"))


class VolunteerRecordForm(VolunteerDetailsForm):
    """The coordinator's full record of a volunteer."""

    capacity = IntegerField("How many people at once", default=1,
                            validators=[InputRequired(message="Enter a number."), NumberRange(0, 10)])
    trained_on = DateField("Training completed on", validators=[Optional()])
    checks_expire_on = DateField("Background check expires on", validators=[Optional()])
    supervision_due_on = DateField("Next supervision due", validators=[Optional()])
    notes = TextAreaField("Coordinator notes", validators=[Optional(), Length(max=5000),
                                                             PlainText("The notes", multiline=True)])
    # Optional, so a form that does not show it (or an old browser tab) keeps the volunteer's language.
    locale = SelectField("Language of their pages and emails", validators=[Optional()])
    submit = SubmitField("Save volunteer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()

    def details(self) -> dict:
        """Return every field as volunteer fields (the language only when one was chosen)."""
        extra = ("capacity", "trained_on", "checks_expire_on", "supervision_due_on", "notes")
        chosen = {"locale": self.locale.data} if i18n.chosen_locale(self.locale.data) else {}
        return super().details() | {name: self[name].data for name in extra} | chosen


class PauseForm(FlaskForm):
    """Pause until a date."""

    until = DateField(_l("Pause until"), validators=[DataRequired(message=_l("Choose the date you will be back."))])
    submit = SubmitField(_l("Pause"))


class CapacityForm(FlaskForm):
    """Change how many people a volunteer supports at once."""

    capacity = IntegerField(_l("How many people can you support at once?"),
                            validators=[InputRequired(message=_l("Enter a number.")),
                                        NumberRange(0, 10, message=_l("Choose a number from 0 to 10."))])
    submit = SubmitField(_l("Save"))


class TalkForm(FlaskForm):
    """Ask to talk to a coordinator."""

    note = TextAreaField(_l("Anything you would like them to know first (optional)"),
                         validators=[Optional(), Length(max=2000), PlainText("The note", multiline=True, message=_l(
                             "The note cannot contain control characters."))])
    submit = SubmitField(_l("Ask a coordinator to get in touch"))


class LanguageForm(FlaskForm):
    """Choose the language of a volunteer's pages and emails."""

    locale = SelectField(_l("Language of our pages and emails"),
                         validators=[InputRequired(message=_l("Choose a language."))])
    submit = SubmitField(_l("Save language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


def language_choices() -> list[SelectChoice]:
    """Offer every language with a catalogue, each named in its own words (findable by who reads only it)."""
    return [SelectChoice(code, i18n.own_name(code)) for code in i18n.available()]


class EndPairingForm(FlaskForm):
    """End a pairing with a reason."""

    reason = SelectField("Why is it ending?", validators=[InputRequired(message="Choose a reason.")])
    note = TextAreaField("Note (optional; no message text)",
                         validators=[Optional(), Length(max=2000), PlainText("The note", multiline=True)])
    submit = SubmitField("End pairing")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = _choices("MATCHER_END_REASONS")
