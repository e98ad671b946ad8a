"""A moderator hides a post in the browser; a reader then sees only the placeholder."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-password-1"


def log_in_in_english(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/language/en?next=/auth/login")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("You are logged in.").wait_for()


def register(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/language/en?next=/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    # Registering leads to the login form (the answer must not tell taken addresses apart).
    page.get_by_text("Check your inbox").wait_for()
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("You are logged in.").wait_for()


def test_moderator_hides_a_post_and_a_reader_sees_the_placeholder(page, browser, live_server):
    log_in_in_english(page, live_server, "mod_jonas")
    page.get_by_role("link", name="Employee advocacy is not a strategy").click()
    page.locator(".thread-summary h3 a").first.click()
    thread_url = page.url.split("#")[0]

    visible = page.locator("article.contribution:not([data-hidden]):not([data-featured])").first
    post_id = visible.get_attribute("id")
    post = page.locator(f"#{post_id}")
    text = post.locator(":scope > .post-body").inner_text().strip()
    assert text

    tools = post.locator(":scope > details.mod-tools")
    tools.locator("summary", has_text="Moderate").click()
    hide_form = tools.locator("form.mod-form", has=page.get_by_role("button", name="Hide"))
    hide_form.get_by_label("Reason").select_option(label="Abusive")
    hide_form.get_by_role("button", name="Hide").click()

    page.get_by_text("The post is hidden.").wait_for()
    assert page.url.split("#")[0] == thread_url
    expect(post).to_have_attribute("data-hidden", "true")
    expect(post.locator(":scope > .mod-notice")).to_contain_text("Hidden by a moderator: Abusive.")
    expect(post.locator(":scope > .post-body")).to_have_text(text)
    expect(post.locator(":scope > details.mod-tools button", has_text="Restore")).to_have_count(1)

    context = browser.new_context()
    try:
        reader = context.new_page()
        register(reader, live_server, "placeholder_reader")
        reader.goto(thread_url)
        hidden = reader.locator(f"#{post_id}")

        expect(hidden).to_have_attribute("data-hidden", "true")
        expect(hidden.locator(":scope > .placeholder")).to_have_text(
            "Hidden by a moderator: Abusive."
        )
        expect(hidden.locator(":scope > .post-body")).to_have_count(0)
        shown = reader.locator("body").inner_text()
        assert text not in shown
        assert text[:60] not in shown, "a snippet of the hidden text is on the page"
    finally:
        context.close()
