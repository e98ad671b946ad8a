"""Error reports to Sentry when FLASK_SENTRY_DSN is set (no personal data), and the format of
the forum's logs: text lines by default, one JSON object a line with FLASK_LOG_FORMAT=json."""

import logging
from typing import Any

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from . import requestlog

LOG_FORMATS = ("text", "json")
# Set on records by requestlog.SafeRecords for its own use; not fields of a JSON record.
INTERNAL_ATTRS = ("escaped", "unescaped_message", "unescaped_stack")
# Never sent to Sentry under any name (on top of its own list of passwords, tokens, cookies).
PRIVATE_NAMES = ("email", "e_mail", "username", "body", "text", "remote_addr")


class RequestFields(logging.Filter):
    """Puts the request id, the acting user's id, the method and the (redacted) path on every
    record made while a request is being served, tracebacks included."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            record.user_id = requestlog.actor()
            record.method = request.method
            record.path = requestlog.logged_target()
        return True


REQUEST_FIELDS = RequestFields()


class JsonLines(JsonFormatter):
    """One JSON object a line. The message and traceback are the text as it was: the JSON
    encoder escapes every line break and control character (non-ASCII as \\u escapes)."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            reserved_attrs=[*RESERVED_ATTRS, *INTERNAL_ATTRS],
            json_ensure_ascii=True,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        if hasattr(record, "unescaped_message"):
            log_data["message"] = record.unescaped_message
        if getattr(record, "unescaped_stack", None):
            log_data["stack_info"] = record.unescaped_stack


def forum_handlers(app: Flask) -> list[logging.Handler]:
    """The forum's own handlers in use: Flask's on the app's logger, the request log's.
    Handlers a deployment (or pytest) added are left as they are."""
    attached = [*app.logger.handlers, *requestlog.logger.handlers]
    return [handler for handler in (default_handler, requestlog.handler) if handler in attached]


def _set_log_format(app: Flask) -> None:
    log_format = app.config["LOG_FORMAT"]
    if log_format not in LOG_FORMATS:
        raise RuntimeError(f"FLASK_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
    if log_format != "json":
        return
    formatter = JsonLines()
    for handler in forum_handlers(app):
        handler.setFormatter(formatter)
        handler.addFilter(REQUEST_FIELDS)


def _redact_request(event: dict, _hint: dict) -> dict:
    """The event's URL with the secret segments of signed links redacted, and no query."""
    data = event.get("request")
    if data and has_request_context():
        data["url"] = request.host_url.rstrip("/") + requestlog.redacted_path(request.path)
        data.pop("query_string", None)
    return event


def _init_sentry(app: Flask) -> None:
    # Imported only here: without a DSN the SDK is not loaded (nor needs to be installed).
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        environment=app.config["SENTRY_ENVIRONMENT"] or None,
        release=app.config["SENTRY_RELEASE"] or None,
        # Unhandled exceptions only: log records (the mail log holds addresses and links)
        # become neither events nor breadcrumbs, and no other library is hooked in.
        integrations=[FlaskIntegration(), LoggingIntegration(level=None, event_level=None)],
        auto_enabling_integrations=False,
        send_default_pii=False,
        # Posts, addresses and form fields live in local variables and request bodies.
        include_local_variables=False,
        max_request_body_size="never",
        event_scrubber=EventScrubber(
            denylist=[*DEFAULT_DENYLIST, *PRIVATE_NAMES],
            pii_denylist=DEFAULT_PII_DENYLIST,
            recursive=True,
        ),
        before_send=_redact_request,
    )


def init_app(app: Flask) -> None:
    _set_log_format(app)
    if app.config["SENTRY_DSN"]:
        _init_sentry(app)
