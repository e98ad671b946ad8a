"""Security headers on every response, and cookie flags."""

import pytest

from forum import create_app
from forum.extensions import db


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_pages_carry_them_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_pages_have_no_inline_scripts_or_styles(client, thread, make_post):
    make_post(thread=thread)
    for url in ("/", f"/articles/{thread.article.slug}", f"/threads/{thread.id}", "/auth/login"):
        html = client.get(url).text
        assert "<script>" not in html and "<script " not in html.replace(
            '<script src="/static/js/forum.js" defer></script>', ""
        )
        assert "<style" not in html and " style=" not in html
        assert " onclick=" not in html and " onload=" not in html


def test_session_cookie_is_http_only_and_same_site(client, reader):
    response = client.post(
        "/auth/login", data={"username": "reader", "password": "correct horse battery"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("setting", [None, "", "dev-only-secret-change-me"])
def test_the_app_refuses_to_start_in_production_without_its_own_secret_key(setting):
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app({"SECRET_KEY": setting})


def test_https_settings_send_hsts_and_secure_cookies(app_config):
    app = create_app(
        {**app_config, "FORCE_HTTPS": True, "SESSION_COOKIE_SECURE": True, "TESTING": True}
    )
    try:
        response = app.test_client().get("/", base_url="https://localhost")
        redirect = app.test_client().get("/", base_url="http://localhost")
    finally:
        with app.app_context():
            db.engine.dispose()
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert redirect.status_code in (301, 302)
    assert redirect.headers["Location"].startswith("https://")
