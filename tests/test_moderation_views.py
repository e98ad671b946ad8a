"""Flagging, the moderators' queue, actions, log and settings, and the admins' roles via HTTP."""

from datetime import timedelta

import pytest
from flask import render_template_string
from sqlalchemy import event, func, select

from forum.extensions import db
from forum.models import Action, AuditEntry, Flag, FlagStatus, PostStatus, Role, utcnow
from forum.services import moderation


@pytest.fixture
def moderator(make_user):
    return make_user("mod", role=Role.MODERATOR)


@pytest.fixture
def admin(make_user):
    return make_user("boss", role=Role.ADMIN)


@pytest.fixture
def as_moderator(client, moderator, log_in):
    log_in(moderator)
    return client


@pytest.fixture
def post(make_post, thread):
    return make_post(thread=thread, body="A strong claim.")


def count_flags() -> int:
    return db.session.scalar(select(func.count()).select_from(Flag))


def entries(action: Action) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_reader_flags_a_post_and_returns_to_it(as_reader, reader, post):
    response = as_reader.post(
        f"/posts/{post.id}/flag",
        data={"reason": "spam", "details": "", "next": f"/threads/{post.thread_id}"},
        follow_redirects=False,
    )

    assert response.status_code == 302
    assert response.location == f"/threads/{post.thread_id}#post-{post.id}"
    flag = db.session.scalar(select(Flag))
    assert (flag.post_id, flag.user_id, flag.reason) == (post.id, reader.id, "spam")
    with as_reader.session_transaction() as session:
        messages = [message for _category, message in session["_flashes"]]
    assert "Thank you. The moderators will look at it." in messages


def test_flag_answers_json_and_refuses_a_second_open_flag(as_reader, post):
    json = {"Accept": "application/json"}

    first = as_reader.post(f"/posts/{post.id}/flag", data={"reason": "abusive"}, headers=json)
    second = as_reader.post(f"/posts/{post.id}/flag", data={"reason": "spam"}, headers=json)

    assert first.get_json() == {"flagged": True}
    assert second.status_code == 422
    assert count_flags() == 1


def test_flag_with_an_unknown_reason_is_refused(as_reader, post):
    response = as_reader.post(f"/posts/{post.id}/flag", data={"reason": "boring"})

    assert response.status_code == 422
    assert count_flags() == 0


def test_visitor_flagging_is_sent_to_log_in(client, post):
    response = client.post(f"/posts/{post.id}/flag", data={"reason": "spam"})

    assert response.status_code == 302
    assert "/auth/login" in response.location


@pytest.mark.parametrize(
    "url", ["/moderation", "/moderation/log", "/moderation/settings", "/moderation/users/reader"]
)
def test_moderation_pages_are_refused_to_readers_and_visitors(client, reader, log_in, url):
    assert "/auth/login" in client.get(url).location
    log_in(reader)
    assert client.get(url).status_code == 403


def test_reader_cannot_hide(as_reader, post):
    response = as_reader.post(f"/moderation/posts/{post.id}/hide", data={"reason": "spam"})

    assert response.status_code == 403
    db.session.expire_all()
    assert not post.hidden


def test_queue_lists_flagged_held_and_hidden_posts(
    as_moderator, post, make_post, thread, make_user
):
    for _ in range(2):
        moderation.flag_post(post, make_user(), "spam", "Buy now")
    held = make_post(thread=thread, body="Waiting.", status=PostStatus.HELD)
    hidden = make_post(thread=thread, body="Gone.", hidden=True, moderation_reason="abusive")

    text = as_moderator.get("/moderation").text

    assert text.count("Buy now") == 2
    assert f"/moderation/posts/{held.id}/approve" in text
    assert f"/moderation/posts/{hidden.id}/restore" in text
    assert "Employer branding" in text


def test_moderator_hides_a_post_with_a_reason(as_moderator, moderator, post, make_user):
    moderation.flag_post(post, make_user(), "abusive")

    response = as_moderator.post(
        f"/moderation/posts/{post.id}/hide",
        data={"reason": "abusive", "note": "Insults", "thread_id": post.thread_id},
    )

    assert response.status_code == 302
    assert response.location == f"/posts/{post.id}#post-{post.id}"
    db.session.expire_all()
    assert post.hidden and post.moderation_reason == "abusive"
    assert db.session.scalar(select(Flag.status)) == FlagStatus.RESOLVED
    [entry] = entries(Action.HIDE)
    assert (entry.actor_id, entry.post_id, entry.reason) == (
        moderator.id,
        post.id,
        "abusive: Insults",
    )


def test_acting_through_another_thread_is_refused(as_moderator, post, make_thread, article):
    other = make_thread(article=article, title="Another question")

    response = as_moderator.post(
        f"/moderation/posts/{post.id}/hide", data={"reason": "spam", "thread_id": other.id}
    )

    assert response.status_code == 404
    db.session.expire_all()
    assert not post.hidden
    assert entries(Action.HIDE) == []


@pytest.mark.parametrize(
    ("action", "fields", "expected"),
    [
        ("restore", {"hidden": True, "moderation_reason": "spam"}, Action.RESTORE),
        ("feature", {}, Action.FEATURE),
        ("unfeature", {"featured": True}, Action.UNFEATURE),
        ("approve", {"status": PostStatus.HELD}, Action.APPROVE),
        ("reject", {"status": PostStatus.HELD}, Action.REJECT),
    ],
)
def test_post_actions(as_moderator, moderator, make_post, thread, action, fields, expected):
    target = make_post(thread=thread, **fields)

    response = as_moderator.post(
        f"/moderation/posts/{target.id}/{action}",
        data={"reason": "duplicate", "thread_id": thread.id, "next": "/moderation"},
    )

    assert response.status_code == 302
    assert response.location.startswith("/moderation")
    [entry] = entries(expected)
    assert (entry.actor_id, entry.post_id) == (moderator.id, target.id)


def test_service_errors_become_4xx(as_moderator, post):
    response = as_moderator.post(f"/moderation/posts/{post.id}/approve")

    assert response.status_code == 422
    assert "not waiting for a moderator" in response.text


def test_moderator_dismisses_a_flag(as_moderator, moderator, post, make_user, make_thread):
    flag = moderation.flag_post(post, make_user(), "spam")
    other = make_thread(article=post.thread.article)

    refused = as_moderator.post(
        f"/moderation/flags/{flag.id}/dismiss", data={"thread_id": other.id}
    )
    response = as_moderator.post(
        f"/moderation/flags/{flag.id}/dismiss", data={"thread_id": post.thread_id}
    )

    assert refused.status_code == 404
    assert response.location == "/moderation"
    db.session.expire_all()
    assert flag.status == FlagStatus.DISMISSED and not post.hidden
    assert entries(Action.DISMISS_FLAG)[0].actor_id == moderator.id


@pytest.mark.parametrize(
    ("action", "attribute", "value"),
    [("pin", "pinned", True), ("unpin", "pinned", False), ("lock", "locked", True)]
    + [("unlock", "locked", False)],
)
def test_thread_actions(as_moderator, moderator, thread, action, attribute, value):
    setattr(thread, attribute, not value)
    db.session.commit()

    response = as_moderator.post(f"/moderation/threads/{thread.id}/{action}")

    assert response.location == f"/threads/{thread.id}"
    db.session.expire_all()
    assert getattr(thread, attribute) is value
    assert entries(Action(action))[0].thread_id == thread.id


def test_repeating_an_action_is_refused_and_not_logged(as_moderator, thread):
    response = as_moderator.post(f"/moderation/threads/{thread.id}/unpin")
    assert response.status_code == 422
    assert entries(Action.UNPIN) == []


def test_close_and_reopen_an_article(as_moderator, article):
    closed = as_moderator.post(f"/moderation/articles/{article.slug}/close")
    db.session.expire_all()
    assert closed.location == f"/articles/{article.slug}" and not article.discussion_open

    as_moderator.post(f"/moderation/articles/{article.slug}/reopen")
    db.session.expire_all()
    assert article.discussion_open
    assert [e.article_id for e in entries(Action.CLOSE) + entries(Action.REOPEN)] == [
        article.id
    ] * 2


def test_suspend_ban_and_unban(as_moderator, reader):
    until = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    suspended = as_moderator.post(
        "/moderation/users/reader/suspend", data={"until": until, "reason": "Cool off"}
    )
    db.session.expire_all()
    assert suspended.location == "/moderation/users/reader"
    assert reader.suspended_until is not None and reader.sanction_reason == "Cool off"

    as_moderator.post("/moderation/users/reader/ban", data={"reason": "Spam"})
    db.session.expire_all()
    assert reader.banned

    as_moderator.post("/moderation/users/reader/unban", data={"reason": "Appeal"})
    db.session.expire_all()
    assert not reader.banned and reader.suspended_until is None
    assert [len(entries(a)) for a in (Action.SUSPEND, Action.BAN, Action.UNBAN)] == [1, 1, 1]


def test_suspension_in_the_past_is_shown_on_the_user_page(as_moderator, reader):
    response = as_moderator.post(
        "/moderation/users/reader/suspend", data={"until": "2001-01-01T10:00", "reason": "x"}
    )

    assert response.status_code == 422
    assert "Choose a time in the future." in response.text
    db.session.expire_all()
    assert reader.suspended_until is None


def test_user_page_shows_the_state(as_moderator, make_user):
    make_user("troll", banned=True, sanction_reason="Spam links")

    response = as_moderator.get("/moderation/users/troll")

    assert response.status_code == 200
    assert "Banned: Spam links" in response.text


def test_settings_are_saved_and_logged(as_moderator, moderator):
    assert as_moderator.get("/moderation/settings").status_code == 200

    response = as_moderator.post(
        "/moderation/settings",
        data={"hold_first": "2", "watched": "crypto\nCasino", "blocked": "idiot"},
    )

    assert response.location == "/moderation/settings"
    page = as_moderator.get("/moderation/settings").text
    assert "casino" in page and 'value="2"' in page
    assert entries(Action.CHANGE_SETTINGS)[0].actor_id == moderator.id


def test_settings_out_of_range_keep_the_form(as_moderator):
    response = as_moderator.post(
        "/moderation/settings", data={"hold_first": "5000", "watched": "keep me"}
    )

    assert response.status_code == 422
    assert "keep me" in response.text
    assert entries(Action.CHANGE_SETTINGS) == []


def test_log_filters(as_moderator, moderator, make_user, thread, make_article):
    other_mod = make_user("other", role=Role.MODERATOR)
    moderation.set_thread_state(thread, moderator, Action.LOCK)
    moderation.set_thread_state(thread, other_mod, Action.PIN)
    elsewhere = make_article(title="Elsewhere", slug="elsewhere")
    moderation.set_discussion_open(elsewhere, moderator, False)

    def rows(query: str) -> list[str]:
        text = as_moderator.get(f"/moderation/log{query}").text
        return [part.split('"', 1)[0] for part in text.split('data-action="')[1:]]

    assert rows("") == ["close", "pin", "lock"]
    assert rows("?moderator=mod") == ["close", "lock"]
    assert rows("?action=pin") == ["pin"]
    assert rows("?article=employer-branding&moderator=mod") == ["lock"]
    for bad in ("?moderator=nobody", "?action=explode", "?article=missing"):
        assert as_moderator.get(f"/moderation/log{bad}").status_code == 400


def test_admin_changes_a_role_and_it_is_logged(client, admin, reader, log_in):
    log_in(admin)

    listing = client.get("/admin/users?q=READ")
    response = client.post("/admin/users/reader/role", data={"role": "author"})

    assert listing.status_code == 200 and 'data-username="reader"' in listing.text
    assert 'data-username="boss"' not in listing.text
    assert response.status_code == 302
    db.session.expire_all()
    assert reader.role == Role.AUTHOR
    [entry] = entries(Action.CHANGE_ROLE)
    assert (entry.actor_id, entry.target_user_id, entry.reason) == (
        admin.id,
        reader.id,
        "reader → author",
    )


def test_search_treats_wildcards_literally(client, admin, make_user, log_in):
    make_user("plain")
    log_in(admin)

    text = client.get("/admin/users?q=%25").text

    assert 'data-username="plain"' not in text


def test_moderator_cannot_change_roles(as_moderator, reader):
    assert as_moderator.get("/admin/users").status_code == 403
    assert as_moderator.post("/admin/users/reader/role", data={"role": "admin"}).status_code == 403
    db.session.expire_all()
    assert reader.role == Role.READER


def test_the_flag_page_keeps_the_text_of_a_refused_flag(as_reader, post):
    page = as_reader.get(f"/posts/{post.id}/flag")
    assert page.status_code == 200 and 'name="reason"' in page.text

    refused = as_reader.post(f"/posts/{post.id}/flag", data={"reason": "other", "details": ""})
    assert refused.status_code == 422
    assert "Say what the problem is." in refused.text


def test_macros_render_without_the_template_context(app, moderator, post, thread, article):
    source = (
        "{% from '_macros/moderation.html' import post_tools, thread_tools, article_tools,"
        " flag_form, reason_label %}"
        "{{ post_tools(post, 2) }}{{ thread_tools(thread) }}{{ article_tools(article) }}"
        "{{ flag_form(post, False) }}|{{ flag_form(post, True) }}|{{ reason_label('off_topic') }}"
    )
    with app.test_request_context(f"/threads/{thread.id}?sort=new"):
        html = render_template_string(source, post=post, thread=thread, article=article)

    tools, flagged, label = html.split("|")
    assert '<details class="mod-tools">' in tools and "2 open flags" in tools
    assert f'name="thread_id" value="{thread.id}"' in tools
    assert f'name="next" value="/threads/{thread.id}?sort=new"' in tools
    for action in ("hide", "feature"):
        assert f'action="/moderation/posts/{post.id}/{action}"' in tools
    assert "/approve" not in tools and "/restore" not in tools
    assert f"/moderation/threads/{thread.id}/pin" in tools
    assert f"/moderation/articles/{article.slug}/close" in tools
    assert f'href="/posts/{post.id}/flag?next=' in tools
    assert "You flagged this post." in flagged
    assert label == "Off topic"


def test_log_links_to_what_still_exists(as_moderator, moderator, post, reader):
    moderation.hide_post(post, moderator, "spam")
    moderation.ban_user(reader, moderator, "Spam")

    text = as_moderator.get("/moderation/log").text

    assert f'href="/posts/{post.id}"' in text
    assert 'href="/moderation/users/reader"' in text
    # The hide's reason code and the ban's typed reason, both in the words the forms use.
    assert text.count("<td>Spam</td>") == 2


def test_queue_takes_the_same_number_of_statements_however_long(
    as_moderator, make_post, make_thread, make_user
):
    def statements() -> int:
        seen: list[str] = []

        def listener(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert as_moderator.get("/moderation").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    def add_items() -> None:
        thread = make_thread()
        flagged = make_post(thread=thread)
        moderation.flag_post(flagged, make_user(), "spam")
        make_post(thread=thread, status=PostStatus.HELD)
        make_post(thread=thread, hidden=True, moderation_reason="spam")

    add_items()
    few = statements()
    for _ in range(5):
        add_items()
    assert statements() == few
