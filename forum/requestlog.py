"""One log line per request (method, path, status, duration, request id, user, address) and
every error; no record can forge a line, and no secret token in a URL is written."""

import logging
import re
import sys
import time
import uuid
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_request_context, request
from flask.logging import default_handler
from flask.wrappers import Response
from sqlalchemy import inspect

logger = logging.getLogger("forum.requests")

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
REDACTED = "[redacted]"
# URL rule arguments and query parameters by these names carry secrets (signed e-mail links).
SECRET_NAME = re.compile(r"token|secret|signature|password", re.IGNORECASE)
RULE_ARGUMENT = re.compile(r"<(?:[^<>]*:)?([^<>:]+)>")

# Line breaks (CR, LF, NEL, U+2028/9) and every other C0/C1 control, bidi overrides, and the
# backslash, so an escape in the log always means the character was in the data.
ESCAPES = {ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}
ESCAPES |= {
    code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if code not in ESCAPES
}
ESCAPES |= {code: f"\\u{code:04x}" for code in (0x2028, 0x2029, *range(0x202A, 0x202F))}
ESCAPES |= {code: f"\\u{code:04x}" for code in range(0x2066, 0x206A)}


def escape(text: str) -> str:
    """The text on one line: control characters and line separators as backslash escapes."""
    return text.translate(ESCAPES)


class SafeRecords(logging.Filter):
    """Makes each record safe to write as one line: its message escaped, and the lines of
    its traceback indented, so no line of it can pass for a record of its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "escaped", False):
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a broken format: left to the handler, which reports it
        if has_request_context() and request.path in message:
            # Flask's "Exception on <path>" and the like: no signed link's token in the log.
            message = message.replace(request.path, redacted_path(request.path))
        # Kept for the JSON format, whose encoder escapes them itself (forum/observability.py).
        record.unescaped_message, record.unescaped_stack = message, record.stack_info
        record.msg, record.args = escape(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _indented(record.exc_text)
        if record.stack_info:
            record.stack_info = _indented(record.stack_info)
        record.escaped = True
        return True


SAFE_RECORDS = SafeRecords()
# The request log's own handler, on stderr outside tests (its format: forum/observability.py).
handler = logging.StreamHandler(sys.stderr)
handler.setFormatter(logging.Formatter(FORMAT))
handler.addFilter(SAFE_RECORDS)


def _indented(text: str) -> str:
    return "\n".join(f"  {escape(line)}" for line in text.splitlines())


def secret_paths(app: Flask) -> list[re.Pattern]:
    """A pattern for each URL rule with a secret argument, capturing the secret segments."""
    patterns = app.extensions.get("secret_paths")
    if patterns is None:
        patterns = app.extensions["secret_paths"] = [
            pattern for rule in app.url_map.iter_rules() if (pattern := _secret_pattern(rule.rule))
        ]
    return patterns


def _secret_pattern(rule: str) -> re.Pattern | None:
    """The rule up to its last secret argument as a pattern (so longer paths match too)."""
    pieces, position, secret_end = [], 0, None
    for argument in RULE_ARGUMENT.finditer(rule):
        pieces.append(re.escape(rule[position : argument.start()]))
        secret = bool(SECRET_NAME.search(argument[1]))
        pieces.append("([^/]+)" if secret else "[^/]+")
        position = argument.end()
        if secret:
            secret_end = len(pieces)
    if secret_end is None:
        return None
    return re.compile("".join(pieces[:secret_end]) + "(?=/|$)")


def redacted_path(path: str) -> str:
    """The path with the secret segments of any signed link replaced by [redacted]."""
    for pattern in secret_paths(current_app):
        if match := pattern.match(path):
            pieces, done = [], 0
            for number in range(1, (match.lastindex or 0) + 1):
                pieces += [path[done : match.start(number)], REDACTED]
                done = match.end(number)
            return "".join(pieces) + path[done:]
    return path


def logged_target() -> str:
    """The path and query as logged: secrets redacted, spaces encoded as in a URL."""
    target = redacted_path(request.path).replace(" ", "%20")
    if request.query_string:
        query = [
            (name, REDACTED if SECRET_NAME.search(name) else value)
            for name, value in request.args.items(multi=True)
        ]
        target += "?" + urlencode(query, safe="[]/:,")
    return target


def actor() -> str:
    """The id of the user this request acted for (as Flask-Login loaded it), or '-'."""
    user = g.get("_login_user")
    if not getattr(user, "is_authenticated", False):
        return "-"
    # From the identity map: after a write's commit `user.id` is expired, and reading it
    # would cost a query on every write just to log the request.
    state = inspect(user, raiseerr=False)
    identity = state.identity if state is not None else None
    return str(identity[0]) if identity else str(user.id)


def _start() -> None:
    g.request_started = time.perf_counter()
    # A proxy's id (X-Request-ID) is kept so one request can be followed across servers.
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None:
        elapsed = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms id=%s user=%s addr=%s",
            request.method,
            logged_target(),
            response.status_code,
            elapsed,
            g.get("request_id", "-"),
            actor(),
            (request.remote_addr or "-").replace(" ", "%20"),
            # Fields of their own in the JSON format.
            extra={"status": response.status_code, "duration_ms": round(elapsed, 1)},
        )
    response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
    return response


def _make_records_safe(app: Flask) -> None:
    """Every forum logger (records made on it) and every handler of the app's logger (records
    that reach it from anywhere below) escapes what it is given."""
    names = [name for name in logging.root.manager.loggerDict if name.startswith("forum.")]
    for name in {app.logger.name, logger.name, *names}:
        logging.getLogger(name).addFilter(SAFE_RECORDS)
    for handler in (*app.logger.handlers, default_handler):
        handler.addFilter(SAFE_RECORDS)


def init_app(app: Flask) -> None:
    if not app.testing and not logger.handlers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    _make_records_safe(app)
    app.before_request(_start)
    app.after_request(_finish)
