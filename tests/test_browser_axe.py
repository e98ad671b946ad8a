"""axe-core finds nothing to fix on any page type, in light and dark mode, for each kind of
person; axe runs in Chromium from tests/vendor (see tests/vendor/README.md)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PASSWORD = "demo-password-1"
ARTICLE = "/articles/employee-advocacy-is-not-a-strategy"
PAGES = {
    None: ["/", ARTICLE, "{thread}", "/users/julia-comms", "/auth/login", "/auth/register"],
    "priya_talent": ["/", ARTICLE, "{thread}", "/users/julia-comms", "/account"],
    "line_kjaer": ["{thread}", "/account", "/author", f"{ARTICLE}/edit", "/articles/new"],
    "mod_jonas": ["{thread}", "/moderation", "/moderation/log", "/moderation/settings"],
}


@pytest.fixture(scope="module")
def thread_path(browser, live_server) -> str:
    """The demo's longest thread: contributions of every stance, with replies."""
    page = browser.new_page()
    page.goto(live_server + ARTICLE)
    path = page.locator(".thread-summary h3 a").nth(1).get_attribute("href")
    page.close()
    return path


@pytest.fixture(scope="module")
def logins(browser, live_server) -> dict:
    """Each demo person's logged-in browser state (in their own language), made once."""
    states: dict = {None: None}
    for username in [name for name in PAGES if name]:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{live_server}/auth/login")
        page.locator("main input[name=username]").fill(username)
        page.locator("main input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.locator("header form[action$='/logout'] button").wait_for()
        states[username] = context.storage_state()
        context.close()
    return states


def violations(page) -> list[str]:
    """What axe finds on the page, one line per rule and element."""
    page.add_script_tag(path=AXE)
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{rule['id']}: {node['target']} {node['failureSummary']}"
        for rule in found
        for node in rule["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("username", PAGES, ids=lambda name: name or "visitor")
def test_axe_finds_nothing_on_any_page(
    browser, live_server, logins, thread_path, username, scheme
):
    context = browser.new_context(
        storage_state=logins[username],
        color_scheme=scheme,
        reduced_motion="reduce",
        # The site's Content-Security-Policy refuses injected scripts, rightly; axe is ours.
        bypass_csp=True,
    )
    page = context.new_page()
    found = {}
    try:
        for path in PAGES[username]:
            response = page.goto(live_server + path.format(thread=thread_path))
            assert response.status == 200, path
            if problems := violations(page):
                found[path] = problems
    finally:
        context.close()
    assert found == {}
