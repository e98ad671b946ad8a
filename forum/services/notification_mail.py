"""Which notifications go out by e-mail, when, and to whom; the worker sends them (jobs).

Each reader chooses, for each kind of notification, no e-mail, an e-mail as it happens, or a
daily digest (`EmailChoice` rows; a kind without one has its default). "As it happens" waits
NOTIFY_EMAIL_DELAY seconds, so that three replies in a row make one e-mail, and a reader who
has read a notification in the forum by then gets none for it.

A notification is e-mailed at most once: the rows are marked (`emailed_at`) in the
transaction that takes them, which commits before the e-mail is queued. A worker killed
between the two loses that e-mail, never the notification (it is still in the forum), and
never sends it twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, case, delete, func, literal, select, update
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..models import (
    EMAIL_KINDS,
    EmailChoice,
    EmailKind,
    EmailMode,
    Notification,
    NotificationKind,
    Post,
    Thread,
    User,
    utcnow,
)
from ..permissions import post_visible_to
from . import notifications

DEFAULTS = {
    EmailKind.AUTHOR_REPLY: EmailMode.INSTANT,
    EmailKind.REPLY: EmailMode.INSTANT,
    EmailKind.NEW_POSTS: EmailMode.DAILY,
    EmailKind.FEATURED: EmailMode.DAILY,
    EmailKind.MODERATION: EmailMode.DAILY,
}
# Readers whose e-mails one run of a job takes at a time.
BATCH = 200
UNSYNCHRONISED = {"synchronize_session": False}


def choices(user: User) -> dict[EmailKind, EmailMode]:
    """What the reader chose for each kind, defaults filled in."""
    chosen = db.session.execute(
        select(EmailChoice.kind, EmailChoice.mode).where(EmailChoice.user_id == user.id)
    )
    return DEFAULTS | {kind: mode for kind, mode in chosen}


def choose(user: User, chosen: dict[EmailKind, EmailMode]) -> None:
    """Store the reader's choices; a choice equal to the default is stored as no row."""
    _store(user.id, chosen)
    db.session.commit()


def _store(user_id: int, chosen: dict[EmailKind, EmailMode]) -> None:
    db.session.execute(
        delete(EmailChoice).where(
            EmailChoice.user_id == user_id, EmailChoice.kind.in_(list(chosen))
        ),
        execution_options=UNSYNCHRONISED,
    )
    db.session.add_all(
        EmailChoice(user_id=user_id, kind=kind, mode=mode)
        for kind, mode in chosen.items()
        if mode != DEFAULTS[kind]
    )


# --- One-click unsubscribe (RFC 8058) --------------------------------------------------------


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notification-mail-off")


def unsubscribe_token(user: User, kinds: list[EmailKind]) -> str:
    """A signed token that turns these kinds' e-mails off for the user, with no login."""
    return _signer().dumps({"u": user.id, "k": sorted(kinds)})


@dataclass(frozen=True)
class Unsubscribing:
    user: User
    kinds: list[EmailKind]


def read_unsubscribe_token(token: str) -> Unsubscribing | None:
    """Whom and which kinds the token names; None if it is forged, broken or its account gone.

    It does not expire: a link in a year-old e-mail must still work (the sender's rule)."""
    try:
        data = _signer().loads(token)
        kinds = [EmailKind(kind) for kind in data["k"]]
        user = db.session.get(User, int(data["u"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or user.deleted_at is not None or not kinds:
        return None
    return Unsubscribing(user, kinds)


def unsubscribe(found: Unsubscribing) -> None:
    """No more e-mail of these kinds; what is waiting for them is not sent either."""
    _store(found.user.id, dict.fromkeys(found.kinds, EmailMode.OFF))
    db.session.commit()


# --- What is due -------------------------------------------------------------------------------


def _email_kind(column):
    """SQL for the e-mail kind (EMAIL_KINDS) of a notification's kind."""
    return case(
        *((column == kind.value, literal(group.value)) for kind, group in EMAIL_KINDS.items()),
    )


def _mode_of(notification=Notification):
    """SQL for what the notification's reader chose for its kind, default included."""
    group = _email_kind(notification.kind)
    chosen = (
        select(EmailChoice.mode)
        .where(EmailChoice.user_id == notification.user_id, EmailChoice.kind == group)
        .scalar_subquery()
    )
    default = case(
        *((group == kind.value, literal(mode.value)) for kind, mode in DEFAULTS.items()),
    )
    return func.coalesce(chosen, default)


def _waiting():
    """Unread, not yet e-mailed (nor let go): the notifications an e-mail may still carry."""
    return and_(Notification.read_at.is_(None), Notification.emailed_at.is_(None))


def readers_due(mode: EmailMode, before: datetime, after: int = 0) -> list[int]:
    """The readers (by id, past `after`) with notifications waiting for an e-mail in `mode`
    from before `before`; as it happens, also NOTIFY_EMAIL_DELAY old."""
    if mode == EmailMode.INSTANT:
        before -= timedelta(seconds=current_app.config["NOTIFY_EMAIL_DELAY"])
    return list(
        db.session.scalars(
            select(Notification.user_id)
            .where(
                _waiting(),
                Notification.user_id > after,
                Notification.updated_at <= before,
                _mode_of() == mode.value,
            )
            .group_by(Notification.user_id)
            .order_by(Notification.user_id)
            .limit(BATCH)
        )
    )


def let_go_of_unwanted() -> int:
    """Mark the waiting notifications of kinds their readers want no e-mail for, so the jobs
    no longer look at them; how many."""
    let_go = db.session.execute(
        update(Notification)
        .where(_waiting(), _mode_of() == EmailMode.OFF.value)
        .values(emailed_at=utcnow()),
        execution_options=UNSYNCHRONISED,
    ).rowcount
    db.session.commit()
    return let_go


@dataclass(frozen=True)
class Mailing:
    """One reader's e-mail: what it tells (the forum's entries, newest first) and which kinds
    its unsubscribe link turns off."""

    user: User
    entries: list[notifications.Entry]
    kinds: list[EmailKind]


def take(user_id: int, mode: EmailMode, now: datetime) -> Mailing | None:
    """The reader's waiting notifications in `mode` that they may still see, marked e-mailed
    (with the ones no longer shown, which will never be), and committed; None if there is
    nothing to tell them."""
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None or not user.email_confirmed:
        _let_go(user_id, mode, now)
        db.session.commit()
        return None
    visible = post_visible_to(user)
    rows = db.session.scalars(
        notifications.joined(select(Notification))
        .where(
            Notification.user_id == user_id,
            _waiting(),
            _mode_of() == mode.value,
            notifications.shown(visible),
        )
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .options(
            contains_eager(Notification.thread).contains_eager(Thread.article),
            contains_eager(Notification.post).options(joinedload(Post.author)),
        )
    ).all()
    entries = notifications.entries(rows)
    _let_go(user_id, mode, now)
    db.session.commit()
    if not entries:
        return None
    kinds = sorted({EMAIL_KINDS[entry.kind] for entry in entries})
    return Mailing(user, entries, kinds)


def _let_go(user_id: int, mode: EmailMode, now: datetime) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, _waiting(), _mode_of() == mode.value)
        .values(emailed_at=now),
        execution_options=UNSYNCHRONISED,
    )


def entries_by_thread(mailing: Mailing) -> list[tuple[Thread, list[notifications.Entry]]]:
    """The mailing's entries grouped by thread, the article author's answers first."""
    groups: dict[int, list[notifications.Entry]] = defaultdict(list)
    threads: dict[int, Thread] = {}
    for entry in mailing.entries:
        groups[entry.notification.thread_id].append(entry)
        threads[entry.notification.thread_id] = entry.notification.thread
    ordered = sorted(
        groups.items(),
        key=lambda item: not any(e.kind == NotificationKind.AUTHOR_REPLY for e in item[1]),
    )
    return [(threads[thread_id], entries) for thread_id, entries in ordered]


def digest_moment(now: datetime) -> datetime:
    """Today's moment (NOTIFY_DIGEST_HOUR, UTC) for the daily digests."""
    return now.replace(
        hour=current_app.config["NOTIFY_DIGEST_HOUR"], minute=0, second=0, microsecond=0
    )


def forget_reader(user: User) -> None:
    """For deleting an account: its choices go with it."""
    db.session.execute(
        delete(EmailChoice).where(EmailChoice.user_id == user.id),
        execution_options=UNSYNCHRONISED,
    )
