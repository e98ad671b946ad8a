"""Pages shared by logged-in readers of one role, with holes for each reader's own state.

A page is rendered once for a stand-in reader of the role who wrote none of its posts, with
holes where a reader's own state goes (their CSRF token, their name, their votes), and every
request fills the holes for its reader. An endpoint takes part by registering a personaliser
(`personalised`), which says what goes in the holes for a reader, or that the page must be
rendered for that reader alone (their own posts are on it, say).
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from ..models import Role, User
from ..services.rules import is_suspended

SHARED_ROLES = frozenset({Role.READER, Role.AUTHOR})

# What fills a page's holes for one reader (hole name -> HTML), or None: render it for them.
Personaliser = Callable[[User, dict], dict[str, str] | None]
PERSONALISERS: dict[str, Personaliser] = {}


@dataclass(frozen=True)
class SharedPage:
    """A page for every reader of one role, in UTF-8, with each hole showing its default.

    Filling it splices the reader's values over the defaults they replace: a reader's page
    costs a copy of the page and a few hundred small pieces, whatever its length.
    """

    body: bytes
    holes: dict[str, tuple[tuple[int, int], ...]]  # a hole's spans in the body, by its name
    facts: dict  # what the view recorded for its personaliser

    @classmethod
    def split(cls, html: str, marker: str, defaults: dict[str, str], facts: dict) -> "SharedPage":
        """The page from its rendering with holes marked (a hole without a default is empty).

        A hole's default may hold holes of its own (a post's card holds its vote buttons):
        they are filled in it unless the reader's value replaces the whole of the outer one.
        """
        pattern = re.compile(f"{re.escape(marker)}([a-z0-9]+)-")
        body = bytearray()
        holes: dict[str, list[tuple[int, int]]] = defaultdict(list)

        def add(text: str) -> None:
            for number, part in enumerate(pattern.split(text)):
                if number % 2 == 0:
                    body.extend(part.encode())
                    continue
                start = len(body)
                add(defaults.get(part, ""))
                holes[part].append((start, len(body)))

        add(html)
        return cls(bytes(body), {name: tuple(spans) for name, spans in holes.items()}, facts)

    def fill(self, values: dict[str, str]) -> bytes:
        # Outer holes sort before the holes inside them; what lies inside a replaced one goes.
        spliced = sorted(
            (start, -end, value.encode())
            for name, value in values.items()
            for start, end in self.holes.get(name, ())
        )
        body, pieces, done = memoryview(self.body), [], 0
        for start, negative_end, value in spliced:
            if start < done:
                continue
            pieces += (body[done:start], value)
            done = -negative_end
        pieces.append(body[done:])
        return b"".join(pieces)


def personalised(endpoint: str) -> Callable[[Personaliser], Personaliser]:
    """Share this endpoint's pages between logged-in readers, filled in by the function."""

    def register(function: Personaliser) -> Personaliser:
        PERSONALISERS[endpoint] = function
        return function

    return register


def hole(name: str, html: str) -> Markup:
    """`html`, or while a page is rendered to be shared, a hole that shows it by default.

    `html` is markup the caller made (a rendered macro, attributes it wrote), never raw text.
    """
    defaults = g.get("hole_defaults")
    if defaults is None:
        return Markup(html)  # nosec B704
    defaults[name] = html
    return Markup(f"{marker()}{name}-")  # nosec B704


def sharing() -> bool:
    """Whether the page being rendered is for every reader (so shows no one's own state)."""
    return "hole_defaults" in g


def record(**facts) -> None:
    """Keep what a personaliser will need (the posts on the page, say) with a shared page."""
    if "page_facts" in g:
        g.page_facts.update(facts)


def marker() -> str:
    return current_app.extensions["pagecache_marker"]


def shared_kind(user: User | None) -> str | None:
    """The readers this user may share pages with: those of the same role, if shown no notice."""
    if user is None or user.role not in SHARED_ROLES or is_suspended(user):
        return None
    if request.endpoint not in PERSONALISERS:
        return None
    return user.role.value


def render_shared(kind: str) -> SharedPage | None:
    """Run the view for a stand-in reader; None unless that gives a page (200)."""
    mark = marker()
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    # Id 0 is no one's: the stand-in wrote nothing, voted on nothing, flagged nothing.
    g.stand_in = User(id=0, username=f"{mark}user-", role=Role(kind))
    g.hole_defaults, g.page_facts = {}, {}
    setattr(g, csrf_field, f"{mark}csrf-")  # what csrf_token() gives for the rest of the render
    try:
        view = current_app.view_functions[request.endpoint]
        response = current_app.make_response(view(**request.view_args))
    except HTTPException:
        return None
    finally:
        defaults, facts = g.pop("hole_defaults"), g.pop("page_facts")
        g.pop("stand_in")
        g.pop(csrf_field)
    if response.status_code != 200:
        return None
    return SharedPage.split(response.get_data(as_text=True), mark, defaults, facts)


def fill_for(user: User, page: SharedPage) -> bytes | None:
    """The shared page with the reader's own state in its holes; None: render it for them."""
    values = PERSONALISERS[request.endpoint](user, page.facts)
    if values is None:
        return None
    values["csrf"] = generate_csrf()
    values["user"] = str(escape(user.username))
    return page.fill(values)
