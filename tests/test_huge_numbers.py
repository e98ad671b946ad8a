"""Numbers in URLs: an id or a page number no database can hold is a 404 or a 400, never a 500."""

import re

import pytest
from flask import Flask

from forum.extensions import db
from forum.models import Flag, Reason, Role, User

HUGE = "99999999999999999999"
# Past PostgreSQL's INTEGER (the id columns) and past SQLite's 64-bit integers.
OUT_OF_RANGE = [HUGE, str(2**31), str(2**63), "0", "-1", "٣"]
WRONG_PAGES = {HUGE: 404, str(2**63): 404, "-1": 400, "0": 400, "abc": 400, "1.5": 400}


def int_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, rule) for every route with an int argument, GET and POST alike."""
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "int:" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator", role=Role.MODERATOR)


@pytest.fixture
def as_moderator(client, log_in, moderator):
    # A moderator gets past every route's permission check to the point where the id is read.
    log_in(moderator)
    return client


def test_there_are_routes_with_int_arguments(app):
    assert len(int_routes(app)) >= 15


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_every_route_answers_404_to_an_id_out_of_range(app, as_moderator, number):
    answers = {}
    for method, rule in int_routes(app):
        url = re.sub(r"<int:\w+>", number, rule)
        response = as_moderator.open(url, method=method, data={})
        answers[f"{method} {url}"] = response.status_code
    assert {url: status for url, status in answers.items() if status != 404} == {}


def test_an_id_in_range_still_finds_its_object(client, post):
    assert client.get(f"/posts/{post.id}").status_code == 302
    assert client.get(f"/threads/{post.thread_id}").status_code == 200


def test_a_moderator_s_post_to_a_huge_id_changes_nothing(as_moderator, post, reader):
    flag = Flag(post=post, user=reader, reason=Reason.SPAM)
    db.session.add(flag)
    db.session.commit()

    response = as_moderator.post(f"/moderation/flags/{HUGE}/dismiss")

    assert response.status_code == 404
    assert db.session.get(Flag, flag.id).status == "open"


@pytest.fixture
def listings(thread, writer) -> list[str]:
    """Every paginated page."""
    return ["/", f"/threads/{thread.id}", f"/users/{writer.username}", "/moderation/log"]


@pytest.mark.parametrize("page, status", WRONG_PAGES.items())
def test_a_page_number_that_is_no_page_is_refused(as_moderator, listings, page, status):
    answers = {url: as_moderator.get(f"{url}?page={page}").status_code for url in listings}

    assert answers == dict.fromkeys(listings, status)


def test_an_admin_s_user_list_refuses_a_huge_page(client, log_in, make_user):
    log_in(make_user("admin", role=Role.ADMIN))

    assert client.get(f"/admin/users?page={HUGE}").status_code == 404
    assert client.get("/admin/users?page=-1").status_code == 400


def test_no_page_number_is_the_first_page(as_moderator, listings):
    # A page past the last is no page on the front page and profiles: test_listing_pages.py.
    for url in listings:
        assert as_moderator.get(f"{url}?page=").status_code == 200
        assert as_moderator.get(f"{url}?page=1").status_code == 200


def test_a_refused_page_number_says_why(client, thread):
    response = client.get(f"/threads/{thread.id}?page=-1")

    assert response.status_code == 400
    assert "The page number must be a whole number from 1 up." in response.text
