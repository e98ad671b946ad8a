from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..auth.forms import email_field, new_password_field, password_confirm_field
from ..services.accounts import MAX_BIO, MAX_DISPLAY_NAME, MAX_LINK_LENGTH, MAX_LINKS

LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("da", "Dansk")]
CHOOSE_MODE = _l("Choose what happens to your posts.")
MODE_CHOICES = [
    SelectChoice("anonymise", _l("Keep my posts, shown as by a deleted user")),
    SelectChoice(
        "remove",
        _l("Remove my posts (where others replied, a placeholder keeps their replies in place)"),
    ),
]


def current_password_field() -> PasswordField:
    return PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Give your current password."))]
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[
            Length(
                max=MAX_DISPLAY_NAME, message=_l("At most %(n)d characters.", n=MAX_DISPLAY_NAME)
            )
        ],
        description=_l("Shown instead of your username. Leave empty to use your username."),
    )
    bio = TextAreaField(
        _l("About you"),
        validators=[Length(max=MAX_BIO, message=_l("At most %(n)d characters.", n=MAX_BIO))],
    )
    links = TextAreaField(
        _l("Links"),
        validators=[
            Length(max=MAX_LINKS * (MAX_LINK_LENGTH + 2), message=_l("Too long.")),
        ],
        description=_l("Up to 5 web addresses, one per line, starting with http:// or https://."),
    )
    locale = SelectField(
        _l("Language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(_l("Choose a language."))],
        validate_choice=False,
    )


class PasswordForm(FlaskForm):
    current_password = current_password_field()
    password = new_password_field(_l("New password"))
    password_confirm = password_confirm_field()


class EmailForm(FlaskForm):
    email = email_field(_l("New e-mail address"))
    current_password = current_password_field()


class ResendConfirmationForm(FlaskForm):
    """A button: send the confirmation link again."""


class CancelEmailChangeForm(FlaskForm):
    """A button: forget the address the user asked to move to."""


class ConfirmEmailForm(FlaskForm):
    """A button: confirm the address the link names."""


class EndSessionForm(FlaskForm):
    """A button: end one of the user's login sessions."""


class EndOtherSessionsForm(FlaskForm):
    """A button: end every login session of the user but this one."""


class DeleteAccountForm(FlaskForm):
    mode = RadioField(
        _l("Your posts"),
        choices=MODE_CHOICES,
        validators=[InputRequired(CHOOSE_MODE)],
        validate_choice=False,
    )
    current_password = current_password_field()
