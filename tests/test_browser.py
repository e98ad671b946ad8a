"""Journeys a person makes, in the system Chromium driven by Playwright."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def register(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/auth/register")
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


def open_demo_thread(page) -> None:
    page.get_by_role("link", name="Employee advocacy is not a strategy").click()
    page.locator(".thread-summary h3 a").first.click()


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_register_and_post_an_example_in_a_demo_thread(page, live_server):
    register(page, live_server, "browser_reader")
    open_demo_thread(page)
    form = page.locator("form.contribution-form")
    example_fields = form.locator("fieldset.example-fields")

    form.get_by_label("I agree").check()
    assert not example_fields.is_visible()
    form.get_by_label("I have an example").check()
    assert example_fields.is_visible()
    form.get_by_label("Your contribution").fill("Our **campus podcast** filled every seat.")
    form.get_by_label("Organisation").fill("Fjordby Kommune")
    form.get_by_label("Channel").select_option("youtube")
    form.get_by_label("Source (web address, optional)").fill("https://example.org/podcast")
    form.get_by_label("It supports the article").check()
    form.get_by_role("button", name="Post contribution").click()

    page.get_by_text("Your contribution is posted.").wait_for()
    post = page.locator("article.contribution", has_text="campus podcast")
    assert post.get_attribute("data-stance") == "example"
    assert post.locator("strong", has_text="campus podcast").is_visible()
    assert post.get_by_text("Fjordby Kommune").is_visible()
    assert post.get_by_text("YouTube").is_visible()
    assert post.get_by_text("Supports the article").is_visible()


def test_example_fields_work_without_javascript(no_script_page, live_server):
    page = no_script_page
    register(page, live_server, "no_script_reader")
    open_demo_thread(page)

    form = page.locator("form.contribution-form")
    # expect() waits for the thread page; is_visible() would read the page still loading.
    expect(form.locator("fieldset.example-fields")).to_be_visible()
    form.get_by_label("I disagree").check()
    form.get_by_label("Your contribution").fill("It did not work for us.")
    form.get_by_role("button", name="Post contribution").click()

    page.get_by_text("Your contribution is posted.").wait_for()
    post = page.locator("article.contribution", has_text="It did not work for us.")
    assert post.get_attribute("data-stance") == "disagree"


def test_voting_works_without_javascript(no_script_page, live_server):
    page = no_script_page
    register(page, live_server, "no_script_voter")
    open_demo_thread(page)
    post_id = page.locator("article.contribution").first.get_attribute("id")
    before = int(page.locator(f"#{post_id}").get_attribute("data-score"))

    page.locator(f"#{post_id} .vote-up").first.click()

    assert page.url.endswith(f"#{post_id}")
    post = page.locator(f"#{post_id}")
    assert int(post.get_attribute("data-score")) == before + 1
    assert post.locator(".vote-up").first.get_attribute("aria-pressed") == "true"


def test_reply_opens_under_its_post_and_is_posted(page, live_server):
    register(page, live_server, "browser_replier")
    open_demo_thread(page)
    post_id = page.locator("article.contribution").first.get_attribute("id")
    post = page.locator(f"#{post_id}")
    thread_url = page.url

    post.locator(":scope > .reply-action").get_by_role("link", name="Reply").click()
    form = post.locator("form.reply-form")
    expect(form.get_by_label("Your reply")).to_be_focused()
    assert page.url == thread_url
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_have_count(0)

    post.locator(":scope > .reply-action").get_by_role("link", name="Reply").click()
    post.get_by_label("Your reply").fill("Which **region** was that?")
    post.get_by_role("button", name="Post reply").click()

    page.get_by_text("Your reply is posted.").wait_for()
    reply = page.locator("article.reply", has_text="Which region was that?")
    expect(reply.locator("strong", has_text="region")).to_be_visible()
    assert reply.get_attribute("data-reply-to") == post_id.removeprefix("post-")


def test_a_reply_is_answered_under_it_and_names_whom_it_answers(page, live_server):
    register(page, live_server, "browser_answerer")
    open_demo_thread(page)
    reply = page.locator("article.reply").first
    reply_id = reply.get_attribute("id")
    name = reply.locator(".post-author").first.get_attribute("href").rsplit("/", 1)[-1]

    reply.get_by_role("link", name="Reply").click()
    form = reply.locator("form.reply-form")
    expect(form.get_by_label("Your reply")).to_be_focused()
    form.get_by_label("Your reply").fill("Answering the reply itself.")
    form.get_by_role("button", name="Post reply").click()

    page.get_by_text("Your reply is posted.").wait_for()
    answer = page.locator("article.reply", has_text="Answering the reply itself.")
    expect(answer).to_have_class("post reply reply-to-reply")
    named = answer.locator(".in-reply-to")
    expect(named).to_have_text(f"in reply to @{name}")
    assert named.get_attribute("href") == f"#{reply_id}"


def test_replying_works_without_javascript(no_script_page, live_server):
    page = no_script_page
    register(page, live_server, "no_script_replier")
    open_demo_thread(page)
    post_id = page.locator("article.contribution").first.get_attribute("id")

    own_link = page.locator(f"#{post_id} > .reply-action").get_by_role("link", name="Reply")
    own_link.click()
    assert page.url.endswith(f"/posts/{post_id.removeprefix('post-')}/reply")
    page.get_by_label("Your reply").fill("Answered from the reply page.")
    page.get_by_role("button", name="Post reply").click()

    page.get_by_text("Your reply is posted.").wait_for()
    reply = page.locator("article.reply", has_text="Answered from the reply page.")
    assert reply.get_attribute("data-reply-to") == post_id.removeprefix("post-")


def test_voting_changes_the_score_in_place(page, live_server):
    register(page, live_server, "browser_voter")
    open_demo_thread(page)
    post = page.locator(f"#{page.locator('article.contribution').first.get_attribute('id')}")
    votes = post.locator(".vote-form").first
    before = int(post.get_attribute("data-score"))
    page.evaluate("window.stillHere = true")

    votes.locator(".vote-up").click()
    expect(votes.locator(".score")).to_have_text(str(before + 1))
    assert votes.locator(".vote-up").get_attribute("aria-pressed") == "true"

    votes.locator(".vote-down").click()
    expect(votes.locator(".score")).to_have_text(str(before - 1))
    assert votes.locator(".vote-up").get_attribute("aria-pressed") == "false"
    assert votes.locator(".vote-down").get_attribute("aria-pressed") == "true"

    assert page.evaluate("window.stillHere") is True, "the page was reloaded"
    assert int(post.get_attribute("data-score")) == before - 1
    page.reload()
    assert int(post.get_attribute("data-score")) == before - 1
