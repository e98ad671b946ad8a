"""What moderators hit in the queue, the log, the flag form and the word lists (issue 15)."""

import re
from datetime import timedelta

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Action, Flag, PostStatus, Role, Stance, User, utcnow
from forum.moments import moment
from forum.services import moderation, screening
from forum.services.posts import Contribution, add_contribution
from forum.services.settings import load_settings, save_settings


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod", role=Role.MODERATOR)


@pytest.fixture
def as_moderator(client, moderator, log_in):
    log_in(moderator)
    return client


def text_of(html: str) -> str:
    """The page as a reader reads it: no tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":").strip()


def words_of(html: str) -> str:
    """Like text_of, but keeps a space the page puts before a colon."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def queued(page: str, post_id: int) -> str:
    """The queue item of one post."""
    start = page.index(f'data-post-id="{post_id}"')
    return page[start : page.index("</article>", start)]


def hide_form_of(item: str, post_id: int) -> str:
    start = item.index(f'action="/moderation/posts/{post_id}/hide"')
    return item[start : item.index("</form>", start)]


def selected_reasons(form: str) -> list[str]:
    return re.findall(r'<option value="(\w*)" selected>', form)


# --- 1. the hide form starts at the flags' reason ------------------------------------------


def test_the_queue_s_hide_form_starts_at_the_reason_most_flags_give(
    as_moderator, make_post, thread, make_user
):
    mixed = make_post(thread=thread, body="Buy cheap watches.")
    for reason in ("spam", "abusive", "abusive"):
        moderation.flag_post(mixed, make_user(), reason)
    off_topic = make_post(thread=thread, body="About football.")
    moderation.flag_post(off_topic, make_user(), "off_topic", "Wrong thread")

    page = as_moderator.get("/moderation").text

    assert selected_reasons(hide_form_of(queued(page, mixed.id), mixed.id)) == ["abusive"]
    assert selected_reasons(hide_form_of(queued(page, off_topic.id), off_topic.id)) == [
        "off_topic"
    ]


# --- 2. held posts say which watched words held them -----------------------------------------


def test_a_held_post_shows_its_watched_words_marked_in_the_text(
    as_moderator, moderator, thread, writer
):
    save_settings(moderator, 0, "miracle\nwonder*\nquick fix", "")
    held = add_contribution(
        thread,
        writer,
        Contribution(
            "agree",
            "A **Miracle** & <b>wonderful</b> cure, see [here](https://example.org/miracle).",
        ),
    )
    assert held.status == PostStatus.HELD

    item = queued(as_moderator.get("/moderation").text, held.id)

    assert "Held for the watched words: miracle, wonder*" in text_of(item)
    assert "quick fix" not in item
    assert "<strong><mark>Miracle</mark></strong>" in item
    assert "&amp; &lt;b&gt;<mark>wonderful</mark>&lt;/b&gt; cure" in item
    assert "<b>" not in item
    assert 'href="https://example.org/miracle"' in item


def test_a_post_held_for_another_reason_names_no_watched_word(
    as_moderator, moderator, make_post, thread
):
    save_settings(moderator, 0, "miracle", "")
    held = make_post(thread=thread, body="Plain words.", status=PostStatus.HELD)

    item = queued(as_moderator.get("/moderation").text, held.id)

    assert "watched words" not in item and "<mark>" not in item
    assert "Plain words." in item


def test_highlighting_marks_text_only_and_keeps_tags_and_escapes_as_they_were():
    html = Markup(
        '<p><a href="https://example.org/scam" title="scam &gt; x>y">a Scam</a> '
        "&lt;scam&gt; scammer</p>"
    )

    marked = screening.highlight(html, ["scam"])

    assert marked == Markup(
        '<p><a href="https://example.org/scam" title="scam &gt; x>y">a <mark>Scam</mark></a> '
        "&lt;<mark>scam</mark>&gt; scammer</p>"
    )


# --- 3. the stance is shown -------------------------------------------------------------------


def test_queue_items_show_the_stance_or_that_they_are_replies(
    as_moderator, make_post, thread, make_user
):
    posts = {
        "Disagrees": make_post(thread=thread, stance=Stance.DISAGREE),
        "Example": make_post(thread=thread, stance=Stance.EXAMPLE),
    }
    posts["Reply"] = make_post(parent=posts["Example"], stance=None, body="A reply.")
    for post in posts.values():
        moderation.flag_post(post, make_user(), "spam")
    held = make_post(thread=thread, stance=Stance.AGREE, status=PostStatus.HELD)

    page = as_moderator.get("/moderation").text

    for label, post in posts.items():
        assert f'<span class="stance">{label}</span>' in queued(page, post.id)
    assert '<span class="stance">Agrees</span>' in queued(page, held.id)


# --- 4. the audit log in words, and its article filter ---------------------------------------


def log_rows(page: str) -> list[str]:
    return [text_of(row.split("</tr>")[0]) for row in page.split('data-action="')[1:]]


def test_the_log_shows_reasons_and_roles_in_the_forms_words(
    as_moderator, app, moderator, make_post, thread, make_user
):
    post = make_post(thread=thread)
    flagged = make_post(thread=thread)
    flag = moderation.flag_post(flagged, make_user(), "misleading")
    moderation.hide_post(post, moderator, "off_topic", "Belongs in the other thread")
    moderation.dismiss_flag(flag, moderator)
    target = make_user("target")
    boss = make_user("boss", role=Role.ADMIN)
    moderation.change_role(target, boss, "author")
    until = utcnow() + timedelta(days=3)
    moderation.suspend_user(target, moderator, until, "Cooling off")
    save_settings(moderator, 2, "", "")

    page = as_moderator.get("/moderation/log").text
    with app.test_request_context():
        shown_until = text_of(moment(until.replace(second=0, microsecond=0)))

    rows = log_rows(page)
    assert rows[0].endswith("changed the settings Hold the first posts of a new account: 2")
    assert rows[1].endswith(f"Until {shown_until}: Cooling off")
    assert rows[2].endswith("Reader → Author")
    assert rows[3].endswith("Misleading")
    assert rows[4].endswith("Off topic: Belongs in the other thread")
    assert "off_topic" not in text_of(page) and "misleading" not in text_of(page)


def test_the_user_page_shows_reasons_in_the_forms_words(
    as_moderator, moderator, make_post, thread
):
    post = make_post(thread=thread)
    moderation.hide_post(post, moderator, "off_topic", "Wrong thread")

    page = as_moderator.get(f"/moderation/users/{post.author.username}").text

    assert f"hid a post (post {post.id}): Off topic: Wrong thread" in words_of(page)


def test_the_log_filters_by_an_article_chosen_from_a_list(
    as_moderator, moderator, thread, make_article
):
    elsewhere = make_article(title="Elsewhere", slug="elsewhere")
    make_article(title="Quiet", slug="quiet")
    moderation.set_thread_state(thread, moderator, Action.LOCK)
    moderation.set_discussion_open(elsewhere, moderator, False)

    page = as_moderator.get("/moderation/log?article=elsewhere").text

    select = page[page.index('<select id="filter-article"') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="([\w-]*)"', select) == [
        "",
        "elsewhere",
        thread.article.slug,
    ]
    assert '<option value="elsewhere" selected>Elsewhere</option>' in select
    assert [row.split('"')[0] for row in page.split('data-action="')[1:]] == ["close"]


# --- 5. wildcards, any case, Danish letters ---------------------------------------------------


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (["idiot"], "Du er en IDIOT!", "idiot"),
        (["idiot"], "Sikke nogle idioter.", None),
        (["idiot"], "IDIOTS everywhere", None),
        (["idiot*"], "IDIOTS everywhere", "idiot*"),
        (["idiot*"], "Han er idioten.", "idiot*"),
        (["idiot*"], "Sikke nogle IDIOTER.", "idiot*"),
        (["idiot*"], "Det var idiotisk", "idiot*"),
        (["idiot*"], "semi-idiot", "idiot*"),
        (["idiot*"], "halvidioter", None),
        (["*idiot*"], "halvidioter", "*idiot*"),
        (["fjols*"], "I FJOLSERNE", "fjols*"),
        (["æsel*"], "Dit ÆSEL", "æsel*"),
        (["æsel*"], "dumme æselører", "æsel*"),
        (["tøs*"], "TØSERNE", "tøs*"),
        (["tøs*"], "tossen", None),
        (["*røv"], "Din fjolserøv", "*røv"),
        (["hår*"], "HÅRDE ord", "hår*"),
        (["bl*p"], "Blæp blop", "bl*p"),
        (["svin*hund"], "Din SVINEHUND", "svin*hund"),
        (["id*t"], "Du er en ID**T", "id*t"),
        (["quick fix"], "A QUICK FIX.", "quick fix"),
        (["*"], "Anything at all", None),
    ],
)
def test_word_lists_match_wildcards_in_any_case_with_danish_letters(words, text, found):
    assert screening.first_match(words, text) == found


def test_matching_words_lists_every_word_that_occurs():
    found = screening.matching_words(["idiot*", "fjols", "tøs*"], "Idioten og TØSEN")

    assert found == ["idiot*", "tøs*"]


def test_a_blocked_wildcard_refuses_a_danish_inflection(moderator, thread, writer):
    save_settings(moderator, 0, "", "idiot*")

    with pytest.raises(InvalidInput) as refused:
        add_contribution(thread, writer, Contribution("agree", "Sikke nogle IDIOTER."))

    assert "“idiot*” is not allowed here." in str(refused.value)


def test_a_watched_wildcard_holds_a_danish_inflection(moderator, thread, writer):
    save_settings(moderator, 0, "vidunder*", "")

    held = add_contribution(thread, writer, Contribution("agree", "Den VIDUNDERLIGE kur."))
    shown = add_contribution(thread, writer, Contribution("agree", "Et under, ikke mere."))

    assert (held.status, shown.status) == (PostStatus.HELD, PostStatus.PUBLISHED)


def test_the_settings_form_says_that_star_works_and_refuses_a_bare_star(as_moderator):
    page = as_moderator.get("/moderation/settings").text
    assert "idiot* also catches" in page

    refused = as_moderator.post(
        "/moderation/settings", data={"hold_first": "0", "watched": "miracle\n*", "blocked": ""}
    )

    assert refused.status_code == 422
    assert "A line of only * would match every post." in refused.text
    assert "miracle\n*" in refused.text
    assert load_settings().watched == []


# --- 6. the flag form makes the reader choose ----------------------------------------------------


def test_the_flag_form_starts_with_no_reason_chosen(as_reader, make_post, thread):
    post = make_post(thread=thread)

    page = as_reader.get(f"/posts/{post.id}/flag").text

    select = page[page.index('<select id="reason"') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="(\w*)"', select)[0] == ""
    assert " selected" not in select


def test_a_flag_without_a_reason_is_refused_and_keeps_the_details(as_reader, make_post, thread):
    post = make_post(thread=thread)

    refused = as_reader.post(
        f"/posts/{post.id}/flag", data={"reason": "", "details": "He copies my posts"}
    )

    assert refused.status_code == 422
    assert "Choose a reason." in refused.text
    assert "He copies my posts" in refused.text
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 0


# --- 7. sentences built from a note -------------------------------------------------------------


def test_a_note_ending_in_a_full_stop_gets_no_second_one(client, moderator, post):
    moderation.hide_post(post, moderator, "abusive", "Insults.")

    text = text_of(client.get(f"/threads/{post.thread_id}").text)

    assert "Hidden by a moderator: Abusive: Insults." in text
    assert "Insults.." not in text


def test_a_sanction_reason_ending_in_a_full_stop_gets_no_second_one(
    client, moderator, reader, log_in
):
    moderation.suspend_user(reader, moderator, utcnow() + timedelta(days=1), "Spam links.")
    log_in(reader)

    text = text_of(client.get("/").text)

    assert ": Spam links. You can read" in text
    assert "Spam links.." not in text


def test_an_ellipsis_at_the_end_of_a_note_is_kept(moderator, post):
    moderation.hide_post(post, moderator, "other", "Read the last line...")

    assert post.moderation_note == "Read the last line..."


def test_the_queue_puts_no_space_before_a_colon(as_moderator, make_post, thread, make_user):
    post = make_post(thread=thread)
    moderation.flag_post(post, make_user(), "spam", "Buy now")

    assert "Spam: Buy now" in words_of(queued(as_moderator.get("/moderation").text, post.id))


def test_the_hide_form_on_the_thread_page_starts_at_the_flags_reason(
    client, log_in, thread, make_user, make_post
):
    moderator = make_user("thread_moderator", role=Role.MODERATOR)
    post = make_post(thread=thread)
    quiet = make_post(thread=thread)
    for name in ("first_flagger", "second_flagger"):
        moderation.flag_post(post, make_user(name), "off_topic", "")
    log_in(moderator)

    page = client.get(f"/threads/{thread.id}").text

    chosen = re.search(rf'id="hide-{post.id}-reason".*?</select>', page, re.S).group(0)
    assert '<option value="off_topic" selected>' in chosen
    untouched = re.search(rf'id="hide-{quiet.id}-reason".*?</select>', page, re.S).group(0)
    assert "selected" not in untouched
