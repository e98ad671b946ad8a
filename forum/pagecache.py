"""Whole pages, kept until the next write to the database.

Every committed transaction that wrote anything bumps one version number stored in the
database, and the version is part of each cache key: a page is never served after a change
it might not show, on any server, whatever the cache backend.

Visitors get the stored page as it is. Logged-in readers share pages too: a page is rendered
once for a stand-in reader of the same role who wrote none of its posts, with holes where a
reader's own state goes (their CSRF token, their name, their votes), and every request fills
the holes for its reader. An endpoint takes part by registering a personaliser (`personalised`),
which says what goes in the holes for a reader, or that the page must be rendered for that
reader alone (their own posts are on it, say).

A shared cache (Redis) that stops answering costs no request: pages are rendered uncached
until it answers again (`CacheLink`), and the log says so once each way.
"""

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import event, select, text
from werkzeug.exceptions import HTTPException

from .extensions import ForumSession, cache, db, redis_timeouts
from .models import Role, Setting, User
from .services.rules import is_suspended
from .viewer import viewer

try:
    from redis.exceptions import RedisError

    CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError,)
except ImportError:  # without the `redis` extra there is no Redis to lose
    CACHE_ERRORS = ()

VERSION_KEY = "content_version"
CACHED_ENDPOINTS = frozenset({"articles.index", "articles.show", "threads.show"})
SHARED_ROLES = frozenset({Role.READER, Role.AUTHOR})
READ_VERSION = select(Setting.value).where(Setting.key == VERSION_KEY)
# A new database starts counting at a random number, so that pages a shared cache kept from
# another database (one deleted, or replaced by an import) never match its keys.
BUMP = text(
    "INSERT INTO settings (key, value) VALUES (:key, :start) ON CONFLICT (key) DO UPDATE "
    "SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)"
)

# Backends kept in the process: nothing there can go away, so /healthz leaves them out.
IN_PROCESS_BACKENDS = frozenset({"SimpleCache", "NullCache"})

# What fills a page's holes for one reader (hole name -> HTML), or None: render it for them.
Personaliser = Callable[[User, dict], dict[str, str] | None]
PERSONALISERS: dict[str, Personaliser] = {}


@event.listens_for(ForumSession, "after_flush")
def _flushed(session: ForumSession, _context) -> None:
    session.info["content_changed"] = True


@event.listens_for(ForumSession, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["content_changed"] = True


@event.listens_for(ForumSession, "before_commit")
def _bump_version(session: ForumSession) -> None:
    # Objects still pending are flushed by the commit after this hook: they count too.
    pending = session.new or session.dirty or session.deleted
    if session.info.pop("content_changed", False) or pending:
        session.execute(BUMP, {"key": VERSION_KEY, "start": str(secrets.randbelow(10**12))})


@event.listens_for(ForumSession, "after_commit")
@event.listens_for(ForumSession, "after_soft_rollback")
def _forget(session: ForumSession, *_args) -> None:
    session.info.pop("content_changed", None)


class CacheLink:
    """The cache backend as this process sees it: while it does not answer, calls to it are
    skipped for `retry_interval` seconds at a time; an outage and its end are logged once."""

    def __init__(self, retry_interval: float) -> None:
        self.retry_interval = retry_interval
        self._retry_at: float | None = None  # None: the cache answered last time
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        """The stored value, or None when there is none or the cache is unreachable."""
        return self._call(cache.get, key)

    def set(self, key: str, value: object) -> bool:
        """Store the value; False when the cache is unreachable (the page stays uncached)."""
        return bool(self._call(cache.set, key, value))

    def check(self) -> bool:
        """Whether the cache answers now, tried whatever the retry interval says."""
        try:
            cache.has(VERSION_KEY)
        except CACHE_ERRORS as error:
            self._failed(error)
            return False
        self._answered()
        return True

    def _call(self, method: Callable, *args: object) -> object | None:
        retry_at = self._retry_at
        if retry_at is not None and time.monotonic() < retry_at:
            return None
        try:
            result = method(*args)
        except CACHE_ERRORS as error:
            self._failed(error)
            return None
        if retry_at is not None:
            self._answered()
        return result

    def _failed(self, error: Exception) -> None:
        with self._lock:
            first = self._retry_at is None
            self._retry_at = time.monotonic() + self.retry_interval
        if first:
            current_app.logger.warning("page cache unreachable, pages served uncached: %s", error)

    def _answered(self) -> None:
        with self._lock:
            was_down, self._retry_at = self._retry_at is not None, None
        if was_down:
            current_app.logger.warning("page cache reachable again, pages cached again")


def cache_status() -> str | None:
    """Whether a cache outside the process (Redis) answers, "ok" or "down"; None for one inside."""
    if type(cache.cache).__name__ in IN_PROCESS_BACKENDS:
        return None
    return "ok" if _link().check() else "down"


class RecentPages:
    """The last pages this process served, kept as objects so a hit costs no unpickling.

    A key names one version of one page and never another, so this copy is never stale
    with respect to the database; it expires with the shared cache's timeout (for the
    "2 hours ago" in the page), and holds at most `size` pages.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            expires, page = self._pages.get(key, (0.0, None))
            if page is not None and expires > time.monotonic():
                self._pages.move_to_end(key)
                return page
        page = _link().get(key)
        if page is not None and self.size:
            timeout = current_app.config["CACHE_DEFAULT_TIMEOUT"]
            with self._lock:
                self._pages[key] = (time.monotonic() + timeout, page)
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        return page


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
    return Markup(f"{_marker()}{name}-")  # nosec B704


def sharing() -> bool:
    """Whether the page being rendered is for every reader (so shows no one's own state)."""
    return "hole_defaults" in g


def record(**facts) -> None:
    """Keep what a personaliser will need (the posts on the page, say) with a shared page."""
    if "page_facts" in g:
        g.page_facts.update(facts)


def _link() -> CacheLink:
    return current_app.extensions["cache_link"]


def _recent() -> RecentPages:
    return current_app.extensions["recent_pages"]


def _marker() -> str:
    return current_app.extensions["pagecache_marker"]


def _key(kind: str) -> str:
    version = db.session.connection().execute(READ_VERSION).scalar()
    return f"page:{version or 0}:{get_locale()}:{kind}:{request.full_path}"


def _is_visitor() -> bool:
    return (
        "_user_id" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies
    )


def _shared_kind(user: User | None) -> str | None:
    """The readers this user may share pages with: those of the same role, if shown no notice."""
    if user is None or user.role not in SHARED_ROLES:
        return None
    if is_suspended(user):
        return None
    return user.role.value


def _serve_cached() -> Response | None:
    if (
        request.method != "GET"
        or request.endpoint not in CACHED_ENDPOINTS
        or "_flashes" in session
    ):
        return None
    if _is_visitor():
        g.page_key = _key("visitor")
        page = _recent().get(g.page_key)
        return None if page is None else _cached_response(page, "hit")
    return _serve_shared()


def _serve_shared() -> Response | None:
    personalise = PERSONALISERS.get(request.endpoint)
    user = viewer()
    kind = _shared_kind(user)
    if personalise is None or kind is None:
        return None
    key = _key(kind)
    page, state = _recent().get(key), "hit"
    if page is None:
        page, state = _render_shared(kind), "miss"
        if page is None:
            return None
        _link().set(key, page)
    values = personalise(user, page.facts)
    if values is None:
        return None
    values["csrf"] = generate_csrf()
    values["user"] = str(escape(user.username))
    return _cached_response(page.fill(values), state)


def _render_shared(kind: str) -> SharedPage | None:
    """Run the view for a stand-in reader; None unless that gives a page (200)."""
    marker = _marker()
    csrf_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    # Id 0 is no one's: the stand-in wrote nothing, voted on nothing, flagged nothing.
    g.stand_in = User(id=0, username=f"{marker}user-", role=Role(kind))
    g.hole_defaults, g.page_facts = {}, {}
    setattr(g, csrf_field, f"{marker}csrf-")  # what csrf_token() gives for the rest of the render
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
    return SharedPage.split(response.get_data(as_text=True), marker, defaults, facts)


def _cached_response(page: bytes, state: str) -> Response:
    response = Response(page, mimetype="text/html")
    response.headers["X-Cache"] = state
    return response


def _store(response: Response) -> Response:
    key = g.pop("page_key", None)
    if (
        key is not None
        and response.status_code == 200
        and response.headers.get("X-Cache") != "hit"
        and "Set-Cookie" not in response.headers
        and not session.modified
    ):
        _link().set(key, response.get_data())
        response.headers["X-Cache"] = "miss"
    return response


def init_app(app: Flask) -> None:
    if app.config["CACHE_TYPE"].rsplit(".", 1)[-1] == "RedisCache":
        app.config["CACHE_OPTIONS"] = redis_timeouts(app.config, app.config.get("CACHE_OPTIONS"))
    cache.init_app(app)
    app.extensions["cache_link"] = CacheLink(app.config["CACHE_RETRY_INTERVAL"])
    app.extensions["recent_pages"] = RecentPages(app.config["PAGE_CACHE_RECENT"])
    # Derived from the secret key: the same on every server sharing a cache, and not
    # something a writer can put in a post to have a reader's CSRF token filled in.
    secret = str(app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, b"forum page hole", hashlib.sha256).hexdigest()
    app.extensions["pagecache_marker"] = "h" + digest[:20]
    app.before_request(_serve_cached)
    app.after_request(_store)
