"""Whole pages for visitors, kept until the next write to the database.

Every committed transaction that wrote anything bumps one version number stored in the
database, and the version is part of each cache key: a page is never served after a change
it might not show, on any server, whatever the cache backend.
"""

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from .extensions import cache, db
from .models import Setting

VERSION_KEY = "content_version"
CACHED_ENDPOINTS = frozenset({"articles.index", "articles.show", "threads.show"})
BUMP = text(
    "INSERT INTO settings (key, value) VALUES (:key, '1') ON CONFLICT (key) DO UPDATE "
    "SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)"
)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info["content_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["content_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    if session.info.pop("content_changed", False):
        session.execute(BUMP, {"key": VERSION_KEY})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop("content_changed", None)


def _is_visitor_page() -> bool:
    return (
        request.method == "GET"
        and request.endpoint in CACHED_ENDPOINTS
        and "_user_id" not in session
        and "_flashes" not in session
        and current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies
    )


def _serve_cached() -> Response | None:
    if not _is_visitor_page():
        return None
    version = db.session.scalar(select(Setting.value).where(Setting.key == VERSION_KEY))
    g.page_key = f"page:{version or 0}:{get_locale()}:{request.full_path}"
    page = cache.get(g.page_key)
    if page is None:
        return None
    response = Response(page, mimetype="text/html")
    response.headers["X-Cache"] = "hit"
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
        cache.set(key, response.get_data(as_text=True))
        response.headers["X-Cache"] = "miss"
    return response


def init_app(app: Flask) -> None:
    cache.init_app(app)
    app.before_request(_serve_cached)
    app.after_request(_store)
