from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

CHOOSE_ROLE = _l("Choose a role.")
ROLE_CHOICES = [
    SelectChoice("reader", _l("Reader")),
    SelectChoice("author", _l("Author")),
    SelectChoice("moderator", _l("Moderator")),
    SelectChoice("admin", _l("Administrator")),
]


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=ROLE_CHOICES,
        validators=[InputRequired(CHOOSE_ROLE)],
        validate_choice=False,
    )
    next = HiddenField()
