"""No account may pose as another: display names and usernames are compared as they read."""

import html
import io
import json

import pytest
from conftest import PASSWORD
from sqlalchemy import delete, func, select

from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Role, User
from forum.names import fold
from forum.services.accounts import Profile, register, update_profile
from forum.services.posts import Contribution, add_contribution, add_reply
from forum.services.transfer import export_data, import_data

AUTHOR_NAME = "Line Kjær"
# How a reader might spell the author's name to sign as her.
POSING = ["Line Kjaer", "LINE KJÆR", "line_kjaer", "line-kjær", "LineKjær", "Line  Kjær"]
OTHER_USERS_NAME = "That is another user's display name."


@pytest.fixture
def line(make_user) -> User:
    """The author, known by her display name."""
    return make_user("line", role=Role.AUTHOR, display_name=AUTHOR_NAME)


def profile_form(display_name: str) -> dict:
    return {"display_name": display_name, "bio": "", "links": "", "locale": "en"}


def stored(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


@pytest.mark.parametrize("name", POSING)
def test_names_read_alike_without_case_diacritics_and_separators(name):
    # Spaces, underscores, hyphens and dots do not change how a name reads: "Line Kjær",
    # "line_kjaer" and "LineKjaer" are one name.
    assert fold(name) == fold(AUTHOR_NAME)


@pytest.mark.parametrize(
    "spelling, plain",
    [("Mød Jonas", "Mod Jonas"), ("Łukasz", "Lukasz"), ("Œuvre", "oeuvre"), ("Straße", "Strasse")],
)
def test_letters_unicode_does_not_decompose_fold_as_they_are_written_in_ascii(spelling, plain):
    assert fold(spelling) == fold(plain)


def test_different_names_stay_different():
    assert fold("Line Kjær") != fold("Lene Kjær")
    assert fold("Line Kjær") != fold("Line Kjær Jensen")


@pytest.mark.parametrize("name", POSING)
def test_the_profile_refuses_another_users_display_name(as_reader, reader, line, name):
    response = as_reader.post("/account/profile", data=profile_form(name))

    assert response.status_code == 422
    page = html.unescape(response.text)
    assert f'<small id="display_name-error" class="field-error">{OTHER_USERS_NAME}' in page
    assert f'value="{name}"' in page
    assert stored(reader.id).display_name == ""


def test_the_service_names_the_field(app, reader, line):
    with pytest.raises(InvalidInput, match=OTHER_USERS_NAME) as refused:
        update_profile(reader, Profile("Line Kjaer", "", "", "en"))

    assert refused.value.field == "display_name"


def test_the_owner_keeps_her_display_name_and_others_may_take_free_ones(app, reader, line):
    update_profile(line, Profile("Line  Kjær", "Columnist.", "", "da"))
    update_profile(reader, Profile("Lene Kjær", "", "", "en"))

    assert stored(line.id).display_name == AUTHOR_NAME
    assert stored(reader.id).display_name == "Lene Kjær"


def test_a_display_name_given_up_is_free_again(app, reader, line):
    update_profile(line, Profile("", "", "", "da"))

    update_profile(reader, Profile("Line Kjaer", "", "", "en"))

    assert stored(reader.id).display_name == "Line Kjaer"


@pytest.mark.parametrize("name", ["line_kjaer", "Line-Kjaer", "LINEKJAER"])
def test_a_new_username_may_not_be_another_users_display_name(app, line, name):
    with pytest.raises(InvalidInput, match=OTHER_USERS_NAME) as refused:
        register(name, "karen@example.dk", PASSWORD)

    assert refused.value.field == "username"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_registration_form_refuses_it_and_keeps_what_was_typed(client, line):
    form = {"email": "karen@example.dk", "password": PASSWORD, "password_confirm": PASSWORD}
    response = client.post("/auth/register", data={**form, "username": "line_kjaer"})

    assert response.status_code == 422
    assert OTHER_USERS_NAME in html.unescape(response.text)
    assert 'value="line_kjaer"' in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_refuses_it_too(runner, line):
    result = runner.invoke(args=["create-user", "line_kjaer", "--email", "karen@example.dk"])

    assert result.exit_code != 0
    assert OTHER_USERS_NAME in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_an_imported_export_from_before_the_fold_keeps_the_names_protected(app, line):
    out = io.StringIO()
    export_data(out)
    data = json.loads(out.getvalue())
    for row in data["tables"]["users"]:
        del row["display_name_fold"]  # an export made before the column existed
    db.session.execute(delete(User))
    db.session.commit()

    import_data(io.StringIO(json.dumps(data)))

    with pytest.raises(InvalidInput, match=OTHER_USERS_NAME):
        register("line_kjaer", "karen@example.dk", PASSWORD)


def test_posts_show_the_username_beside_a_display_name(client, line, make_user, thread):
    reader = make_user("reader", display_name="Karen")
    plain = make_user("plainname")
    contribution = add_contribution(thread, reader, Contribution("agree", "Hiring posts work."))
    add_reply(contribution, line, "Thank you.")
    add_reply(contribution, plain, "Me too.")

    page = client.get(f"/threads/{thread.id}").text

    assert '>Karen</a> <span class="muted">@reader</span>' in page
    assert f'>{AUTHOR_NAME}</a> <span class="muted">@line</span>' in page
    assert ">plainname</a>" in page
    assert "@plainname" not in page


def test_where_names_read_alike_from_before_the_older_account_keeps_its_name(app, line, make_user):
    # Names taken before the rule (the factory, like the old code, does not check them).
    poser = make_user("poser", display_name="Line Kjaer")
    make_user("line_kjaer")

    update_profile(line, Profile(AUTHOR_NAME, "Columnist.", "", "da"))
    with pytest.raises(InvalidInput, match=OTHER_USERS_NAME):
        update_profile(poser, Profile("Line Kjaer", "Not the columnist.", "", "en"))

    assert stored(line.id).bio == "Columnist."
    assert stored(poser.id).bio == ""
