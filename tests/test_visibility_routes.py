"""Who sees a post's text, on every route that takes a post id, in every state of the post.

The rule (forum/permissions.py): a published post's text is for everyone; a hidden post's for
its author and the moderators (others see the placeholder); a held or rejected post is for its
author and the moderators only (others get a 404); a deleted post's text is for nobody.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostStatus, Role, Thread, User, utcnow
from forum.services.account_data import export_user_data
from forum.services.posts import Contribution, add_contribution, add_reply

VIEWERS = ["visitor", "reader", "author", "moderator"]
STATES = ["published", "hidden", "held", "rejected", "deleted"]
STAFF = {"author", "moderator"}
_markers = itertools.count(1)


def sees_text(viewer: str, state: str) -> bool:
    if state == "published":
        return True
    return state != "deleted" and viewer in STAFF


def finds_post(viewer: str, state: str) -> bool:
    """Held and rejected posts are not there for anyone but their author and the moderators."""
    return state not in ("held", "rejected") or viewer in STAFF


@dataclass(frozen=True)
class Route:
    """How a route taking a post id is called, and whether its page is one that shows the post
    to this viewer (a page that shows it must show the text exactly to those who may see it)."""

    method: str
    data: dict[str, str] | None = None
    shows_to: frozenset[str] = frozenset()
    login: bool = True  # visitors are sent to log in
    moderators_only: bool = False  # others get a 403 whatever the post


def moderators(data: dict[str, str] | None = None) -> Route:
    return Route("POST", data or {}, moderators_only=True)


LOGGED_IN = frozenset({"reader", "author", "moderator"})
# Every (endpoint, method) whose URL takes a post id. The POSTs send what fails validation or
# does no harm, so that a page which re-shows the post (a rejected form) is the one checked.
ROUTES: dict[tuple[str, str], Route] = {
    ("threads.permalink", "GET"): Route("GET", shows_to=frozenset(VIEWERS), login=False),
    ("threads.compose_reply", "GET"): Route("GET", shows_to=LOGGED_IN),
    ("threads.reply", "POST"): Route("POST", {"body": ""}),
    ("threads.edit", "GET"): Route("GET", shows_to=frozenset({"author"})),
    ("threads.edit", "POST"): Route("POST", {"stance": "agree", "body": ""}),
    ("threads.delete", "GET"): Route("GET", shows_to=frozenset({"author"})),
    ("threads.delete", "POST"): Route("POST", {}),
    ("threads.undo_delete", "POST"): Route("POST", {}),
    ("threads.history", "GET"): Route("GET", shows_to=frozenset(VIEWERS), login=False),
    ("desk.pass_challenge", "POST"): Route("POST", {}),
    ("moderation.flag", "GET"): Route("GET", shows_to=LOGGED_IN),
    ("moderation.flag", "POST"): Route("POST", {"reason": ""}),
    ("votes.vote", "POST"): Route("POST", {"value": "1"}),
    ("moderation.hide", "POST"): moderators({"reason": ""}),
    ("moderation.restore", "POST"): moderators(),
    ("moderation.feature", "POST"): moderators(),
    ("moderation.unfeature", "POST"): moderators(),
    ("moderation.approve", "POST"): moderators(),
    ("moderation.reject", "POST"): moderators({"reason": ""}),
}


def post_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if "post_id" in rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_taking_a_post_id_is_classified(app):
    missing = post_routes(app) - ROUTES.keys()
    assert not missing, f"classify these routes in ROUTES: {sorted(missing)}"
    assert not ROUTES.keys() - post_routes(app)


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator", role=Role.MODERATOR)


@pytest.fixture
def post_in(make_thread, article, writer) -> Callable[[str], Post]:
    """A contribution by the writer in the given state, alone in a thread of its own, with a
    marker in its text that nothing else on any page contains."""

    def make(state: str) -> Post:
        thread = make_thread(article=article, title=f"Thread for a {state} post")
        marker = f"Secretmarker{next(_markers)}x"
        post = add_contribution(thread, writer, Contribution("agree", f"The {marker} text."))
        post.marker = marker
        if state == "hidden":
            post.hidden, post.moderation_reason = True, "spam"
        elif state in ("held", "rejected"):
            post.status = PostStatus(state)
            post.moderation_reason = "spam" if state == "rejected" else None
        elif state == "deleted":
            # The text is left in place, as old data or a later way of deleting might leave
            # it: the rule, not the blanking on delete, must keep it from everyone.
            post.deleted_at = utcnow()
        db.session.commit()
        return post

    return make


def visit(client, endpoint: str, route: Route, post: Post):
    url = {
        "threads.permalink": f"/posts/{post.id}",
        "threads.compose_reply": f"/posts/{post.id}/reply",
        "threads.reply": f"/posts/{post.id}/replies",
        "threads.edit": f"/posts/{post.id}/edit",
        "threads.delete": f"/posts/{post.id}/delete",
        "threads.undo_delete": f"/posts/{post.id}/undo-delete",
        "threads.history": f"/posts/{post.id}/history",
        "moderation.flag": f"/posts/{post.id}/flag",
        "desk.pass_challenge": f"/author/challenges/{post.id}/pass",
        "votes.vote": f"/posts/{post.id}/vote",
    }.get(endpoint) or f"/moderation/posts/{post.id}/{endpoint.removeprefix('moderation.')}"
    if route.method == "GET":
        return client.get(url, follow_redirects=True)
    return client.post(url, data=route.data)


def check(client, viewer: str, endpoint: str, route: Route, post: Post, state: str) -> list[str]:
    """What is wrong with what this route answers this viewer about a post in this state."""
    response = visit(client, endpoint, route, post)
    shown = post.marker in response.text
    wrong = []
    if response.status_code >= 500:
        wrong.append(f"{response.status_code}")
    if shown and not sees_text(viewer, state):
        wrong.append("text shown")
    if not shown and sees_text(viewer, state) and viewer in route.shows_to:
        wrong.append("text not shown")
    if viewer == "visitor" and route.login:
        return wrong
    if route.moderators_only and viewer != "moderator":
        if response.status_code != 403:
            wrong.append(f"{response.status_code}, not 403")
    elif not finds_post(viewer, state) and response.status_code != 404:
        wrong.append(f"{response.status_code}, not 404")
    elif finds_post(viewer, state) and response.status_code == 404:
        wrong.append("404 for someone who may see the post")
    return wrong


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_post_s_text_is_shown_exactly_to_those_who_may_see_it(
    client, log_in, reader, writer, moderator, post_in, viewer
):
    if viewer != "visitor":
        log_in({"reader": reader, "author": writer, "moderator": moderator}[viewer])
    wrong = [
        f"{method} {endpoint}, {state} post: {problem}"
        for (endpoint, method), route in sorted(ROUTES.items())
        for state in STATES
        for problem in check(client, viewer, endpoint, route, post_in(state), state)
    ]
    assert not wrong, f"as {viewer}:\n" + "\n".join(wrong)


# The permalink counts what the viewer's thread page shows.


def test_the_permalink_skips_held_posts_a_visitor_does_not_see(
    app, client, thread, make_user, writer
):
    app.config["POSTS_PER_PAGE"] = 5
    holder = make_user()
    for number in range(5):
        make_post_held = add_contribution(thread, holder, Contribution("agree", f"Held {number}."))
        make_post_held.status = PostStatus.HELD
    db.session.commit()
    published = add_contribution(thread, writer, Contribution("agree", "Published."))

    response = client.get(f"/posts/{published.id}")

    assert response.status_code == 302
    assert response.location == f"/threads/{thread.id}?sort=old#post-{published.id}"
    assert f'id="post-{published.id}"' in client.get(response.location).text


def test_the_permalink_counts_the_held_posts_their_author_sees(
    app, client, log_in, thread, make_user, writer
):
    app.config["POSTS_PER_PAGE"] = 5
    for number in range(5):
        held = add_contribution(thread, writer, Contribution("agree", f"Held {number}."))
        held.status = PostStatus.HELD
    db.session.commit()
    published = add_contribution(thread, make_user(), Contribution("agree", "Published."))
    log_in(writer)

    response = client.get(f"/posts/{published.id}")

    assert response.location == f"/threads/{thread.id}?sort=old&page=2#post-{published.id}"
    assert f'id="post-{published.id}"' in client.get(response.location).text


def test_the_permalink_of_posts_written_at_the_same_moment_finds_each(
    app, client, thread, make_post
):
    app.config["POSTS_PER_PAGE"] = 2
    moment = utcnow()
    posts = [make_post(thread=thread, created_at=moment) for _ in range(3)]

    for post in posts:
        location = client.get(f"/posts/{post.id}").location
        assert f'id="post-{post.id}"' in client.get(location).text


def test_a_reply_under_a_contribution_held_again_is_not_found_by_others(
    client, log_in, thread, writer, reader, make_user
):
    contribution = add_contribution(thread, writer, Contribution("agree", "Fine at first."))
    reply = add_reply(contribution, make_user(), "Secretreplymarker under it.")
    contribution.status = PostStatus.HELD
    db.session.commit()
    log_in(reader)

    assert client.get(f"/posts/{reply.id}").status_code == 404
    assert client.get(f"/posts/{reply.id}/flag").status_code == 404


# The feed, the profile and the data export: lists, not routes with a post id.


def posts_in_every_state(thread: Thread, writer: User, replier: User) -> dict[str, Post]:
    posts = {}
    for state in STATES:
        post = add_contribution(thread, writer, Contribution("agree", f"Marker{state}z text."))
        posts[state] = post
    held_parent = add_contribution(thread, writer, Contribution("agree", "Later held."))
    posts["reply_under_held"] = add_reply(held_parent, replier, "Markerreplyunderheldz.")
    posts["hidden"].hidden, posts["hidden"].moderation_reason = True, "spam"
    posts["held"].status = PostStatus.HELD
    posts["rejected"].status = PostStatus.REJECTED
    posts["deleted"].deleted_at = utcnow()
    held_parent.status = PostStatus.HELD
    db.session.commit()
    return posts


def test_the_feed_carries_only_text_everyone_may_see(client, article, thread, writer, make_user):
    posts_in_every_state(thread, writer, make_user())

    feed = client.get(f"/articles/{article.slug}/feed.atom").text

    assert "Markerpublishedz" in feed
    for hidden in ("hidden", "held", "rejected", "deleted", "replyunderheld"):
        assert f"Marker{hidden}z" not in feed


def test_a_profile_lists_only_text_everyone_may_see(client, thread, writer, make_user):
    replier = make_user("replier")
    posts_in_every_state(thread, writer, replier)

    assert "Markerpublishedz" in client.get(f"/users/{writer.username}").text
    assert "Markerreplyunderheldz" not in client.get(f"/users/{replier.username}").text


def test_the_export_names_a_hidden_post_s_author_only_where_its_text_is_shown(
    thread, make_user, writer
):
    contribution = add_contribution(thread, writer, Contribution("agree", "Soon hidden."))
    replier = make_user()
    add_reply(contribution, replier, "An answer.")
    assert export_user_data(replier)["posts"][0]["in_reply_to"] == "writer"
    contribution.hidden = True
    db.session.commit()

    exported = export_user_data(replier)["posts"][0]

    assert exported["in_reply_to"] is None
    assert exported["body"] == "An answer."


def test_the_export_keeps_the_user_s_own_text_in_every_state_but_deleted(thread, writer, app):
    posts_in_every_state(thread, writer, writer)

    bodies = {post["id"]: post["body"] for post in export_user_data(writer)["posts"]}

    stored = db.session.scalars(select(Post).where(Post.author_id == writer.id)).all()
    for post in stored:
        assert bodies[post.id] == ("" if post.is_deleted else post.body)
