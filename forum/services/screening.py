"""Screening new posts: blocked words and links beyond a new account's few are refused,
watched words and new accounts are held; moderators are shown the words that matched."""

import re
from functools import lru_cache
from html.parser import HTMLParser

from flask import current_app
from flask_babel import gettext, ngettext
from markupsafe import Markup, escape
from sqlalchemy import func, select

from ..errors import InvalidInput
from ..extensions import db
from ..models import Article, Post, PostStatus, User
from ..permissions import can_moderate
from .rules import is_new_account
from .settings import load_settings


@lru_cache(maxsize=1024)
def _pattern(word: str) -> re.Pattern | None:
    """A listed word as a whole word in any case, `*` standing for any letters (æ, ø, å too)
    or stars ("id**t" is caught by "id*t"); None for a word of only stars, which would match
    every text."""
    if not word.strip("*"):
        return None
    body = r"[\w*]*".join(re.escape(part) for part in word.split("*"))
    return re.compile(rf"(?<!\w){body}(?!\w)", flags=re.IGNORECASE)


def _occurs(word: str, text: str) -> bool:
    pattern = _pattern(word)
    return pattern is not None and pattern.search(text) is not None


def matching_words(words: list[str], text: str) -> list[str]:
    """The listed words or phrases that occur in the text, in the list's order."""
    return [word for word in words if _occurs(word, text)]


def first_match(words: list[str], text: str) -> str | None:
    """The first listed word or phrase that occurs in the text (see _pattern)."""
    return next((word for word in words if _occurs(word, text)), None)


def screened_text(post: Post) -> str:
    """The parts of a post that the word lists are matched against."""
    return "\n".join(str(part or "") for part in (post.body, post.organisation))


class _Highlighter(HTMLParser):
    """Copies sanitised HTML, tags as they were, with matches in its text wrapped in <mark>."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        super().__init__(convert_charrefs=True)
        self.patterns, self.parts = patterns, []

    def handle_starttag(self, tag, attrs) -> None:
        self.parts.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs) -> None:
        self.parts.append(self.get_starttag_text())

    def handle_endtag(self, tag) -> None:
        self.parts.append(f"</{tag}>")

    def handle_data(self, data) -> None:
        spans = sorted(
            match.span() for pattern in self.patterns for match in pattern.finditer(data)
        )
        end = 0
        for start, stop in spans:
            if start >= end:  # not inside a match already marked
                self.parts += [
                    escape(data[end:start]),
                    Markup("<mark>%s</mark>") % data[start:stop],
                ]
                end = stop
        self.parts.append(escape(data[end:]))


def highlight(html: Markup, words: list[str]) -> Markup:
    """The post's sanitised HTML with the listed words marked in its text, never in its tags."""
    patterns = [pattern for word in words if (pattern := _pattern(word))]
    if not patterns:
        return html
    highlighter = _Highlighter(patterns)
    highlighter.feed(str(html))
    highlighter.close()
    # Tags come verbatim from the sanitised HTML, text is escaped again: no new markup.
    return Markup("".join(highlighter.parts))  # nosec B704


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
