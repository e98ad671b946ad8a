from flask_wtf import FlaskForm
from wtforms import HiddenField

from ..auth.forms import email_field


class SubscribeForm(FlaskForm):
    email = email_field()
    # The page the form was on, to go back to.
    next = HiddenField()


class ConfirmForm(FlaskForm):
    """The button that confirms a subscription (the link's GET only shows it)."""
