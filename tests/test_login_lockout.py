"""Per-account login throttling slows guessing without locking the real user out."""

import uuid

import pytest
from conftest import PASSWORD

WRONG = "not the password at all"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        # A fresh prefix per test: limits never leak between tests, even on a shared Redis.
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_LOGIN": "100/minute",
    }


def attempt(app, username: str, password: str, address: str):
    """One login on a client of its own (no cookies), from the given address."""
    return app.test_client().post(
        "/auth/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_rotating_addresses_cannot_lock_the_owner_out(app, reader):
    answers = [attempt(app, "reader", WRONG, f"10.0.0.{n % 3 + 1}") for n in range(12)]

    refused = [answer for answer in answers if answer.status_code == 429]
    assert refused, "the attacker's addresses are slowed down"
    assert all(0 < int(answer.headers["Retry-After"]) <= 900 for answer in refused)
    assert attempt(app, "reader", PASSWORD, "192.0.2.7").status_code == 302


def test_the_wait_is_capped_at_a_quarter_of_an_hour(app, reader):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "2/day"
    answers = [attempt(app, "reader", WRONG, "10.0.0.1") for _ in range(4)]
    assert answers[-1].status_code == 429
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 900


def test_an_address_that_failed_waits_even_with_the_right_password(app, reader):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "3/minute"
    for _ in range(4):
        attempt(app, "reader", WRONG, "10.0.0.1")
    assert attempt(app, "reader", PASSWORD, "10.0.0.1").status_code == 429
    assert attempt(app, "reader", PASSWORD, "10.0.0.2").status_code == 302


def test_only_failed_logins_count_against_the_account(app, reader):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "2/minute"
    attempt(app, "reader", WRONG, "10.0.0.1")
    for _ in range(5):
        assert attempt(app, "reader", PASSWORD, "10.0.0.1").status_code == 302


def test_the_username_and_the_address_share_one_count(app, reader):
    app.config["RATELIMIT_LOGIN_ACCOUNT"] = "2/minute"
    for login in ("reader", "reader@example.org", "READER", "reader@example.org"):
        attempt(app, login, WRONG, "10.0.0.1")
    assert attempt(app, "Reader@Example.org", PASSWORD, "10.0.0.1").status_code == 429


def test_the_address_limit_still_applies_to_everyone(app, reader):
    app.config["RATELIMIT_LOGIN"] = "2/minute"
    answers = [attempt(app, "reader", PASSWORD, "10.0.0.5") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [302, 302, 429]
