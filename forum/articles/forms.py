from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..services.articles import ArticleDraft


class ArticleForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the article a title.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
    )
    lede = TextAreaField(
        _l("Lede"),
        validators=[Length(max=1000, message=_l("At most 1,000 characters."))],
        description=_l("One or two sentences shown under the title and on the front page."),
    )
    body = TextAreaField(
        _l("Body"),
        validators=[
            DataRequired(_l("Write the article.")),
            Length(max=100_000, message=_l("At most 100,000 characters.")),
        ],
        description=_l("Markdown: *italic*, **bold**, [link](https://…), lists and quotes."),
    )
    questions = TextAreaField(
        _l("Debate questions"),
        validators=[Length(max=4000, message=_l("At most 4,000 characters."))],
        description=_l("One question per line. Each becomes a thread when you publish."),
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("en", _l("English")), SelectChoice("da", _l("Danish"))],
        default="en",
    )
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=400, message=_l("At most 400 characters."))],
        description=_l("Separated by commas."),
    )
    hold_posts = BooleanField(
        _l("Hold every post under this article until a moderator approves it")
    )
    hide_new_scores = BooleanField(
        _l("Show a new thread's scores only to those who voted, for its first hours"),
        default=True,
        description=_l("So that the first votes do not sway the rest."),
    )
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))
    publish = SubmitField(_l("Publish"))

    def draft(self) -> ArticleDraft:
        return ArticleDraft(
            title=self.title.data or "",
            lede=self.lede.data or "",
            body=self.body.data or "",
            questions=self.questions.data or "",
            language=self.language.data or "",
            tags=self.tags.data or "",
            hold_posts=bool(self.hold_posts.data),
            hide_new_scores=bool(self.hide_new_scores.data),
        )


class ThreadForm(FlaskForm):
    title = StringField(
        _l("Question or topic"),
        validators=[
            DataRequired(_l("Write the question or topic of the thread.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Length(max=2000, message=_l("At most 2,000 characters."))],
    )
