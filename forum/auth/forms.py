from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from ..services.accounts import USERNAME_PATTERN
from ..services.password_rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


def new_password_field(label: str | None = None) -> PasswordField:
    """A field for choosing a password; the services refuse ones that are easy to guess."""
    return PasswordField(
        _l("Password") if label is None else label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=_l("Use between 10 and 256 characters."),
            ),
        ],
        description=_l(
            "At least 10 characters, and hard to guess: not a common password, a single word "
            "with digits, a keyboard pattern or your name. A few uncommon words together work "
            "well."
        ),
    )


def password_confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
    )


def email_field(label: str | None = None) -> EmailField:
    return EmailField(
        _l("E-mail address") if label is None else label,
        validators=[
            DataRequired(_l("Give your e-mail address.")),
            Length(max=254, message=_l("At most 254 characters.")),
            Email(_l("That does not look like an e-mail address."), check_deliverability=False),
        ],
    )


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Choose a username.")),
            Regexp(USERNAME_PATTERN, message=_l("3 to 30 characters: letters, digits, _ and -.")),
        ],
        description=_l("3 to 30 characters: letters, digits, _ and -. Shown with your posts."),
    )
    email = email_field()
    password = new_password_field()
    password_confirm = password_confirm_field()


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username or e-mail address"),
        validators=[DataRequired(_l("Give your username or e-mail address."))],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Give your password."))])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    password_confirm = password_confirm_field()
