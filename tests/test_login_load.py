"""A burst of logins cannot take every thread: each process hashes at most a few passwords at
once, a login waits a while for a slot and is then told to try again. (The figures under load
are measured by `make bench`, not here.)"""

import threading

import pytest
from argon2 import PasswordHasher

from forum import config, create_app, passwords
from forum.extensions import db
from forum.services import accounts
from tests.conftest import PASSWORD, PASSWORD_HASH


@pytest.fixture
def held_slot(app):
    """Every hashing slot of the app taken, as by logins in other threads."""
    slots = passwords.hashing_slots()
    size = app.config["ARGON2_MAX_CONCURRENT"]
    for _ in range(size):
        assert slots.acquire(timeout=0)
    yield slots
    for _ in range(size):
        try:
            slots.release()
        except ValueError:
            break  # released by the test


def test_a_hash_waits_while_every_slot_is_taken(app, held_slot):
    results = []

    def log_in_elsewhere() -> None:
        with app.app_context():
            results.append(passwords.verify_password(PASSWORD_HASH, PASSWORD))

    other = threading.Thread(target=log_in_elsewhere)
    other.start()
    other.join(0.3)
    assert other.is_alive() and results == []

    held_slot.release()
    other.join(10)

    assert results == [True]


def test_a_login_that_finds_no_free_slot_in_time_is_told_to_try_again(
    app, client, reader, held_slot
):
    app.config["ARGON2_MAX_WAIT"] = 0
    login = {"username": reader.username, "password": PASSWORD}

    busy = client.post("/auth/login", data=login)

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert "busy just now" in busy.text
    # The name is handed back to send again; the password never is.
    assert f'value="{reader.username}"' in busy.text
    assert PASSWORD not in busy.text
    held_slot.release()
    assert client.post("/auth/login", data=login).status_code == 302


def test_the_number_of_slots_is_a_setting(app_config):
    app = create_app({**app_config, "ARGON2_MAX_CONCURRENT": 2, "ARGON2_MAX_WAIT": 0})
    with app.app_context():
        slots = passwords.hashing_slots()
        assert slots.acquire(timeout=0)
        assert passwords.verify_password(PASSWORD_HASH, PASSWORD)
        assert slots.acquire(timeout=0)
        with pytest.raises(passwords.HashingBusy):
            passwords.hash_password(PASSWORD)
        slots.release()
        slots.release()


def test_the_default_cost_is_argon2id_at_owasps_minimum_or_above():
    cost = config.Config
    assert cost.ARGON2_MEMORY_COST >= 19 * 1024
    assert cost.ARGON2_TIME_COST >= 2
    assert cost.ARGON2_PARALLELISM >= 1
    hasher = PasswordHasher(
        time_cost=cost.ARGON2_TIME_COST,
        memory_cost=cost.ARGON2_MEMORY_COST,
        parallelism=cost.ARGON2_PARALLELISM,
    )
    assert hasher.hash(PASSWORD).startswith("$argon2id$")


def test_a_login_holds_no_database_connection_while_it_hashes(client, reader, monkeypatch):
    held = []
    real_verify = accounts.verify_password

    def verify(password_hash: str, password: str) -> bool:
        # A login waiting here for a hashing slot must not keep a pooled connection from pages.
        held.append(db.session().in_transaction())
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", verify)

    response = client.post("/auth/login", data={"username": reader.username, "password": PASSWORD})

    assert response.status_code == 302
    assert held == [False]
