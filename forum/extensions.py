"""Extension objects, created unbound and bound to an app in init_app."""

import sqlite3
from pathlib import Path

from flask import (
    Config,
    Flask,
    after_this_request,
    current_app,
    g,
    has_request_context,
    request,
    session,
)
from flask_babel import Babel, get_translations
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from .models.base import Base
from .models.user import User


class ForumSession(Session):
    """The forum's database sessions: the page cache listens to these, and so leaves alone
    any other SQLAlchemy session in the same process."""


db = SQLAlchemy(model_class=Base, session_options={"class_": ForumSession})
# The scripts ship inside the package, so `forum db upgrade` finds them wherever it is installed.
migrate = Migrate(directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)
cache = Cache()
mail = Mail()

# The limiter's storage URIs that take redis-py's connection options.
REDIS_URI_SCHEMES = ("redis://", "rediss://", "redis+unix://")

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of the live login session the id names, unless since banned or deleted.

    One statement on every request; a request that writes (not GET) brings the session's
    "last seen" up to date afterwards, at most every few minutes.
    """
    from .services import sessions  # the services import this module

    found = sessions.find(user_id)
    if found is None:
        return None
    user, login_session = found
    g.login_session = login_session
    if request.method not in ("GET", "HEAD", "OPTIONS") and sessions.due_for_touch(login_session):

        @after_this_request
        def seen(response):
            if response.status_code < 400:
                try:
                    sessions.touch(login_session.id)
                except SQLAlchemyError as error:
                    current_app.logger.warning("last seen not saved: %s", error)
            return response

    return user


def holds_login_cookies() -> bool:
    """Whether the request carries a login's cookies (its id in the session, or a remember
    cookie), whether or not that login is still alive."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return "_user_id" in session or remember_cookie in request.cookies


def _forget_dead_login(response):
    """A login ended elsewhere (logout, "sign out everywhere else", a new password): its id
    leaves the session and its remember cookie is cleared, so the browser is a visitor again."""
    user = g.get("_login_user")  # unset where the request never asked who is logged in
    if user is None or user.is_authenticated:
        return response
    if holds_login_cookies():
        for key in ("_user_id", "_fresh", "_id"):
            session.pop(key, None)
        session["_remember"] = "clear"  # Flask-Login's own hook, run after this one, clears it
    return response


def select_locale() -> str | None:
    """The explicit switch (cookie), then the user's saved choice, then the browser."""
    if not has_request_context():
        return None
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages)


def redis_timeouts(config: Config, options: dict | None) -> dict:
    """Redis client options that give up after REDIS_SOCKET_TIMEOUT seconds (redis-py would
    wait for ever on a server that has gone), under the options set explicitly."""
    seconds = config["REDIS_SOCKET_TIMEOUT"]
    return {"socket_connect_timeout": seconds, "socket_timeout": seconds, **(options or {})}


def _sqlite_pragmas(busy_timeout_ms: int):
    """What every new SQLite connection is told first (other databases are left alone)."""

    def set_pragmas(dbapi_connection, _record) -> None:
        # SQLite leaves foreign keys off and writers fail at once on a busy lock unless told.
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL never corrupts the database; only a power cut can undo the
            # very last commits. It spares an fsync on every commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return set_pragmas


def request_translations():
    """The request's translations, looked up once (not while force_locale is in effect)."""
    babel_state = g.get("_flask_babel")  # Flask-Babel 4's per-request namespace
    if babel_state is None or getattr(babel_state, "forced_babel_locale", None) is not None:
        return get_translations()
    translations = g.get("_forum_translations")
    if translations is None:
        translations = g._forum_translations = get_translations()
    return translations


def _install_template_gettext(app: Flask) -> None:
    """Templates' gettext, newstyle (the string is always %-formatted with the keywords), with
    the translations looked up once per request.

    Flask-Babel looks the translations up on every call, and Jinja's own newstyle wrappers
    take the whole template context: called inside a loop, each call copies every variable in
    the template into a new context, which on a long thread page cost more than rendering the
    posts. These take only the evaluation context, for autoescaping.
    """

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
        return _formatted(eval_ctx, request_translations().ugettext(string), variables)

    @pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = request_translations().ungettext(singular, plural, num)
        return _formatted(eval_ctx, text, variables)

    @pass_eval_context
    def pgettext(eval_ctx: EvalContext, context: str, string: str, **variables) -> str:
        variables.setdefault("context", context)
        text = request_translations().upgettext(context, string)
        return _formatted(eval_ctx, text, variables)

    @pass_eval_context
    def npgettext(
        eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, **variables
    ) -> str:
        variables.setdefault("context", context)
        variables.setdefault("num", num)
        text = request_translations().unpgettext(context, singular, plural, num)
        return _formatted(eval_ctx, text, variables)

    # Installed as they are (newstyle=False: Jinja wraps nothing), then templates are compiled
    # for newstyle calls, which these are.
    app.jinja_env.install_gettext_callables(
        gettext, ngettext, newstyle=False, pgettext=pgettext, npgettext=npgettext
    )
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]


def _formatted(eval_ctx: EvalContext, text: str, variables: dict) -> str:
    if eval_ctx.autoescape:
        # A translation from our own catalogues.
        text = Markup(text)  # nosec B704
    return text % variables


def _login_cookie_settings(config: Config) -> None:
    """The remember cookie Secure whenever the session cookie is, and Secure cookies named
    `__Host-` (Secure, Path=/, no Domain), unless the settings say otherwise."""
    if config.get("REMEMBER_COOKIE_SECURE") is None:
        config["REMEMBER_COOKIE_SECURE"] = bool(config["SESSION_COOKIE_SECURE"])
    session_path = config.get("SESSION_COOKIE_PATH") or config.get("APPLICATION_ROOT") or "/"
    for cookie, default, path in (
        ("SESSION", "session", session_path),
        ("REMEMBER", "remember_token", config.get("REMEMBER_COOKIE_PATH", "/")),
    ):
        name = config.get(f"{cookie}_COOKIE_NAME") or default
        host_only = path == "/" and not config.get(f"{cookie}_COOKIE_DOMAIN")
        if config.get(f"{cookie}_COOKIE_SECURE") and host_only and not name.startswith("__"):
            name = f"__Host-{name}"
        config[f"{cookie}_COOKIE_NAME"] = name


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        pragmas = _sqlite_pragmas(app.config["SQLITE_BUSY_TIMEOUT"])
        for engine in db.engines.values():
            event.listen(engine, "connect", pragmas)
    migrate.init_app(app, db)
    csrf.init_app(app)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(REDIS_URI_SCHEMES):
        options = app.config.get("RATELIMIT_STORAGE_OPTIONS")
        app.config["RATELIMIT_STORAGE_OPTIONS"] = redis_timeouts(app.config, options)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _install_template_gettext(app)
    _login_cookie_settings(app.config)
    login_manager.init_app(app)
    # After Flask-Login's own hooks, so that it runs before them (Flask runs them backwards).
    app.after_request(_forget_dead_login)
    # Without a mail server e-mails go to the log (forum.mail) instead.
    app.config.setdefault("MAIL_SUPPRESS_SEND", app.testing or not app.config.get("MAIL_SERVER"))
    mail.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        # Talisman writes these into app.config; hand it the forum's own, so the
        # FLASK_SESSION_COOKIE_* settings are the ones the cookie is sent with.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
