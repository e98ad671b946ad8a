"""Posts as last rendered, so a page rendered again after a vote renders only what changed.

A thread page is almost all post cards, and a vote or a new post changes one of them: when the
page's cached copy goes, every card but that one is taken from here. A card is kept under
everything it shows: every column of the post's row, its author's name and role, the name of
whoever wrote the reply it answers, whether its thread and article still take posts, the
page's language and address (its flag link returns there); so an edit, a vote, a moderator's
action or a new name gives it another key, and it is never shown stale. Its relative times
("2 hours ago") age as those of a cached page do, for at most CACHE_DEFAULT_TIMEOUT.

Only cards rendered for no one are kept (a visitor's, or a page's rendered for all, with the
reader parts inside: see shared.py); a reader's own view of a post is rendered every time.
"""

from collections.abc import Callable

from flask import current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import inspect

from ..models import Post, Thread
from ..scoring import scores_hidden
from ..viewer import viewer
from .memo import Memo
from .shared import rendering_for_all

COLUMNS = tuple(attribute.key for attribute in inspect(Post).column_attrs)

# (the card's HTML, the reader parts and own() defaults it declared)
Card = tuple[str, dict[str, tuple[str, str]], dict[str, str]]


def card_key(post: Post, context: tuple) -> tuple:
    state = post.__dict__  # the loaded values, read past the ORM's instrumentation
    author = state.get("author") or post.author
    answered = post.answers  # the reply it answers: "in reply to @name"
    return (
        context,
        tuple(map(state.get, COLUMNS)),
        None if author is None else (author.username, author.display_name, author.role),
        None if answered is None else (answered.id, answered.author.username),
    )


def _page_context(post: Post, shared: bool) -> tuple | None:
    """What every card of the page shares, worked out once a page, not once a post; None on a
    page rendered for its reader, whose view of a post is rendered every time."""
    contexts = g.setdefault("card_contexts", {})
    key = (post.thread_id, shared)
    if key not in contexts:
        contexts[key] = None if viewer() is not None else _context(post.thread, shared)
    return contexts[key]


def _context(thread: Thread, shared: bool) -> tuple:
    article = thread.article
    return (
        shared,
        str(get_locale()),
        request.full_path,
        thread.locked,
        thread.retired_at,
        article.discussion_open,
        article.status,
        article.author_id,
        scores_hidden(thread),
    )


def remembered(post: Post, caller: Callable[[], str]) -> Markup:
    """The card the call block renders for `post`, from the last time it rendered the same."""
    shared = rendering_for_all()
    context = _page_context(post, shared)
    if context is None:
        # The template's own (escaped) rendering.
        return Markup(caller())  # nosec B704
    cards: Memo = current_app.extensions["rendered_posts"]
    key = card_key(post, context)
    card = cards.get(key)
    if card is None:
        card = _render(caller, shared)
        cards.put(key, card, current_app.config["CACHE_DEFAULT_TIMEOUT"])
    html, parts, owns = card
    if shared:
        g.page_parts.update(parts)
        g.own_defaults.update(owns)
    # Rendered by our own template.
    return Markup(html)  # nosec B704


def _render(caller: Callable[[], str], shared: bool) -> Card:
    if not shared:
        return str(caller()), {}, {}
    # What the card declares, apart from what the rest of the page declared.
    page_parts, own_defaults = g.page_parts, g.own_defaults
    g.page_parts, g.own_defaults = {}, {}
    try:
        html = str(caller())
        return html, g.page_parts, g.own_defaults
    finally:
        g.page_parts, g.own_defaults = page_parts, own_defaults
