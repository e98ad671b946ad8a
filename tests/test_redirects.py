"""Redirect targets from `next`: only paths on this site, never another host or scheme."""

import pytest

from forum.redirects import is_local_url, local_next


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/x",
        "/x?y=1#z",
        "/articles/employer-branding",
        "/threads/3?sort=new#post-7",
        "/users/anna%20b",
    ],
)
def test_paths_on_this_site_are_local(target):
    assert is_local_url(target) is True


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "//evil.com/x",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/\\/evil.com",
        "https://evil.com",
        "http://evil.com/x",
        "HTTPS://evil.com",
        "javascript:alert(1)",
        "data:text/html,hi",
        "http:/x",
        "http:x",
        "x",
        "evil.com",
        " /x",
        " //evil.com",
        "",
        None,
    ],
)
def test_other_hosts_schemes_and_relative_paths_are_not_local(target):
    assert is_local_url(target) is False


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.com",
        "/\n/evil.com",
        "/\r/evil.com",
        "/x\x00",
        "/x\ny",
        "/\x01x",
        "/x\x1f",
    ],
)
def test_paths_with_control_characters_are_not_local(target):
    assert is_local_url(target) is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("next=/articles/x", "/articles/x"),
        ("next=/x%3Fy%3D1%23z", "/x?y=1#z"),
        ("next=//evil.com", "/home"),
        ("next=https://evil.com", "/home"),
        ("next=/%5Cevil.com", "/home"),
        ("next=javascript:alert(1)", "/home"),
        ("next=/%09/evil.com", "/home"),
        ("next=", "/home"),
        ("", "/home"),
    ],
)
def test_local_next_follows_only_local_targets(app, query, expected):
    with app.test_request_context(f"/?{query}"):
        assert local_next("/home") == expected


def test_local_next_reads_the_target_from_a_posted_form(app):
    with app.test_request_context("/", method="POST", data={"next": "/threads/3"}):
        assert local_next("/home") == "/threads/3"


def test_local_next_ignores_a_foreign_target_in_a_posted_form(app):
    with app.test_request_context("/", method="POST", data={"next": "//evil.com"}):
        assert local_next("/home") == "/home"
