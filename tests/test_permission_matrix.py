"""Every moderation, admin and desk route × visitor, reader, author, moderator and admin.

Each route gets a state in which its action is valid, so a refusal can only come from the
permission check. A refused request changes nothing and writes no audit entry; a successful
POST has its effect and exactly one audit entry naming the actor.

Suspended and banned users writing through HTTP are covered by tests/test_sanctions.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

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
    Setting,
    Thread,
    User,
    utcnow,
)
from forum.services.settings import load_settings

ROLES = ["visitor", "reader", "author", "moderator", "admin"]
MODERATORS = frozenset({"moderator", "admin"})
ADMINS = frozenset({"admin"})
AUTHORS = frozenset({"author", "admin"})


@dataclass
class World:
    """What a route's state is built from: the conftest factories and a shared debate."""

    article: Article
    thread: Thread
    target: User  # the user that sanctions, role changes and the user page are about
    make_post: Callable[..., Post]
    make_thread: Callable[..., Thread]


@dataclass
class Case:
    """A request that is valid in the state its setup built, and how to see its effect."""

    method: str
    url: str
    observe: Callable[[], Any]  # reads the touched state fresh from the database
    after: Any = None  # what `observe` returns once a permitted POST has run
    action: Action | None = None  # the audit action a permitted POST records
    about: dict[str, int] = field(default_factory=dict)  # the entry's object ids
    data: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[str] = MODERATORS


def fresh(model, key) -> Any:
    db.session.expire_all()
    return db.session.get(model, key)


def nothing() -> None:
    return None


def open_flag(post: Post, user: User) -> int:
    flag = Flag(post=post, user=user, reason=Reason.SPAM, details="Buy now")
    db.session.add(flag)
    db.session.commit()
    return flag.id


# --- one state per route -------------------------------------------------------------------


def post_case(
    world: World, action: str, audit: Action, fields: dict, data: dict, attrs: tuple, after
) -> Case:
    post = world.make_post(thread=world.thread, body="The text of the post.", **fields)
    post_id = post.id
    return Case(
        "POST",
        f"/moderation/posts/{post_id}/{action}",
        observe=lambda: tuple(getattr(fresh(Post, post_id), name) for name in attrs),
        after=after,
        action=audit,
        about={"post_id": post_id, "thread_id": world.thread.id},
        data={"thread_id": str(world.thread.id), **data},
    )


def hide(world: World) -> Case:
    return post_case(
        world,
        "hide",
        Action.HIDE,
        {},
        {"reason": "abusive", "note": "Insults"},
        ("hidden", "moderation_reason", "moderation_note"),
        (True, "abusive", "Insults"),
    )


def restore(world: World) -> Case:
    return post_case(
        world,
        "restore",
        Action.RESTORE,
        {"hidden": True, "moderation_reason": "spam"},
        {},
        ("hidden",),
        (False,),
    )


def feature(world: World) -> Case:
    return post_case(world, "feature", Action.FEATURE, {}, {}, ("featured",), (True,))


def unfeature(world: World) -> Case:
    return post_case(
        world, "unfeature", Action.UNFEATURE, {"featured": True}, {}, ("featured",), (False,)
    )


def approve(world: World) -> Case:
    return post_case(
        world,
        "approve",
        Action.APPROVE,
        {"status": PostStatus.HELD},
        {},
        ("status",),
        (PostStatus.PUBLISHED,),
    )


def reject(world: World) -> Case:
    return post_case(
        world,
        "reject",
        Action.REJECT,
        {"status": PostStatus.HELD},
        {"reason": "duplicate", "note": "Said above"},
        ("status", "moderation_reason", "moderation_note"),
        (PostStatus.REJECTED, "duplicate", "Said above"),
    )


def dismiss(world: World) -> Case:
    post = world.make_post(thread=world.thread, body="A flagged post.")
    flag_id, post_id = open_flag(post, world.target), post.id
    return Case(
        "POST",
        f"/moderation/flags/{flag_id}/dismiss",
        observe=lambda: (fresh(Flag, flag_id).status, fresh(Post, post_id).hidden),
        after=(FlagStatus.DISMISSED, False),
        action=Action.DISMISS_FLAG,
        about={"post_id": post_id},
        data={"thread_id": str(world.thread.id)},
    )


def thread_case(world: World, action: Action, attribute: str, before: bool) -> Case:
    subject = world.make_thread(article=world.article, title="A moderated question")
    setattr(subject, attribute, before)
    db.session.commit()
    thread_id = subject.id
    return Case(
        "POST",
        f"/moderation/threads/{thread_id}/{action.value}",
        observe=lambda: getattr(fresh(Thread, thread_id), attribute),
        after=not before,
        action=action,
        about={"thread_id": thread_id, "article_id": world.article.id},
        data={"thread_id": str(thread_id)},
    )


def pin(world: World) -> Case:
    return thread_case(world, Action.PIN, "pinned", False)


def unpin(world: World) -> Case:
    return thread_case(world, Action.UNPIN, "pinned", True)


def lock(world: World) -> Case:
    return thread_case(world, Action.LOCK, "locked", False)


def unlock(world: World) -> Case:
    return thread_case(world, Action.UNLOCK, "locked", True)


def article_case(world: World, action: Action, is_open: bool) -> Case:
    world.article.discussion_open = is_open
    db.session.commit()
    article_id = world.article.id
    return Case(
        "POST",
        f"/moderation/articles/{world.article.slug}/{action.value}",
        observe=lambda: fresh(Article, article_id).discussion_open,
        after=not is_open,
        action=action,
        about={"article_id": article_id},
    )


def close(world: World) -> Case:
    return article_case(world, Action.CLOSE, True)


def reopen(world: World) -> Case:
    return article_case(world, Action.REOPEN, False)


def sanction_state(user_id: int) -> Callable[[], tuple]:
    def observe() -> tuple:
        user = fresh(User, user_id)
        return (user.banned, user.suspended_until is not None, user.sanction_reason)

    return observe


def suspend(world: World) -> Case:
    until = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    return Case(
        "POST",
        f"/moderation/users/{world.target.username}/suspend",
        observe=sanction_state(world.target.id),
        after=(False, True, "Cool off"),
        action=Action.SUSPEND,
        about={"target_user_id": world.target.id},
        data={"until": until, "reason": "Cool off"},
    )


def ban(world: World) -> Case:
    return Case(
        "POST",
        f"/moderation/users/{world.target.username}/ban",
        observe=sanction_state(world.target.id),
        after=(True, False, "Spam links"),
        action=Action.BAN,
        about={"target_user_id": world.target.id},
        data={"reason": "Spam links"},
    )


def unban(world: World) -> Case:
    world.target.banned, world.target.sanction_reason = True, "Spam links"
    db.session.commit()
    return Case(
        "POST",
        f"/moderation/users/{world.target.username}/unban",
        observe=sanction_state(world.target.id),
        after=(False, False, ""),
        action=Action.UNBAN,
        about={"target_user_id": world.target.id},
        data={"reason": "Appeal accepted"},
    )


def settings_state() -> tuple:
    db.session.expire_all()
    current = load_settings()
    return (current.hold_first, current.watched, current.blocked)


def change_settings(world: World) -> Case:
    return Case(
        "POST",
        "/moderation/settings",
        observe=settings_state,
        after=(3, ["crypto", "casino"], ["idiot"]),
        action=Action.CHANGE_SETTINGS,
        data={"hold_first": "3", "watched": "crypto\nCasino", "blocked": "idiot"},
    )


def change_role(world: World) -> Case:
    return Case(
        "POST",
        f"/admin/users/{world.target.username}/role",
        observe=lambda: fresh(User, world.target.id).role,
        after=Role.AUTHOR,
        action=Action.CHANGE_ROLE,
        about={"target_user_id": world.target.id},
        data={"role": "author"},
        allowed=ADMINS,
    )


def page(url: str, allowed: frozenset[str] = MODERATORS) -> Callable[[World], Case]:
    def build(world: World) -> Case:
        # Something for the page to show: a flagged, a held and a hidden post.
        open_flag(world.make_post(thread=world.thread), world.target)
        world.make_post(thread=world.thread, status=PostStatus.HELD, body="Waiting.")
        world.make_post(thread=world.thread, hidden=True, moderation_reason="spam")
        return Case("GET", url.format(target=world.target.username), nothing, allowed=allowed)

    return build


ROUTES: dict[str, Callable[[World], Case]] = {
    "hide": hide,
    "restore": restore,
    "feature": feature,
    "unfeature": unfeature,
    "approve": approve,
    "reject": reject,
    "dismiss-flag": dismiss,
    "pin": pin,
    "unpin": unpin,
    "lock": lock,
    "unlock": unlock,
    "close": close,
    "reopen": reopen,
    "suspend": suspend,
    "ban": ban,
    "unban": unban,
    "queue": page("/moderation"),
    "log": page("/moderation/log"),
    "settings-page": page("/moderation/settings"),
    "settings-save": change_settings,
    "user-page": page("/moderation/users/{target}"),
    "admin-users": page("/admin/users", ADMINS),
    "role-change": change_role,
    "author-desk": page("/author", AUTHORS),
}

# The routes whose form names the thread the object was shown in.
SCOPED = ["hide", "restore", "feature", "unfeature", "approve", "reject", "dismiss-flag"] + [
    "pin",
    "unpin",
    "lock",
    "unlock",
]


# --- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture
def world(article, thread, make_user, make_post, make_thread) -> World:
    return World(
        article=article,
        thread=thread,
        target=make_user("target"),
        make_post=make_post,
        make_thread=make_thread,
    )


@pytest.fixture
def people(make_user, author) -> dict[str, User | None]:
    """One user per role; `author` wrote the article the debate is under."""
    return {
        "visitor": None,
        "reader": make_user("plain_reader"),
        "author": author,
        "moderator": make_user("the_mod", role=Role.MODERATOR),
        "admin": make_user("the_admin", role=Role.ADMIN),
    }


def snapshot() -> dict[str, list]:
    """Everything a moderation route could change, read fresh from the database."""
    db.session.expire_all()

    def rows(*columns) -> list:
        return list(db.session.execute(select(*columns).order_by(columns[0])).all())

    return {
        "posts": rows(
            Post.id,
            Post.status,
            Post.hidden,
            Post.featured,
            Post.moderation_reason,
            Post.moderation_note,
        ),
        "threads": rows(Thread.id, Thread.pinned, Thread.locked),
        "articles": rows(Article.id, Article.discussion_open, Article.hold_posts),
        "users": rows(User.id, User.role, User.banned, User.suspended_until, User.sanction_reason),
        "flags": rows(Flag.id, Flag.status, Flag.closed_by_id),
        "settings": rows(Setting.key, Setting.value),
    }


def audit_entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def send(client, case: Case, **extra: str):
    if case.method == "GET":
        return client.get(case.url)
    return client.post(case.url, data={**case.data, **extra})


# --- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_permission_matrix(client, log_in, world, people, route, role):
    case = ROUTES[route](world)
    actor = people[role]
    if actor is not None:
        log_in(actor)
    before, observed = snapshot(), case.observe()
    assert audit_entries() == []

    response = send(client, case)

    if role == "visitor":
        assert response.status_code == 302
        assert response.location.startswith("/auth/login")
    elif role not in case.allowed:
        assert response.status_code == 403
    if role not in case.allowed:
        assert snapshot() == before
        assert case.observe() == observed
        assert audit_entries() == []
        return

    if case.method == "GET":
        assert response.status_code == 200
        assert snapshot() == before
        assert audit_entries() == []
        return
    assert response.status_code == 302, response.text
    assert not response.location.startswith("/auth/login")
    assert observed != case.after
    assert case.observe() == case.after
    [entry] = audit_entries()
    assert (entry.actor_id, entry.action) == (actor.id, case.action)
    assert {key: getattr(entry, key) for key in case.about} == case.about


# --- a form naming another thread than the object's -----------------------------------------


@pytest.fixture
def as_moderator(client, log_in, make_user):
    log_in(make_user("scoped_mod", role=Role.MODERATOR))
    return client


@pytest.mark.parametrize("elsewhere", ["same-article", "other-article"])
@pytest.mark.parametrize("route", SCOPED)
def test_naming_another_thread_is_refused_and_changes_nothing(
    as_moderator, world, make_thread, make_article, route, elsewhere
):
    case = ROUTES[route](world)
    article = world.article if elsewhere == "same-article" else make_article()
    other = make_thread(article=article, title="Somewhere else")
    before, observed = snapshot(), case.observe()

    response = send(as_moderator, case, thread_id=str(other.id))

    assert response.status_code == 404
    assert snapshot() == before
    assert case.observe() == observed
    assert audit_entries() == []
