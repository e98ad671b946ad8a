"""Moderators' actions on posts, threads, articles and users; each one is on the audit log."""

from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import changes
from ..errors import InvalidInput, NotAllowed
from ..extensions import db
from ..models import (
    Action,
    Article,
    Flag,
    FlagStatus,
    NotificationKind,
    Post,
    PostStatus,
    Reason,
    Role,
    Thread,
    User,
    utcnow,
)
from ..permissions import can_moderate
from .audit import record
from .events import post_listed, post_unlisted
from .figures import count_post
from .locks import hold_for_change
from .notifications import tell_author
from .rules import check_may_write

NOTE_LIMIT = 500
ALREADY_FLAGGED = _l("You have already flagged this post.")
NOT_HELD = _l("That post is not waiting for a moderator.")


def _require_moderator(actor: User) -> None:
    if not can_moderate(actor):
        raise NotAllowed(_l("Only moderators can do that."))


def _clause(text: str) -> str:
    """Typed text as part of a sentence: trimmed, and without a closing full stop, as the
    notices and the log add their own (an ellipsis stays)."""
    text = text.strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text


def _reason(
    reason: str, note: str, note_field: str = "note", tidy: Callable[[str], str] = _clause
) -> tuple[Reason, str]:
    try:
        code = Reason(reason)
    except ValueError:
        raise InvalidInput(_l("Choose a reason."), field="reason") from None
    note = tidy(note)
    if code == Reason.OTHER and not note:
        raise InvalidInput(_l("Say what the problem is."), field=note_field)
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(_l("At most 500 characters."), field=note_field)
    return code, note


def _audit_text(code: Reason, note: str) -> str:
    return f"{code.value}: {note}" if note else code.value


def flag_post(post: Post, user: User, reason: str, details: str = "") -> Flag:
    """A reader reports a post to the moderators; one open flag per reader per post."""
    check_may_write(user)
    if post.author_id == user.id:
        raise NotAllowed(_l("You cannot flag your own post."))
    if not post.is_listed:
        raise NotAllowed(_l("That post is not shown, so there is nothing to flag."))
    # A flag's details are shown as the reader wrote them, in no sentence of ours.
    code, details = _reason(reason, details, note_field="details", tidy=str.strip)
    if has_open_flag(post, user):
        raise InvalidInput(ALREADY_FLAGGED, field="reason")
    flag = Flag(post=post, user=user, reason=code, details=details)
    db.session.add(flag)
    changes.article(post.article_id)  # the flagging reader's own page says they flagged it
    try:
        db.session.commit()
    except IntegrityError:
        # A second flag from the same reader raced this one; the unique index kept one.
        db.session.rollback()
        raise InvalidInput(ALREADY_FLAGGED, field="reason") from None
    return flag


def has_open_flag(post: Post, user: User) -> bool:
    return (
        db.session.scalar(
            select(Flag.id).where(
                Flag.post_id == post.id, Flag.user_id == user.id, Flag.status == FlagStatus.OPEN
            )
        )
        is not None
    )


def flagged_by(user: User | None, post_ids: list[int]) -> set[int]:
    """Which of these posts the user has an open flag on."""
    if user is None or not post_ids:
        return set()
    return set(
        db.session.scalars(
            select(Flag.post_id).where(
                Flag.user_id == user.id,
                Flag.post_id.in_(post_ids),
                Flag.status == FlagStatus.OPEN,
            )
        )
    )


def _close_flags(post: Post, actor: User, status: FlagStatus) -> None:
    db.session.execute(
        update(Flag)
        .where(Flag.post_id == post.id, Flag.status == FlagStatus.OPEN)
        .values(status=status, closed_at=utcnow(), closed_by_id=actor.id)
    )


def _transition(post: Post, condition, message, **values) -> None:
    """Change a post only if it is still in the state the moderator saw; else refuse.

    The conditional UPDATE makes two moderators acting at once change it (and its
    figures) only once.
    """
    changed = db.session.execute(
        update(Post).where(Post.id == post.id, condition).values(**values),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise InvalidInput(message)
    db.session.refresh(post)


def hide_post(post: Post, actor: User, reason: str, note: str = "") -> None:
    """Replace a post by "Hidden by a moderator: reason" for everyone but its author."""
    _require_moderator(actor)
    code, note = _reason(reason, note)
    was_listed = post.is_listed
    _transition(
        post,
        Post.hidden.is_(False),
        _l("That post is already hidden."),
        hidden=True,
        moderation_reason=code.value,
        moderation_note=note,
    )
    if was_listed:
        count_post(post, -1)
        post_unlisted(post)
    _close_flags(post, actor, FlagStatus.RESOLVED)
    tell_author(post, NotificationKind.HIDDEN, actor, reason=code.value, note=note)
    record(actor, Action.HIDE, post=post, reason=_audit_text(code, note))
    db.session.commit()


def restore_post(post: Post, actor: User) -> None:
    _require_moderator(actor)
    _transition(post, Post.hidden.is_(True), _l("That post is not hidden."), hidden=False)
    if post.is_listed:
        count_post(post, 1)
        post_listed(post)
    record(actor, Action.RESTORE, post=post)
    db.session.commit()


def set_featured(post: Post, actor: User, featured: bool) -> None:
    """Mark a post as an editor's pick, or take the mark away."""
    _require_moderator(actor)
    if featured and not post.is_listed:
        raise InvalidInput(_l("Only a post that readers can see can be featured."))
    if post.featured == featured:
        raise InvalidInput(
            _l("That post is already featured.") if featured else _l("That post is not featured.")
        )
    post.featured = featured
    if featured:
        tell_author(post, NotificationKind.FEATURED, actor)
    record(actor, Action.FEATURE if featured else Action.UNFEATURE, post=post)
    db.session.commit()


def approve_post(post: Post, actor: User) -> None:
    _require_moderator(actor)
    _transition(post, Post.status == PostStatus.HELD, NOT_HELD, status=PostStatus.PUBLISHED)
    if post.is_listed:
        count_post(post, 1)
        if post.is_reply and post.author_id == post.thread.article.author_id:
            post.parent.answered_by_author = True
        post_listed(post)
    tell_author(post, NotificationKind.APPROVED, actor)
    record(actor, Action.APPROVE, post=post)
    db.session.commit()


def reject_post(post: Post, actor: User, reason: str, note: str = "") -> None:
    """Turn down a held post; its author is shown the reason."""
    _require_moderator(actor)
    code, note = _reason(reason, note)
    _transition(
        post,
        Post.status == PostStatus.HELD,
        NOT_HELD,
        status=PostStatus.REJECTED,
        moderation_reason=code.value,
        moderation_note=note,
    )
    _close_flags(post, actor, FlagStatus.RESOLVED)
    tell_author(post, NotificationKind.REJECTED, actor, reason=code.value, note=note)
    record(actor, Action.REJECT, post=post, reason=_audit_text(code, note))
    db.session.commit()


def dismiss_flag(flag: Flag, actor: User) -> None:
    """The flag was not a problem: close it without touching the post."""
    _require_moderator(actor)
    if flag.status != FlagStatus.OPEN:
        raise InvalidInput(_l("That flag is already closed."))
    flag.status, flag.closed_at, flag.closed_by_id = FlagStatus.DISMISSED, utcnow(), actor.id
    record(actor, Action.DISMISS_FLAG, post=flag.post, reason=flag.reason.value)
    db.session.commit()


def set_thread_state(thread: Thread, actor: User, action: Action) -> None:
    """Pin, unpin, lock or unlock a thread."""
    _require_moderator(actor)
    if action in (Action.PIN, Action.UNPIN):
        field, wanted = "pinned", action == Action.PIN
    elif action in (Action.LOCK, Action.UNLOCK):
        field, wanted = "locked", action == Action.LOCK
    else:
        raise ValueError(action)
    # Writes in the thread check it is open under a lock that this waits for (locks.py).
    hold_for_change(getattr(Thread, field), thread.id)
    db.session.refresh(thread)
    if getattr(thread, field) == wanted:
        raise InvalidInput(_l("The thread is already like that."))
    setattr(thread, field, wanted)
    record(actor, action, thread=thread)
    db.session.commit()


def set_discussion_open(article: Article, actor: User, is_open: bool) -> None:
    _require_moderator(actor)
    hold_for_change(Article.discussion_open, article.id)
    db.session.refresh(article)
    if article.discussion_open == is_open:
        raise InvalidInput(
            _l("The discussion is already open.") if is_open else _l("The discussion is closed.")
        )
    article.discussion_open = is_open
    record(actor, Action.REOPEN if is_open else Action.CLOSE, article=article)
    db.session.commit()


def _check_sanction(user: User, actor: User, reason: str) -> str:
    _require_moderator(actor)
    if user.id == actor.id:
        raise NotAllowed(_l("You cannot sanction yourself."))
    if can_moderate(user) and actor.role != Role.ADMIN:
        raise NotAllowed(_l("Only an administrator can sanction a moderator."))
    reason = _clause(reason)
    if not reason:
        raise InvalidInput(_l("Give the reason the user will be shown."), field="reason")
    if len(reason) > NOTE_LIMIT:
        raise InvalidInput(_l("At most 500 characters."), field="reason")
    return reason


def suspend_user(user: User, actor: User, until: datetime, reason: str) -> None:
    """Until the given time the user can read but not post, reply, vote or flag."""
    reason = _check_sanction(user, actor, reason)
    if until <= utcnow():
        raise InvalidInput(_l("Choose a time in the future."), field="until")
    user.suspended_until, user.sanction_reason = until, reason
    record(
        actor, Action.SUSPEND, target_user=user, reason=f"until {until:%Y-%m-%d %H:%M}: {reason}"
    )
    db.session.commit()


def ban_user(user: User, actor: User, reason: str) -> None:
    reason = _check_sanction(user, actor, reason)
    user.banned, user.sanction_reason = True, reason
    record(actor, Action.BAN, target_user=user, reason=reason)
    db.session.commit()


def unban_user(user: User, actor: User, reason: str = "") -> None:
    """Lift a ban and any suspension."""
    _require_moderator(actor)
    if not user.banned and user.suspended_until is None:
        raise InvalidInput(_l("That user is neither banned nor suspended."))
    user.banned, user.suspended_until, user.sanction_reason = False, None, ""
    record(actor, Action.UNBAN, target_user=user, reason=_clause(reason))
    db.session.commit()


def change_role(user: User, actor: User, role: str) -> None:
    """An administrator gives a user another role."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(_l("Only administrators can change roles."))
    try:
        new = Role(role)
    except ValueError:
        raise InvalidInput(_l("Choose a role."), field="role") from None
    if user.id == actor.id and new != Role.ADMIN:
        raise NotAllowed(_l("You cannot take away your own administrator role."))
    if user.role == new:
        raise InvalidInput(_l("The user already has that role."), field="role")
    old, user.role = user.role, new
    record(actor, Action.CHANGE_ROLE, target_user=user, reason=f"{old.value} → {new.value}")
    changes.everything()  # a moderator's replies carry a badge, under any article
    db.session.commit()
