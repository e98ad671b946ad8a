"""User-supplied text is shown escaped wherever it appears, and never run as a template.

Each test plants a hostile text through the form a user would use (directly where the form is
not the point), then reads every page that shows it. On each page no element, attribute or
script comes from the text, the text itself is shown literally, and `{{7*7}}` never becomes 49.
"""

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from forum.extensions import db, mail
from forum.models import Article, Flag, Post, PostStatus, Reason, Role, Thread, ThreadOrigin, User
from forum.services.votes import cast_vote

# The password of every user the conftest factories make.
PASSWORD = "correct horse battery"
MARKUP = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
TEMPLATE = "x{{7*7}}y"
HOSTILE = f"{MARKUP} {TEMPLATE}"
# A valid web address (no spaces) that would break out of an href if it were not escaped.
HOSTILE_URL = (
    "https://example.org/\"'><script>alert(1)</script><img/src=x/onerror=alert(2)>x{{7*7}}y"
)
# A tag has at most 40 characters, so the markup goes in as three tags.
HOSTILE_TAGS = "<script>alert(1)</script>, <img src=x onerror=alert(2)>, x{{7*7}}y"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


class Parsed(HTMLParser):
    """A page's elements (tag, attributes) and text, character references resolved."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def shows(self, text: str) -> bool:
        """Whether the text appears literally, as text or as an attribute value."""
        values = (value or "" for _tag, attrs in self.elements for value in attrs.values())
        return text in "".join(self.texts) or any(text in value for value in values)


def assert_inert(page: str) -> Parsed:
    """Nothing in the page came from a hostile text: no script, handler or image, and no 49."""
    assert "<script>alert(1)" not in page
    assert "onerror=alert(2)>" not in page
    assert "x49y" not in page, "{{7*7}} was evaluated"
    parsed = Parsed(page)
    for tag, attrs in parsed.elements:
        assert tag != "img", attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), attrs
    return parsed


def assert_shown_escaped(page: str, text: str = HOSTILE) -> None:
    """The hostile text is on the page, as text: escaped, not interpreted."""
    parsed = assert_inert(page)
    assert ESCAPED_SCRIPT in page
    assert parsed.shows(text), "the hostile text is not on the page at all"


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.DOTALL).group(1)


def stored(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod", role=Role.MODERATOR)


@pytest.fixture
def admin(make_user) -> User:
    return make_user("boss", role=Role.ADMIN)


@pytest.fixture
def sign_in(app: Flask) -> Callable[[User], FlaskClient]:
    """A client of its own, logged in as the user through the login form."""
    clients: dict[int, FlaskClient] = {}

    def sign_in(user: User) -> FlaskClient:
        if user.id not in clients:
            client = app.test_client()
            response = client.post(
                "/auth/login", data={"username": user.username, "password": PASSWORD}
            )
            assert response.status_code == 302, response.text
            clients[user.id] = client
        return clients[user.id]

    return sign_in


@pytest.fixture
def people(reader, author, moderator, admin) -> dict[str, User | None]:
    return {"visitor": None, "reader": reader, "author": author, "moderator": moderator}


@pytest.fixture
def browse(app: Flask, sign_in, people) -> Callable[..., str]:
    """GET a page as one of `people` (by name) and hand back its HTML."""
    visitor = app.test_client()

    def browse(who: str, url: str, status: int = 200) -> str:
        user = people[who]
        response = (visitor if user is None else sign_in(user)).get(url)
        assert response.status_code == status, (who, url, response.status_code)
        return response.text

    return browse


def open_flag(post: Post, user: User) -> None:
    db.session.add(Flag(post=post, user=user, reason=Reason.SPAM))
    db.session.commit()


@pytest.fixture
def profiles(sign_in, reader, author, moderator, thread, make_post, make_thread) -> dict:
    """The reader sets a hostile profile through the form, the author's is set directly;
    the reader proposes a thread and disagrees (the author's desk), and is flagged (queue)."""
    response = sign_in(reader).post(
        "/account/profile",
        data={"display_name": HOSTILE, "bio": HOSTILE, "links": HOSTILE_URL, "locale": "en"},
    )
    assert response.status_code == 302, response.text
    assert stored(User, reader.id).display_name == HOSTILE
    author.display_name, author.bio, author.links = HOSTILE, HOSTILE, HOSTILE_URL
    db.session.commit()
    make_thread(article=thread.article, author=reader, origin=ThreadOrigin.READER, title="Why?")
    post = make_post(thread=thread, author=reader, stance="disagree", body="Not so.")
    open_flag(post, moderator)
    return {"thread": thread.id}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/users/reader"),
        ("visitor", "/users/author"),
        ("reader", "/account/profile"),
        ("visitor", "/"),
        ("visitor", "/articles/employer-branding"),
        ("visitor", "/threads/{thread}"),
        ("reader", "/threads/{thread}"),
        ("author", "/author"),
        ("moderator", "/moderation"),
    ],
)
def test_display_names_bios_and_links_are_escaped(browse, profiles, who, url):
    assert_shown_escaped(browse(who, url.format(**profiles)))


def test_profile_fields_are_escaped_each_in_their_place(browse, profiles):
    page = browse("visitor", "/users/reader")

    assert f"<h1>{escape(HOSTILE)}</h1>" in page
    assert f'<p class="bio">{escape(HOSTILE)}</p>' in page
    assert f'href="{escape(HOSTILE_URL)}"' in page
    assert f">{escape(HOSTILE_URL)}</a>" in page
    article = browse("visitor", "/articles/employer-branding")
    assert f"Proposed by {escape(HOSTILE)}" in article
    assert f'rel="author">{escape(HOSTILE)}</a>' in article
    form = browse("reader", "/account/profile")
    assert f'value="{escape(HOSTILE)}"' in form
    assert f"{escape(HOSTILE)}</textarea>" in form


def test_the_username_is_restricted_so_registration_refuses_markup(client):
    for username in (MARKUP, TEMPLATE, "a<b>c", 'a"b'):
        response = client.post(
            "/auth/register",
            data={
                "username": username,
                "email": "new@example.org",
                "password": "a long enough password",
                "password_confirm": "a long enough password",
            },
        )

        assert response.status_code == 422, username
        assert "3 to 30 characters: letters, digits, _ and -." in response.text
        assert_inert(response.text)
        assert db.session.scalar(select(User)) is None


def test_a_refused_username_is_shown_back_escaped(client):
    response = client.post(
        "/auth/register",
        data={
            "username": HOSTILE,
            "email": "new@example.org",
            "password": "a long enough password",
            "password_confirm": "a long enough password",
        },
    )

    assert response.status_code == 422
    assert_shown_escaped(response.text)
    assert db.session.scalar(select(User)) is None


@pytest.fixture
def proposed(sign_in, reader, author, moderator, article) -> dict:
    """The reader proposes a hostile thread and disagrees in it; it is flagged and pinned."""
    as_reader = sign_in(reader)
    response = as_reader.post(
        f"/articles/{article.slug}/threads/new", data={"title": HOSTILE, "description": HOSTILE}
    )
    assert response.status_code == 302, response.text
    thread = db.session.scalar(select(Thread).where(Thread.origin == ThreadOrigin.READER))
    assert (thread.title, thread.description) == (HOSTILE, HOSTILE)
    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "disagree", "body": "Not so."}
    )
    assert response.status_code == 302, response.text
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    open_flag(post, author)
    response = sign_in(moderator).post(
        f"/moderation/threads/{thread.id}/pin", data={"thread_id": str(thread.id)}
    )
    assert response.status_code == 302
    return {"thread": thread.id, "post": post.id}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/threads/{thread}"),
        ("visitor", "/articles/employer-branding"),
        ("visitor", "/users/reader"),
        ("reader", "/posts/{post}/edit"),
        ("author", "/author"),
        ("moderator", "/moderation"),
        ("moderator", "/moderation/log"),
    ],
)
def test_thread_titles_and_descriptions_are_escaped(browse, proposed, who, url):
    assert_shown_escaped(browse(who, url.format(**proposed)))


def test_the_thread_page_shows_title_and_description_escaped(browse, proposed):
    page = browse("visitor", f"/threads/{proposed['thread']}")

    assert f"<h1>{escape(HOSTILE)}</h1>" in page
    assert f"<p>{escape(HOSTILE)}</p>" in page
    assert escape(HOSTILE) in title_of(page)


@pytest.fixture
def hostile_article(sign_in, author, reader, moderator) -> dict:
    """The author publishes a hostile article through the editor; a post in its question
    thread is flagged (queue) and a moderator closes the discussion (log)."""
    response = sign_in(author).post(
        "/articles/new",
        data={
            "title": HOSTILE,
            "lede": HOSTILE,
            "body": HOSTILE,
            "questions": HOSTILE,
            "language": "en",
            "tags": HOSTILE_TAGS,
            "publish": "Publish",
        },
    )
    assert response.status_code == 302, response.text
    article = db.session.scalar(select(Article))
    assert (article.title, article.lede, article.body) == (HOSTILE, HOSTILE, HOSTILE)
    thread = db.session.scalar(select(Thread).where(Thread.article_id == article.id))
    assert thread.title == HOSTILE
    response = sign_in(reader).post(
        f"/threads/{thread.id}/posts", data={"stance": "disagree", "body": "Not so."}
    )
    assert response.status_code == 302, response.text
    open_flag(db.session.scalar(select(Post)), moderator)
    response = sign_in(moderator).post(f"/moderation/articles/{article.slug}/close")
    assert response.status_code == 302
    return {"slug": article.slug, "thread": thread.id}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/articles/{slug}"),
        ("visitor", "/"),
        ("visitor", "/threads/{thread}"),
        ("visitor", "/users/author"),
        ("author", "/author"),
        ("author", "/articles/{slug}/edit"),
        ("moderator", "/moderation"),
        ("moderator", "/moderation/log"),
    ],
)
def test_article_titles_ledes_bodies_and_questions_are_escaped(browse, hostile_article, who, url):
    assert_shown_escaped(browse(who, url.format(**hostile_article)))


def test_the_article_page_shows_every_field_escaped(browse, hostile_article):
    page = browse("visitor", f"/articles/{hostile_article['slug']}")

    assert f"<h1>{escape(HOSTILE)}</h1>" in page
    assert f'<p class="lede">{escape(HOSTILE)}</p>' in page
    body = re.search(r'<div class="article-body">(.*?)</div>', page, re.DOTALL).group(1)
    assert ESCAPED_SCRIPT in body
    assert Parsed(body).shows(HOSTILE)
    for tag in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", TEMPLATE):
        assert f"<li>{escape(tag)}</li>" in page
    assert escape(HOSTILE) in title_of(page)


def test_a_draft_title_is_escaped_in_the_authors_list(as_author):
    response = as_author.post(
        "/articles/new",
        data={"title": HOSTILE, "body": "Body.", "language": "en", "save": "Save"},
    )
    assert response.status_code == 302, response.text

    page = as_author.get("/").text
    assert f">{escape(HOSTILE)}</a>" in page
    assert_shown_escaped(page)


def test_the_article_preview_is_escaped(as_author):
    response = as_author.post(
        "/articles/new",
        data={
            "title": HOSTILE,
            "lede": HOSTILE,
            "body": HOSTILE,
            "questions": HOSTILE,
            "language": "en",
            "tags": HOSTILE_TAGS,
            "preview": "Preview",
        },
    )

    assert response.status_code == 200
    assert_shown_escaped(response.text)
    assert f"<h3>{escape(HOSTILE)}</h3>" in response.text
    assert db.session.scalar(select(Article)) is None


@pytest.fixture
def hostile_posts(sign_in, reader, author, moderator, thread, make_user) -> dict:
    """The reader posts a hostile agreement, example and reply through the forms; voted up
    enough for the summary to name them."""
    as_reader = sign_in(reader)
    for data in (
        {"stance": "agree", "body": HOSTILE},
        {
            "stance": "example",
            "body": HOSTILE,
            "organisation": HOSTILE,
            "channel": "linkedin",
            "source_url": HOSTILE_URL,
            "effect": "challenges",
        },
    ):
        response = as_reader.post(f"/threads/{thread.id}/posts", data=data)
        assert response.status_code == 302, response.text
    agreement, example = db.session.scalars(select(Post).order_by(Post.id)).all()
    assert (example.organisation, example.source_url) == (HOSTILE, HOSTILE_URL)
    response = as_reader.post(f"/posts/{agreement.id}/replies", data={"body": HOSTILE})
    assert response.status_code == 302, response.text
    reply = db.session.scalar(select(Post).where(Post.parent_id == agreement.id))
    open_flag(example, author)
    for voter in (make_user(f"voter{n}") for n in range(3)):
        cast_vote(agreement.id, voter, 1)
        cast_vote(example.id, voter, 1)
    return {
        "thread": thread.id,
        "agreement": agreement.id,
        "example": example.id,
        "reply": reply.id,
    }


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/threads/{thread}"),
        ("reader", "/threads/{thread}"),
        ("moderator", "/threads/{thread}"),
        ("visitor", "/articles/employer-branding"),
        ("visitor", "/users/reader"),
        ("author", "/author"),
        ("moderator", "/moderation"),
        ("reader", "/posts/{agreement}/edit"),
        ("reader", "/posts/{example}/edit"),
        ("reader", "/posts/{reply}/edit"),
    ],
)
def test_post_bodies_and_example_facts_are_escaped(browse, hostile_posts, who, url):
    assert_shown_escaped(browse(who, url.format(**hostile_posts)))


def test_markdown_shows_raw_html_as_text(browse, hostile_posts):
    page = browse("visitor", f"/threads/{hostile_posts['thread']}")

    bodies = re.findall(r'<div class="post-body">(.*?)</div>', page, re.DOTALL)
    assert len(bodies) == 3
    for body in bodies:
        assert ESCAPED_SCRIPT in body
        assert Parsed(body).shows(HOSTILE)
        assert [tag for tag, _attrs in Parsed(body).elements] == ["p"]


def test_the_example_facts_are_escaped_in_their_place(browse, hostile_posts):
    page = browse("visitor", f"/threads/{hostile_posts['thread']}")

    assert f"<dd>{escape(HOSTILE)}</dd>" in page
    assert f'<a href="{escape(HOSTILE_URL)}" rel="nofollow ugc noopener">' in page


def test_the_live_preview_escapes_raw_html(as_reader):
    response = as_reader.post("/preview", data={"body": HOSTILE})

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert_shown_escaped(response.json["html"])


def test_flag_details_are_escaped_on_the_moderation_queue(
    sign_in, browse, reader, moderator, thread, make_post
):
    post = make_post(thread=thread, body="A strong claim.")
    response = sign_in(reader).post(
        f"/posts/{post.id}/flag", data={"reason": "other", "details": HOSTILE}
    )
    assert response.status_code == 302

    assert db.session.scalar(select(Flag.details)) == HOSTILE
    page = browse("moderator", "/moderation")
    assert f": {escape(HOSTILE)}" in page
    assert_shown_escaped(page)


@pytest.fixture
def hidden_post(sign_in, reader, moderator, thread, make_post) -> dict:
    """The reader's post, hidden by a moderator with a hostile note through the form."""
    post = make_post(thread=thread, author=reader, body="My point.")
    response = sign_in(moderator).post(
        f"/moderation/posts/{post.id}/hide",
        data={"reason": "other", "note": HOSTILE, "thread_id": str(thread.id)},
    )
    assert response.status_code == 302
    assert stored(Post, post.id).moderation_note == HOSTILE
    return {"thread": thread.id}


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("reader", "/threads/{thread}"),  # the post's author: "Hidden by a moderator: …"
        ("visitor", "/threads/{thread}"),  # everyone else: the placeholder with the reason
        ("author", "/threads/{thread}"),
        ("moderator", "/moderation"),
        ("moderator", "/moderation/log"),
        ("moderator", "/moderation/users/reader"),
    ],
)
def test_hide_notes_are_escaped(browse, hidden_post, who, url):
    assert_shown_escaped(browse(who, url.format(**hidden_post)))


def test_a_rejection_note_is_escaped_for_the_author_of_the_post(
    sign_in, browse, reader, moderator, make_article, make_thread
):
    thread = make_thread(article=make_article(hold_posts=True))
    response = sign_in(reader).post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "My point."}
    )
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    assert post.status == PostStatus.HELD
    response = sign_in(moderator).post(
        f"/moderation/posts/{post.id}/reject", data={"reason": "other", "note": HOSTILE}
    )
    assert response.status_code == 302

    page = browse("reader", f"/threads/{thread.id}")
    assert "Rejected by a moderator" in page
    assert_shown_escaped(page)


@pytest.fixture
def suspended(sign_in, reader, moderator) -> None:
    """The reader, suspended through the form with a hostile reason."""
    sign_in(reader)  # logged in before the suspension, as a real reader would be
    response = sign_in(moderator).post(
        "/moderation/users/reader/suspend", data={"until": "2099-01-01T12:00", "reason": HOSTILE}
    )
    assert response.status_code == 302, response.text
    assert stored(User, reader.id).sanction_reason == HOSTILE


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("reader", "/"),  # the banner on every page of the suspended user
        ("reader", "/users/reader"),
        ("moderator", "/moderation/users/reader"),
        ("moderator", "/moderation/log"),
    ],
)
def test_a_suspension_reason_is_escaped(browse, suspended, who, url):
    assert_shown_escaped(browse(who, url))


def test_a_suspended_users_refusal_shows_the_reason_escaped(sign_in, reader, thread, suspended):
    response = sign_in(reader).post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "A point."}
    )

    assert response.status_code == 403
    assert_shown_escaped(response.text)


def test_a_ban_reason_is_escaped_at_login_and_for_moderators(
    app, sign_in, browse, reader, moderator
):
    response = sign_in(moderator).post("/moderation/users/reader/ban", data={"reason": HOSTILE})
    assert response.status_code == 302

    login = app.test_client().post(
        "/auth/login", data={"username": "reader", "password": PASSWORD}
    )
    assert login.status_code == 422
    assert "This account is banned" in login.text
    assert_shown_escaped(login.text)
    assert_shown_escaped(browse("moderator", "/moderation/users/reader"))


@pytest.mark.parametrize("term", [HOSTILE, TEMPLATE])
def test_the_admin_user_search_term_is_escaped(sign_in, admin, term):
    response = sign_in(admin).get("/admin/users", query_string={"q": term})

    assert response.status_code == 200
    assert f'name="q" value="{escape(term)}"' in response.text
    assert_inert(response.text)


@pytest.mark.parametrize("name", ["moderator", "action", "article"])
def test_an_unknown_log_filter_is_refused_without_echoing_it(sign_in, moderator, name):
    response = sign_in(moderator).get("/moderation/log", query_string={name: HOSTILE})

    assert response.status_code == 400
    assert_inert(response.text)


def test_a_failed_login_shows_the_typed_name_escaped(client):
    response = client.post("/auth/login", data={"username": HOSTILE, "password": "wrong one!"})

    assert response.status_code == 422
    assert f'value="{escape(HOSTILE)}"' in response.text
    assert_shown_escaped(response.text)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        # Each is refused for another field; the hostile text is given back in its field.
        ("/articles/{slug}/threads/new", {"title": HOSTILE, "description": "x" * 2001}),
        (
            "/threads/{thread}/posts",
            {"stance": "example", "body": HOSTILE, "organisation": HOSTILE},
        ),
        ("/threads/{thread}/posts", {"stance": "example", "body": "Hi", "source_url": HOSTILE}),
    ],
)
def test_a_refused_form_gives_the_text_back_escaped(as_reader, thread, url, data):
    response = as_reader.post(url.format(slug=thread.article.slug, thread=thread.id), data=data)

    assert response.status_code == 422
    assert_shown_escaped(response.text)


def test_text_kept_after_a_refusal_is_escaped(as_reader, thread):
    """Control characters are refused before any view; the page gives the text back in the
    contribution form, and a field that is not the form's is not shown at all."""
    response = as_reader.post(
        f"/threads/{thread.id}/posts",
        data={"stance": "agree", "body": f"{HOSTILE}\x00", HOSTILE: HOSTILE},
    )

    assert response.status_code == 400
    assert f'name="{escape(HOSTILE)}"' not in response.text
    assert_shown_escaped(response.text)


def test_a_blocked_word_is_named_escaped(sign_in, browse, reader, moderator, thread):
    as_moderator = sign_in(moderator)
    response = as_moderator.post(
        "/moderation/settings", data={"hold_first": "0", "watched": "", "blocked": HOSTILE}
    )
    assert response.status_code == 302, response.text
    assert_shown_escaped(browse("moderator", "/moderation/settings"))

    response = sign_in(reader).post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": f"So {HOSTILE} here."}
    )
    assert response.status_code == 422
    assert "is not allowed here" in response.text
    assert_shown_escaped(response.text)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("visitor", "/threads/{thread}"),
        ("visitor", "/articles/{slug}"),
        ("visitor", "/users/reader"),
        ("author", "/articles/{slug}/edit"),
    ],
)
def test_page_titles_are_escaped(browse, reader, author, make_article, make_thread, who, url):
    article = make_article(author=author, title=HOSTILE, slug="hostile")
    thread = make_thread(article=article, title=HOSTILE)
    reader.display_name = HOSTILE
    db.session.commit()

    page = browse(who, url.format(thread=thread.id, slug=article.slug))
    title = title_of(page)
    assert escape(HOSTILE) in title
    assert "<" not in title and '"' not in title
    assert_inert(page)


def send_confirmation(sign_in, reader) -> None:
    assert sign_in(reader).post("/account/confirm").status_code == 302


def send_reset(sign_in, reader) -> None:
    client = sign_in(reader)
    client.post("/auth/logout")
    assert client.post("/auth/reset", data={"email": reader.email}).status_code == 302


def change_email(sign_in, reader) -> None:
    response = sign_in(reader).post(
        "/account/email", data={"email": "new@example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 302


def change_password(sign_in, reader) -> None:
    response = sign_in(reader).post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "another long password",
            "password_confirm": "another long password",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("send", [send_confirmation, send_reset, change_email, change_password])
def test_e_mails_to_a_user_with_a_hostile_display_name_are_plain_inert_text(sign_in, reader, send):
    reader.display_name = HOSTILE
    db.session.commit()

    with mail.record_messages() as outbox:
        send(sign_in, reader)

    assert outbox
    for message in outbox:
        # Plain text only: there is no HTML part a mail client could run.
        assert message.html is None
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.body.startswith("Hello reader,")
        for text in (message.subject, message.body):
            assert "<script>" not in text and "onerror" not in text
            assert "x49y" not in text


def test_an_address_with_template_syntax_is_shown_literally(client):
    """`{`, `}` and `*` are allowed in an address; they must never be evaluated."""
    address = "x{{7*7}}y@example.org"
    with mail.record_messages() as outbox:
        response = client.post(
            "/auth/register",
            data={
                "username": "tove",
                "email": address,
                "password": "a long enough password",
                "password_confirm": "a long enough password",
            },
            follow_redirects=True,
        )

    assert response.status_code == 200
    assert f"Check your inbox: we sent a message to {address}." in response.text
    assert "x49y" not in response.text
    assert [message.recipients for message in outbox] == [[address]]
    assert "x49y" not in outbox[0].body
    client.post("/auth/login", data={"username": "tove", "password": "a long enough password"})
    account = client.get("/account").text
    assert address in account and "x49y" not in account


def test_the_data_export_is_json_never_html(as_reader, reader, thread, make_post):
    reader.display_name, reader.bio = HOSTILE, HOSTILE
    make_post(thread=thread, author=reader, body=HOSTILE)

    response = as_reader.get("/account/export")

    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.text)
    assert (data["profile"]["display_name"], data["posts"][0]["body"]) == (HOSTILE, HOSTILE)
