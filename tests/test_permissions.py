"""Who may do what: the permission predicates over in-memory models, no app and no database."""

from datetime import UTC, datetime
from itertools import count

import pytest

from forum.models import Article, ArticleStatus, Post, PostStatus, Role, Stance, Thread, User
from forum.permissions import (
    can_delete_post,
    can_edit_article,
    can_edit_post,
    can_moderate,
    can_post_in,
    can_propose_thread,
    can_read_article,
    can_see_post,
    can_write_articles,
)

_ids = count(1)


def user(role: Role = Role.READER) -> User:
    person = User(username=f"user{next(_ids)}", role=role)
    person.id = next(_ids)
    return person


def article(
    author: User | None = None,
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    discussion_open: bool = True,
) -> Article:
    author = author or user(Role.AUTHOR)
    return Article(
        author=author, author_id=author.id, status=status, discussion_open=discussion_open
    )


def thread(on: Article | None = None, locked: bool = False) -> Thread:
    return Thread(article=on or article(), locked=locked)


def post(author: User, on: Thread | None = None, deleted: bool = False) -> Post:
    return Post(
        thread=on or thread(),
        author=author,
        author_id=author.id,
        stance=Stance.AGREE,
        deleted_at=datetime(2024, 5, 1, tzinfo=UTC) if deleted else None,
    )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.READER, False),
        (Role.AUTHOR, False),
        (Role.MODERATOR, True),
        (Role.ADMIN, True),
    ],
)
def test_only_moderators_and_admins_can_moderate(role, allowed):
    assert can_moderate(user(role)) is allowed


def test_visitor_cannot_moderate():
    assert can_moderate(None) is False


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.READER, False),
        (Role.AUTHOR, True),
        (Role.MODERATOR, False),
        (Role.ADMIN, True),
    ],
)
def test_only_authors_and_admins_can_write_articles(role, allowed):
    assert can_write_articles(user(role)) is allowed


def test_visitor_cannot_write_articles():
    assert can_write_articles(None) is False


def test_author_can_edit_own_article():
    writer = user(Role.AUTHOR)

    assert can_edit_article(writer, article(author=writer)) is True


def test_author_cannot_edit_another_authors_article():
    assert can_edit_article(user(Role.AUTHOR), article()) is False


def test_admin_can_edit_any_article():
    assert can_edit_article(user(Role.ADMIN), article()) is True


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
def test_non_authors_cannot_edit_articles(role):
    assert can_edit_article(user(role), article()) is False


def test_author_demoted_to_reader_can_no_longer_edit_own_article():
    writer = user(Role.AUTHOR)
    own = article(author=writer)
    writer.role = Role.READER

    assert can_edit_article(writer, own) is False


def test_visitor_cannot_edit_articles():
    assert can_edit_article(None, article()) is False


@pytest.mark.parametrize("role", [None, *Role])
def test_everyone_can_read_a_published_article(role):
    reader = None if role is None else user(role)

    assert can_read_article(reader, article()) is True


def test_draft_is_readable_only_by_its_author_and_admins():
    writer = user(Role.AUTHOR)
    draft = article(author=writer, status=ArticleStatus.DRAFT)

    assert can_read_article(writer, draft) is True
    assert can_read_article(user(Role.ADMIN), draft) is True
    assert can_read_article(user(Role.AUTHOR), draft) is False
    assert can_read_article(user(Role.MODERATOR), draft) is False
    assert can_read_article(user(Role.READER), draft) is False
    assert can_read_article(None, draft) is False


def test_signed_in_user_can_post_in_an_open_thread():
    assert can_post_in(user(), thread()) is True


def test_visitor_cannot_post():
    assert can_post_in(None, thread()) is False


@pytest.mark.parametrize(
    "closed_thread",
    [
        pytest.param(lambda: thread(locked=True), id="locked thread"),
        pytest.param(lambda: thread(article(discussion_open=False)), id="closed discussion"),
        pytest.param(lambda: thread(article(status=ArticleStatus.DRAFT)), id="draft article"),
    ],
)
def test_nobody_can_post_in_a_closed_thread(closed_thread):
    assert can_post_in(user(), closed_thread()) is False
    assert can_post_in(user(Role.ADMIN), closed_thread()) is False


def test_signed_in_user_can_propose_a_thread_on_an_open_article():
    assert can_propose_thread(user(), article()) is True


@pytest.mark.parametrize(
    ("reader", "target"),
    [
        pytest.param(None, article(), id="visitor"),
        pytest.param(user(), article(discussion_open=False), id="closed discussion"),
        pytest.param(user(), article(status=ArticleStatus.DRAFT), id="draft article"),
    ],
)
def test_threads_cannot_be_proposed_by_visitors_or_on_closed_articles(reader, target):
    assert can_propose_thread(reader, target) is False


def test_author_of_a_post_can_edit_it():
    writer = user()

    assert can_edit_post(writer, post(writer)) is True


def test_others_cannot_edit_a_post():
    assert can_edit_post(user(), post(user())) is False
    assert can_edit_post(user(Role.MODERATOR), post(user())) is False
    assert can_edit_post(None, post(user())) is False


def test_deleted_post_cannot_be_edited():
    writer = user()

    assert can_edit_post(writer, post(writer, deleted=True)) is False


@pytest.mark.parametrize(
    "closed_thread",
    [
        pytest.param(lambda: thread(locked=True), id="locked thread"),
        pytest.param(lambda: thread(article(discussion_open=False)), id="closed discussion"),
    ],
)
def test_own_post_in_a_closed_thread_cannot_be_edited(closed_thread):
    writer = user()

    assert can_edit_post(writer, post(writer, on=closed_thread())) is False


def test_author_of_a_post_can_delete_it_even_in_a_locked_thread():
    writer = user()

    assert can_delete_post(writer, post(writer)) is True
    assert can_delete_post(writer, post(writer, on=thread(locked=True))) is True


def test_others_cannot_delete_a_post():
    assert can_delete_post(user(), post(user())) is False
    assert can_delete_post(user(Role.ADMIN), post(user())) is False
    assert can_delete_post(None, post(user())) is False


def test_deleted_post_cannot_be_deleted_again():
    writer = user()

    assert can_delete_post(writer, post(writer, deleted=True)) is False


@pytest.mark.parametrize("status", list(PostStatus))
@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("deleted", [False, True])
def test_a_contribution_someone_may_not_see_is_never_a_published_one(status, hidden, deleted):
    """What a post's page number counts on: it subtracts the unpublished contributions a reader
    may not see from all of those ahead (services/listings.py)."""
    writer = user()
    contribution = Post(
        author=writer,
        author_id=writer.id,
        stance=Stance.AGREE,
        status=status,
        hidden=hidden,
        deleted_at=datetime.now(UTC) if deleted else None,
    )
    for viewer in (None, user(), writer, user(Role.MODERATOR)):
        if not can_see_post(viewer, contribution):
            assert contribution.status != PostStatus.PUBLISHED
