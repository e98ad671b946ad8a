from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, InputRequired

VOTE_MESSAGE = _l("A vote is 1 (up), -1 (down) or 0 (take it back).")


class VoteForm(FlaskForm):
    # Labels of its own: WTForms would translate made-up ones with its own catalogue, which
    # Flask-WTF reads from disk on the first use in each request.
    value = IntegerField(
        _l("Vote"), validators=[InputRequired(VOTE_MESSAGE), AnyOf([-1, 0, 1], VOTE_MESSAGE)]
    )
    next = HiddenField(_l("Back to"))
