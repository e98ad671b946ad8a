"""Accounts: registering with unique names and addresses, and logging in by either."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Role, User
from forum.services.accounts import authenticate, register

PASSWORD = "a long enough secret"


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def reload(user: User) -> User:
    user_id = user.id
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_register_stores_an_argon2id_hash_not_the_password(app):
    user = register("anna", "anna@example.org", PASSWORD)

    stored = reload(user)
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert PasswordHasher().verify(stored.password_hash, PASSWORD)


def test_register_keeps_name_and_role_and_lowercases_the_address(app):
    user = register(" Anna ", " Anna@Example.ORG ", PASSWORD, role=Role.AUTHOR, locale="da")

    stored = reload(user)
    assert stored.username == "Anna"
    assert stored.username_key == "anna"
    assert stored.email == "anna@example.org"
    assert stored.role == Role.AUTHOR
    assert stored.locale == "da"


def test_new_accounts_are_readers(app):
    assert reload(register("anna", "anna@example.org", PASSWORD)).role == Role.READER


@pytest.mark.parametrize("taken", ["Anna", "anna", "ANNA", " anna "])
def test_username_is_unique_regardless_of_case(app, taken):
    register("Anna", "first@example.org", PASSWORD)

    with pytest.raises(InvalidInput) as info:
        register(taken, "second@example.org", PASSWORD)

    assert info.value.field == "username"
    assert user_count() == 1


@pytest.mark.parametrize("taken", ["anna@example.org", "Anna@Example.org", " ANNA@EXAMPLE.ORG "])
def test_email_is_unique_regardless_of_case(app, taken):
    register("anna", "anna@example.org", PASSWORD)

    with pytest.raises(InvalidInput) as info:
        register("bertil", taken, PASSWORD)

    assert info.value.field == "email"
    assert user_count() == 1


@pytest.mark.parametrize(
    "username",
    [
        "",
        "ab",
        "a" * 31,
        "anna b",
        "anna.b",
        "anna@b",
        "anna/b",
        "ånna",
        "<anna>",
        "anna\nb",
    ],
)
def test_badly_shaped_username_is_refused(app, username):
    with pytest.raises(InvalidInput) as info:
        register(username, "anna@example.org", PASSWORD)

    assert info.value.field == "username"
    assert user_count() == 0


@pytest.mark.parametrize("username", ["abc", "a" * 30, "Anna_B-2"])
def test_well_shaped_username_is_accepted(app, username):
    assert reload(register(username, "anna@example.org", PASSWORD)).username == username


@pytest.mark.parametrize("password", ["", "x" * 9, "x" * 257])
def test_password_of_wrong_length_is_refused(app, password):
    with pytest.raises(InvalidInput) as info:
        register("anna", "anna@example.org", password)

    assert info.value.field == "password"
    assert user_count() == 0


@pytest.mark.parametrize("password", ["kx9#Qm2vLp", "kx9#Qm2vLp" + "y" * 246])
def test_password_at_the_length_limits_is_accepted(app, password):
    register("anna", "anna@example.org", password)

    assert authenticate("anna", password) is not None


@pytest.mark.parametrize("login", ["anna", "Anna", "ANNA", " anna "])
def test_authenticate_by_username_in_any_case(app, login):
    user = register("Anna", "anna@example.org", PASSWORD)

    assert authenticate(login, PASSWORD) == user


@pytest.mark.parametrize("login", ["anna@example.org", "Anna@Example.ORG"])
def test_authenticate_by_email_in_any_case(app, login):
    user = register("anna", "anna@example.org", PASSWORD)

    assert authenticate(login, PASSWORD) == user


@pytest.mark.parametrize("password", ["a long enough secreT", "", PASSWORD + " "])
def test_authenticate_with_wrong_password_gives_none(app, password):
    register("anna", "anna@example.org", PASSWORD)

    assert authenticate("anna", password) is None


def test_authenticate_unknown_user_gives_none(app):
    register("anna", "anna@example.org", PASSWORD)

    assert authenticate("bertil", PASSWORD) is None
    assert authenticate("bertil@example.org", PASSWORD) is None


def test_weaker_hash_is_replaced_at_login(app):
    weak_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    db.session.add(User(username="anna", email="anna@example.org", password_hash=weak_hash))
    db.session.commit()
    app.config["ARGON2_MEMORY_COST"] = 16

    assert authenticate("anna", PASSWORD) is not None

    stored = db.session.scalar(select(User).where(User.username_key == "anna"))
    db.session.refresh(stored)
    assert stored.password_hash != weak_hash
    assert "m=16," in stored.password_hash
    assert PasswordHasher().verify(stored.password_hash, PASSWORD)


def test_hash_with_current_parameters_is_kept_at_login(app):
    user = register("anna", "anna@example.org", PASSWORD)
    first_hash = reload(user).password_hash

    authenticate("anna", PASSWORD)

    assert reload(user).password_hash == first_hash


def test_wrong_password_does_not_rehash(app):
    weak_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user = User(username="anna", email="anna@example.org", password_hash=weak_hash)
    db.session.add(user)
    db.session.commit()
    app.config["ARGON2_MEMORY_COST"] = 16

    assert authenticate("anna", "not the password") is None

    assert reload(user).password_hash == weak_hash


def test_users_created_a_moment_apart_have_different_created_at(app):
    first = register("anna", "anna@example.org", PASSWORD)
    time.sleep(0.01)
    second = register("bertil", "bertil@example.org", PASSWORD)

    first, second = reload(first), reload(second)
    assert second.created_at > first.created_at


def test_created_at_reads_back_as_utc(app):
    user = register("anna", "anna@example.org", PASSWORD)

    stored = reload(user)
    assert stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at.tzinfo == UTC
    assert abs(stored.created_at - datetime.now(UTC)) < timedelta(minutes=1)
