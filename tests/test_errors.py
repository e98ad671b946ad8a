"""Error pages in the site's layout, and JSON for callers that ask for it."""

import pytest


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "MAX_CONTENT_LENGTH": 1000}


def test_404_page_is_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/"' in response.text
    assert "<nav" in response.text


def test_405_page(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Method not allowed" in response.text


def test_413_page_for_too_large_a_request(as_reader, thread):
    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={"stance": "agree", "body": "x" * 5000}
    )
    assert response.status_code == 413
    assert "Too much data" in response.text


def test_a_refused_post_names_the_rule_and_keeps_the_text(as_reader, locked_thread):
    response = as_reader.post(
        f"/threads/{locked_thread.id}/posts", data={"stance": "agree", "body": "My point"}
    )
    assert response.status_code == 403
    assert "This thread is locked" in response.text
    assert "My point</textarea>" in response.text


def test_500_page_is_in_the_layout_and_hides_the_details(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom")

    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret detail" not in response.text


def test_errors_answer_json_when_json_is_wanted(client):
    response = client.get("/threads/999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404
    assert response.json["error"]


def test_error_pages_are_translated(client):
    response = client.get("/nowhere", headers={"Accept-Language": "da"})
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text
