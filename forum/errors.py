"""Business-rule failures, and the one place that turns failures into HTTP answers."""

import re
import time
from datetime import timedelta

from flask import (
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_timedelta, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .extensions import db, holds_login_cookies, limiter, login_manager
from .redirects import return_path


class ForumError(Exception):
    """A request broke a rule of the forum; `field` names the form field at fault, if any."""

    status_code = 400
    default_message = _l("That request could not be carried out.")
    # Seconds after which trying again may work (sent as Retry-After), for passing troubles.
    retry_after: int | None = None

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(ForumError):
    status_code = 422
    default_message = _l("Please correct the marked fields.")


class NotAllowed(ForumError):
    status_code = 403
    default_message = _l("You are not allowed to do that.")


class NotFound(ForumError):
    """What a request names is not there, or not there for this reader (held, a draft)."""

    status_code = 404
    default_message = _l("There is nothing at this address. It may have been moved or deleted.")


class ThreadLocked(NotAllowed):
    default_message = _l("This thread is locked: it can be read but takes no new posts.")


class ThreadWithdrawn(NotAllowed):
    default_message = _l(
        "The author withdrew this question: its posts can be read, but it takes no new ones."
    )


class DiscussionClosed(NotAllowed):
    default_message = _l("The discussion of this article is closed.")


class PostDeleted(ForumError):
    status_code = 409
    default_message = _l("That post has been deleted.")


TITLES = {
    400: _l("Bad request"),
    401: _l("Log in first"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too much data"),
    415: _l("Unsupported content type"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}

DESCRIPTIONS = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to see or do this."),
    404: _l("There is nothing at this address. It may have been moved or deleted."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What you sent is larger than this site accepts."),
    500: _l("An error on our side stopped this page. It has been logged; please try again."),
}


def wants_json() -> bool:
    """Whether the caller asked for JSON: the API, or a script sending Accept: application/json."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    accepted = request.accept_mimetypes
    return best == "application/json" and accepted[best] > accepted["text/html"]


def error_response(status: int, message: str):
    """An error answer in the site's layout, or as JSON for the API and fetch callers."""
    if wants_json():
        return jsonify(error=str(message), status=status), status
    title = TITLES.get(status, TITLES[400])
    # str(): a lazy translation counts as safe HTML in Jinja, and messages may quote users.
    page = render_template("errors/error.html", status=status, title=title, message=str(message))
    return page, status


def _handle_forum_error(error: ForumError):
    db.session.rollback()
    if error.retry_after is None:
        return error_response(error.status_code, error.message)
    return _kept_text_page(error.status_code, error.message, error.retry_after)


def _handle_csrf_error(_error: CSRFError):
    """A form whose token failed (its session expired, say): nothing saved, the text handed back
    with a fresh token, and only a button's page needs reloading."""
    if _typed_text():
        message = _l("This form has expired or did not come from this site. Nothing was saved.")
    else:
        message = _l(
            "This form has expired or did not come from this site. Go back, reload the page "
            "and send it again."
        )
    return _kept_text_page(400, message, None)


def _handle_http_error(error: HTTPException):
    status = error.code or 500
    return error_response(status, DESCRIPTIONS.get(status, error.description or ""))


def _handle_untrusted_host(_error: SecurityError):
    """A Host header outside TRUSTED_HOSTS: a plain 400 page. Flask has no URL adapter for an
    untrusted host, so the site's layout (every link a url_for) cannot be rendered."""
    title, message = str(TITLES[400]), str(DESCRIPTIONS[400])
    if wants_json():
        return jsonify(error=message, status=400), 400
    page = (
        f'<!doctype html>\n<html lang="{escape(str(get_locale() or "en"))}">\n'
        f'<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f"<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n</html>\n"
    )
    return page, 400


def _handle_server_error(_error: InternalServerError):
    db.session.rollback()
    return error_response(500, DESCRIPTIONS[500])


KEPT_OUT = {"csrf_token", "password", "password_confirm", "current_password"}


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _typed_text() -> bool:
    """Whether the request carries text the user typed that an error page should give back."""
    return any(
        name not in KEPT_OUT and value.strip() for name, value in request.form.items(multi=True)
    )


# What every route that takes a body takes: forms, as browsers send them, and the FormData the
# site's own script sends (with Accept: application/json for the answer). No route reads JSON.
FORM_TYPES = {"", "application/x-www-form-urlencoded", "multipart/form-data"}


def _refuse_other_bodies():
    """Another content type is a 415, and a file where a form has text a 400, before any form
    reads them: Flask-WTF would read a JSON body's objects and lists into text fields."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    if request.mimetype not in FORM_TYPES:
        message = _l(
            "This address takes form data (application/x-www-form-urlencoded or "
            "multipart/form-data), not %(type)s.",
            type=request.mimetype[:100],
        )
        return error_response(415, message)
    if request.files:
        return error_response(400, _l("This form takes no files: send its fields as text."))
    return None


def _refuse_control_characters():
    """NUL and other control characters are refused before any view sees them (4xx, no 500)."""
    values = [*request.args.values(), *request.form.values()]
    if any(CONTROL_CHARACTERS.search(value) for value in values):
        message = _l(
            "What you sent contains control characters (such as NUL) that cannot be stored. "
            "They have been removed below; please check the text and send it again."
        )
        return _kept_text_page(400, message, None)
    return None


def _kept_text_page(status: int, message: str, retry_after: int | None):
    """An error that saved nothing: say so, and give back what the user typed to send again."""
    if wants_json():
        response = jsonify(error=str(message), status=status)
    else:
        sent = MultiDict(
            (name, CONTROL_CHARACTERS.sub("", value))
            for name, value in request.form.items(multi=True)
        )
        kept = [
            (name, value)
            for name, value in sent.items(multi=True)
            if name not in KEPT_OUT and value.strip()
        ]
        page = render_template(
            "errors/kept.html",
            title=TITLES[status],
            message=str(message),
            kept=kept,
            form=_kept_form(sent) if kept else None,
            status=status,
        )
        response = make_response(page)
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _kept_form(sent: MultiDict):
    """The view's own form (forms.kept_in) filled with what was sent, or None."""
    view = current_app.view_functions.get(request.endpoint)
    form_class = getattr(view, "kept_form", None)
    return form_class(formdata=sent) if form_class is not None else None


def _handle_database_down(error: SQLAlchemyError):
    """The database is unreachable or locked: 503, nothing saved, and the user's text kept."""
    current_app.logger.error("database unavailable: %s", error, exc_info=error)
    db.session.rollback()
    # Render as a visitor: loading the user would need the database we just lost.
    g._login_user = login_manager.anonymous_user()
    message = _l(
        "The forum cannot reach its database just now. Nothing was saved. "
        "Please try again in a moment."
    )
    return _kept_text_page(503, message, 30)


def _handle_rate_limit(error: RateLimitExceeded):
    """Too many writes: 429 with when to try again, and the user's text kept."""
    db.session.rollback()
    current = limiter.current_limit
    reset = max(1, round(current.reset_at - time.time())) if current else 60
    return _kept_text_page(429, wait_message(reset), reset)


def wait_message(seconds: int) -> str:
    """How long to wait, in the unit a person would say: seconds, or about so many minutes,
    hours or days ("about 51 minutes", not "3052 seconds")."""
    if seconds < 60:
        return ngettext(
            "You have done that too often. Please wait %(num)d second and try again.",
            "You have done that too often. Please wait %(num)d seconds and try again.",
            seconds,
        )
    # threshold=1: "51 minutes" until a whole hour, never "1 hour" for 51 minutes.
    wait = format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=False)
    return gettext(
        "You have done that too often. Please wait about %(wait)s and try again.", wait=wait
    )


def _unauthorized():
    """Visitors who need to log in: a JSON 401 for scripts, the login page for people."""
    if wants_json():
        return error_response(401, _l("Log in to do that."))
    if request.method == "POST" and holds_login_cookies() and _typed_text():
        # The login ended (on another device, say) while the user was writing.
        message = _l(
            "You are no longer logged in, so nothing was saved. Log in again in another tab, "
            "then send it again from here."
        )
        return _kept_text_page(401, message, None)
    flash(_l("Please log in to do that."), "info")
    return redirect(url_for("auth.login", next=return_path()))


def init_app(app: Flask) -> None:
    app.before_request(_refuse_other_bodies)
    app.before_request(_refuse_control_characters)
    login_manager.unauthorized_handler(_unauthorized)
    app.register_error_handler(RateLimitExceeded, _handle_rate_limit)
    app.register_error_handler(OperationalError, _handle_database_down)
    app.register_error_handler(PoolTimeout, _handle_database_down)
    app.register_error_handler(ForumError, _handle_forum_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(InternalServerError, _handle_server_error)
    app.register_error_handler(SecurityError, _handle_untrusted_host)
    app.register_error_handler(HTTPException, _handle_http_error)
