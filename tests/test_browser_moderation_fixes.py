"""A reader flags a post choosing a reason; the moderator's Hide form starts at that reason."""

import pytest
from playwright.sync_api import expect

from tests.test_browser_moderation import log_in_in_english, register

pytestmark = pytest.mark.browser


def test_a_flag_needs_a_reason_and_the_queue_starts_at_it(page, browser, live_server):
    register(page, live_server, "careful_flagger")
    page.get_by_role("link", name="Employee advocacy is not a strategy").click()
    page.locator(".thread-summary h3 a").first.click()
    flag_link = page.locator("article.contribution:not([data-hidden]) a.flag-link").first
    post_id = flag_link.get_attribute("href").split("/")[2]
    flag_link.click()

    reason = page.get_by_label("Reason")
    expect(reason).to_have_value("")
    page.get_by_label("Details").fill("He calls us names")
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.locator(".field-error")).to_have_text("Choose a reason.")
    expect(page.get_by_label("Details")).to_have_value("He calls us names")

    page.get_by_label("Reason").select_option(label="Abusive")
    page.get_by_role("button", name="Send to the moderators").click()
    page.get_by_text("Thank you. The moderators will look at it.").wait_for()

    context = browser.new_context()
    try:
        moderator = context.new_page()
        log_in_in_english(moderator, live_server, "mod_jonas")
        moderator.goto(f"{live_server}/moderation")
        item = moderator.locator(f'.queue-flagged article[data-post-id="{post_id}"]')
        expect(item).to_contain_text("Abusive: He calls us names")
        expect(item.locator("form.mod-form select[name=reason]")).to_have_value("abusive")
    finally:
        context.close()
