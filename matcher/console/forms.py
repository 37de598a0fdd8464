"""Console forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3 has it; types-WTForms is still at 3.2
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    """Coordinator sign-in."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    submit = SubmitField("Sign in")


class CodeForm(FlaskForm):
    """A six-digit authenticator code, or a recovery code."""

    code = StringField("Code from your authenticator app (or a recovery code)",
                       validators=[DataRequired(message="Enter the code.")])
    submit = SubmitField("Continue")


class NewCoordinatorForm(FlaskForm):
    """An admin adds a coordinator."""

    email = EmailField("Email", validators=[DataRequired(message="Enter their email address.")])
    password = PasswordField("First password (at least 12 characters; they can be told it in person)",
                             validators=[DataRequired(message="Enter a first password.")])
    role = SelectField("Role", choices=[SelectChoice("coordinator", "Coordinator"), SelectChoice("admin", "Admin")])
    submit = SubmitField("Add coordinator")
