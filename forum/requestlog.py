"""One log line per request (method, path, status, duration, request id) and every error."""

import logging
import sys
import time
import uuid

from flask import Flask, g, request
from flask.wrappers import Response

logger = logging.getLogger("forum.requests")


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
            "%s %s %s %.1fms id=%s",
            request.method,
            request.path,
            response.status_code,
            elapsed,
            g.get("request_id", "-"),
        )
    response.headers.setdefault("X-Request-ID", g.get("request_id", ""))
    return response


def init_app(app: Flask) -> None:
    if not app.testing and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.before_request(_start)
    app.after_request(_finish)
