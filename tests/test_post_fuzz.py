"""Bodies of every shape and content type thrown at every POST route: a 4xx, never a 5xx.

No route takes JSON: the site's own script sends form data (FormData) with an Accept header
asking for JSON back. A JSON or other body is refused with 415 before any form reads it.
"""

import io
import re

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from forum.extensions import db
from forum.models import Flag, Notification, Post, Reason, Role, User
from forum.services.posts import Contribution, add_contribution, add_reply

FUZZ = settings(
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def field_names() -> list[str]:
    """The name of every field of every form of the site, so bodies hit real fields."""
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names |= {
            name
            for klass in form.__mro__
            for name, value in vars(klass).items()
            if isinstance(value, UnboundField)
        }
    return sorted(names)


def texts(max_size: int = 30):
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)


def json_values():
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts()
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts(5), inner, max_size=3),
        max_leaves=6,
    )


def bodies(names: list[str]):
    """(content type, body): form data as browsers send it, or JSON of any shape."""
    keys = st.sampled_from(names) | texts(10)
    form = st.dictionaries(keys, texts() | st.lists(texts(), max_size=3), max_size=6)
    json = st.dictionaries(keys, json_values(), max_size=6) | json_values()
    return st.one_of(
        st.tuples(st.sampled_from(["urlencoded", "multipart"]), form),
        st.tuples(st.just("json"), json),
    )


def send(client, method: str, url: str, kind: str, body):
    headers = {"Accept": "application/json"} if kind == "json" else {}
    if kind == "json":
        return client.open(url, method=method, json=body, headers=headers)
    if kind == "multipart":
        return client.open(url, method=method, data=body, content_type="multipart/form-data")
    return client.open(url, method=method, data=body)


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator", role=Role.MODERATOR)


@pytest.fixture
def objects(thread, writer, reader, article) -> dict[str, str]:
    """A real object for each kind of id or name a URL takes."""
    post = add_contribution(thread, writer, Contribution("agree", "A point to fuzz."))
    flag = Flag(post=post, user=reader, reason=Reason.SPAM)
    db.session.add(flag)
    db.session.commit()
    # The reader is told of an answer to them.
    answered = add_contribution(thread, reader, Contribution("disagree", "The reader's point."))
    add_reply(answered, writer, "An answer to the reader.")
    told = db.session.scalar(select(Notification.id).where(Notification.user_id == reader.id))
    return {
        "post_id": str(post.id),
        "thread_id": str(thread.id),
        "flag_id": str(flag.id),
        "notification_id": str(told),
        "slug": article.slug,
        "username": writer.username,
        "token": "not-a-valid-token",
        # The first login session: the one the test's own log_in opens.
        "session_id": "1",
    }


def post_routes(app: Flask) -> list[Rule]:
    # Logging out last, so the other routes are fuzzed logged in.
    rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    return sorted(rules, key=lambda rule: (rule.endpoint == "auth.logout", rule.rule))


def url_for_rule(rule: Rule, objects: dict[str, str]) -> str:
    unknown = rule.arguments - objects.keys()
    assert not unknown, f"give {rule.rule} a real object for {unknown} in `objects`"
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda found: objects[found[1]], rule.rule)


def fuzz(client, url: str, names: list[str]) -> list[str]:
    """Throw generated bodies at one URL; what ended in a server error."""
    failures: list[str] = []

    @FUZZ
    @given(sent=bodies(names))
    @example(sent=("json", {"stance": "agree", "body": {"$gt": ""}}))
    @example(sent=("json", ["body"]))
    @example(sent=("multipart", {"body": "x"}))
    def throw(sent):
        kind, body = sent
        try:
            status = send(client, "POST", url, kind, body).status_code
        except Exception as error:  # tests propagate what would be a 500
            status = f"500 ({error!r})"
        if not isinstance(status, int) or status >= 500:
            failures.append(f"POST {url} {kind} {body!r}: {status}")

    throw()
    return failures


@pytest.mark.parametrize("role", ["reader", "moderator"])
def test_no_body_sent_to_any_post_route_ends_in_a_server_error(
    app, client, log_in, reader, moderator, objects, role
):
    user = {"reader": reader, "moderator": moderator}[role]
    names = field_names()
    failures: list[str] = []
    for rule in post_routes(app):
        log_in(user)  # back in, should a body have logged the user out
        failures += fuzz(client, url_for_rule(rule, objects), names)
    assert not failures, "\n".join(failures[:20])


def test_a_json_object_body_is_refused_with_415_and_says_what_it_takes(as_reader, thread):
    response = as_reader.post(
        f"/threads/{thread.id}/posts", json={"stance": "agree", "body": {"$gt": ""}}
    )

    assert response.status_code == 415
    assert "This address takes form data" in response.text
    assert db.session.query(Post).count() == 0


def test_a_json_body_is_refused_as_json_to_a_script(as_reader, post):
    response = as_reader.post(
        f"/posts/{post.id}/vote", json={"value": 1}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 415
    assert response.get_json()["status"] == 415


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/json"])
def test_a_body_of_another_type_is_refused_with_415(as_reader, thread, content_type):
    response = as_reader.post(
        f"/threads/{thread.id}/posts", data="stance=agree&body=Hi", content_type=content_type
    )

    assert response.status_code == 415


def test_a_file_where_a_form_has_text_is_refused(as_reader, thread):
    response = as_reader.post(
        f"/threads/{thread.id}/posts",
        data={"stance": "agree", "body": (io.BytesIO(b"A file."), "body.txt")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "This form takes no files" in response.text
    assert db.session.query(Post).count() == 0


def test_the_site_s_own_requests_still_work(as_reader, post, thread):
    """Form data with Accept: application/json, as forum.js sends it, and plain forms."""
    vote = as_reader.post(
        f"/posts/{post.id}/vote",
        data={"value": "1"},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    preview = as_reader.post(
        "/preview", data={"body": "*Hi*"}, headers={"Accept": "application/json"}
    )
    contribution = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "Hello there."}
    )

    assert vote.status_code == 200
    assert preview.get_json() == {"html": "<p><em>Hi</em></p>\n"}
    assert contribution.status_code == 302
