"""One rendering of a page for everyone, with the parts that belong to a reader declared.

A cached page is rendered once, for no one (`viewer()` is None while it renders), and serves
visitors and every logged-in reader and author who is shown nothing of their own. What differs
between them is declared where it is written:

- ``{% call(for_reader) reader_part("name") %}…{% endcall %}`` in a template: markup that
  differs between visitors and readers (the vote buttons or "Log in to vote", the contribution
  form or "Log in or register"). The body is rendered with `for_reader` false for visitors and
  true for readers. With `for_reader` true and `viewer` None it shows what a reader sees who
  wrote, voted on and flagged nothing on the page.
- ``{{ own("name", html) }}``: what belongs to one reader: their menu, their CSRF token, their
  vote on a post, their own post as its author sees it. `html` is what the page shows as it is
  rendered; a request replaces it with the reader's value.
- ``@shared_page(fill)`` on the view: ``fill(reader, facts)`` gives the reader's values for the
  view's own() parts, or None when the page must be rendered for them alone (their posts wait
  for a moderator, say); `facts` are what the view kept with ``record()``. The menu and the
  CSRF token, on every page, are filled here.

So a logged-in reader's page costs a copy of the stored page with their few values spliced in,
whatever its length; and a new piece of a reader's state is an own() in a template and a
value in a fill. What a reader's values depend on that the page's key does not follow (their
unread count, what they follow) is kept on their row and keys their values too (fill_for).

Readers who must see something no one else does (moderators with their tools, a suspended
reader with the notice) get pages rendered for them, uncached.

Why the parts are filled on the server, not by a script fetching the reader's state as JSON:
a reader without JavaScript gets the same page; a page view is one request, not two; nothing
shows the visitor's page first and then changes under the reader's eyes; and a filled page
costs the server a splice, no more than the JSON would.
"""

import functools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, get_template_attribute, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from ..models import Role, User
from ..services.rules import write_refusal
from ..viewer import viewer
from .memo import Memo

SHARING_ROLES = frozenset({Role.READER, Role.AUTHOR})

# A reader's values for the own() parts of a page (name -> HTML), or None: render it for them.
Fill = Callable[[User, dict], dict[str, str] | None]


@dataclass(frozen=True)
class SharedPage:
    """A page as visitors get it, and as readers get it before their own values go in.

    `reader` is in UTF-8 with each own() part showing its default; filling it splices a
    reader's values over the defaults they replace.
    """

    visitor: bytes
    reader: bytes
    holes: dict[str, tuple[tuple[int, int], ...]]  # an own() part's spans in `reader`
    facts: dict  # what the view recorded for its fill

    @classmethod
    def split(
        cls,
        html: str,
        marker: str,
        own: dict[str, str],
        parts: dict[str, tuple[str, str]],
        facts: dict,
    ) -> "SharedPage":
        """The page from its rendering with parts marked, for visitors and for readers.

        A part's markup may hold parts of its own (a post's card holds its vote buttons):
        they are filled in it, unless the reader's value replaces the whole of the outer one.
        """
        visitor, reader, holes = _splice(html, _pattern(marker), own, parts)
        own_holes = {name: spans for name, spans in holes.items() if name not in parts}
        return cls(visitor, reader, own_holes, facts)

    def fill(self, values: dict[str, str]) -> bytes:
        # Outer holes sort before the holes inside them; what lies inside a replaced one goes.
        spliced = sorted(
            (start, -end, value.encode())
            for name, value in values.items()
            for start, end in self.holes.get(name, ())
        )
        body, pieces, done = memoryview(self.reader), [], 0
        for start, negative_end, value in spliced:
            if start < done:
                continue
            pieces += (body[done:start], value)
            done = -negative_end
        pieces.append(body[done:])
        return b"".join(pieces)


@functools.cache
def _pattern(marker: str) -> re.Pattern:
    return re.compile(f"{re.escape(marker)}([a-z0-9]+)-")


def _splice(
    html: str, pattern: re.Pattern, own: dict[str, str], parts: dict[str, tuple[str, str]]
) -> tuple[bytes, bytes, dict[str, tuple[tuple[int, int], ...]]]:
    """The visitors' and the readers' bytes in one pass, with the readers' spans of each name.

    Text outside parts is the same in both and encoded once; a part's marker takes its
    visitors' markup in one and its readers' in the other; an own() marker its default in both.
    """
    visitor, reader = bytearray(), bytearray()
    holes: dict[str, list[tuple[int, int]]] = defaultdict(list)
    # A stack, not recursion: (text, where it goes, its position, the name it fills, where
    # that name's span began in the readers' bytes).
    stack: list[tuple[str, bool, bool, int, str | None, int]] = [(html, True, True, 0, None, 0)]
    while stack:
        text, to_visitor, to_reader, done, name, began = stack.pop()
        match = pattern.search(text, done)
        end = match.start() if match else len(text)
        piece = text[done:end].encode()
        if to_visitor:
            visitor.extend(piece)
        if to_reader:
            reader.extend(piece)
        if match is None:
            if name is not None and to_reader:
                holes[name].append((began, len(reader)))
            continue
        stack.append((text, to_visitor, to_reader, match.end(), name, began))
        inner, start = match.group(1), len(reader)
        variants = parts.get(inner)
        if variants is None:
            stack.append((own.get(inner, ""), to_visitor, to_reader, 0, inner, start))
        else:
            # Pushed last, run first: the visitors' markup, then the readers'.
            if to_reader:
                stack.append((variants[1], False, True, 0, inner, start))
            if to_visitor:
                stack.append((variants[0], True, False, 0, None, start))
    return bytes(visitor), bytes(reader), {name: tuple(spans) for name, spans in holes.items()}


def shared_page(fill: Fill) -> Callable:
    """Share the view's pages between visitors and readers, each reader's values from `fill`."""

    def declare(view: Callable) -> Callable:
        view.reader_fill = fill
        return view

    return declare


def reader_part(name: str, caller: Callable[[bool], str]) -> Markup:
    """A template's part that differs between visitors and readers (see the module's text)."""
    parts = g.get("page_parts")
    if parts is None:
        # The template's rendering.
        return Markup(caller(viewer() is not None))  # nosec B704
    parts[name] = (str(caller(False)), str(caller(True)))
    # Our own marker.
    return Markup(f"{marker()}{name}-")  # nosec B704


def own(name: str, html: str) -> Markup:
    """`html`, or while a page is rendered for all, a part each reader's request fills in.

    `html` is markup the caller made (a rendered macro, attributes it wrote), never raw text.
    """
    defaults = g.get("own_defaults")
    if defaults is None:
        return Markup(html)  # nosec B704
    defaults[name] = str(html)
    # Our own marker.
    return Markup(f"{marker()}{name}-")  # nosec B704


def rendering_for_all() -> bool:
    """Whether the page being rendered is for everyone (so it shows no one's own state)."""
    return "own_defaults" in g


def record(**facts) -> None:
    """Keep what a fill will need (the posts on the page, say) with a page rendered for all."""
    if "page_facts" in g:
        g.page_facts.update(facts)


def marker() -> str:
    return current_app.extensions["pagecache_marker"]


def view_fill() -> Fill | None:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "reader_fill", None)


def shares_pages(user: User) -> bool:
    """Whether this reader gets the page everyone shares, filled in: not moderators (their
    tools are on every post), not a reader who may not write (suspended, banned, or with an
    address to confirm: they are told why in place of the forms)."""
    return user.role in SHARING_ROLES and write_refusal(user) is None and view_fill() is not None


def render_for_all() -> SharedPage | None:
    """Run the view for no one; None unless that gives a page (200)."""
    mark = marker()
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    g.rendering_for_all = True
    g.own_defaults, g.page_parts, g.page_facts = {}, {}, {}
    setattr(g, csrf_field, f"{mark}csrf-")  # what csrf_token() gives for the rest of the render
    try:
        view = current_app.view_functions[request.endpoint]
        response = current_app.make_response(view(**request.view_args))
    except HTTPException:
        return None
    finally:
        own_defaults, parts, facts = (
            g.pop("own_defaults"),
            g.pop("page_parts"),
            g.pop("page_facts"),
        )
        g.pop("rendering_for_all")
        g.pop(csrf_field)
    if response.status_code != 200:
        return None
    html = response.get_data(as_text=True)
    return SharedPage.split(html, mark, own_defaults, parts, facts)


# Kept for a page that must be rendered for the reader alone (the fill said None).
ALONE: dict[str, str] = {}


def fill_for(user: User, page: SharedPage, key: str) -> bytes | None:
    """The page with the reader's own values in it; None: render it for them.

    The values are kept for the next request of the same reader for the same page: the page's
    key changes with everything they depend on (their votes, flags and posts are all under
    the page's article), the CSRF token is the one of their session, and what changes
    elsewhere is counted on their row, which the login loads anyway: the unread count their
    menu's bell shows (a reply under another article), and what they follow.
    """
    kept: Memo = current_app.extensions["reader_values"]
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    memo_key = (
        key,
        user.id,
        session.get(csrf_field),
        user.unread_notifications,
        user.follow_version,
    )
    values = kept.get(memo_key)
    if values is None:
        values = _values_for(user, page) or ALONE
        if session.get(csrf_field) == memo_key[2]:  # (no new token was made for the session)
            kept.put(memo_key, values, current_app.config["CACHE_DEFAULT_TIMEOUT"])
    return None if values is ALONE else page.fill(values)


def _values_for(user: User, page: SharedPage) -> dict[str, str] | None:
    fill = view_fill()
    values = fill(user, page.facts) if fill is not None else None
    if values is None:
        return None
    menu = get_template_attribute("_macros/reader.html", "menu")
    values["menu"] = str(menu(user))
    values["csrf"] = generate_csrf()
    return values
