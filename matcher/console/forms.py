"""Console forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3 has it; types-WTForms is still at 3.2
from wtforms.validators import DataRequired, EqualTo


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
    password = PasswordField("First password (at least 12 characters, not a common one; tell them in person)",
                             validators=[DataRequired(message="Enter a first password.")])
    role = SelectField("Role", choices=[SelectChoice("coordinator", "Coordinator"), SelectChoice("admin", "Admin")])
    submit = SubmitField("Add coordinator")


class ChangePasswordForm(FlaskForm):
    """A coordinator changes their own password."""

    current = PasswordField("Your current password", validators=[DataRequired(message="Enter your current password.")])
    new = PasswordField("New password (at least 12 characters; a few unrelated words work well)",
                        validators=[DataRequired(message="Enter a new password.")])
    confirm = PasswordField("The new password again",
                            validators=[DataRequired(message="Enter the new password again."),
                                        EqualTo("new", message="The two new passwords differ.")])
    submit = SubmitField("Change password")


class AdminPasswordForm(FlaskForm):
    """An admin gives a coordinator a new password."""

    password = PasswordField("New password", validators=[DataRequired(message="Enter the new password.")])
    submit = SubmitField("Set password")
