from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..errors import InvalidInput

REASON_CHOICES = [
    SelectChoice("spam", _l("Spam")),
    SelectChoice("abusive", _l("Abusive")),
    SelectChoice("off_topic", _l("Off topic")),
    SelectChoice("duplicate", _l("Duplicate")),
    SelectChoice("misleading", _l("Misleading")),
    SelectChoice("other", _l("Other")),
]
CHOOSE_REASON = _l("Choose a reason.")
AT_MOST_500 = _l("At most 500 characters.")
HOLD_FIRST_LABEL = _l("Hold the first posts of a new account")


def reason_field(label: str, choices: list[SelectChoice] = REASON_CHOICES) -> SelectField:
    return SelectField(
        label,
        choices=choices,
        validators=[InputRequired(CHOOSE_REASON)],
        validate_choice=False,
    )


def check(form: FlaskForm) -> None:
    """Raise the form's first error as InvalidInput, naming its field."""
    if not form.validate_on_submit():
        name, messages = next(iter(form.errors.items()), ("", [None]))
        raise InvalidInput(messages[0], field=name or None)


def no_bare_star(_form: FlaskForm, field: TextAreaField) -> None:
    """A line of nothing but `*` is refused: as a wildcard it would stand for every word."""
    lines = (field.data or "").replace(",", "\n").splitlines()
    if any(line.strip() and not line.replace("*", "").strip() for line in lines):
        raise ValidationError(_l("A line of only * would match every post."))


class FlagForm(FlaskForm):
    # The reader chooses: a reason chosen in advance would be sent unread.
    reason = reason_field(_l("Reason"), [SelectChoice("", _l("Choose a reason")), *REASON_CHOICES])
    details = TextAreaField(_l("Details"), validators=[Length(max=500, message=AT_MOST_500)])
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button-only action; `next` says where to go back to."""

    next = HiddenField()


class ScopedActionForm(ActionForm):
    """A button-only action on a post, flag or thread, naming the thread it was shown in."""

    thread_id = HiddenField()


class ReasonForm(ScopedActionForm):
    """Hide or reject a post, with a reason and an optional note."""

    reason = reason_field(_l("Reason"))
    note = TextAreaField(_l("Note"), validators=[Length(max=500, message=AT_MOST_500)])


class SuspendForm(FlaskForm):
    until = DateTimeLocalField(
        _l("Suspended until"), validators=[InputRequired(_l("Choose a date and time."))]
    )
    reason = TextAreaField(
        _l("Reason (shown to the user)"),
        id="suspend-reason",
        validators=[
            InputRequired(_l("Give the reason the user will be shown.")),
            Length(max=500, message=AT_MOST_500),
        ],
    )
    next = HiddenField()

    def until_utc(self) -> datetime:
        """The chosen time, read in the viewer's time zone, as an aware UTC datetime."""
        return to_utc(self.until.data).replace(tzinfo=UTC)


class BanForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown to the user)"),
        id="ban-reason",
        validators=[
            InputRequired(_l("Give the reason the user will be shown.")),
            Length(max=500, message=AT_MOST_500),
        ],
    )
    next = HiddenField()


class UnbanForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        id="unban-reason",
        validators=[Length(max=500, message=AT_MOST_500)],
    )
    next = HiddenField()


def word_list(label: str, description: str) -> TextAreaField:
    """A list of watched or blocked words, one a line."""
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=20_000, message=_l("At most 20,000 characters.")),
            no_bare_star,
        ],
        description=description,
    )


class SettingsForm(FlaskForm):
    hold_first = IntegerField(
        HOLD_FIRST_LABEL,
        validators=[
            InputRequired(_l("A number from 0 to 1,000.")),
            NumberRange(0, 1000, _l("A number from 0 to 1,000.")),
        ],
        description=_l("How many of a new account's posts wait for a moderator; 0 is off."),
    )
    watched = word_list(
        _l("Watched words"),
        _l(
            "One word or phrase per line, in any case. A post containing one waits for review."
            " * stands for any letters: idiot* also catches idiots and idioten."
        ),
    )
    blocked = word_list(
        _l("Blocked words"),
        _l(
            "One word or phrase per line, in any case. A post containing one is refused."
            " * stands for any letters: idiot* also catches idiots and idioten."
        ),
    )
