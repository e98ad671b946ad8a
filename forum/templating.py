"""What templates may use besides their context: filters for dates, the permission predicates."""

from collections.abc import Callable
from datetime import datetime

from babel import Locale
from flask import Flask, current_app, request
from flask_babel import format_timedelta, get_locale
from markupsafe import Markup

from . import pagecache, permissions
from .forms import first_invalid
from .models import Post, utcnow
from .moments import day as _date
from .moments import moment as _datetime
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
    app.jinja_env.globals["write_refusal"] = write_refusal
    app.jinja_env.globals["first_invalid"] = first_invalid
    app.jinja_env.globals["post_card"] = post_card
    app.jinja_env.globals["own"] = pagecache.own
    app.jinja_env.globals["reader_part"] = pagecache.reader_part
    # Macros are imported without the render context; give them the request as Flask's
    # context processor gives it to templates.
    app.jinja_env.globals["request"] = request
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_template_globals)
