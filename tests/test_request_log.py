"""What the forum logs from a request: one line each, no forged lines, no secrets."""

import logging

import pytest
from flask import current_app, request

from forum import create_app
from forum.extensions import db

FORGED = "/users/x%0d%0a2026-01-01%2000:00:00,000%20INFO%20forum.auth%20admin%20logged%20in"


@pytest.fixture
def request_log(caplog, monkeypatch) -> pytest.LogCaptureFixture:
    """Everything the forum logs, captured (an app built without TESTING elsewhere in the run
    switches propagation off for the request logger)."""
    monkeypatch.setattr(logging.getLogger("forum.requests"), "propagate", True)
    caplog.set_level(logging.INFO, logger="forum")
    return caplog


def request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "forum.requests"]


def test_a_forged_path_writes_one_line_with_the_line_break_escaped(client, request_log):
    client.get(FORGED)

    (line,) = request_lines(request_log)
    assert "\n" not in line and "\r" not in line
    assert line.startswith(
        "GET /users/x\\r\\n2026-01-01%2000:00:00,000%20INFO%20forum.auth%20admin%20logged%20in 404"
    )
    written = [text for text in request_log.text.splitlines() if "admin" in text]
    assert len(written) == 1 and "forum.requests" in written[0]


@pytest.mark.parametrize(
    ("sent", "logged"),
    [
        ("%e2%80%a8", "\\u2028"),
        ("%e2%80%a9", "\\u2029"),
        ("%c2%85", "\\x85"),
        ("%1b[31m", "\\x1b[31m"),
        ("%00", "\\x00"),
        ("%09", "\\t"),
        ("%5c", "\\\\"),
    ],
)
def test_every_control_character_and_line_separator_is_escaped(client, request_log, sent, logged):
    client.get(f"/nowhere/a{sent}b")

    (line,) = request_lines(request_log)
    assert line.startswith(f"GET /nowhere/a{logged}b 404 ")
    assert line.isprintable()


def test_the_query_is_logged_escaped_and_its_tokens_redacted(client, request_log):
    client.get("/?page=2%0aforged&token=s3cret")

    (line,) = request_lines(request_log)
    assert line.startswith("GET /?page=2%0Aforged&token=[redacted] ")
    assert "s3cret" not in line


def test_any_record_logged_with_request_data_is_escaped(app, client, request_log):
    @app.get("/echo")
    def echo():
        current_app.logger.warning("asked for %s", request.args["q"])
        logging.getLogger("forum.mail").info("To: %s", request.args["q"])
        return "ok"

    client.get("/echo", query_string={"q": "x\r\n2026-01-01 00:00:00,000 INFO forged\u2028"})

    messages = [r.getMessage() for r in request_log.records if r.name in ("forum", "forum.mail")]
    assert messages == [
        "asked for x\\r\\n2026-01-01 00:00:00,000 INFO forged\\u2028",
        "To: x\\r\\n2026-01-01 00:00:00,000 INFO forged\\u2028",
    ]


def test_a_traceback_cannot_start_a_line_of_its_own(app, client, request_log):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("bad\n2026-01-01 00:00:00,000 INFO forum.auth admin logged in")

    assert client.get("/boom").status_code == 500

    lines = request_log.text.splitlines()
    assert any("Traceback (most recent call last)" in line for line in lines)
    assert not any(line.startswith("2026-01-01") for line in lines)
    assert "  2026-01-01 00:00:00,000 INFO forum.auth admin logged in" in lines


def test_the_request_line_names_the_user_and_the_address(as_reader, reader, request_log):
    as_reader.get("/")
    as_reader.post("/auth/logout")
    as_reader.get("/")

    lines = request_lines(request_log)
    assert lines[0].endswith(f" user={reader.id} addr=127.0.0.1")
    assert lines[-1].endswith(" user=- addr=127.0.0.1")


def test_behind_a_proxy_the_address_is_the_clients(app, app_config, request_log):
    proxied = create_app({**app_config, "PROXY_FIX_HOPS": 1})
    try:
        proxied.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    finally:
        with proxied.app_context():
            db.engine.dispose()

    (line,) = request_lines(request_log)
    assert line.endswith(" user=- addr=203.0.113.7")


@pytest.mark.parametrize(
    "path", ["/auth/reset/{token}", "/account/confirm/{token}", "/auth/reset/{token}/more"]
)
def test_tokens_in_paths_are_redacted(client, request_log, path):
    token = "eyJ1c2VyIjo3fQ.Zx9aBc.s3cretSignature_-"
    client.get(path.format(token=token))

    (line,) = request_lines(request_log)
    assert token not in line and "s3cret" not in line
    assert line.startswith("GET " + path.format(token="[redacted]") + " ")


def test_a_later_signed_link_is_redacted_by_its_argument_name(app, client, request_log):
    @app.get("/newsletter/<int:issue>/unsubscribe/<token>")
    def unsubscribe(issue: int, token: str):
        return "unsubscribed"

    client.get("/newsletter/12/unsubscribe/s3cret-token")

    (line,) = request_lines(request_log)
    assert line.startswith("GET /newsletter/12/unsubscribe/[redacted] 200 ")
