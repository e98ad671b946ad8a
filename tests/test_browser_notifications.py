"""A reader learns they were answered, in the system Chromium: the bell, the list, the post."""

import pytest
from playwright.sync_api import expect

from tests.test_browser import open_demo_thread, register

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.locator("a.bell").wait_for()  # (the flash is in the account's own language)


def test_the_authors_answer_rings_the_bell_and_leads_to_the_post(page, browser, live_server):
    register(page, live_server, "browser_asker")
    open_demo_thread(page)
    thread_url = page.url
    form = page.locator("form.contribution-form")
    form.get_by_label("I disagree").check()
    form.get_by_label("Your contribution").fill("Who measured the applications?")
    form.get_by_role("button", name="Post contribution").click()
    page.get_by_text("Your contribution is posted.").wait_for()
    asked = page.locator("article.contribution", has_text="Who measured the applications?")
    post_id = asked.get_attribute("id")
    expect(page.locator("a.bell")).to_have_attribute("aria-label", "Notifications")

    author = browser.new_context().new_page()
    log_in(author, live_server, "line_kjaer", "demo-password-1")
    author.goto(thread_url)
    mine = author.locator(f"#{post_id}")
    # (Line Kjær reads the forum in Danish.)
    mine.locator(":scope > .reply-action a").click()
    mine.locator("form.reply-form textarea").fill("The agency did, from the applicant system.")
    mine.locator("form.reply-form button[type=submit]").click()
    author.locator("article.reply", has_text="The agency did").wait_for()
    author.context.close()

    page.goto(thread_url)
    bell = page.locator("a.bell")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    bell.click()
    entry = page.locator("li.notification.author-answer")
    expect(entry).to_contain_text("the author of the article, answered you")
    expect(entry).to_contain_text("The agency did, from the applicant system.")
    entry.get_by_role("button").click()

    answer = page.locator("article.reply", has_text="The agency did")
    expect(answer).to_be_visible()
    expect(page.locator("a.bell")).to_have_attribute("aria-label", "Notifications")


def test_following_an_article_works_without_javascript(no_script_page, live_server):
    page = no_script_page
    register(page, live_server, "browser_follower")
    page.get_by_role("link", name="Employee advocacy is not a strategy").click()

    page.get_by_role("button", name="Follow").first.click()

    expect(page.locator(".flash-success")).to_contain_text("You follow this article")
    page.goto(f"{live_server}/account/notifications")
    expect(page.locator("ul.follows")).to_contain_text("Employee advocacy is not a strategy")
