"""Documented cookie settings take effect; links never follow a forged Host header."""

from xml.etree import ElementTree

import pytest

from forum.extensions import mail
from forum.links import external_url
from forum.services import posts
from forum.services.posts import Contribution

ATOM = "{http://www.w3.org/2005/Atom}"
EVIL = "evil.example"


@pytest.fixture
def settings() -> dict[str, str]:
    """FLASK_* variables for the app under test, as an operator would set them."""
    return {}


@pytest.fixture
def app_config(app_config: dict, settings: dict[str, str], monkeypatch) -> dict:
    for name, value in settings.items():
        monkeypatch.setenv(f"FLASK_{name}", value)
    return app_config


def set_cookie(response, name: str) -> list[str]:
    """The attributes of the named cookie in the response, lower-cased, without its value."""
    for header in response.headers.getlist("Set-Cookie"):
        cookie, *attributes = (part.strip() for part in header.split(";"))
        if cookie.split("=", 1)[0] == name:
            return [attribute.lower() for attribute in attributes]
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.getlist('Set-Cookie')}")


def log_in_remembered(client, user):
    response = client.post(
        "/auth/login",
        data={"username": user.username, "password": "correct horse battery", "remember": "y"},
    )
    assert response.status_code == 302, response.text
    return response


@pytest.mark.parametrize(
    ("settings", "cookie", "present", "absent"),
    [
        ({}, "session", ["samesite=lax", "httponly"], ["secure"]),
        ({}, "remember_token", ["samesite=lax", "httponly"], ["secure"]),
        ({"SESSION_COOKIE_SAMESITE": "Strict"}, "session", ["samesite=strict"], []),
        ({"SESSION_COOKIE_HTTPONLY": "false"}, "session", [], ["httponly"]),
        ({"SESSION_COOKIE_SECURE": "true"}, "__Host-session", ["secure", "path=/"], []),
        ({"SESSION_COOKIE_SECURE": "true"}, "__Host-remember_token", ["secure"], []),
        ({"REMEMBER_COOKIE_SAMESITE": "Strict"}, "remember_token", ["samesite=strict"], []),
        ({"REMEMBER_COOKIE_HTTPONLY": "false"}, "remember_token", [], ["httponly"]),
        ({"REMEMBER_COOKIE_SECURE": "true"}, "__Host-remember_token", ["secure"], []),
        ({"REMEMBER_COOKIE_SECURE": "true"}, "session", [], ["secure"]),
    ],
    ids=lambda value: (
        ",".join(f"{k}={v}" for k, v in value.items()) or "defaults"
        if isinstance(value, dict)
        else str(value)
    ),
)
def test_every_documented_cookie_setting_reaches_the_set_cookie_header(
    client, reader, settings, cookie, present, absent
):
    response = log_in_remembered(client, reader)

    attributes = set_cookie(response, cookie)
    for attribute in present:
        assert attribute in attributes
    for attribute in absent:
        assert not any(a.split("=")[0] == attribute for a in attributes)


@pytest.mark.parametrize("settings", [{"TRUSTED_HOSTS": '["debat.example.dk"]'}])
def test_another_host_gets_a_plain_400_when_trusted_hosts_is_set(client, article):
    response = client.get(f"/articles/{article.slug}", headers={"Host": EVIL})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Bad request" in response.text
    assert EVIL not in response.text


@pytest.mark.parametrize("settings", [{"TRUSTED_HOSTS": '["debat.example.dk"]'}])
def test_another_host_gets_a_400_for_a_form_post_too(client, reader):
    response = client.post(
        "/auth/login",
        data={"username": reader.username, "password": "correct horse battery"},
        headers={"Host": EVIL},
    )

    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("settings", [{"TRUSTED_HOSTS": '["debat.example.dk"]'}])
def test_a_trusted_host_is_served_as_usual(client, article):
    response = client.get(f"/articles/{article.slug}", headers={"Host": "debat.example.dk"})

    assert response.status_code == 200
    assert article.title in response.text


def feed_links(client, article, host: str) -> list[str]:
    response = client.get(f"/articles/{article.slug}/feed.atom", headers={"Host": host})
    assert response.status_code == 200
    root = ElementTree.fromstring(response.data)
    links = [link.get("href") for link in root.iter(f"{ATOM}link")]
    return links + [element.text for element in root.iter(f"{ATOM}id")]


@pytest.mark.parametrize("settings", [{"PUBLIC_URL": "https://debat.example.dk"}])
def test_feed_links_come_from_the_public_url_whatever_the_host_header(
    client, article, thread, reader
):
    post = posts.add_contribution(thread, reader, Contribution("agree", "Yes."))

    links = feed_links(client, article, EVIL)

    assert f"https://debat.example.dk/posts/{post.id}" in links
    assert f"https://debat.example.dk/articles/{article.slug}/feed.atom" in links
    assert all(link.startswith("https://debat.example.dk/") for link in links)


def test_feed_links_come_from_the_request_without_a_public_url(client, article, thread, reader):
    post = posts.add_contribution(thread, reader, Contribution("agree", "Yes."))

    links = feed_links(client, article, "forum.test")

    assert f"http://forum.test/posts/{post.id}" in links


@pytest.mark.parametrize("settings", [{"PUBLIC_URL": "https://debat.example.dk"}])
def test_mail_links_come_from_the_public_url_whatever_the_host_header(client, reader):
    with mail.record_messages() as outbox:
        client.post("/auth/reset", data={"email": reader.email}, headers={"Host": EVIL})

    [message] = outbox
    assert "https://debat.example.dk/auth/reset/" in message.body
    assert EVIL not in message.body


def test_mail_links_come_from_the_request_without_a_public_url(client, reader):
    with mail.record_messages() as outbox:
        client.post("/auth/reset", data={"email": reader.email}, headers={"Host": "forum.test"})

    [message] = outbox
    assert "http://forum.test/auth/reset/" in message.body


@pytest.mark.parametrize("settings", [{"LANGUAGES": '["en"]'}])
def test_the_language_switch_offers_only_the_configured_languages(client, article):
    page = client.get("/")

    assert page.status_code == 200
    assert "Dansk" not in page.text
    assert "/language/da" not in page.text
    assert client.get("/language/da").status_code == 404


def test_the_language_switch_offers_every_configured_language(client, article):
    page = client.get("/")

    assert 'href="/language/da?' in page.text
    assert "Dansk" in page.text
    assert client.get("/language/da").status_code == 302
    assert client.get("/language/xx").status_code == 404


@pytest.mark.parametrize("settings", [{"PUBLIC_URL": "https://example.dk/debat/"}])
def test_public_url_links_need_no_request_and_keep_its_path(app, article):
    with app.app_context():
        link = external_url("articles.show", slug=article.slug)

    assert link == f"https://example.dk/debat/articles/{article.slug}"
