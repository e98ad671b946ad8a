"""Whole journeys, on a phone (390 px) and a desktop (1280 px): a visitor, a new reader in Danish
without JavaScript, a new reader with it, the author at the desk, and a moderator."""

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import register

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-password-1"
NEW_PASSWORD = "a long enough password"
ENGLISH_ARTICLE = "Employee advocacy is not a strategy"
DANISH_ARTICLE = "Hypen om sociale medier i employer branding holder ikke"
SCREENS = {"phone": {"width": 390, "height": 800}, "desktop": {"width": 1280, "height": 800}}
# A contribution by someone else that the reader may vote on.
VOTABLE = "article.contribution:not([data-hidden]):has(> header .vote-up)"


@pytest.fixture(params=SCREENS)
def screen(request) -> str:
    return request.param


@pytest.fixture
def new_page(browser, screen):
    """A page in a fresh browser context at the test's screen width, with the options given."""
    contexts = []

    def new_page(**options):
        context = browser.new_context(viewport=SCREENS[screen], **options)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def assert_fits(page) -> None:
    """Nothing on the page scrolls sideways (measured once its styles are in)."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} is {width} px wide in a {viewport} px window"


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in on the login form the page shows, in whichever language the page is in."""
    page.locator("main input[name=username]").fill(username)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header form[action$='/logout'] button")).to_be_visible()


def open_thread(page, base_url: str, article: str, number: int = 0) -> str:
    """Open an article's thread from the front page; return the thread's address."""
    page.goto(base_url)
    page.get_by_role("link", name=article).click()
    page.locator(".thread-summary h3 a").nth(number).click()
    expect(page).to_have_url(re.compile(r"/threads/\d+$"))
    return page.url


def post_id_of(post) -> str:
    return post.get_attribute("id").removeprefix("post-")


def test_a_visitor_reads_sorts_opens_a_permalink_and_is_brought_back_after_login(
    new_page, live_server
):
    page = new_page()
    page.goto(live_server)
    expect(page.get_by_role("heading", name="Debates")).to_be_visible()
    assert_fits(page)
    page.get_by_role("link", name=ENGLISH_ARTICLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_ARTICLE)
    assert_fits(page)
    page.locator(".thread-summary h3 a").first.click()
    assert_fits(page)

    page.locator(".debate-controls").get_by_role("link", name="Newest first").click()
    expect(page.locator(".sort [aria-current]")).to_have_text("Newest first")
    assert "sort=new" in page.url
    assert_fits(page)
    times = page.locator("article.contribution > header time").evaluate_all(
        "times => times.map(time => time.getAttribute('datetime'))"
    )
    assert times == sorted(times, reverse=True)

    post = page.locator("article.contribution:not([data-hidden])").nth(1)
    post_id = post_id_of(post)
    post.locator(":scope > header .post-time").click()
    expect(page).to_have_url(re.compile(rf"/threads/\d+\?.*#post-{post_id}$"))
    permalinked = page.locator(f"#post-{post_id}")
    expect(permalinked).to_be_in_viewport()
    assert_fits(page)

    permalinked.locator(":scope > header").get_by_role("link", name="Log in to vote").click()
    expect(page).to_have_url(f"{live_server}/auth/login?next=/posts/{post_id}")
    assert_fits(page)
    log_in(page, "priya_talent")
    expect(page).to_have_url(re.compile(rf"#post-{post_id}$"))
    expect(permalinked.locator(":scope > header .vote-up")).to_be_visible()
    expect(permalinked).to_be_in_viewport()


def test_a_new_reader_takes_part_in_danish_without_javascript(new_page, live_server, screen):
    page = new_page(locale="da-DK", java_script_enabled=False)
    username = f"dansk_{screen}"
    page.goto(live_server)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", name="Debatter")).to_be_visible()
    page.locator("header").get_by_role("button", name="Opret konto").click()
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("E-mailadresse").fill(f"{username}@example.org")
    page.get_by_label("Adgangskode", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Gentag adgangskoden").fill(NEW_PASSWORD)
    assert_fits(page)
    page.locator("main").get_by_role("button", name="Opret konto").click()
    expect(page.locator(".flash")).to_contain_text("Tjek din indbakke")
    page.get_by_label("Brugernavn eller e-mailadresse").fill(username)
    page.get_by_label("Adgangskode", exact=True).fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name="Log ind").click()
    expect(page.locator(".flash-success")).to_have_text("Du er logget ind.")

    thread_url = open_thread(page, live_server, DANISH_ARTICLE)
    form = page.locator("form.contribution-form")
    form.get_by_label("Jeg er uenig").check()
    form.get_by_label("Dit indlæg").fill(f"Vi har aldrig fået en ansøger fra TikTok ({screen}).")
    form.get_by_role("button", name="Send indlæg").click()
    expect(page.locator(".flash-success")).to_have_text("Dit indlæg er offentliggjort.")
    mine = page.locator("article.contribution", has_text=f"fra TikTok ({screen})")
    expect(mine).to_have_attribute("data-stance", "disagree")
    expect(mine.locator(":scope > header .stance-label")).to_have_text("Uenig")
    assert_fits(page)

    theirs = page.locator(VOTABLE).first
    theirs_id = post_id_of(theirs)
    theirs = page.locator(f"#post-{theirs_id}")
    score = int(theirs.get_attribute("data-score"))
    theirs.locator(":scope > header").get_by_role("button", name="Stem op").click()
    expect(page).to_have_url(re.compile(rf"#post-{theirs_id}$"))
    up = theirs.locator(":scope > header").get_by_role("button", name="Stem op")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(theirs.locator(":scope > header .score")).to_have_text(str(score + 1))

    theirs.locator(":scope > .reply-action").get_by_role("link", name="Svar").click()
    page.get_by_label("Dit svar").fill(f"Hvor mange af dem blev ansat? ({screen})")
    assert_fits(page)
    page.get_by_role("button", name="Send svar").click()
    expect(page.locator(".flash-success")).to_have_text("Dit svar er offentliggjort.")
    reply = page.locator("article.reply", has_text=f"blev ansat? ({screen})")
    expect(reply).to_have_attribute("data-reply-to", theirs_id)

    page.goto(thread_url)
    mine.get_by_role("link", name="Rediger", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rediger dit indlæg")
    page.get_by_label("Dit indlæg").fill(
        f"Vi har aldrig fået en ansøger fra TikTok ({screen}). Aldrig."
    )
    page.get_by_role("button", name="Gem ændringer").click()
    expect(page.locator(".flash-success")).to_have_text("Dine ændringer er gemt.")
    edited = page.locator("article.contribution", has_text=f"({screen}). Aldrig.")
    expect(edited.locator(":scope > header .edited")).to_have_text("redigeret")

    page.locator(".breadcrumb a").click()
    page.get_by_role("button", name="Følg").first.click()
    expect(page.locator(".flash-success")).to_contain_text("Du følger nu artiklen")
    expect(page.locator(".follow-state")).to_have_text("Du følger artiklen.")
    expect(page.get_by_role("heading", level=1)).to_have_text(DANISH_ARTICLE)
    assert_fits(page)


def test_a_new_reader_posts_an_example_votes_and_replies_in_place(new_page, live_server, screen):
    page = new_page()
    register(page, live_server, f"script_{screen}")
    open_thread(page, live_server, ENGLISH_ARTICLE, 2)
    form = page.locator("form.contribution-form")
    form.get_by_label("I have an example").check()
    form.get_by_label("Your contribution").fill(f"Our open day on {screen} filled the hall.")
    form.get_by_label("Organisation").fill("Vestegnens Vand")
    form.get_by_label("Channel").select_option("event")
    form.get_by_label("It challenges the article").check()
    form.get_by_role("button", name="Post contribution").click()
    expect(page.get_by_text("Your contribution is posted.")).to_be_visible()
    example = page.locator("article.contribution", has_text=f"open day on {screen}")
    expect(example).to_have_attribute("data-stance", "example")
    expect(example.locator(".example-facts")).to_contain_text("Vestegnens Vand")
    expect(example.locator(".example-facts")).to_contain_text("Event")
    expect(example.locator(".example-facts")).to_contain_text("Challenges the article")
    assert_fits(page)

    page.evaluate("window.stillHere = true")
    theirs = page.locator(f"#post-{post_id_of(page.locator(VOTABLE).first)}")
    votes = theirs.locator(":scope > header .vote-form")
    score = int(votes.locator(".score").inner_text())
    votes.get_by_role("button", name="Vote up").click()
    expect(votes.locator(".score")).to_have_text(str(score + 1))
    expect(votes.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")

    url = page.url
    theirs.locator(":scope > .reply-action").get_by_role("link", name="Reply").click()
    reply_form = theirs.locator("form.reply-form")
    expect(reply_form.get_by_label("Your reply")).to_be_focused()
    assert page.url == url
    assert page.evaluate("window.stillHere") is True, "the page was reloaded"
    assert_fits(page)
    reply_form.get_by_label("Your reply").fill(f"Which roles did it fill? ({screen})")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    reply = page.locator("article.reply", has_text=f"Which roles did it fill? ({screen})")
    expect(reply).to_have_attribute("data-reply-to", post_id_of(theirs))


def test_the_author_answers_a_challenge_from_the_desk(new_page, live_server):
    page = new_page()
    page.goto(f"{live_server}/auth/login")
    log_in(page, "line_kjaer")
    page.locator("header").get_by_role("link", name="Forfatterens skrivebord").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forfatterens skrivebord")
    figures = page.get_by_role("list", name="Debatten i tal").first
    expect(figures).to_be_in_viewport()
    challenges = page.get_by_role("heading", name="Ubesvarede indlæg")
    assert figures.bounding_box()["y"] < challenges.bounding_box()["y"]
    assert_fits(page)

    challenge = page.locator("article.contribution").first
    post_id = post_id_of(challenge)
    answer = challenge.get_by_label("Dit svar")
    expect(answer).to_be_hidden()
    challenge.locator("summary", has_text="Svar").click()
    expect(answer).to_be_visible()
    assert_fits(page)
    answer.fill("Tak, det er et godt modargument. Jeg svarer i tråden.")
    challenge.get_by_role("button", name="Send svar").click()

    expect(page.locator(".flash-success")).to_have_text("Dit svar er offentliggjort.")
    expect(page).to_have_url(f"{live_server}/author")
    expect(page.locator(f"#post-{post_id}")).to_have_count(0)
    assert_fits(page)

    page.goto(f"{live_server}/posts/{post_id}")
    answered = page.locator(f"#post-{post_id}")
    expect(answered.locator(":scope > header .badge-answered")).to_have_text(
        "besvaret af forfatteren"
    )
    own = answered.locator("article.reply", has_text="et godt modargument")
    expect(own.locator(".badge-author")).to_have_text("Forfatter")
    expect(own).to_have_attribute("data-author-reply", "true")


def test_a_flagged_post_is_hidden_from_the_queue_and_visitors_see_the_placeholder(
    new_page, live_server, screen
):
    reason, label, danish = {
        "phone": ("off_topic", "Off topic", "Uden for emnet"),
        "desktop": ("misleading", "Misleading", "Vildledende"),
    }[screen]
    reader = new_page()
    register(reader, live_server, f"flagger_{screen}")
    open_thread(reader, live_server, ENGLISH_ARTICLE, 1)
    flag_link = reader.locator("article.contribution:not([data-hidden]) a.flag-link").first
    post_id = flag_link.get_attribute("href").split("/")[2]
    text = reader.locator(f"#post-{post_id} > .post-body").inner_text().strip()
    flag_link.click()
    reader.get_by_label("Reason").select_option(label=label)
    reader.get_by_role("button", name="Send to the moderators").click()
    expect(reader.get_by_text("Thank you. The moderators will look at it.")).to_be_visible()

    moderator = new_page()
    moderator.goto(f"{live_server}/auth/login")
    log_in(moderator, "mod_jonas")
    moderator.locator("header").get_by_role("link", name="Moderation").click()
    item = moderator.locator(f'.queue-flagged article[data-post-id="{post_id}"]')
    expect(item.locator(".flags")).to_contain_text(danish)
    chosen = item.get_by_label("Årsag")
    expect(chosen).to_have_value(reason)
    expect(chosen.locator("option:checked")).to_have_text(danish)
    assert_fits(moderator)
    item.get_by_role("button", name="Skjul").click()
    expect(moderator.locator(".flash-success")).to_have_text("Indlægget er skjult.")
    expect(moderator.locator(f'.queue-flagged article[data-post-id="{post_id}"]')).to_have_count(0)
    expect(moderator.locator(f'.queue-hidden article[data-post-id="{post_id}"]')).to_be_visible()

    visitor = new_page()
    visitor.goto(f"{live_server}/posts/{post_id}")
    hidden = visitor.locator(f"#post-{post_id}")
    expect(hidden.locator(":scope > .placeholder")).to_have_text(
        f"Hidden by a moderator: {label}."
    )
    expect(hidden.locator(":scope > .post-body")).to_have_count(0)
    assert text[:60] not in visitor.locator("main").inner_text()
    assert_fits(visitor)
