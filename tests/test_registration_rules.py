"""Registration rules: reserved and look-alike names, guessable passwords, taken addresses."""

import html

import pytest
from conftest import PASSWORD
from sqlalchemy import func, select

from forum import create_app
from forum.errors import InvalidInput
from forum.extensions import db, mail
from forum.models import Role, User
from forum.names import fold
from forum.services import accounts
from forum.services.accounts import Profile, register, update_profile

FORM = {"email": "karen@example.dk", "password": PASSWORD, "password_confirm": PASSWORD}


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    "name",
    [
        "admin",
        "Admin",
        "ADMIN",
        "adm1n",
        "Administrator",
        "moderator",
        "MODERATOR",
        "mod",
        "m-o-d",
        "M_O_D",
        "system",
        "sy-stem",
        "support",
        "staff",
        "forum",
        "r00t",
        "reader",
        "Author",
    ],
)
def test_reserved_names_cannot_be_registered(app, name):
    with pytest.raises(InvalidInput) as refused:
        register(name, "karen@example.dk", PASSWORD)
    assert refused.value.field == "username"
    assert str(refused.value.message) == "That name is reserved."
    assert count_users() == 0


def test_the_site_name_is_reserved(app):
    app.config["SITE_NAME"] = "Debat.dk"
    with pytest.raises(InvalidInput, match="reserved"):
        register("debat-dk", "karen@example.dk", PASSWORD)


@pytest.mark.parametrize("name", ["admiral", "modest", "forums", "mod_jonas", "rooted"])
def test_names_that_only_contain_a_reserved_word_are_free(app, name):
    assert register(name, "karen@example.dk", PASSWORD).username == name


@pytest.mark.parametrize(
    "name", ["MOD_JONAS", "mod-jonas", "m0d_jonas", "modjonas", "mod_j0nas", "rnod_jonas"]
)
def test_a_name_that_reads_as_another_users_name_is_taken(app, make_user, name):
    make_user("mod_jonas", role=Role.MODERATOR)
    with pytest.raises(InvalidInput, match="That username is taken.") as refused:
        register(name, "karen@example.dk", PASSWORD)
    assert refused.value.field == "username"
    assert count_users() == 1


def test_a_cyrillic_look_alike_cannot_pose_as_the_moderator(client, make_user):
    make_user("mod_jonas", role=Role.MODERATOR)
    response = client.post("/auth/register", data={**FORM, "username": "mod_jon\u0430s"})
    assert response.status_code == 422
    assert count_users() == 1


def test_the_fold_covers_what_the_username_pattern_lets_through():
    # Every character a username may hold folds to itself or to its look-alike.
    assert fold("Mod_Jonas") == fold("m0d-j0nas") == fold("MOD_J0NAS")
    assert fold("mod_jon\u0430s") == fold("mod_jonas")  # Cyrillic a
    assert fold("\u0430dm\u0456n") == fold("admin")  # Cyrillic a and i
    assert fold("\u03bf\u03bf") == fold("oo")  # Greek omicron
    assert fold("Ａｄｍｉｎ") == fold("admin")  # full width
    assert fold("ad\u200bmin") == fold("admin")  # zero-width space
    assert fold("Ádmin") == fold("admin")
    assert fold("mod.jonas") == fold("mod_jonas")


@pytest.mark.parametrize("display_name", ["Admin", "M o d", "Moderat0r", "Syst\u0435m"])
def test_a_display_name_may_not_read_as_a_reserved_name(app, reader, display_name):
    with pytest.raises(InvalidInput, match="reserved") as refused:
        update_profile(reader, Profile(display_name, "", "", "en"))
    assert refused.value.field == "display_name"
    assert db.session.get(User, reader.id).display_name == ""


@pytest.mark.parametrize("display_name", ["Mod Jonas", "MOD-JONAS", "mod_jon\u0430s", "Mød Jonas"])
def test_a_display_name_may_not_read_as_another_users_name(app, reader, make_user, display_name):
    make_user("mod_jonas", role=Role.MODERATOR)
    # ø reads as o in a byline, as æ reads as ae (forum/names.py): "Mød Jonas" is taken too.
    with pytest.raises(InvalidInput, match="another user's username"):
        update_profile(reader, Profile(display_name, "", "", "en"))


def test_ones_own_username_is_a_fine_display_name(app, make_user):
    jonas = make_user("mod_jonas", role=Role.MODERATOR)
    update_profile(jonas, Profile("Mod Jonas", "", "", "da"))
    assert db.session.get(User, jonas.id).display_name == "Mod Jonas"


def test_create_user_makes_an_admin_with_a_normal_name(runner):
    result = runner.invoke(
        args=["create-user", "hanne_admin", "--email", "hanne@example.dk", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.username, user.role) == ("hanne_admin", Role.ADMIN)


def test_create_user_refuses_a_reserved_name_clearly(runner):
    result = runner.invoke(args=["create-user", "Admin", "--email", "a@example.dk"])
    assert result.exit_code != 0
    assert "reserved" in result.output
    assert count_users() == 0


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiopas", "123456789012", "karen_h12345", "karendk2024!"]
)
def test_guessable_passwords_are_refused(app, password):
    with pytest.raises(InvalidInput) as refused:
        register("karen_h", "karendk@example.dk", password)
    assert refused.value.field == "password"
    assert count_users() == 0


def test_a_passphrase_passes(app):
    assert register("karen_h", "karen@example.dk", PASSWORD).username == "karen_h"


def test_the_form_says_why_a_password_is_refused(client):
    response = client.post(
        "/auth/register",
        data={
            **FORM,
            "username": "karen_h",
            "password": "password1234",
            "password_confirm": "password1234",
        },
    )
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "That is one of the most common passwords." in text
    assert "hard to guess" in text  # the field's description says what the rule is
    assert count_users() == 0


def test_changing_the_password_uses_the_same_rule(app, reader):
    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(reader, PASSWORD, "qwertyuiopas")
    assert refused.value.field == "password"


def test_a_taken_address_gets_the_same_answer_as_a_free_one(client, make_user, monkeypatch):
    owner = make_user("owner", email="taken@example.dk")
    hashes = []
    real_hash = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda pw: hashes.append(pw) or real_hash(pw))
    answers = []
    tries = (("fresh_one", "free@example.dk"), ("fresh_two", "TAKEN@example.dk"))
    with mail.record_messages() as outbox:
        for username, email in tries:
            data = {**FORM, "username": username, "email": email}
            response = client.post("/auth/register", data=data)
            with client.session_transaction() as session:
                flashes = [message for _, message in session.pop("_flashes", [])]
            answers.append((response.status_code, response.headers["Location"], flashes))
            hashes.append("|")
    free, taken = answers
    assert free[0] == taken[0] == 302
    assert free[1] == taken[1]
    assert [text.replace("free@", "X@") for text in free[2]] == [
        text.replace("taken@", "X@") for text in taken[2]
    ]
    assert "Check your inbox" in free[2][0]
    assert hashes.index("|") == 1 and len(hashes) == 4  # one hash each
    # No account for the taken address; its owner is told, with the ways in.
    assert db.session.scalar(select(User.username).where(User.email == "taken@example.dk")) == (
        owner.username
    )
    assert count_users() == 2
    to_owner = [message for message in outbox if message.recipients == ["taken@example.dk"]]
    assert len(to_owner) == 1
    assert "tried to register" in to_owner[0].body
    assert "/auth/login" in to_owner[0].body and "/auth/reset" in to_owner[0].body
    assert [message.recipients for message in outbox if message not in to_owner] == [
        ["free@example.dk"]
    ]


def test_a_taken_username_still_says_so(client, make_user):
    make_user("karen_h")
    response = client.post("/auth/register", data={**FORM, "username": "Karen_H"})
    assert response.status_code == 422
    assert "That username is taken." in response.text


@pytest.mark.parametrize("key", ["x", "too-short-for-a-production-key", "a" * 31])
def test_a_short_secret_key_is_refused_outside_tests(database, key):
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app({"SECRET_KEY": key, **database})


def test_a_long_secret_key_is_accepted(database):
    app = create_app({"SECRET_KEY": "k" * 32, **database})
    assert app.config["SECRET_KEY"] == "k" * 32


def test_tests_may_use_a_short_key(database):
    assert create_app({"SECRET_KEY": "test", "TESTING": True, **database}).testing
