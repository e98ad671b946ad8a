"""The forum on a phone and in dark mode, in Chromium: nothing scrolls sideways, touch targets
are big enough, the focus ring shows, posts have names, and dates read the same everywhere."""

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from forum.models import Role, Thread
from forum.sample.demo import seed_demo
from forum.services.accounts import find_user_by_name, register
from forum.services.posts import Contribution, add_contribution
from tests.conftest import CHEAP_ARGON2

pytestmark = pytest.mark.browser

PASSWORD = "demo-password-1"
ARTICLE = "employee-advocacy-is-not-a-strategy"
# An organisation and a piece of inline code with no space to break them at, in an example
# tom_okafor posts in the thread the pages show (and his profile lists).
LONG_NAME = "Fjordby" * 17
LONG_CODE = "employer_branding_" * 20
LOG_OUT = "header form[action$='/logout'] button"
# Who sees which pages: each page type, as everyone who may open it.
PAGES = {
    None: ["/", f"/articles/{ARTICLE}", "{thread}", "/users/tom_okafor"],
    "priya_talent": ["/", "{thread}", "/users/tom_okafor", "/account"],
    "line_kjaer": ["/", "{thread}", "/account", "/author", f"/articles/{ARTICLE}/edit"],
    "mod_jonas": ["/", "{thread}", "/moderation", "/moderation/log", "/moderation/settings"],
    "ada_admin": ["/", "{thread}", "/moderation/log", "/admin/users", "/articles/new"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """The demo forum with an administrator and a contribution full of unbreakable words."""
    database = tmp_path_factory.mktemp("screens") / "forum.sqlite"
    app = create_app(
        {
            "SECRET_KEY": "browser-tests-" + "k" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "REQUIRE_CONFIRMED_EMAIL": False,
            "RATELIMIT_LOGIN": "50/minute",
            **CHEAP_ARGON2,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        register("ada_admin", "ada@example.org", PASSWORD, role=Role.ADMIN)
        thread = db.session.scalars(
            db.select(Thread).where(Thread.title.like("Should companies%"))
        ).first()
        add_contribution(
            thread,
            find_user_by_name("tom_okafor"),
            Contribution(
                "example", f"Run `{LONG_CODE}` first.", LONG_NAME, "blog", "", "supports"
            ),
        )
        thread_path = f"/threads/{thread.id}"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "thread": thread_path}
    server.shutdown()
    serving.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def logins(browser, site) -> dict:
    """Each demo person's logged-in browser state, made once for the module."""
    states: dict = {None: None}
    for username in PAGES:
        if username is None:
            continue
        context = browser.new_context()
        page = context.new_page()
        # Each in their own language (Danish for the demo's author and moderator), whose
        # longer words must fit too.
        page.goto(f"{site['url']}/auth/login")
        page.locator("main input[name=username]").fill(username)
        page.locator("main input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.locator(LOG_OUT).wait_for()
        states[username] = context.storage_state()
        context.close()
    return states


@pytest.fixture
def open_as(browser, site, logins):
    """A page in a fresh browser context, logged in as the person named (None: a visitor)."""
    contexts = []

    def open_as(username: str | None, **options):
        context = browser.new_context(storage_state=logins[username], **options)
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def url(site: dict, path: str) -> str:
    return site["url"] + path.format(thread=site["thread"])


@pytest.mark.parametrize("username", PAGES, ids=lambda name: name or "visitor")
def test_no_page_scrolls_sideways_on_a_320_px_phone(open_as, site, username):
    page = open_as(username, viewport={"width": 320, "height": 700})
    too_wide = {}
    for path in PAGES[username]:
        response = page.goto(url(site, path))
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            too_wide[path] = width
        if username:
            logout = page.locator(LOG_OUT).bounding_box()
            assert logout["x"] + logout["width"] <= 320, f"Log out is off screen on {path}"
    assert too_wide == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_vote_buttons_are_44_px_touch_targets_on_a_phone(open_as, site, scheme):
    page = open_as("priya_talent", viewport={"width": 390, "height": 800}, color_scheme=scheme)
    page.goto(url(site, "{thread}"))
    buttons = page.locator(".vote-form button").all()
    assert len(buttons) >= 4
    for button in buttons[:4]:
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colours(css: str) -> list[tuple[float, ...]]:
    """The rgb() and rgba() colours in a computed style, as (red, green, blue, alpha)."""
    found = re.findall(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)", css)
    assert found, css
    return [(float(r), float(g), float(b), float(a or 1)) for r, g, b, a in found]


def ring_contrast(page) -> float:
    """How the focused element's ring (its outermost shadow) stands out from the page."""
    (page_colour,) = colours(
        page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    )
    *ring, alpha = colours(page.evaluate("getComputedStyle(document.activeElement).boxShadow"))[-1]
    # The ring as painted: its colour laid over the page at its opacity.
    painted = tuple(
        alpha * own + (1 - alpha) * under for own, under in zip(ring, page_colour[:3], strict=True)
    )
    return contrast(painted, page_colour[:3])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_3_to_1_from_the_page(open_as, site, scheme):
    # Without motion, so the ring is read as drawn, not halfway through Pico's fade-in.
    page = open_as(None, color_scheme=scheme, reduced_motion="reduce")
    page.goto(url(site, "/auth/login"))
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site's name, a link
    assert page.evaluate("document.activeElement.className") == "brand"
    assert ring_contrast(page) >= 3
    page.locator("main form button[type=submit]").focus()  # after a key: a visible focus
    assert ring_contrast(page) >= 3


def test_each_contribution_and_its_replies_are_named_for_their_author(open_as, site):
    page = open_as(None)
    page.goto(url(site, "{thread}"))
    contributions = page.locator("article.contribution")
    named = page.get_by_role(
        "article", name=re.compile(r"^(Agreement|Disagreement|Example) by .+, -?\d+ points?$")
    )
    assert contributions.count() > 1
    assert named.count() == contributions.count()
    replies = page.locator("section.replies")
    assert replies.count() > 0
    for section in replies.all():
        author = section.locator("xpath=..").locator(".post-author").first.inner_text()
        assert section.get_attribute("aria-label") == f"Replies to {author}"


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("English", r"[A-Z][a-z]{2} \d{1,2}, \d{4}", r", \d{2}:\d{2}"),
        ("Dansk", r"\d{1,2}\. [a-zæøå]{3}\.? \d{4}", r" \d{2}\.\d{2}"),
    ],
    ids=["English", "Dansk"],
)
def test_dates_name_the_month_and_use_a_24_hour_clock(open_as, site, language, day, moment):
    page = open_as(None)
    page.goto(site["url"])
    page.locator("footer").get_by_role("link", name=language).or_(
        page.locator("footer").get_by_text(language)
    ).first.click()
    published = page.locator(".byline time").first
    assert re.fullmatch(day, published.inner_text()), published.inner_text()
    last_activity = page.locator(".figures time").first.get_attribute("title")
    assert re.fullmatch(day + moment, last_activity), last_activity
    assert re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", published.get_attribute("datetime"))
