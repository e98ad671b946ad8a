"""Moderators' actions as services: their effect, their audit entry, and exact figures."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum import ranking
from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import (
    Action,
    Article,
    AuditEntry,
    Flag,
    FlagStatus,
    Post,
    PostStatus,
    Reason,
    Role,
    Thread,
    User,
    utcnow,
)
from forum.services import moderation
from forum.services.deleting import delete_post
from forum.services.figures import recount_all
from forum.services.posts import Contribution, add_contribution, add_reply, edit_post
from forum.services.settings import load_settings, save_settings
from forum.services.summaries import featured_posts, moderation_tally
from tests.conftest import purge_deleted

FIGURES = ("agree_count", "disagree_count", "example_count", "reply_count")
AGREE = Contribution(stance="agree", body="Employer branding pays off.")
DISAGREE = Contribution(stance="disagree", body="It only pays off for large firms.")
EXAMPLE = Contribution(
    stance="example",
    body="Their hiring films doubled applications.",
    organisation="Havnens Bryggeri",
    channel="tiktok",
    effect="supports",
)


# --- fixtures and helpers --------------------------------------------------------------


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod", role=Role.MODERATOR)


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", role=Role.ADMIN)


@pytest.fixture
def contribution(thread, writer) -> Post:
    """A published disagreement, counted in the figures."""
    return add_contribution(thread, writer, DISAGREE)


def figures(model, key: int) -> dict[str, int]:
    db.session.expire_all()
    row = db.session.get(model, key)
    return {name: getattr(row, name) for name in FIGURES}


def counts(agree=0, disagree=0, example=0, replies=0) -> dict[str, int]:
    return {
        "agree_count": agree,
        "disagree_count": disagree,
        "example_count": example,
        "reply_count": replies,
    }


def debate_figures(thread: Thread) -> tuple[dict[str, int], dict[str, int]]:
    """The stored figures of the thread and of its article."""
    return figures(Thread, thread.id), figures(Article, thread.article_id)


def stored_figures() -> dict:
    """Every stored count: per thread, per article and per post."""
    db.session.expire_all()
    snapshot: dict = {}
    for model in (Thread, Article):
        for row in db.session.scalars(select(model)):
            # With the last activity and hotness: a hidden or deleted post hands them back.
            stored = (*FIGURES, "last_activity_at", "hot")
            snapshot[model.__name__, row.id] = tuple(getattr(row, name) for name in stored)
    for post in db.session.scalars(select(Post)):
        snapshot["Post", post.id] = (post.reply_count, post.up, post.down, post.score)
    return snapshot


def assert_figures_exact() -> None:
    """Recounting everything from the rows changes no stored figure."""
    before = stored_figures()
    recount_all()
    assert stored_figures() == before


def audit_log() -> list[tuple]:
    """Every audit entry as (actor, action, post, thread, article, target user, reason)."""
    db.session.expire_all()
    return [
        (
            entry.actor_id,
            entry.action,
            entry.post_id,
            entry.thread_id,
            entry.article_id,
            entry.target_user_id,
            entry.reason,
        )
        for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]


def post_entry(actor: User, action: Action, post: Post, reason: str = "") -> tuple:
    return (actor.id, action, post.id, post.thread_id, post.article_id, post.author_id, reason)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(post: Post) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post.id)


# --- hiding and restoring ---------------------------------------------------------------


def test_hide_takes_a_contribution_out_of_the_figures_and_logs_it(
    thread, writer, moderator, contribution
):
    add_contribution(thread, writer, AGREE)
    assert debate_figures(thread) == (counts(agree=1, disagree=1),) * 2

    moderation.hide_post(contribution, moderator, "abusive", "  Name-calling.  ")

    post = fresh(contribution)
    assert post.hidden is True
    assert (post.moderation_reason, post.moderation_note) == ("abusive", "Name-calling")
    assert debate_figures(thread) == (counts(agree=1),) * 2
    assert audit_log() == [
        post_entry(moderator, Action.HIDE, contribution, "abusive: Name-calling")
    ]
    assert_figures_exact()


def test_restore_brings_a_hidden_contribution_back_into_the_figures(
    thread, moderator, contribution
):
    moderation.hide_post(contribution, moderator, "spam")
    assert_figures_exact()

    moderation.restore_post(fresh(contribution), moderator)

    assert fresh(contribution).hidden is False
    assert debate_figures(thread) == (counts(disagree=1),) * 2
    assert audit_log() == [
        post_entry(moderator, Action.HIDE, contribution, "spam"),
        post_entry(moderator, Action.RESTORE, contribution),
    ]
    assert_figures_exact()


@pytest.mark.parametrize("remove", ["hide", "delete"])
def test_a_removed_newest_post_hands_the_last_activity_back(
    thread, writer, reader, moderator, remove
):
    first = add_contribution(thread, writer, AGREE)
    spam = add_contribution(thread, reader, DISAGREE)
    if remove == "hide":
        moderation.hide_post(spam, moderator, "spam")
    else:
        delete_post(spam, reader)

    db.session.expire_all()
    when = fresh(first).created_at
    for debate in (db.session.get(Thread, thread.id), db.session.get(Article, thread.article_id)):
        assert debate.last_activity_at == when
        assert debate.hot == ranking.hot(1, when)  # one contribution, as active as it was
    assert_figures_exact()


@pytest.mark.parametrize("contribution_kind", [AGREE, DISAGREE, EXAMPLE])
def test_hide_and_restore_move_the_count_of_that_stance_only(
    thread, writer, moderator, contribution_kind
):
    post = add_contribution(thread, writer, contribution_kind)
    column = f"{contribution_kind.stance}_count"
    before = debate_figures(thread)
    assert before[0][column] == before[1][column] == 1

    moderation.hide_post(post, moderator, "off_topic")
    after_hide = debate_figures(thread)
    assert after_hide == (counts(),) * 2
    assert_figures_exact()

    moderation.restore_post(fresh(post), moderator)
    assert debate_figures(thread) == before
    assert_figures_exact()


def test_hiding_a_reply_lowers_the_reply_counts_of_thread_article_and_parent(
    thread, writer, reader, moderator, contribution
):
    reply = add_reply(contribution, reader, "Small firms can do it too.")
    add_reply(contribution, writer, "Not on their budgets.")
    assert debate_figures(thread) == (counts(disagree=1, replies=2),) * 2
    assert fresh(contribution).reply_count == 2

    moderation.hide_post(reply, moderator, "misleading")

    assert debate_figures(thread) == (counts(disagree=1, replies=1),) * 2
    assert fresh(contribution).reply_count == 1
    assert audit_log() == [post_entry(moderator, Action.HIDE, reply, "misleading")]
    assert_figures_exact()

    moderation.restore_post(fresh(reply), moderator)

    assert debate_figures(thread) == (counts(disagree=1, replies=2),) * 2
    assert fresh(contribution).reply_count == 2
    assert_figures_exact()


def test_hiding_a_hidden_post_again_is_refused_and_not_logged(moderator, contribution):
    moderation.hide_post(contribution, moderator, "spam")

    with pytest.raises(InvalidInput):
        moderation.hide_post(fresh(contribution), moderator, "abusive")

    assert len(audit_log()) == 1
    assert fresh(contribution).moderation_reason == "spam"
    assert_figures_exact()


def test_restoring_a_post_that_is_not_hidden_is_refused(moderator, contribution):
    with pytest.raises(InvalidInput):
        moderation.restore_post(contribution, moderator)

    assert audit_log() == []
    assert_figures_exact()


def test_hide_needs_a_known_reason_and_a_note_for_other(moderator, contribution):
    with pytest.raises(InvalidInput) as unknown:
        moderation.hide_post(contribution, moderator, "boring")
    with pytest.raises(InvalidInput) as bare_other:
        moderation.hide_post(contribution, moderator, "other", "   ")

    assert unknown.value.field == "reason"
    assert bare_other.value.field == "note"
    assert fresh(contribution).hidden is False
    assert audit_log() == []

    moderation.hide_post(fresh(contribution), moderator, "other", "Personal data.")
    assert audit_log()[0][-1] == "other: Personal data"


def test_deleting_a_hidden_contribution_does_not_count_it_twice(
    thread, writer, moderator, contribution
):
    add_contribution(thread, writer, AGREE)
    moderation.hide_post(contribution, moderator, "spam")

    delete_post(fresh(contribution), writer)
    purge_deleted()

    assert db.session.get(Post, contribution.id) is None
    assert debate_figures(thread) == (counts(agree=1),) * 2
    assert_figures_exact()


def test_deleting_a_hidden_contribution_with_replies_does_not_count_it_twice(
    thread, writer, reader, moderator, contribution
):
    add_reply(contribution, reader, "A reply that keeps it in place.")
    moderation.hide_post(fresh(contribution), moderator, "spam")

    delete_post(fresh(contribution), writer)

    assert fresh(contribution).is_deleted
    assert debate_figures(thread) == (counts(replies=1),) * 2
    assert_figures_exact()


def test_deleting_a_hidden_reply_does_not_count_it_twice(thread, reader, moderator, contribution):
    reply = add_reply(contribution, reader, "Off the point.")
    kept = add_reply(contribution, reader, "On the point.")
    moderation.hide_post(reply, moderator, "off_topic")

    delete_post(fresh(reply), reader)

    assert db.session.get(Post, kept.id) is not None
    assert debate_figures(thread) == (counts(disagree=1, replies=1),) * 2
    assert fresh(contribution).reply_count == 1
    assert_figures_exact()


def test_restoring_a_hidden_post_its_author_deleted_does_not_count_it(
    thread, writer, reader, moderator, contribution
):
    add_reply(contribution, reader, "Keeps the placeholder.")
    moderation.hide_post(fresh(contribution), moderator, "spam")
    delete_post(fresh(contribution), writer)

    moderation.restore_post(fresh(contribution), moderator)

    assert debate_figures(thread) == (counts(replies=1),) * 2
    assert_figures_exact()


def test_hiding_closes_the_open_flags_as_resolved(reader, make_user, moderator, contribution):
    first = moderation.flag_post(contribution, reader, "abusive")
    second = moderation.flag_post(contribution, make_user(), "spam")

    moderation.hide_post(fresh(contribution), moderator, "abusive")

    db.session.expire_all()
    for flag in (db.session.get(Flag, first.id), db.session.get(Flag, second.id)):
        assert flag.status == FlagStatus.RESOLVED
        assert flag.closed_by_id == moderator.id
        assert flag.closed_at is not None
    assert [entry[1] for entry in audit_log()] == [Action.HIDE]


def test_hiding_leaves_dismissed_flags_dismissed(reader, moderator, contribution):
    flag = moderation.flag_post(contribution, reader, "spam")
    moderation.dismiss_flag(flag, moderator)

    moderation.hide_post(fresh(contribution), moderator, "spam")

    db.session.expire_all()
    assert db.session.get(Flag, flag.id).status == FlagStatus.DISMISSED


# --- featuring ----------------------------------------------------------------------------


def test_feature_and_unfeature_are_logged_and_change_the_picks(article, moderator, contribution):
    moderation.set_featured(contribution, moderator, True)

    assert fresh(contribution).featured is True
    assert featured_posts(article) == [fresh(contribution)]

    moderation.set_featured(fresh(contribution), moderator, False)

    assert fresh(contribution).featured is False
    assert featured_posts(article) == []
    assert audit_log() == [
        post_entry(moderator, Action.FEATURE, contribution),
        post_entry(moderator, Action.UNFEATURE, contribution),
    ]
    assert_figures_exact()


def test_a_hidden_post_cannot_be_featured(moderator, contribution):
    moderation.hide_post(contribution, moderator, "spam")

    with pytest.raises(InvalidInput):
        moderation.set_featured(fresh(contribution), moderator, True)

    assert fresh(contribution).featured is False
    assert len(audit_log()) == 1


def test_featuring_twice_or_unfeaturing_a_plain_post_is_refused_and_not_logged(
    moderator, contribution
):
    with pytest.raises(InvalidInput):
        moderation.set_featured(contribution, moderator, False)
    moderation.set_featured(fresh(contribution), moderator, True)
    with pytest.raises(InvalidInput):
        moderation.set_featured(fresh(contribution), moderator, True)

    assert fresh(contribution).featured is True
    assert audit_log() == [post_entry(moderator, Action.FEATURE, contribution)]


def test_a_featured_post_that_gets_hidden_leaves_the_picks(article, moderator, contribution):
    moderation.set_featured(contribution, moderator, True)

    moderation.hide_post(fresh(contribution), moderator, "misleading")

    assert featured_posts(article) == []


# --- holding: approve and reject ------------------------------------------------------------


@pytest.fixture
def held_article(make_article, author):
    return make_article(author=author, hold_posts=True)


@pytest.fixture
def held_thread(make_thread, held_article):
    return make_thread(article=held_article)


def test_approving_a_held_contribution_counts_it_and_logs_it(held_thread, writer, moderator):
    post = add_contribution(held_thread, writer, EXAMPLE)
    assert post.status == PostStatus.HELD
    assert debate_figures(held_thread) == (counts(),) * 2
    assert_figures_exact()

    moderation.approve_post(post, moderator)

    assert fresh(post).status == PostStatus.PUBLISHED
    assert debate_figures(held_thread) == (counts(example=1),) * 2
    assert audit_log() == [post_entry(moderator, Action.APPROVE, post)]
    assert_figures_exact()


def test_approving_a_held_reply_counts_it_on_the_thread_and_the_parent(
    held_thread, writer, author, moderator
):
    parent = add_contribution(held_thread, author, AGREE)
    reply = add_reply(parent, writer, "Held until approved.")
    assert reply.status == PostStatus.HELD
    assert fresh(parent).reply_count == 0

    moderation.approve_post(fresh(reply), moderator)

    assert fresh(parent).reply_count == 1
    assert debate_figures(held_thread) == (counts(agree=1, replies=1),) * 2
    assert_figures_exact()


def test_rejecting_a_held_post_keeps_it_out_of_the_figures_and_logs_the_reason(
    held_thread, writer, moderator
):
    post = add_contribution(held_thread, writer, DISAGREE)

    moderation.reject_post(post, moderator, "duplicate", "Same as the one above.")

    post = fresh(post)
    assert post.status == PostStatus.REJECTED
    assert (post.moderation_reason, post.moderation_note) == (
        "duplicate",
        "Same as the one above",
    )
    assert debate_figures(held_thread) == (counts(),) * 2
    assert audit_log() == [
        post_entry(moderator, Action.REJECT, post, "duplicate: Same as the one above")
    ]
    assert moderation_tally(held_thread.article).rejected == 1
    assert_figures_exact()


def test_only_held_posts_can_be_approved_or_rejected(held_thread, writer, moderator, contribution):
    held = add_contribution(held_thread, writer, AGREE)
    moderation.reject_post(held, moderator, "spam")

    for post in (contribution, fresh(held)):
        with pytest.raises(InvalidInput):
            moderation.approve_post(post, moderator)
        with pytest.raises(InvalidInput):
            moderation.reject_post(post, moderator, "spam")

    assert len(audit_log()) == 1
    assert fresh(held).status == PostStatus.REJECTED
    assert_figures_exact()


def test_rejecting_closes_the_open_flags_as_resolved(thread, writer, reader, moderator):
    """A post flagged while published, then held by an edit with a watched word."""
    post = add_contribution(thread, writer, AGREE)
    flag = moderation.flag_post(post, reader, "misleading")
    save_settings(moderator, 0, "miracle", "")
    edit_post(fresh(post), writer, Contribution("agree", "A miracle cure for hiring."))
    assert fresh(post).status == PostStatus.HELD
    assert debate_figures(thread) == (counts(),) * 2

    moderation.reject_post(fresh(post), moderator, "misleading")

    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.status == FlagStatus.RESOLVED
    assert flag.closed_by_id == moderator.id
    assert debate_figures(thread) == (counts(),) * 2
    assert_figures_exact()


# --- flags -------------------------------------------------------------------------------


def test_a_reader_flags_a_post_once(reader, contribution):
    flag = moderation.flag_post(contribution, reader, "other", "  Copied from a blog.  ")

    db.session.expire_all()
    stored = db.session.get(Flag, flag.id)
    assert (stored.post_id, stored.user_id) == (contribution.id, reader.id)
    assert (stored.reason, stored.details, stored.status) == (
        Reason.OTHER,
        "Copied from a blog.",
        FlagStatus.OPEN,
    )
    assert moderation.has_open_flag(contribution, reader)
    assert moderation.flagged_by(reader, [contribution.id]) == {contribution.id}

    with pytest.raises(InvalidInput):
        moderation.flag_post(fresh(contribution), reader, "spam")
    assert count(Flag) == 1
    assert audit_log() == []


def test_a_second_reader_may_flag_the_same_post(reader, make_user, contribution):
    moderation.flag_post(contribution, reader, "spam")
    moderation.flag_post(contribution, make_user(), "spam")

    assert count(Flag) == 2


def test_nobody_flags_their_own_post(writer, contribution):
    with pytest.raises(NotAllowed):
        moderation.flag_post(contribution, writer, "spam")

    assert count(Flag) == 0


def test_a_flag_with_reason_other_needs_details(reader, contribution):
    with pytest.raises(InvalidInput):
        moderation.flag_post(contribution, reader, "other", "   ")
    with pytest.raises(InvalidInput):
        moderation.flag_post(contribution, reader, "not-a-reason")

    assert count(Flag) == 0


def test_posts_readers_cannot_see_cannot_be_flagged(
    reader, moderator, contribution, held_thread, writer
):
    held = add_contribution(held_thread, writer, AGREE)
    moderation.hide_post(contribution, moderator, "spam")

    for post in (fresh(contribution), fresh(held)):
        with pytest.raises(NotAllowed):
            moderation.flag_post(post, reader, "spam")

    assert count(Flag) == 0


def test_dismissing_a_flag_closes_it_and_logs_it(reader, moderator, contribution):
    flag = moderation.flag_post(contribution, reader, "off_topic")

    moderation.dismiss_flag(flag, moderator)

    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.status == FlagStatus.DISMISSED
    assert flag.closed_by_id == moderator.id
    assert flag.closed_at is not None
    assert fresh(contribution).hidden is False
    assert audit_log() == [post_entry(moderator, Action.DISMISS_FLAG, contribution, "off_topic")]
    assert_figures_exact()


def test_dismissing_a_closed_flag_again_is_refused(reader, moderator, contribution):
    flag = moderation.flag_post(contribution, reader, "spam")
    moderation.dismiss_flag(flag, moderator)

    with pytest.raises(InvalidInput):
        moderation.dismiss_flag(db.session.get(Flag, flag.id), moderator)

    assert len(audit_log()) == 1


def test_after_a_dismissal_the_same_reader_may_flag_again(reader, moderator, contribution):
    first = moderation.flag_post(contribution, reader, "spam")
    moderation.dismiss_flag(first, moderator)

    second = moderation.flag_post(fresh(contribution), reader, "abusive")

    assert second.id != first.id
    assert moderation.has_open_flag(contribution, reader)
    assert count(Flag) == 2


def test_the_database_refuses_a_second_open_flag_inserted_directly(reader, contribution):
    db.session.add(Flag(post_id=contribution.id, user_id=reader.id, reason=Reason.SPAM))
    db.session.commit()

    db.session.add(Flag(post_id=contribution.id, user_id=reader.id, reason=Reason.ABUSIVE))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    assert count(Flag) == 1


def test_the_database_allows_closed_flags_beside_an_open_one(reader, contribution):
    for status in (FlagStatus.DISMISSED, FlagStatus.RESOLVED, FlagStatus.OPEN):
        db.session.add(
            Flag(post_id=contribution.id, user_id=reader.id, reason=Reason.SPAM, status=status)
        )
    db.session.commit()

    assert count(Flag) == 3


# --- threads and articles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "attribute", "value"),
    [
        (Action.PIN, "pinned", True),
        (Action.LOCK, "locked", True),
    ],
)
def test_pinning_and_locking_a_thread_are_logged(thread, moderator, action, attribute, value):
    undo = {Action.PIN: Action.UNPIN, Action.LOCK: Action.UNLOCK}[action]

    moderation.set_thread_state(thread, moderator, action)

    db.session.expire_all()
    assert getattr(db.session.get(Thread, thread.id), attribute) is value

    moderation.set_thread_state(db.session.get(Thread, thread.id), moderator, undo)

    db.session.expire_all()
    assert getattr(db.session.get(Thread, thread.id), attribute) is (not value)
    assert audit_log() == [
        (moderator.id, action, None, thread.id, thread.article_id, None, ""),
        (moderator.id, undo, None, thread.id, thread.article_id, None, ""),
    ]


def test_closing_and_reopening_a_discussion_are_logged(article, moderator):
    moderation.set_discussion_open(article, moderator, False)

    db.session.expire_all()
    assert db.session.get(Article, article.id).discussion_open is False

    moderation.set_discussion_open(db.session.get(Article, article.id), moderator, True)

    db.session.expire_all()
    assert db.session.get(Article, article.id).discussion_open is True
    assert audit_log() == [
        (moderator.id, Action.CLOSE, None, None, article.id, None, ""),
        (moderator.id, Action.REOPEN, None, None, article.id, None, ""),
    ]


def test_saving_the_settings_is_logged(moderator):
    save_settings(moderator, 3, "miracle", "idiot")

    assert audit_log() == [
        (moderator.id, Action.CHANGE_SETTINGS, None, None, None, None, "hold first 3")
    ]


# --- who may act ---------------------------------------------------------------------------


def _post_actions(post: Post, flag: Flag, held: Post):
    return {
        "hide": lambda actor: moderation.hide_post(post, actor, "spam"),
        "restore": lambda actor: moderation.restore_post(post, actor),
        "feature": lambda actor: moderation.set_featured(post, actor, True),
        "unfeature": lambda actor: moderation.set_featured(post, actor, False),
        "approve": lambda actor: moderation.approve_post(held, actor),
        "reject": lambda actor: moderation.reject_post(held, actor, "spam"),
        "dismiss": lambda actor: moderation.dismiss_flag(flag, actor),
        "pin": lambda actor: moderation.set_thread_state(post.thread, actor, Action.PIN),
        "lock": lambda actor: moderation.set_thread_state(post.thread, actor, Action.LOCK),
        "unpin": lambda actor: moderation.set_thread_state(post.thread, actor, Action.UNPIN),
        "unlock": lambda actor: moderation.set_thread_state(post.thread, actor, Action.UNLOCK),
        "close": lambda actor: moderation.set_discussion_open(post.thread.article, actor, False),
        "reopen": lambda actor: moderation.set_discussion_open(post.thread.article, actor, True),
        "settings": lambda actor: save_settings(actor, 5, "miracle", "idiot"),
    }


ACTIONS = [
    "hide",
    "restore",
    "feature",
    "unfeature",
    "approve",
    "reject",
    "dismiss",
    "pin",
    "lock",
    "unpin",
    "unlock",
    "close",
    "reopen",
    "settings",
]


def database_state() -> dict:
    """What the moderation actions could change, read fresh."""
    db.session.expire_all()
    return {
        "posts": db.session.execute(
            select(Post.id, Post.status, Post.hidden, Post.featured).order_by(Post.id)
        ).all(),
        "flags": db.session.execute(select(Flag.id, Flag.status).order_by(Flag.id)).all(),
        "threads": db.session.execute(select(Thread.id, Thread.pinned, Thread.locked)).all(),
        "articles": db.session.execute(select(Article.id, Article.discussion_open)).all(),
        "figures": stored_figures(),
        "settings": load_settings(),
    }


def prepare(name: str, post: Post, moderator: User) -> None:
    """Put the post, its thread or article in the state the action undoes."""
    if name == "restore":
        moderation.hide_post(post, moderator, "spam")
    elif name == "unfeature":
        moderation.set_featured(post, moderator, True)
    elif name in ("unpin", "unlock"):
        action = Action.PIN if name == "unpin" else Action.LOCK
        moderation.set_thread_state(post.thread, moderator, action)
    elif name == "reopen":
        moderation.set_discussion_open(post.thread.article, moderator, False)


@pytest.mark.parametrize("role", ["reader", "author"])
@pytest.mark.parametrize("name", ACTIONS)
def test_non_moderators_are_refused_every_action_and_nothing_changes(
    request, held_thread, writer, make_user, contribution, role, name
):
    actor = request.getfixturevalue(role)
    flag = moderation.flag_post(contribution, make_user(), "spam")
    held = add_contribution(held_thread, writer, AGREE)
    prepare(name, contribution, make_user(role=Role.MODERATOR))
    before_log = audit_log()
    before = database_state()

    with pytest.raises(NotAllowed):
        _post_actions(fresh(contribution), flag, held)[name](actor)
    db.session.rollback()

    assert database_state() == before
    assert audit_log() == before_log


@pytest.mark.parametrize("name", ACTIONS)
def test_an_admin_may_take_every_moderator_action(
    held_thread, writer, make_user, admin, contribution, name
):
    flag = moderation.flag_post(contribution, make_user(), "spam")
    held = add_contribution(held_thread, writer, AGREE)
    prepare(name, contribution, make_user(role=Role.MODERATOR))
    before = len(audit_log())

    _post_actions(fresh(contribution), flag, held)[name](admin)

    log = audit_log()
    assert len(log) == before + 1
    assert log[-1][0] == admin.id
    assert_figures_exact()


# --- sanctions ------------------------------------------------------------------------------


def user_row(user: User) -> tuple:
    db.session.expire_all()
    row = db.session.get(User, user.id)
    return (row.role, row.banned, row.suspended_until, row.sanction_reason)


def test_suspending_a_user_is_stored_and_logged(reader, moderator):
    until = (utcnow() + timedelta(days=3)).replace(microsecond=0)

    moderation.suspend_user(reader, moderator, until, "  Repeated insults.  ")

    role, banned, suspended_until, reason = user_row(reader)
    assert (banned, suspended_until, reason) == (False, until, "Repeated insults")
    assert audit_log() == [
        (
            moderator.id,
            Action.SUSPEND,
            None,
            None,
            None,
            reader.id,
            f"until {until:%Y-%m-%d %H:%M}: Repeated insults",
        )
    ]


def test_a_suspension_needs_a_future_time(reader, moderator):
    for until in (utcnow() - timedelta(minutes=1), utcnow() - timedelta(days=30)):
        with pytest.raises(InvalidInput) as error:
            moderation.suspend_user(reader, moderator, until, "Insults.")
        assert error.value.field == "until"

    assert user_row(reader)[2] is None
    assert audit_log() == []


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_sanction_needs_a_reason_of_at_most_500_characters(reader, moderator, reason):
    until = utcnow() + timedelta(days=1)
    with pytest.raises(InvalidInput) as suspend_error:
        moderation.suspend_user(reader, moderator, until, reason)
    with pytest.raises(InvalidInput) as ban_error:
        moderation.ban_user(reader, moderator, reason)

    assert suspend_error.value.field == ban_error.value.field == "reason"
    assert user_row(reader) == (Role.READER, False, None, "")
    assert audit_log() == []


def test_banning_and_unbanning_are_stored_and_logged(reader, moderator):
    moderation.ban_user(reader, moderator, "Spam account.")

    assert user_row(reader)[1:] == (True, None, "Spam account")

    moderation.unban_user(db.session.get(User, reader.id), moderator, " Appeal accepted. ")

    assert user_row(reader)[1:] == (False, None, "")
    assert audit_log() == [
        (moderator.id, Action.BAN, None, None, None, reader.id, "Spam account"),
        (moderator.id, Action.UNBAN, None, None, None, reader.id, "Appeal accepted"),
    ]


def test_unban_also_lifts_a_suspension(reader, moderator):
    moderation.suspend_user(reader, moderator, utcnow() + timedelta(days=1), "Cool off.")

    moderation.unban_user(db.session.get(User, reader.id), moderator)

    assert user_row(reader)[1:] == (False, None, "")
    assert [entry[1] for entry in audit_log()] == [Action.SUSPEND, Action.UNBAN]


def test_unbanning_a_user_in_good_standing_is_refused(reader, moderator):
    with pytest.raises(InvalidInput):
        moderation.unban_user(reader, moderator)

    assert audit_log() == []


@pytest.mark.parametrize("target_role", [Role.MODERATOR, Role.ADMIN])
def test_a_moderator_cannot_sanction_a_moderator_or_an_admin(make_user, moderator, target_role):
    target = make_user(role=target_role)

    with pytest.raises(NotAllowed):
        moderation.ban_user(target, moderator, "Abuse of power.")
    with pytest.raises(NotAllowed):
        moderation.suspend_user(target, moderator, utcnow() + timedelta(days=1), "Cool off.")

    assert user_row(target) == (target_role, False, None, "")
    assert audit_log() == []


@pytest.mark.parametrize("target_role", [Role.MODERATOR, Role.ADMIN])
def test_an_admin_can_sanction_a_moderator_or_another_admin(make_user, admin, target_role):
    target = make_user(role=target_role)

    moderation.ban_user(target, admin, "Abuse of power.")

    assert user_row(target)[1] is True
    assert audit_log() == [(admin.id, Action.BAN, None, None, None, target.id, "Abuse of power")]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_nobody_sanctions_themself(make_user, role):
    actor = make_user(role=role)

    with pytest.raises(NotAllowed):
        moderation.ban_user(actor, actor, "Oops.")
    with pytest.raises(NotAllowed):
        moderation.suspend_user(actor, actor, utcnow() + timedelta(days=1), "Oops.")

    assert user_row(actor) == (role, False, None, "")
    assert audit_log() == []


@pytest.mark.parametrize("role", ["reader", "author"])
def test_non_moderators_cannot_sanction(request, make_user, role):
    actor = request.getfixturevalue(role)
    target = make_user()

    with pytest.raises(NotAllowed):
        moderation.ban_user(target, actor, "No.")
    with pytest.raises(NotAllowed):
        moderation.suspend_user(target, actor, utcnow() + timedelta(days=1), "No.")
    moderation_target = db.session.get(User, target.id)
    moderation_target.banned, moderation_target.sanction_reason = True, "Earlier ban."
    db.session.commit()
    with pytest.raises(NotAllowed):
        moderation.unban_user(moderation_target, actor)

    assert user_row(target) == (Role.READER, True, None, "Earlier ban.")
    assert audit_log() == []


def test_an_admin_changes_a_role_and_it_is_logged(reader, admin):
    moderation.change_role(reader, admin, "moderator")

    assert user_row(reader)[0] == Role.MODERATOR
    assert audit_log() == [
        (admin.id, Action.CHANGE_ROLE, None, None, None, reader.id, "reader → moderator")
    ]


@pytest.mark.parametrize("role", [Role.READER, Role.AUTHOR, Role.MODERATOR])
def test_only_admins_change_roles(make_user, reader, role):
    actor = make_user(role=role)

    with pytest.raises(NotAllowed):
        moderation.change_role(reader, actor, "admin")

    assert user_row(reader)[0] == Role.READER
    assert audit_log() == []


def test_an_admin_cannot_demote_themself(admin):
    with pytest.raises(NotAllowed):
        moderation.change_role(admin, admin, "reader")

    assert user_row(admin)[0] == Role.ADMIN
    assert audit_log() == []


def test_a_role_must_be_one_of_the_roles(reader, admin):
    with pytest.raises(InvalidInput) as error:
        moderation.change_role(reader, admin, "superuser")

    assert error.value.field == "role"
    assert user_row(reader)[0] == Role.READER
    assert audit_log() == []


def test_an_admin_may_demote_another_admin(make_user, admin):
    other = make_user(role=Role.ADMIN)

    moderation.change_role(other, admin, "author")

    assert user_row(other)[0] == Role.AUTHOR
    assert len(audit_log()) == 1


def test_a_held_post_that_is_hidden_then_approved_is_counted_only_once_restored(
    held_thread, writer, moderator
):
    post = add_contribution(held_thread, writer, DISAGREE)

    moderation.hide_post(post, moderator, "spam")
    assert debate_figures(held_thread) == (counts(),) * 2
    assert_figures_exact()

    moderation.approve_post(fresh(post), moderator)
    assert debate_figures(held_thread) == (counts(),) * 2
    assert_figures_exact()

    moderation.restore_post(fresh(post), moderator)
    assert debate_figures(held_thread) == (counts(disagree=1),) * 2
    assert_figures_exact()
