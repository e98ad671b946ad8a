"""@username in a post links to that reader's profile, when there is such a reader."""

import pytest

from forum.rendering import render_markdown
from forum.services import posts
from forum.services.posts import Contribution

KNOWN = {"mette_hr": "/users/mette_hr"}


@pytest.mark.parametrize(
    ("source", "linked"),
    [
        ("Thanks @mette_hr, good point", True),
        ("@Mette_HR said it first", True),
        ("(@mette_hr)", True),
        ("Ask @nobody_here", False),
        ("write to hr@mette_hr.dk", False),
        ("`@mette_hr` in code", False),
    ],
)
def test_a_mention_links_only_a_reader_who_exists(source, linked):
    html = str(render_markdown(source, mentions=KNOWN))

    assert ('<a href="/users/mette_hr"' in html) == linked
    assert "@" in html


def test_a_mention_is_escaped_like_any_text():
    html = str(render_markdown("@mette_hr<script>", mentions=KNOWN))

    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_posted_mention_links_the_profile(app, thread, reader, make_user):
    make_user("Writer_1")

    post = posts.add_contribution(thread, reader, Contribution("agree", "As @writer_1 says"))

    assert '<a href="/users/Writer_1"' in post.body_html
    assert ">@writer_1</a>" in post.body_html
