"""Posting in a long demo thread as a person does, in Chromium: a refused form is where the reader
is, with the focus on what to fix; Back after posting shows an empty form."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "demo-password-1"


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("You are logged in.").wait_for()


def open_long_thread(page) -> None:
    page.get_by_role("link", name="Employee advocacy is not a strategy").click()
    page.locator(".thread-summary h3 a").nth(1).click()


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_an_empty_contribution_lands_on_the_form_with_the_focus_on_the_text(
    page, no_script_page, live_server, script
):
    page = page if script else no_script_page
    log_in(page, live_server, "julia-comms")
    page.goto(live_server)
    open_long_thread(page)
    form = page.locator("form.contribution-form")

    form.get_by_label("I disagree").check()
    form.get_by_role("button", name="Post contribution").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_in_viewport()
    expect(form.get_by_label("Your contribution")).to_be_focused()


def test_back_after_posting_shows_an_empty_form(page, live_server):
    log_in(page, live_server, "priya_talent")
    page.goto(live_server)
    open_long_thread(page)
    form = page.locator("form.contribution-form")
    form.get_by_label("I agree").check()
    form.get_by_label("Your contribution").fill("Posted once, and only once.")
    form.get_by_role("button", name="Post contribution").click()
    page.get_by_text("Your contribution is posted.").wait_for()

    page.go_back()

    expect(page.locator("form.contribution-form").get_by_label("Your contribution")).to_have_value(
        ""
    )


def test_escape_closes_the_inline_reply_form(page, live_server):
    log_in(page, live_server, "tom_okafor")
    page.goto(live_server)
    open_long_thread(page)
    reply = page.locator("a[data-reply]").first
    reply.click()
    expect(page.locator("form.reply-form textarea")).to_be_focused()

    page.keyboard.press("Escape")

    expect(page.locator("form.reply-form")).to_have_count(0)
    expect(reply).to_be_focused()


def test_a_selection_in_the_post_is_quoted_into_the_reply(page, live_server):
    log_in(page, live_server, "lukas_berlin")
    page.goto(live_server)
    open_long_thread(page)
    post = page.locator("article.contribution").first
    body = post.locator(".post-body p").first
    body.evaluate(
        """paragraph => {
            const range = document.createRange();
            range.selectNodeContents(paragraph);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    chosen = body.inner_text().strip()

    post.locator("a[data-reply]").click()

    value = post.locator("form.reply-form textarea").input_value()
    assert value.startswith("> ") and chosen.split("\n")[0][:40] in value


@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_a_deleted_post_is_undone_from_where_it_was(page, no_script_page, live_server, script):
    page = page if script else no_script_page
    log_in(page, live_server, "priya_talent" if script else "julia-comms")
    page.goto(live_server)
    open_long_thread(page)
    form = page.locator("form.contribution-form")
    form.get_by_label("I agree").check()
    text = f"Second thoughts, {'with' if script else 'without'} a script."
    form.get_by_label("Your contribution").fill(text)
    form.get_by_role("button", name="Post contribution").click()
    mine = page.locator("article.contribution", has_text=text)
    mine.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()

    placeholder = page.locator("article.contribution", has_text="deleted by its author")
    expect(placeholder).to_be_in_viewport()
    expect(page.get_by_text(text)).to_have_count(0)
    placeholder.get_by_role("button", name="Undo").click()

    expect(page.get_by_text("Your post is back.")).to_be_visible()
    expect(page.locator("article.contribution", has_text=text)).to_be_in_viewport()
