"""What production sees of the forum: its logs as text or JSON lines (request id on every
record, tracebacks too), and errors reported to Sentry only when asked, without personal data."""

import gzip
import io
import json
import logging
import subprocess  # nosec B404
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask, current_app, request
from flask.logging import default_handler

from forum import create_app, requestlog
from forum.extensions import db

ROOT = Path(__file__).parent.parent
FORGED = "/users/x%0d%0a2026-01-01%2000:00:00,000%20INFO%20forum.auth%20admin%20logged%20in"


@pytest.fixture
def log_output(monkeypatch) -> Iterator[io.StringIO]:
    """The request log's handler as production has it (writing here), and Flask's handler
    restored after the test (it is one for the whole process)."""
    output = io.StringIO()
    monkeypatch.setattr(requestlog.handler, "stream", output)
    monkeypatch.setattr(requestlog.logger, "propagate", False)
    monkeypatch.setattr(requestlog.logger, "handlers", [requestlog.handler])
    # Flask's own handler on the app's logger, as when nothing else (pytest) handles records.
    monkeypatch.setattr(logging.getLogger("forum"), "handlers", [default_handler])
    monkeypatch.setattr(logging.getLogger("forum"), "propagate", False)
    handlers = (default_handler, requestlog.handler)
    saved = [(handler.formatter, list(handler.filters)) for handler in handlers]
    # setLevel, not the attribute: it also forgets what each logger cached of its old level.
    level = requestlog.logger.level
    requestlog.logger.setLevel(logging.INFO)
    yield output
    requestlog.logger.setLevel(level)
    for handler, (formatter, filters) in zip(handlers, saved, strict=True):
        handler.setFormatter(formatter)
        handler.filters[:] = filters


@pytest.fixture
def make_app(app_config) -> Iterator[Callable[..., Flask]]:
    """An app with the given log format and a view that logs request data, then fails."""
    contexts = []

    def make(**settings) -> Flask:
        app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False, **settings})

        @app.get("/boom/<token>")
        def boom(token):
            current_app.logger.warning("asked for %s", request.args["q"])
            raise RuntimeError("the view broke\non a second line")

        context = app.app_context()
        context.push()
        contexts.append(context)
        db.create_all()
        return app

    yield make
    for context in reversed(contexts):
        db.session.remove()
        db.engine.dispose()
        context.pop()


def fail(app: Flask, output: io.StringIO) -> None:
    """A request whose view logs a forged line, then raises; Flask's handler writes to output."""
    response = app.test_client().get(
        "/boom/s3cret-token",
        query_string={"q": "x\r\n2026-01-01 00:00:00,000 INFO forged\u2028", "token": "s3cret"},
        headers={"X-Request-ID": "req-42"},
        errors_stream=output,
    )
    assert response.status_code == 500


def test_json_logs_carry_the_request_id_on_every_record_and_traceback(make_app, log_output):
    fail(make_app(LOG_FORMAT="json"), log_output)

    records = [json.loads(line) for line in log_output.getvalue().splitlines()]
    warning, error, access = records
    assert {record["request_id"] for record in records} == {"req-42"}
    assert {record["path"] for record in records} == {
        "/boom/[redacted]?q=x%0D%0A2026-01-01+00:00:00,000+INFO+forged%E2%80%A8&token=[redacted]"
    }
    assert {record["user_id"] for record in records} == {"-"}
    # The text as it was: the JSON encoder alone keeps it on one line.
    assert warning["message"] == "asked for x\r\n2026-01-01 00:00:00,000 INFO forged\u2028"
    assert error["levelname"] == "ERROR"
    assert "Traceback" in error["exc_info"]
    assert "RuntimeError: the view broke\non a second line" in error["exc_info"]
    assert access["name"] == "forum.requests" and access["status"] == 500
    assert "s3cret" not in log_output.getvalue()


def test_json_logs_cannot_be_forged_through_the_path(make_app, log_output):
    make_app(LOG_FORMAT="json").test_client().get(FORGED)

    (line,) = log_output.getvalue().splitlines()
    assert line.isascii() and line.isprintable()
    record = json.loads(line)
    assert record["message"].startswith("GET /users/x\r\n2026-01-01%2000:00:00,000%20INFO")
    assert record["status"] == 404


def test_text_logs_stay_the_default_one_escaped_line_a_record(make_app, log_output):
    fail(make_app(), log_output)

    text = log_output.getvalue()
    assert not text.lstrip().startswith("{")
    assert "asked for x\\r\\n2026-01-01 00:00:00,000 INFO forged\\u2028" in text
    # Every line but a traceback's own (indented) starts a record with its time or level.
    records = [line for line in text.splitlines() if not line.startswith("  ")]
    assert len(records) == 3
    assert all(line.startswith(("[20", "20")) for line in records)
    (access,) = [line for line in records if "forum.requests" in line]
    assert " GET /boom/[redacted]?" in access and " 500 " in access and "id=req-42" in access
    assert "s3cret" not in text


def test_an_unknown_log_format_is_refused_at_start(app_config):
    with pytest.raises(RuntimeError, match="FLASK_LOG_FORMAT"):
        create_app({**app_config, "LOG_FORMAT": "xml"})


class FakeSentry(BaseHTTPRequestHandler):
    """Takes Sentry envelopes (gzipped or not) and keeps their bodies."""

    envelopes: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.envelopes.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_sentry() -> Iterator[tuple[str, list[bytes]]]:
    """A DSN pointing at a Sentry on loopback, and the envelopes it received."""
    FakeSentry.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public@127.0.0.1:{server.server_port}/1", FakeSentry.envelopes
    server.shutdown()
    server.server_close()


# Run in a process of its own: the SDK is set up once per process, for the whole process.
SCRIPT = """
import json, sys
from flask_login import login_user
from forum import create_app
from forum.extensions import db
from forum.models import User

app = create_app({"TESTING": True, "SECRET_KEY": "test", "PROPAGATE_EXCEPTIONS": False,
                  "WTF_CSRF_ENABLED": False,
                  "SQLALCHEMY_DATABASE_URI": sys.argv[1]})


@app.post("/boom/<token>")
def boom(token):
    email = "reader@private.example"
    login_user(db.session.scalars(db.select(User)).one())
    raise RuntimeError("the view broke")


with app.app_context():
    db.create_all()
    db.session.add(User(username="reader", email="reader@private.example", password_hash="x"))
    db.session.commit()
client = app.test_client()
client.set_cookie("forum_lang", "cookie-value-1")
response = client.post("/boom/s3cret-token?token=s3cret", data={"body": "my private post"},
                       headers={"X-Forwarded-For": "203.0.113.9"})
sentry_sdk = sys.modules.get("sentry_sdk")
if sentry_sdk:
    sentry_sdk.flush(10)
print(json.dumps({"status": response.status_code, "sentry": sentry_sdk is not None}))
"""


def run_app(tmp_path: Path, **environment: str) -> dict:
    result = subprocess.run(  # nosec B603
        [sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'sentry.sqlite'}"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_an_error_in_a_view_reaches_sentry_without_personal_data(tmp_path, fake_sentry):
    dsn, envelopes = fake_sentry

    outcome = run_app(tmp_path, FLASK_SENTRY_DSN=dsn, FLASK_SENTRY_ENVIRONMENT="test")

    assert outcome == {"status": 500, "sentry": True}
    events = [
        json.loads(line)
        for envelope in envelopes
        for line in envelope.decode().splitlines()
        if '"exception"' in line
    ]
    (event,) = events
    assert event["exception"]["values"][-1]["value"] == "the view broke"
    assert event["environment"] == "test"
    assert event["request"]["url"].endswith("/boom/[redacted]")
    sent = b"".join(envelopes).decode()
    for private in (
        "reader@private.example",
        "cookie-value-1",
        "my private post",
        "s3cret",
        "203.0.113.9",
    ):
        assert private not in sent
    assert "user" not in event or "email" not in event["user"]


def test_without_a_dsn_sentry_is_not_even_imported(tmp_path):
    outcome = run_app(tmp_path)

    assert outcome == {"status": 500, "sentry": False}
