"""Whole pages, kept until what they show changes.

A page's key carries the versions of the scopes it shows (`versions.py`): an article's page
and its threads' pages that article's version, the front page the lists' version, and every
page the whole site's. Services name the scopes they change (`forum/changes.py`) and the
versions are bumped once their transaction commits, so a vote under one article leaves every
other article's pages cached. The versions are read before anything else in the request: a
page rendered from the database is never newer than the versions its key was made of.

A page is rendered once for visitors and logged-in readers alike, with the parts that are a
reader's own declared in its templates (`shared.py`). Visitors get it as it is, with an ETag
made from its key, so a browser or a proxy that already holds it gets `304 Not Modified`, and
`Cache-Control: public` with the proxy lifetime of `PAGE_CACHE_S_MAXAGE`. A logged-in reader
gets it with their own values filled in, `private`.

A shared cache (Redis) that stops answering costs no request: pages are rendered uncached
until it answers again (`CacheLink`), and the log says so once each way.
"""

import hashlib
import hmac
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from sqlalchemy import select

from .. import changes
from ..extensions import cache, db, redis_timeouts
from ..models import Article, Thread
from ..viewer import viewer
from .cards import remembered
from .link import CacheLink, RecentPages
from .memo import Memo
from .shared import (
    fill_for,
    own,
    reader_part,
    record,
    render_for_all,
    rendering_for_all,
    shared_page,
    shares_pages,
)
from .versions import FileVersions, LocalVersions, RedisVersions, Versions

__all__ = [
    "cache_status",
    "init_app",
    "own",
    "reader_part",
    "record",
    "remembered",
    "rendering_for_all",
    "shared_page",
]

# Backends kept in the process: nothing there can go away, so /healthz leaves them out.
IN_PROCESS_BACKENDS = frozenset({"SimpleCache", "NullCache"})
VARIES_ON = "Accept-Language, Cookie"  # the language is read from either


class ScopeMap:
    """Which article a thread, or a slug, belongs to: read once per process, since a thread
    never moves and a slug never changes; forgotten when everything changed (an import)."""

    def __init__(self) -> None:
        self._articles: dict[tuple[str, object], int] = {}
        self._lock = threading.Lock()

    def article_of(self, kind: str, value: object) -> int | None:
        found = self._articles.get((kind, value))
        if found is None:
            column = Article.id if kind == "slug" else Thread.article_id
            where = Article.slug == value if kind == "slug" else Thread.id == value
            # On a connection of its own: the request's transaction, and with it the database
            # snapshot its page is rendered from, begins after the versions are read.
            with db.engine.connect() as connection:
                found = connection.execute(select(column).where(where)).scalar()
            if found is not None:
                with self._lock:
                    if len(self._articles) > 100_000:
                        self._articles.clear()
                    self._articles[(kind, value)] = found
        return found

    def forget(self) -> None:
        with self._lock:
            self._articles.clear()


def _of_article(kind: str, arg: str) -> Callable[[dict], tuple[str, ...] | None]:
    def scopes(view_args: dict) -> tuple[str, ...] | None:
        article_id = _scope_map().article_of(kind, view_args[arg])
        return None if article_id is None else (changes.article_scope(article_id),)

    return scopes


# The endpoints whose pages are cached, and the scopes each page shows (besides everything).
SCOPES: dict[str, Callable[[dict], tuple[str, ...] | None]] = {
    "articles.index": lambda _args: (changes.LISTS,),
    "articles.show": _of_article("slug", "slug"),
    "articles.feed": _of_article("slug", "slug"),
    "threads.show": _of_article("thread", "thread_id"),
}


def cache_status() -> str | None:
    """Whether a cache outside the process (Redis) answers, "ok" or "down"; None for one inside."""
    if type(cache.cache).__name__ in IN_PROCESS_BACKENDS:
        return None
    return "ok" if _link().check() else "down"


def _link() -> CacheLink:
    return current_app.extensions["cache_link"]


def _recent() -> RecentPages:
    return current_app.extensions["recent_pages"]


def _versions() -> Versions:
    return current_app.extensions["page_versions"]


def _scope_map() -> ScopeMap:
    return current_app.extensions["page_scopes"]


def _key() -> str | None:
    """What names this page as the database now stands, or None: render it uncached."""
    scopes_of = SCOPES.get(request.endpoint)
    if request.method != "GET" or scopes_of is None or "_flashes" in session:
        return None
    if type(cache.cache).__name__ == "NullCache":
        return None  # rendered on every request anyway: no need to render it for all
    scopes = scopes_of(request.view_args or {})
    if scopes is None:  # no such article or thread: the view answers 404
        return None
    versions = _versions().read((changes.EVERYTHING, *scopes))
    if versions is None:
        return None
    return f"page:{'.'.join(map(str, versions))}:{get_locale()}:{request.full_path}"


def _serve_cached() -> Response | None:
    key = _key()
    if key is None:
        return None
    user = viewer()  # read after the versions: see the module's text
    if user is not None and not shares_pages(user):
        return None
    etag = _etag(key)
    if user is None and request.if_none_match.contains(etag):
        return _public(Response(status=304), etag)
    page, state = _recent().get(key), "hit"
    if page is None:
        page, state = render_for_all(), "miss"
        if page is None:
            return None
        _link().set(key, page)
    if user is None:
        return _public(_cached_response(page.visitor, state), etag)
    body = fill_for(user, page, key)
    return None if body is None else _cached_response(body, state)


def _etag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


def _public(response: Response, etag: str) -> Response:
    """What a browser and a proxy may keep of a visitor's page, and how they ask again."""
    response.set_etag(etag)
    response.vary.update(part.strip() for part in VARIES_ON.split(","))
    control = response.cache_control
    control.public = True
    control.max_age = 0
    config = current_app.config
    if config["PAGE_CACHE_S_MAXAGE"]:
        control.s_maxage = config["PAGE_CACHE_S_MAXAGE"]
        if config["PAGE_CACHE_STALE_WHILE_REVALIDATE"]:
            swr = config["PAGE_CACHE_STALE_WHILE_REVALIDATE"]
            control._set_cache_value("stale-while-revalidate", swr, int)
    return response


def _cached_response(page: bytes, state: str) -> Response:
    mimetype = "application/atom+xml" if request.endpoint == "articles.feed" else "text/html"
    response = Response(page, mimetype=mimetype)
    response.headers["X-Cache"] = state
    return response


def _bump(scopes: frozenset[str]) -> None:
    """After a commit: the pages showing these scopes get new keys."""
    app = current_app
    if "page_versions" not in app.extensions:  # another app in the process (a script)
        return
    app.extensions["page_versions"].bump(scopes)
    if changes.EVERYTHING in scopes:
        app.extensions["page_scopes"].forget()


def _make_versions(app: Flask, link: CacheLink) -> Versions:
    backend = type(cache.cache).__name__
    if backend == "RedisCache":
        return RedisVersions(cache.cache, link)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if backend == "NullCache" or uri in ("sqlite://", "sqlite:///:memory:"):
        return LocalVersions()  # nothing is cached, or no other process sees this database
    if setting := app.config["PAGE_VERSIONS_FILE"]:
        path = Path(setting)
    elif uri.startswith("sqlite:///"):
        # The file the engine opens: Flask-SQLAlchemy puts a relative path in the instance folder.
        path = Path(f"{db.engine.url.database}.page-versions")
    else:
        # One file per database (and schema) in the instance folder. Servers that share a
        # database need a shared cache (RedisCache) for their versions as for their pages.
        name = f"{uri}|{app.config.get('SQLALCHEMY_ENGINE_OPTIONS')}".encode()
        digest = hashlib.blake2b(name, digest_size=8).hexdigest()
        path = Path(app.instance_path) / f"page-versions-{digest}"
    try:
        if not uri.startswith("sqlite:///") and not setting:  # (a missing folder stays missing)
            path.parent.mkdir(parents=True, exist_ok=True)
        return FileVersions(path)
    except OSError as error:
        # Not app.logger: the app's logging is set up after its extensions.
        logging.getLogger(__name__).warning("page versions kept per process (%s): %s", path, error)
        return LocalVersions()


def init_app(app: Flask) -> None:
    if app.config["CACHE_TYPE"].rsplit(".", 1)[-1] == "RedisCache":
        app.config["CACHE_OPTIONS"] = redis_timeouts(app.config, app.config.get("CACHE_OPTIONS"))
    cache.init_app(app)
    link = CacheLink(app.config["CACHE_RETRY_INTERVAL"])
    app.extensions["cache_link"] = link
    app.extensions["recent_pages"] = RecentPages(link, app.config["PAGE_CACHE_RECENT"])
    app.extensions["page_scopes"] = ScopeMap()
    app.extensions["rendered_posts"] = Memo(app.config["PAGE_CACHE_POSTS"])
    app.extensions["reader_values"] = Memo(app.config["PAGE_CACHE_READERS"])
    with app.app_context():  # cache.cache is the app's backend
        app.extensions["page_versions"] = _make_versions(app, link)
    # Derived from the secret key: the same on every server sharing a cache, and not
    # something a writer can put in a post to have a reader's CSRF token filled in.
    secret = str(app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, b"forum page hole", hashlib.sha256).hexdigest()
    app.extensions["pagecache_marker"] = "h" + digest[:20]
    changes.listen(_bump)
    app.before_request(_serve_cached)
