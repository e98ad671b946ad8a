"""Threads and posts: contributing, replying, editing and deleting, with exact stored figures."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from forum.errors import DiscussionClosed, InvalidInput, NotAllowed, PostDeleted, ThreadLocked
from forum.extensions import db
from forum.models import (
    Article,
    Channel,
    Effect,
    Post,
    PostRevision,
    Role,
    Stance,
    Thread,
    ThreadOrigin,
)
from forum.services import moderation
from forum.services.deleting import delete_post
from forum.services.posts import (
    Contribution,
    add_contribution,
    add_reply,
    edit_post,
    propose_thread,
)
from tests.conftest import purge_deleted

FIGURES = ("agree_count", "disagree_count", "example_count", "reply_count")

EXAMPLE = Contribution(
    stance="example",
    body="Novo Nordisk's hiring posts doubled applications.",
    organisation="Novo Nordisk",
    channel="linkedin",
    source_url="https://example.org/case",
    effect="supports",
)


def figures(model, key: int) -> dict[str, int]:
    """The stored figures of a thread or article, read fresh from the database."""
    db.session.expire_all()
    row = db.session.get(model, key)
    return {name: getattr(row, name) for name in FIGURES}


def thread_figures(thread: Thread) -> dict[str, int]:
    return figures(Thread, thread.id)


def article_figures(thread: Thread) -> dict[str, int]:
    return figures(Article, thread.article_id)


def real_figures(thread_id: int) -> dict[str, int]:
    """The figures counted from the rows themselves."""
    live = (Post.thread_id == thread_id, Post.deleted_at.is_(None))
    by_stance = dict(
        db.session.execute(
            select(Post.stance, func.count())
            .where(*live, Post.parent_id.is_(None))
            .group_by(Post.stance)
        ).all()
    )
    replies = db.session.scalar(
        select(func.count(Post.id)).where(*live, Post.parent_id.is_not(None))
    )
    return {
        "agree_count": by_stance.get(Stance.AGREE, 0),
        "disagree_count": by_stance.get(Stance.DISAGREE, 0),
        "example_count": by_stance.get(Stance.EXAMPLE, 0),
        "reply_count": replies,
    }


def expect(agree: int = 0, disagree: int = 0, example: int = 0, replies: int = 0) -> dict:
    return {
        "agree_count": agree,
        "disagree_count": disagree,
        "example_count": example,
        "reply_count": replies,
    }


def assert_figures(thread: Thread, **expected: int) -> None:
    """Thread and article figures as expected, and matching the real rows."""
    wanted = expect(**expected)
    assert thread_figures(thread) == wanted
    assert article_figures(thread) == wanted
    assert real_figures(thread.id) == wanted


def post_count() -> int:
    return db.session.scalar(select(func.count(Post.id)))


def reload_post(post_id: int) -> Post | None:
    db.session.expire_all()
    return db.session.get(Post, post_id)


def contribute(thread: Thread, user, stance: str = "agree", body: str = "A point.") -> Post:
    if stance == "example":
        return add_contribution(thread, user, EXAMPLE)
    return add_contribution(thread, user, Contribution(stance=stance, body=body))


@pytest.fixture
def other_reader(make_user):
    return make_user("other")


# Contributions


@pytest.mark.parametrize(
    ("stance", "expected"),
    [
        ("agree", {"agree": 1}),
        ("disagree", {"disagree": 1}),
        ("example", {"example": 1}),
    ],
)
def test_contribution_counts_on_thread_and_article(thread, reader, stance, expected):
    contribute(thread, reader, stance)

    assert_figures(thread, **expected)


def test_contributions_add_up_per_stance(thread, reader, other_reader):
    contribute(thread, reader, "agree")
    contribute(thread, other_reader, "agree")
    contribute(thread, reader, "disagree")
    contribute(thread, other_reader, "example")

    assert_figures(thread, agree=2, disagree=1, example=1)


def test_article_figures_sum_over_its_threads(make_thread, article, reader):
    first = make_thread(article=article, title="First?")
    second = make_thread(article=article, title="Second?")

    contribute(first, reader, "agree")
    contribute(second, reader, "disagree")

    assert thread_figures(first) == expect(agree=1)
    assert thread_figures(second) == expect(disagree=1)
    assert article_figures(first) == expect(agree=1, disagree=1)


def test_contribution_touches_last_activity_of_thread_and_article(thread, reader):
    before = datetime.now(UTC)

    contribute(thread, reader)

    db.session.expire_all()
    stored_thread = db.session.get(Thread, thread.id)
    stored_article = db.session.get(Article, thread.article_id)
    assert stored_thread.last_activity_at >= before
    assert stored_article.last_activity_at >= before


def test_example_keeps_its_structured_fields(thread, reader):
    post = add_contribution(thread, reader, EXAMPLE)

    stored = reload_post(post.id)
    assert stored.stance == Stance.EXAMPLE
    assert stored.organisation == "Novo Nordisk"
    assert stored.channel == Channel.LINKEDIN
    assert stored.source_url == "https://example.org/case"
    assert stored.effect == Effect.SUPPORTS
    assert "<p>" in stored.body_html


def test_example_source_url_is_optional(thread, reader):
    post = add_contribution(
        thread,
        reader,
        Contribution(
            stance="example", body="B.", organisation="Org", channel="blog", effect="challenges"
        ),
    )

    assert reload_post(post.id).source_url is None


@pytest.mark.parametrize("stance", ["agree", "disagree"])
def test_agree_and_disagree_drop_example_fields(thread, reader, stance):
    post = add_contribution(
        thread,
        reader,
        Contribution(
            stance=stance,
            body="My view.",
            organisation="Org",
            channel="linkedin",
            source_url="https://example.org",
            effect="supports",
        ),
    )

    stored = reload_post(post.id)
    assert stored.stance == Stance(stance)
    assert (stored.organisation, stored.channel, stored.source_url, stored.effect) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"organisation": ""}, "organisation"),
        ({"organisation": "   "}, "organisation"),
        ({"channel": ""}, "channel"),
        ({"channel": "myspace"}, "channel"),
        ({"effect": ""}, "effect"),
        ({"effect": "neutral"}, "effect"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"source_url": "ftp://example.org/file"}, "source_url"),
        ({"source_url": "example.org/case"}, "source_url"),
        ({"source_url": "https://"}, "source_url"),
        ({"source_url": "https://example.org/a case"}, "source_url"),
        ({"body": ""}, "body"),
    ],
)
def test_incomplete_example_is_refused_naming_the_field(thread, reader, changes, field):
    fields = {name: getattr(EXAMPLE, name) for name in Contribution.__dataclass_fields__}

    with pytest.raises(InvalidInput) as info:
        add_contribution(thread, reader, Contribution(**{**fields, **changes}))

    assert info.value.field == field
    assert post_count() == 0
    assert_figures(thread)


@pytest.mark.parametrize("body", ["", "   ", "\n\t\n", "x" * 20_001])
def test_empty_or_oversized_body_is_refused(thread, reader, body):
    with pytest.raises(InvalidInput) as info:
        add_contribution(thread, reader, Contribution(stance="agree", body=body))

    assert info.value.field == "body"
    assert post_count() == 0
    assert_figures(thread)


@pytest.mark.parametrize("stance", ["", "neutral", "AGREE", "reply"])
def test_invalid_stance_is_refused(thread, reader, stance):
    with pytest.raises(InvalidInput) as info:
        add_contribution(thread, reader, Contribution(stance=stance, body="A point."))

    assert info.value.field == "stance"
    assert post_count() == 0
    assert_figures(thread)


def test_contribution_to_a_locked_thread_is_refused(locked_thread, reader):
    with pytest.raises(ThreadLocked):
        contribute(locked_thread, reader)

    assert post_count() == 0
    assert_figures(locked_thread)


def test_contribution_under_a_closed_article_is_refused(make_thread, closed_article, reader):
    thread = make_thread(article=closed_article)

    with pytest.raises(DiscussionClosed):
        contribute(thread, reader)

    assert post_count() == 0
    assert_figures(thread)


def test_contribution_under_a_draft_article_is_refused(make_thread, draft_article, reader):
    thread = make_thread(article=draft_article)

    with pytest.raises(NotAllowed):
        contribute(thread, reader)

    assert post_count() == 0
    assert_figures(thread)


# Replies


def test_reply_counts_on_parent_thread_and_article(thread, reader, other_reader):
    contribution = contribute(thread, reader)

    add_reply(contribution, other_reader, "I see it differently.")

    assert reload_post(contribution.id).reply_count == 1
    assert_figures(thread, agree=1, replies=1)


def test_reply_touches_last_activity(thread, reader, other_reader):
    contribution = contribute(thread, reader)
    db.session.expire_all()
    before = db.session.get(Thread, thread.id).last_activity_at

    add_reply(contribution, other_reader, "Later.")

    db.session.expire_all()
    assert db.session.get(Thread, thread.id).last_activity_at > before
    assert db.session.get(Article, thread.article_id).last_activity_at > before


def test_reply_to_a_reply_attaches_to_the_contribution(thread, reader, other_reader):
    contribution = contribute(thread, reader)
    first = add_reply(contribution, other_reader, "First answer.")

    second = add_reply(first, reader, "Answer to the answer.")

    assert reload_post(second.id).parent_id == contribution.id
    assert reload_post(second.id).reply_to_id == first.id
    assert reload_post(first.id).reply_to_id is None
    assert reload_post(contribution.id).reply_count == 2
    assert reload_post(first.id).reply_count == 0
    assert_figures(thread, agree=1, replies=2)


def test_deleting_a_reply_leaves_its_answers_answering_no_reply(thread, reader, other_reader):
    contribution = contribute(thread, reader)
    first = add_reply(contribution, other_reader, "First answer.")
    answer = add_reply(first, reader, "Answer to the answer.")

    delete_post(first, other_reader)
    assert reload_post(answer.id).answers is None  # not "in reply to" a post nobody sees
    purge_deleted()

    assert reload_post(answer.id).reply_to_id is None
    assert reload_post(answer.id).parent_id == contribution.id


def test_reply_to_a_hidden_reply_is_refused(thread, reader, other_reader, make_user):
    contribution = contribute(thread, reader)
    first = add_reply(contribution, other_reader, "First answer.")
    moderation.hide_post(first, make_user(role=Role.MODERATOR), "spam")
    replies_before = post_count()

    with pytest.raises(PostDeleted):
        add_reply(reload_post(first.id), reader, "Too late.")

    assert post_count() == replies_before


def test_reply_by_the_article_author_marks_the_contribution_answered(thread, reader, author):
    contribution = contribute(thread, reader, "disagree")

    add_reply(contribution, author, "Fair point, but...")

    assert reload_post(contribution.id).answered_by_author is True


def test_reply_by_someone_else_leaves_the_contribution_unanswered(
    thread, reader, other_reader, make_user
):
    contribution = contribute(thread, reader, "disagree")

    add_reply(contribution, other_reader, "Agreed.")
    add_reply(contribution, make_user("writer", role=Role.AUTHOR), "Not my article.")

    assert reload_post(contribution.id).answered_by_author is False


def test_reply_to_a_deleted_contribution_is_refused(thread, reader, other_reader):
    contribution = contribute(thread, reader)
    add_reply(contribution, other_reader, "Keeps it alive.")
    delete_post(contribution, reader)
    replies_before = post_count()

    with pytest.raises(PostDeleted):
        add_reply(reload_post(contribution.id), other_reader, "Too late.")

    assert post_count() == replies_before
    assert_figures(thread, replies=1)


def test_reply_in_a_locked_thread_is_refused(thread, reader, other_reader):
    contribution = contribute(thread, reader)
    thread.locked = True
    db.session.commit()

    with pytest.raises(ThreadLocked):
        add_reply(contribution, other_reader, "Locked out.")

    assert post_count() == 1
    assert reload_post(contribution.id).reply_count == 0
    assert_figures(thread, agree=1)


def test_empty_reply_is_refused(thread, reader, other_reader):
    contribution = contribute(thread, reader)

    with pytest.raises(InvalidInput) as info:
        add_reply(contribution, other_reader, "  ")

    assert info.value.field == "body"
    assert post_count() == 1
    assert reload_post(contribution.id).reply_count == 0
    assert_figures(thread, agree=1)


# Editing


def test_edit_keeps_the_old_version_as_a_revision(thread, reader):
    post = add_contribution(thread, reader, EXAMPLE)

    edit_post(post, reader, Contribution(stance="agree", body="Changed my mind."))

    stored = reload_post(post.id)
    assert stored.body == "Changed my mind."
    assert stored.edited_at is not None
    assert stored.organisation is None
    [revision] = stored.revisions
    assert revision.body == EXAMPLE.body
    assert revision.stance == Stance.EXAMPLE
    assert revision.organisation == "Novo Nordisk"
    assert revision.channel == Channel.LINKEDIN
    assert revision.source_url == "https://example.org/case"
    assert revision.effect == Effect.SUPPORTS
    assert revision.written_at == stored.created_at


def test_each_edit_adds_a_revision(thread, reader):
    post = contribute(thread, reader, body="One.")

    edit_post(post, reader, Contribution(stance="agree", body="Two."))
    edit_post(post, reader, Contribution(stance="agree", body="Three."))

    stored = reload_post(post.id)
    assert [r.body for r in stored.revisions] == ["One.", "Two."]
    assert stored.body == "Three."


def test_editing_a_reply_changes_its_body(thread, reader, other_reader):
    reply = add_reply(contribute(thread, reader), other_reader, "Frist.")

    edit_post(reply, other_reader, Contribution(stance="", body="First."))

    stored = reload_post(reply.id)
    assert stored.body == "First."
    assert stored.stance is None
    assert [r.body for r in stored.revisions] == ["Frist."]


def test_others_cannot_edit_a_post(thread, reader, other_reader):
    post = contribute(thread, reader, body="Mine.")

    with pytest.raises(NotAllowed):
        edit_post(post, other_reader, Contribution(stance="disagree", body="Yours now."))

    db.session.rollback()
    stored = reload_post(post.id)
    assert stored.body == "Mine."
    assert stored.revisions == []
    assert_figures(thread, agree=1)


def test_changing_the_stance_moves_the_counts(thread, reader):
    post = contribute(thread, reader, "agree")

    edit_post(post, reader, Contribution(stance="disagree", body="On reflection, no."))

    assert_figures(thread, disagree=1)


def test_edit_keeping_the_stance_keeps_the_counts(thread, reader):
    post = contribute(thread, reader, "agree")

    edit_post(post, reader, Contribution(stance="agree", body="Better worded."))

    assert_figures(thread, agree=1)


def test_edit_in_a_locked_thread_is_refused(thread, reader):
    post = contribute(thread, reader, body="Before.")
    thread.locked = True
    db.session.commit()

    with pytest.raises(ThreadLocked):
        edit_post(post, reader, Contribution(stance="agree", body="After."))

    db.session.rollback()
    assert reload_post(post.id).body == "Before."


# Deleting


def test_others_cannot_delete_a_post(thread, reader, other_reader):
    post = contribute(thread, reader)

    with pytest.raises(NotAllowed):
        delete_post(post, other_reader)

    assert reload_post(post.id) is not None
    assert_figures(thread, agree=1)


def test_contribution_without_replies_is_removed(thread, reader):
    post = contribute(thread, reader, "disagree")
    edit_post(post, reader, Contribution(stance="disagree", body="Edited."))

    delete_post(post, reader)
    assert_figures(thread)  # gone from the figures at once, its undo kept apart
    assert reload_post(post.id).is_deleted

    assert purge_deleted() == 1
    assert reload_post(post.id) is None
    assert db.session.scalar(select(func.count(PostRevision.id))) == 0


def test_contribution_with_replies_becomes_a_placeholder(thread, reader, other_reader):
    post = add_contribution(thread, reader, EXAMPLE)
    edit_post(post, reader, EXAMPLE)
    reply = add_reply(post, other_reader, "Interesting case.")

    delete_post(post, reader)
    purge_deleted()

    stored = reload_post(post.id)
    assert stored.deleted_at is not None
    assert stored.body == ""
    assert stored.body_html == ""
    assert (stored.organisation, stored.channel, stored.source_url, stored.effect) == (
        None,
        None,
        None,
        None,
    )
    assert stored.revisions == []
    assert db.session.scalar(select(func.count(PostRevision.id))) == 0
    assert reload_post(reply.id).parent_id == post.id
    assert stored.reply_count == 1
    assert_figures(thread, replies=1)


def test_deleting_a_reply_lowers_the_reply_counts(thread, reader, other_reader):
    post = contribute(thread, reader)
    first = add_reply(post, other_reader, "One.")
    add_reply(post, other_reader, "Two.")

    delete_post(first, other_reader)
    assert reload_post(post.id).reply_count == 1
    assert_figures(thread, agree=1, replies=1)

    purge_deleted()
    assert reload_post(first.id) is None
    assert reload_post(post.id).reply_count == 1
    assert_figures(thread, agree=1, replies=1)


def test_deleting_the_last_reply_under_a_placeholder_removes_the_placeholder(
    thread, reader, other_reader
):
    post = contribute(thread, reader)
    first = add_reply(post, other_reader, "One.")
    second = add_reply(post, other_reader, "Two.")
    delete_post(post, reader)

    delete_post(reload_post(first.id), other_reader)
    assert reload_post(post.id) is not None

    delete_post(reload_post(second.id), other_reader)
    assert purge_deleted() == 3

    assert reload_post(post.id) is None
    assert post_count() == 0
    assert_figures(thread)


def test_deleting_the_authors_only_reply_clears_answered_by_author(thread, reader, author):
    post = contribute(thread, reader, "disagree")
    answer = add_reply(post, author, "My answer.")

    delete_post(answer, author)

    assert reload_post(post.id).answered_by_author is False


def test_answered_by_author_stays_while_another_author_reply_remains(thread, reader, author):
    post = contribute(thread, reader, "disagree")
    first = add_reply(post, author, "First answer.")
    add_reply(post, author, "Second answer.")

    delete_post(first, author)

    assert reload_post(post.id).answered_by_author is True


def test_deleting_someone_elses_reply_keeps_answered_by_author(
    thread, reader, author, other_reader
):
    post = contribute(thread, reader, "disagree")
    add_reply(post, author, "My answer.")
    other = add_reply(post, other_reader, "Me too.")

    delete_post(other, other_reader)

    assert reload_post(post.id).answered_by_author is True


def test_deleted_placeholder_cannot_be_deleted_again(thread, reader, other_reader):
    post = contribute(thread, reader)
    add_reply(post, other_reader, "Keeps it.")
    delete_post(post, reader)

    with pytest.raises(NotAllowed):
        delete_post(reload_post(post.id), reader)

    assert_figures(thread, replies=1)


# Proposing threads


def test_reader_can_propose_a_thread(article, reader):
    thread = propose_thread(article, reader, "  What about   TikTok? ", "  Short videos.  ")

    db.session.expire_all()
    stored = db.session.get(Thread, thread.id)
    assert stored.title == "What about TikTok?"
    assert stored.description == "Short videos."
    assert stored.origin == ThreadOrigin.READER
    assert stored.author_id == reader.id
    assert stored.article_id == article.id


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_thread_without_a_title_is_refused(article, reader, title):
    with pytest.raises(InvalidInput) as info:
        propose_thread(article, reader, title)

    assert info.value.field == "title"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_thread_under_a_closed_article_is_refused(closed_article, reader):
    with pytest.raises(DiscussionClosed):
        propose_thread(closed_article, reader, "Reopen this?")

    db.session.rollback()
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_thread_under_a_draft_article_is_refused(draft_article, reader):
    with pytest.raises(NotAllowed):
        propose_thread(draft_article, reader, "Early?")

    db.session.rollback()
    assert db.session.scalar(select(func.count(Thread.id))) == 0
