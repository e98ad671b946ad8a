from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..services.posts import MAX_BODY_LENGTH, Contribution

STANCE_CHOICES = [
    SelectChoice("agree", _l("I agree")),
    SelectChoice("disagree", _l("I disagree")),
    SelectChoice("example", _l("I have an example")),
]
CHANNEL_CHOICES = [
    SelectChoice("", _l("Choose a channel")),
    SelectChoice("linkedin", "LinkedIn"),
    SelectChoice("facebook", "Facebook"),
    SelectChoice("x", "X"),
    SelectChoice("instagram", "Instagram"),
    SelectChoice("tiktok", "TikTok"),
    SelectChoice("youtube", "YouTube"),
    SelectChoice("blog", _l("Blog")),
    SelectChoice("newsletter", _l("Newsletter")),
    SelectChoice("event", _l("Event")),
    SelectChoice("other", _l("Other")),
]
EFFECT_CHOICES = [
    SelectChoice("supports", _l("It supports the article")),
    SelectChoice("challenges", _l("It challenges the article")),
]

MARKDOWN_WORKS = _l(
    "Markdown works: *italic*, **bold**, [a link](https://example.org), > a quote, - a list."
)
BODY_VALIDATORS = [
    DataRequired(_l("Write something first.")),
    Length(max=MAX_BODY_LENGTH, message=_l("At most 20,000 characters.")),
]


class ContributionForm(FlaskForm):
    stance = RadioField(
        _l("Your stance"),
        choices=STANCE_CHOICES,
        validate_choice=False,
        validators=[InputRequired(_l("Choose whether you agree, disagree or give an example."))],
    )
    body = TextAreaField(
        _l("Your contribution"), validators=BODY_VALIDATORS, description=MARKDOWN_WORKS
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[Length(max=120, message=_l("At most 120 characters."))],
    )
    channel = SelectField(_l("Channel"), choices=CHANNEL_CHOICES, validate_choice=False)
    source_url = StringField(
        _l("Source (web address, optional)"),
        validators=[Length(max=500, message=_l("At most 500 characters."))],
    )
    effect = RadioField(
        _l("Does the example support or challenge the article?"),
        choices=EFFECT_CHOICES,
        validate_choice=False,
    )

    def contribution(self) -> Contribution:
        return Contribution(
            stance=self.stance.data or "",
            body=self.body.data or "",
            organisation=self.organisation.data or "",
            channel=self.channel.data or "",
            source_url=self.source_url.data or "",
            effect=self.effect.data or "",
        )


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"), validators=BODY_VALIDATORS, description=MARKDOWN_WORKS)
