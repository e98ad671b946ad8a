"""Profiles and the language switch."""

from forum.models import Stance


def test_profile_lists_the_users_contributions_and_links_to_them(
    client, make_post, thread, reader
):
    post = make_post(thread=thread, author=reader, body="My *point*.", stance=Stance.DISAGREE)

    response = client.get("/users/reader")

    assert response.status_code == 200
    assert "My <em>point</em>." in response.text
    assert f"/posts/{post.id}" in response.text
    assert thread.title in response.text


def test_profile_hides_posts_under_drafts(client, make_post, make_thread, draft_article, reader):
    make_post(thread=make_thread(article=draft_article), author=reader, body="secret draft talk")
    assert "secret draft talk" not in client.get("/users/reader").text


def test_profile_shows_bio_and_links(client, make_user):
    make_user("writer", bio="Writes about <work>.", links="https://example.org/me\njavascript:x")

    text = client.get("/users/writer").text

    assert "Writes about &lt;work&gt;." in text
    assert 'href="https://example.org/me"' in text
    assert 'href="javascript:x"' not in text


def test_profile_names_are_case_insensitive_with_a_canonical_address(client, reader):
    response = client.get("/users/READER")
    assert response.status_code == 301
    assert response.headers["Location"] == "/users/reader"


def test_unknown_profile_is_404(client):
    assert client.get("/users/nobody").status_code == 404


def test_language_switch_sets_a_cookie_and_returns(client):
    response = client.get("/language/da?next=/users/x")

    assert response.status_code == 302
    assert response.headers["Location"] == "/users/x"
    assert "forum_lang=da" in response.headers["Set-Cookie"]
    assert '<html lang="da">' in client.get("/").text


def test_language_switch_refuses_unknown_languages_and_foreign_next(client):
    assert client.get("/language/xx").status_code == 404
    assert client.get("/language/en?next=https://evil.example").headers["Location"] == "/"


def test_language_follows_the_browser_when_not_chosen(client):
    page = client.get("/", headers={"Accept-Language": "da-DK,da;q=0.9,en;q=0.5"}).text
    assert '<html lang="da">' in page
    page = client.get("/", headers={"Accept-Language": "fr"}).text
    assert '<html lang="en">' in page


def test_the_choice_beats_the_browser(client):
    client.get("/language/en")
    page = client.get("/", headers={"Accept-Language": "da"}).text
    assert '<html lang="en">' in page
