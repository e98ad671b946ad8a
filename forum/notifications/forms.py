from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from ..models import EmailKind, EmailMode
from ..services.following import ThreadChoice

MODES = [
    SelectChoice(EmailMode.INSTANT.value, _l("E-mail me as it happens")),
    SelectChoice(EmailMode.DAILY.value, _l("In a daily e-mail")),
    SelectChoice(EmailMode.OFF.value, _l("No e-mail")),
]


class ActionForm(FlaskForm):
    """A button-only action (open a notification, mark all read); `next` says where to go
    back to."""

    next = HiddenField()


class ArticleFollowForm(ActionForm):
    """The article page's Follow or Unfollow button: `action` is the button's value."""

    action = StringField(validators=[AnyOf(("follow", "unfollow"))])


class ThreadFollowForm(ActionForm):
    """The thread page's Follow, Unfollow, Mute or Unmute button."""

    action = StringField(validators=[AnyOf([choice.value for choice in ThreadChoice])])


class NotificationSettingsForm(FlaskForm):
    follow_threads_posted_in = BooleanField(_l("Follow the threads I post in"))
    # One choice of e-mail per EmailKind, named email_<kind>.
    email_author_reply = SelectField(_l("The article's author answers you"), choices=MODES)
    email_reply = SelectField(_l("Someone replies to you"), choices=MODES)
    email_new_posts = SelectField(_l("New contributions where you follow"), choices=MODES)
    email_featured = SelectField(_l("Your post is one of the editor's picks"), choices=MODES)
    email_moderation = SelectField(
        _l("A moderator hides, holds, approves or rejects your post"), choices=MODES
    )

    def email_fields(self) -> list:
        return [getattr(self, f"email_{kind}") for kind in EmailKind]

    def email_choices(self) -> dict[EmailKind, EmailMode]:
        return {kind: EmailMode(getattr(self, f"email_{kind}").data) for kind in EmailKind}
