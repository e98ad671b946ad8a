"""Control characters and oversized input get a clear 4xx and change nothing, on any database."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post


def count_posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f"])
def test_control_characters_are_refused_and_the_text_comes_back_clean(as_reader, thread, bad):
    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": f"Hello{bad}world"}
    )

    assert response.status_code == 400
    assert "control characters" in response.text
    assert "Helloworld" in response.text or "Hello[31mworld" in response.text
    assert count_posts() == 0


def test_tabs_and_newlines_are_fine(as_reader, thread):
    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "Line\tone\r\nline two"}
    )
    assert response.status_code == 302
    assert count_posts() == 1


def test_control_characters_in_the_query_string_are_refused(client, thread):
    assert client.get(f"/threads/{thread.id}?sort=best%00").status_code == 400


def test_a_nul_in_a_login_name_is_a_400_not_a_500(client):
    response = client.post("/auth/login", data={"username": "a\x00b", "password": "x" * 12})
    assert response.status_code == 400
