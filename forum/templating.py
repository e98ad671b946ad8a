"""What templates may use besides their context: filters for dates, the permission predicates."""

from collections.abc import Callable
from datetime import datetime

from babel import Locale
from flask import Flask, current_app, request
from flask_babel import format_timedelta, get_locale
from markupsafe import Markup, escape

from . import pagecache, permissions
from .extensions import request_translations
from .forms import first_invalid
from .models import Article, Post, PostStatus, Stance, utcnow
from .moments import day as _date
from .moments import moment as _datetime
from .scoring import score_shown, scores_hidden
from .services.rules import write_refusal
from .viewer import viewer


def _ago(value: datetime | None) -> str:
    return format_timedelta(value - utcnow(), add_direction=True) if value else ""


VOTE_PARTS = ("mine", "up", "down")


def vote_attributes(my_vote: int, part: str) -> str:
    """What shows a reader's own vote on the vote form ("mine") or on its up or down button."""
    if part == "mine":
        return f'data-my-vote="{my_vote}"'
    direction = 1 if part == "up" else -1
    pressed = my_vote == direction
    # Pressing the pressed button again takes the vote back.
    return f'value="{0 if pressed else direction}" aria-pressed="{str(pressed).lower()}"'


def vote_state(post_id: int, my_vote: int, part: str) -> Markup:
    """The reader's own vote on a post, in the vote form ("mine") and on its two buttons."""
    return pagecache.own(f"v{post_id}{part}", vote_attributes(my_vote, part))


def vote_values(post_id: int, my_vote: int) -> dict[str, str]:
    """A reader's vote on a post, for the own() parts vote_state() declares."""
    return {f"v{post_id}{part}": vote_attributes(my_vote, part) for part in VOTE_PARTS}


# Post attributes written in Python, with the request's translations looked up once: on a
# page of 200 contributions, the macros that wrote them took a quarter of its time.


def state_attributes(post: Post, article: Article, shown: bool | None = None) -> Markup:
    """A post's figures and state as data- attributes of its <article>, for forum.js (no
    figures while they are hidden from the page's viewer: the vote's answer brings them)."""
    attributes = ""
    if score_shown(post) if shown is None else shown:
        attributes = f'data-up="{post.up}" data-down="{post.down}" data-score="{post.score}"'
    for name, on in (
        ("author-reply", post.author_id == article.author_id),
        ("hidden", post.hidden),
        ("featured", post.featured),
        ("held", post.status == PostStatus.HELD),
    ):
        if on:
            attributes += f' data-{name}="true"'
    # Numbers and fixed names only.
    return Markup(attributes)  # nosec B704


def contribution_attributes(post: Post, article: Article) -> Markup:
    """A contribution's <article> attributes: what a screen reader announces for it
    ("Disagreement by julia-comms, 4 points"), then its state_attributes. The author is named
    only where everyone sees the post: the same words for every reader, as on a page
    rendered for everyone."""
    translations = request_translations()
    if post.stance == Stance.AGREE:
        stance = translations.ugettext("Agreement")
    elif post.stance == Stance.DISAGREE:
        stance = translations.ugettext("Disagreement")
    else:
        stance = translations.ugettext("Example")
    label = stance
    shown = score_shown(post)
    if post.is_listed and not shown:
        name = _author_name(post)
        label = translations.ugettext("%(stance)s by %(name)s") % {"stance": stance, "name": name}
    elif post.is_listed:
        label = translations.ungettext(
            "%(stance)s by %(name)s, %(num)d point",
            "%(stance)s by %(name)s, %(num)d points",
            post.score,
        ) % {"stance": stance, "name": _author_name(post), "num": post.score}
    # The label is plain text (a name may hold any character), escaped once as a whole.
    attributes = state_attributes(post, article, shown)
    return Markup(f'aria-label="{escape(label)}" {attributes}'.rstrip())  # nosec B704


def replies_name(post: Post) -> str:
    """What a screen reader announces for a contribution's replies."""
    translations = request_translations()
    if not post.is_listed:
        return translations.ugettext("Replies")
    return translations.ugettext("Replies to %(name)s") % {"name": _author_name(post)}


def _author_name(post: Post) -> str:
    return post.author.name if post.author else request_translations().ugettext("deleted user")


def post_card(post: Post, caller: Callable[[], str]) -> Markup:
    """A post's card, as the call block renders it (or as it last did: pagecache.cards); the
    author of the post gets it as its author sees it (card_values)."""
    return pagecache.own(_card_name(post.id), pagecache.remembered(post, caller))


def card_values(post_id: int, html: str) -> dict[str, str]:
    """A post as its author sees it, for the own() part post_card() declares."""
    return {_card_name(post_id): html}


def _card_name(post_id: int) -> str:
    return f"p{post_id}"


def language_names(codes: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """Each UI language with its name in itself ("Dansk"), for the language switch."""
    names = []
    for code in codes:
        name = Locale.parse(code).get_display_name(code) or code
        names.append((code, name[:1].upper() + name[1:]))
    return names


def _template_globals() -> dict:
    return {
        "viewer": viewer(),
        "languages": current_app.extensions["forum_languages"],
        "now": utcnow(),
        "current_locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        "site_name": current_app.config["SITE_NAME"],
    }


def init_app(app: Flask) -> None:
    app.extensions["forum_languages"] = language_names(app.config["LANGUAGES"])
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["ago"] = _ago
    app.jinja_env.globals["can"] = permissions
    app.jinja_env.globals["vote_state"] = vote_state
    app.jinja_env.globals["scores_hidden"] = scores_hidden
    app.jinja_env.globals["scores_hidden_hours"] = lambda: current_app.config[
        "SCORES_HIDDEN_HOURS"
    ]
    app.jinja_env.globals["write_refusal"] = write_refusal
    app.jinja_env.globals["first_invalid"] = first_invalid
    app.jinja_env.globals["post_card"] = post_card
    app.jinja_env.globals["contribution_attributes"] = contribution_attributes
    app.jinja_env.globals["state_attributes"] = state_attributes
    app.jinja_env.globals["replies_name"] = replies_name
    app.jinja_env.globals["own"] = pagecache.own
    app.jinja_env.globals["reader_part"] = pagecache.reader_part
    # Macros are imported without the render context; give them the request as Flask's
    # context processor gives it to templates.
    app.jinja_env.globals["request"] = request
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_template_globals)
