"""Console forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
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
