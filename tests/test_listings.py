"""The read model (forum/services/listings.py): what each listing holds for each reader.

The same rule as tests/test_visibility_routes.py, read off the listings themselves: held and
rejected posts, and the replies under them, are listed for their authors and the moderators
only; a hidden post is listed to everyone (its text is a placeholder for most) but kept out of
the lists that carry text (the feed, the profile, the editor's picks).
"""

from collections.abc import Callable
from datetime import timedelta

import pytest

from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import (
    ArticleStatus,
    Post,
    PostStatus,
    Role,
    Stance,
    Thread,
    ThreadOrigin,
    User,
    utcnow,
)
from forum.services.listings import (
    SORTS,
    Page,
    article_feed,
    article_page,
    front_page,
    permalink_page,
    profile_posts,
    thread_page,
)
from tests.conftest import counted_statements

VIEWERS = ["visitor", "reader", "writer", "moderator"]
READER = ThreadOrigin.READER


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("moderator", role=Role.MODERATOR)


@pytest.fixture
def someone(reader, writer, moderator) -> Callable[[str], User | None]:
    """The reader a test reads as: a visitor (None), a reader, the posts' writer, a moderator."""
    return {"visitor": None, "reader": reader, "writer": writer, "moderator": moderator}.get


@pytest.fixture
def debate(thread, writer, make_user, make_post) -> dict[str, Post]:
    """The writer's contributions in every state, with a published reply under two of them."""
    replier = make_user("replier")
    posts = {
        "published": make_post(thread=thread, author=writer),
        "hidden": make_post(thread=thread, author=writer, hidden=True, moderation_reason="spam"),
        "held": make_post(thread=thread, author=writer, status=PostStatus.HELD),
        "rejected": make_post(thread=thread, author=writer, status=PostStatus.REJECTED),
        "deleted": make_post(thread=thread, author=writer, deleted_at=utcnow()),
    }
    posts["reply"] = make_post(parent=posts["published"], author=replier)
    posts["reply_under_held"] = make_post(parent=posts["held"], author=replier)
    return posts


def read_thread(thread: Thread, reader: User | None, **listing):
    listing = {"sort": "old", "stance": None, "page": 1, "per_page": 50, **listing}
    return thread_page(thread, reader, **listing)


def ids(posts) -> list[int]:
    return [post.id for post in posts]


# The thread page.

THREAD_SEES = {
    "visitor": ["published", "hidden", "deleted"],
    "reader": ["published", "hidden", "deleted"],
    "writer": ["published", "hidden", "held", "rejected", "deleted"],
    "moderator": ["published", "hidden", "held", "rejected", "deleted"],
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_thread_page_lists_the_contributions_this_reader_may_see(
    thread, debate, someone, viewer
):
    listing = read_thread(thread, someone(viewer))

    assert ids(listing.contributions.items) == [debate[state].id for state in THREAD_SEES[viewer]]
    assert listing.contributions.total == len(THREAD_SEES[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_replies_are_listed_under_the_contributions_this_reader_sees(
    thread, debate, someone, viewer
):
    listing = read_thread(thread, someone(viewer))

    replies = listing.replies
    assert replies[debate["published"].id] == (debate["reply"],)
    if viewer in ("writer", "moderator"):
        assert replies[debate["held"].id] == (debate["reply_under_held"],)
    # Every contribution of the page has its entry, with or without replies.
    assert replies.keys() == set(ids(listing.contributions.items))
    assert replies[debate["hidden"].id] == ()


def test_a_thread_page_names_every_post_on_it_and_its_author(thread, debate, writer):
    listing = read_thread(thread, None)

    shown = ["published", "hidden", "deleted", "reply"]
    assert ids(listing.posts) == [debate[state].id for state in shown]
    assert listing.authors[debate["published"].id] == writer.id
    assert listing.authors[debate["reply"].id] == debate["reply"].author_id
    assert listing.article == thread.article


@pytest.fixture
def ranked(thread, make_post) -> dict[str, Post]:
    """Four contributions, each first in one order; the newest is also the most disputed."""
    start = utcnow() - timedelta(hours=4)
    fields = {
        "oldest": {"best": 0.2, "score": 1, "controversy": 0.1},
        "best": {"best": 0.9, "score": 2, "controversy": 0.2},
        "top": {"best": 0.5, "score": 9, "controversy": 0.3, "stance": Stance.EXAMPLE},
        "newest": {"best": 0.1, "score": -3, "controversy": 0.8, "stance": Stance.DISAGREE},
    }
    return {
        name: make_post(thread=thread, created_at=start + timedelta(hours=hour), **values)
        for hour, (name, values) in enumerate(fields.items())
    }


@pytest.mark.parametrize(
    "sort, order",
    [
        ("best", ["best", "top", "oldest", "newest"]),
        ("top", ["top", "best", "oldest", "newest"]),
        ("new", ["newest", "top", "best", "oldest"]),
        ("old", ["oldest", "best", "top", "newest"]),
        ("controversial", ["newest", "top", "best", "oldest"]),
    ],
)
def test_a_thread_page_is_sorted_as_asked(thread, ranked, sort, order):
    listing = read_thread(thread, None, sort=sort)

    assert ids(listing.contributions.items) == [ranked[name].id for name in order]
    assert listing.sort == sort


def test_every_sort_is_tested():
    assert set(SORTS) == {"best", "top", "new", "old", "controversial"}


def test_the_stance_filter_lists_that_stance_alone(thread, ranked, make_post):
    reply = make_post(parent=ranked["top"])

    listing = read_thread(thread, None, stance="example")

    assert ids(listing.contributions.items) == [ranked["top"].id]
    assert listing.replies == {ranked["top"].id: (reply,)}
    assert listing.stance == "example"


def test_a_thread_is_listed_page_by_page(thread, make_post):
    start = utcnow() - timedelta(hours=1)
    posts = [make_post(thread=thread, created_at=start + timedelta(minutes=n)) for n in range(5)]

    pages = [read_thread(thread, None, page=number, per_page=2) for number in (1, 2, 3, 4)]

    assert [ids(page.contributions.items) for page in pages] == [
        ids(posts[0:2]),
        ids(posts[2:4]),
        ids(posts[4:5]),
        [],
    ]
    last = pages[2].contributions
    assert (last.page, last.pages, last.total) == (3, 3, 5)
    assert (last.has_prev, last.prev_num, last.has_next, last.next_num) == (True, 2, False, None)


@pytest.mark.parametrize(
    "page, pages, expected",
    [
        (7, 20, [1, None, 5, 6, 7, 8, 9, None, 20]),
        (1, 20, [1, 2, 3, None, 20]),
        (3, 20, [1, 2, 3, 4, 5, None, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
        (2, 3, [1, 2, 3]),
        (1, 1, []),
    ],
)
def test_page_numbers_skip_the_middle_of_a_long_listing(page, pages, expected):
    listing = Page(items=(), page=page, per_page=10, total=pages * 10)

    # As the pagination macro asks for them.
    numbers = listing.iter_pages(left_edge=1, left_current=2, right_current=2, right_edge=1)
    assert list(numbers) == expected


def test_an_empty_listing_has_no_pages():
    empty = Page(items=(), page=1, per_page=10, total=0)
    assert (empty.pages, empty.has_next, list(empty.iter_pages())) == (0, False, [])


def test_a_draft_s_thread_is_listed_for_its_author_alone(make_thread, draft_article, author):
    thread = make_thread(article=draft_article)

    assert read_thread(thread, author).thread == thread
    with pytest.raises(NotAllowed):
        read_thread(thread, None)


# The permalink's page.


@pytest.fixture
def behind_held(thread, writer, make_user, make_post) -> Post:
    """Five held contributions by the writer, then a published one by someone else."""
    start = utcnow() - timedelta(hours=1)
    for minute in range(5):
        make_post(
            thread=thread,
            author=writer,
            status=PostStatus.HELD,
            created_at=start + timedelta(minutes=minute),
        )
    return make_post(thread=thread, author=make_user(), created_at=start + timedelta(minutes=9))


@pytest.mark.parametrize("viewer, page", [("visitor", 1), ("reader", 1), ("writer", 2)])
def test_the_permalink_page_counts_only_the_posts_this_reader_sees(
    thread, behind_held, someone, viewer, page
):
    found = permalink_page(behind_held, someone(viewer), per_page=5)

    assert found == page
    listing = read_thread(thread, someone(viewer), sort="old", page=found, per_page=5)
    assert behind_held in listing.contributions.items


def test_a_reply_s_permalink_page_is_that_of_its_contribution(behind_held, someone, make_post):
    reply = make_post(parent=behind_held)

    assert permalink_page(reply, None, per_page=5) == 1
    assert permalink_page(reply, someone("writer"), per_page=5) == 2


def test_a_moderator_s_permalink_page_counts_every_post(behind_held, moderator):
    assert permalink_page(behind_held, moderator, per_page=5) == 2


def test_no_page_is_given_for_a_post_the_reader_may_not_see(thread, debate, someone):
    with pytest.raises(NotAllowed):
        permalink_page(debate["held"], someone("reader"), per_page=5)
    assert permalink_page(debate["held"], someone("writer"), per_page=5) == 1


# The article page.


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_editor_s_picks_are_those_every_reader_sees(article, debate, someone, viewer):
    for state in ("published", "hidden", "reply", "reply_under_held"):
        debate[state].featured = True
    db.session.commit()

    listing = article_page(article, someone(viewer))

    # The hidden one and the reply under a held contribution are nobody's pick.
    assert set(ids(listing.featured)) == {debate["published"].id, debate["reply"].id}


def test_an_article_page_lists_its_threads_pinned_first_then_the_questions(
    article, make_thread, reader
):
    proposed = make_thread(article=article, title="Proposed", origin=READER, author=reader)
    second = make_thread(article=article, title="Second question", position=2)
    first = make_thread(article=article, title="First question", position=1)
    pinned = make_thread(article=article, title="Pinned", origin=READER, pinned=True)

    listing = article_page(article, None)

    assert ids(listing.threads) == ids([pinned, first, second, proposed])


def test_an_article_page_tallies_what_moderators_took_away(article, debate):
    listing = article_page(article, None)

    assert (listing.moderated.hidden, listing.moderated.rejected) == (1, 1)
    assert listing.summary is not None


def test_a_draft_s_page_is_for_its_author_and_has_no_debate_yet(draft_article, author, reader):
    listing = article_page(draft_article, author)

    assert (listing.summary, listing.featured, listing.moderated) == (None, (), None)
    with pytest.raises(NotAllowed):
        article_page(draft_article, reader)


# The feed.


def test_the_feed_carries_the_newest_posts_whose_text_everyone_sees(article, thread, debate):
    feed = article_feed(article, limit=10)

    assert ids(feed.posts) == [debate["reply"].id, debate["published"].id]
    assert feed.updated == debate["reply"].created_at


def test_the_feed_carries_at_most_its_length(article, thread, make_post):
    start = utcnow() - timedelta(hours=1)
    posts = [make_post(thread=thread, created_at=start + timedelta(minutes=n)) for n in range(4)]

    assert ids(article_feed(article, limit=2).posts) == ids([posts[3], posts[2]])


def test_an_empty_feed_is_as_new_as_its_article(article):
    feed = article_feed(article, limit=10)
    assert (feed.posts, feed.updated) == ((), article.published_at)


# The front page.


@pytest.fixture
def front(author, make_user, make_article) -> dict[str, object]:
    other = make_user("other-author", role=Role.AUTHOR)
    now = utcnow()
    return {
        "older": make_article(author=author, published_at=now - timedelta(days=2), hot=5.0),
        "newer": make_article(author=other, published_at=now - timedelta(days=1), hot=1.0),
        "draft": make_article(author=author, status=ArticleStatus.DRAFT),
        "other_draft": make_article(author=other, status=ArticleStatus.DRAFT),
    }


@pytest.mark.parametrize(
    "viewer, drafts", [("visitor", []), ("reader", []), ("author", ["draft"]), ("moderator", [])]
)
def test_the_front_page_lists_published_articles_and_the_reader_s_own_drafts(
    front, author, someone, viewer, drafts
):
    reader = author if viewer == "author" else someone(viewer)

    listing = front_page(reader, sort="new", page=1)

    assert ids(listing.articles.items) == ids([front["newer"], front["older"]])
    assert ids(listing.drafts) == ids([front[name] for name in drafts])


def test_the_front_page_sorts_by_activity_and_pages(app, front):
    app.config["ARTICLES_PER_PAGE"] = 1

    first = front_page(None, sort="active", page=1)
    second = front_page(None, sort="active", page=2)

    assert ids(first.articles.items + second.articles.items) == ids(
        [front["older"], front["newer"]]
    )
    assert (first.sort, first.articles.pages) == ("active", 2)


# The profile.


def test_a_profile_lists_the_posts_whose_text_everyone_sees(debate, writer, make_user):
    listing = profile_posts(writer, page=1)

    assert ids(listing.posts.items) == [debate["published"].id]
    replier = debate["reply"].author
    assert ids(profile_posts(replier, page=1).posts.items) == [debate["reply"].id]


def test_a_profile_leaves_out_posts_under_drafts_and_lists_published_articles(
    author, article, draft_article, make_thread, make_post
):
    make_post(thread=make_thread(article=draft_article), author=author)
    shown = make_post(thread=make_thread(article=article), author=author)

    listing = profile_posts(author, page=1)

    assert ids(listing.posts.items) == [shown.id]
    assert ids(listing.articles) == [article.id]


def test_a_profile_lists_twenty_posts_a_page_newest_first(thread, writer, make_post):
    start = utcnow() - timedelta(hours=1)
    posts = [
        make_post(thread=thread, author=writer, created_at=start + timedelta(minutes=n))
        for n in range(21)
    ]

    first, second = (profile_posts(writer, page=number).posts for number in (1, 2))

    assert ids(first.items) == ids(reversed(posts[1:]))
    assert ids(second.items) == [posts[0].id]
    assert first.pages == 2


# A fixed number of queries, whatever the number of posts.


def statements(read: Callable[[], object], *given: object) -> int:
    """The statements `read` runs, with nothing in the session but the objects it is given."""
    db.session.expire_all()
    for instance in given:
        db.session.refresh(instance)
    with counted_statements() as executed:
        read()
    return len(executed)


def test_each_listing_costs_the_same_queries_for_few_posts_and_many(
    article, make_thread, writer, make_user, make_post
):
    few, many = make_thread(article=article), make_thread(article=article)
    repliers = [make_user() for _ in range(3)]
    for thread, count in ((few, 2), (many, 30)):
        for number in range(count):
            contribution = make_post(thread=thread, author=writer, featured=True)
            make_post(parent=contribution, author=repliers[number % 3])

    def costs(thread: Thread) -> list[int]:
        top = db.session.get(Post, max(ids(read_thread(thread, writer).contributions.items)))
        return [
            statements(lambda: read_thread(thread, writer, per_page=200), thread, writer),
            statements(lambda: permalink_page(top, writer, per_page=5), top, writer),
        ]

    assert costs(few) == costs(many) == [6, 1]
    assert statements(lambda: article_page(article, None), article) == 7
    assert statements(lambda: article_feed(article, limit=50), article) == 2
    assert statements(lambda: profile_posts(writer, page=1), writer) == 4
