"""Screening new posts: blocked words and links beyond a new account's few are refused,
watched words and new accounts are held."""

import re

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from ..errors import InvalidInput
from ..extensions import db
from ..models import Article, Post, PostStatus, User
from ..permissions import can_moderate
from .rules import is_new_account
from .settings import load_settings


def first_match(words: list[str], text: str) -> str | None:
    """The first listed word or phrase that occurs in the text as a whole word, any case."""
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE):
            return word
    return None


def screen(
    user: User, article: Article, text: str, html: str, *, is_new: bool = True
) -> PostStatus:
    """Refuse blocked words (in the text) and a new account's links beyond its few (in the
    rendered HTML); say whether the post waits for a moderator or is shown at once."""
    settings = load_settings()
    if word := first_match(settings.blocked, text):
        raise InvalidInput(
            gettext("“%(word)s” is not allowed here. Please rephrase your post.", word=word),
            field="body",
        )
    if can_moderate(user) or user.id == article.author_id:
        return PostStatus.PUBLISHED
    check_links(user, html)
    if article.hold_posts and is_new:
        return PostStatus.HELD
    if is_new and settings.hold_first and _published_posts(user) < settings.hold_first:
        return PostStatus.HELD
    if first_match(settings.watched, text):
        return PostStatus.HELD
    return PostStatus.PUBLISHED


def check_links(user: User, html: str) -> None:
    """Refuse a post from an account younger than a day with more links than it may hold."""
    if not is_new_account(user):
        return
    allowed = current_app.config["NEW_ACCOUNT_MAX_LINKS"]
    # Counted as rendered, so bare addresses that become links count too.
    if str(html).count("<a ") <= allowed:
        return
    if allowed == 0:
        message = gettext("New accounts may put no links in a post. Please remove them.")
    else:
        message = ngettext(
            "New accounts may put at most %(num)d link in a post. Please remove the others.",
            "New accounts may put at most %(num)d links in a post. Please remove the others.",
            allowed,
        )
    raise InvalidInput(message, field="body")


def _published_posts(user: User) -> int:
    """Posts of the user that readers can see: hidden ones do not earn trust."""
    return db.session.scalar(
        select(func.count()).select_from(Post).where(Post.author_id == user.id, Post.listed())
    )
