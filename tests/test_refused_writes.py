"""Readers who may not post are told why where the form would be, and a refused write, whatever
refused it, hands back what they typed in the form they typed it in."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, utcnow

CONTRIBUTION = {
    "stance": "example",
    "body": "Our bakery filmed the night shift",
    "organisation": "Ravnsborg Bageri",
    "channel": "tiktok",
    "source_url": "https://example.org/video",
    "effect": "challenges",
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {
        **app_config,
        "REQUIRE_CONFIRMED_EMAIL": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_POSTING": "1/minute",
        "RATELIMIT_POSTING_NEW_ACCOUNT": "1/minute",
    }


@pytest.fixture
def confirmed(make_user, log_in, client):
    user = make_user("confirmed", email_confirmed_at=utcnow())
    log_in(user)
    return client


@pytest.fixture
def unconfirmed(make_user, log_in, client):
    log_in(make_user("newcomer"))
    return client


@pytest.fixture
def suspended(make_user, log_in, client):
    user = make_user(
        "suspended",
        email_confirmed_at=utcnow(),
        suspended_until=utcnow() + timedelta(days=3),
        sanction_reason="Personal attacks",
    )
    log_in(user)
    return client


def posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def test_an_unconfirmed_reader_is_asked_to_confirm_in_place_of_the_form(unconfirmed, thread):
    page = unconfirmed.get(f"/threads/{thread.id}").text

    assert "Confirm your e-mail address first" in page
    assert 'action="/account/confirm"' in page  # a button that sends the link again
    assert "Post contribution" not in page
    assert 'id="reply-composer"' not in page


def test_a_suspended_reader_is_told_until_when_in_place_of_the_form(suspended, thread):
    page = suspended.get(f"/threads/{thread.id}").text
    contribute = page[page.index('id="contribute"') :]

    assert "suspended until" in contribute and "Personal attacks" in contribute
    assert "Post contribution" not in contribute


def test_a_confirmed_reader_gets_the_form(confirmed, thread):
    assert "Post contribution" in confirmed.get(f"/threads/{thread.id}").text


def test_a_refused_contribution_comes_back_in_its_form(unconfirmed, thread):
    refused = unconfirmed.post(f"/threads/{thread.id}/posts", data=CONTRIBUTION)

    assert refused.status_code == 403
    assert "Confirm your e-mail address first" in refused.text
    assert "Our bakery filmed the night shift</textarea>" in refused.text
    assert 'value="Ravnsborg Bageri"' in refused.text
    assert posts() == 0


def test_a_refused_reply_comes_back_in_its_form(suspended, thread, make_post):
    post = make_post(thread=thread)

    refused = suspended.post(f"/posts/{post.id}/replies", data={"body": "My careful answer"})

    assert refused.status_code == 403
    assert "suspended until" in refused.text
    assert "My careful answer</textarea>" in refused.text


def test_a_contribution_over_the_limit_comes_back_in_the_real_form_in_danish(confirmed, thread):
    url = f"/threads/{thread.id}/posts"
    confirmed.set_cookie("forum_lang", "da")
    assert confirmed.post(url, data={"stance": "agree", "body": "First"}).status_code == 302

    refused = confirmed.post(url, data=CONTRIBUTION)

    assert refused.status_code == 429
    page = refused.text
    # The form's own labels and choices, in Danish, not the fields' names and raw values.
    for name in ("stance", "source_url", "organisation", "channel", "effect"):
        assert f">{name}</label>" not in page
    assert "Organisation" in page and "Kanal" in page
    assert '<option selected value="tiktok">TikTok</option>' in page
    assert 'value="Ravnsborg Bageri"' in page
    assert "Our bakery filmed the night shift</textarea>" in page
    assert re.search(r'<input checked [^>]*name="stance"[^>]*value="example"', page)
