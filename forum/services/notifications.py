"""What readers are told in the forum: answers to them, new contributions where they follow,
and what the moderators did with their posts.

- A post readers can now see (events.post_listed) queues one job, `fan_out`, whatever the
  number of followers: a few INSERT ... SELECT and UPDATE statements write everyone's
  notifications. A thread's new contributions are one entry per follower, counted when it is
  shown from the contributions the reader may see ("5 new contributions"); reading it starts
  it again.
- What a moderator did with a post is told to its author in the moderator's own transaction:
  one row, nothing to fan out, and nothing lost to a queue that does not answer.
- Each reader's unread count is kept on their row (users.unread_notifications): the bell on
  every page costs no query, and it keys the reader's own parts of shared pages
  (pagecache/shared.py). It is counted again from the rows whenever the reader reads or
  marks notifications, and (in a job) for the readers told of a post that leaves the list.
- The list and the counts apply who sees a post (permissions.py) in the query: a post hidden,
  held, deleted or under a draft after its notification was written drops out of both.
"""

import functools
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import aliased, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from .. import jobs
from ..errors import NotFound
from ..extensions import db
from ..models import (
    Article,
    ArticleStatus,
    Follow,
    Notification,
    NotificationKind,
    Post,
    PostStatus,
    Thread,
    User,
    utcnow,
)
from ..pagination import paginate
from ..permissions import post_visible_to, prepared_visibility, visibility_sql
from .locks import on_sqlite

logger = logging.getLogger(__name__)

PER_PAGE = 50
# Readers whose counts one statement puts right, and followers one batch of fan-out tells.
RECOUNT_BATCH = 500
FAN_OUT_BATCH = 2000
UNSYNCHRONISED = {"synchronize_session": False}

# As the partial index on the accumulating entries says it (models/notification.py).
_NEW = literal_column(f"'{NotificationKind.NEW_POSTS.value}'")


# --- What a reader may see --------------------------------------------------------------

# The contributions a NEW_POSTS entry counts: in its thread, from the first it told of on,
# that everyone sees (Post.listed() on the alias), and not the reader's own.
_counted = aliased(Post, name="counted")
_COUNTED = and_(
    _counted.thread_id == Notification.thread_id,
    _counted.parent_id.is_(None),
    _counted.created_at >= Notification.created_at,
    _counted.status == PostStatus.PUBLISHED,
    _counted.hidden.is_(False),
    _counted.deleted_at.is_(None),
    or_(_counted.author_id.is_(None), _counted.author_id != Notification.user_id),
)


def shown(visible: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether a notification (joined to its thread's article and, outer, its post) shows to
    its reader, for whom `visible` is who sees a post (permissions.py): under a published
    article, and either new contributions that they may see or a post that is there for them,
    shown to all or their own, and not deleted."""
    post_shown = and_(
        Post.id.is_not(None),
        visible,
        or_(Post.listed(), Post.author_id == Notification.user_id),
        Post.deleted_at.is_(None),
    )
    return and_(
        Article.status == ArticleStatus.PUBLISHED,
        or_(
            and_(Notification.kind == _NEW, exists().where(_COUNTED)),
            and_(Notification.kind != _NEW, post_shown),
        ),
    )


def joined(query: Select) -> Select:
    """The query over notifications joined to what `shown` reads: the thread, its article
    and (outer: it may be deleted) the post."""
    return (
        query.join(Thread, Thread.id == Notification.thread_id)
        .join(Article, Article.id == Thread.article_id)
        .outerjoin(Post, Post.id == Notification.post_id)
    )


def _unread(visible: ColumnElement[bool], reader) -> Select:
    """SQL for how many unread notifications the reader (an id, or a parameter) may see."""
    query = joined(select(func.count(Notification.id)).select_from(Notification))
    return query.where(
        Notification.user_id == reader, Notification.read_at.is_(None), shown(visible)
    )


@functools.cache
def _recount_statement(kind: str):
    """Put a reader's count right, for a kind of reader (permissions.prepared_visibility);
    the reader's id is the reader_id parameter. Built once per kind."""
    reader = bindparam("reader_id")
    return (
        update(User)
        .where(User.id == reader)
        .values(unread_notifications=_unread(visibility_sql(kind), reader).scalar_subquery())
    )


def recount_unread(users: list[User]) -> None:
    """Count these readers' unread notifications again from the rows; the caller commits."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for user in users:
        kind, _params = prepared_visibility(user)
        by_kind[kind].append({"reader_id": user.id})
    connection = db.session.connection()
    for kind, readers in by_kind.items():
        connection.execute(_recount_statement(kind), readers)


@jobs.task(retries=3, retry_delay=10)
def recount(user_ids: list[int]) -> None:
    """Put the unread counts of these readers right (after a post they were told of left)."""
    for start in range(0, len(user_ids), RECOUNT_BATCH):
        batch = user_ids[start : start + RECOUNT_BATCH]
        recount_unread(list(db.session.scalars(select(User).where(User.id.in_(batch)))))
    db.session.commit()


def readers_told_of(post: Post) -> list[int]:
    """Who has an unread notification that counts the post: told of it, or (for a
    contribution) with its thread's new contributions unread."""
    unread = Notification.read_at.is_(None)
    told = select(Notification.user_id).where(Notification.post_id == post.id, unread)
    if not post.is_reply:
        told = union(
            told,
            select(Notification.user_id).where(
                Notification.kind == _NEW, Notification.thread_id == post.thread_id, unread
            ),
        )
    return list(db.session.scalars(select(told.subquery().c.user_id).distinct()))


# --- Telling the author what a moderator did ----------------------------------------------


def tell_author(
    post: Post,
    kind: NotificationKind,
    actor: User | None = None,
    *,
    reason: str | None = None,
    note: str = "",
    seen: bool = False,
) -> None:
    """Tell a post's author what was done with it (featured, hidden, held, approved,
    rejected), in the caller's transaction, which commits. Nobody is told of their own doing;
    `seen`: they are being shown it on screen now (a post held as they send it), so it is
    kept in their list as read."""
    author = post.author_id
    if author is None or (actor is not None and actor.id == author):
        return
    now = utcnow()
    db.session.execute(
        insert(Notification).values(
            user_id=author,
            kind=kind,
            post_id=post.id,
            thread_id=post.thread_id,
            reason=reason,
            note=note,
            created_at=now,
            updated_at=now,
            read_at=now if seen else None,
        )
    )
    if not seen:
        _count_up(User.id == author)


def _count_up(which: ColumnElement[bool]) -> None:
    db.session.execute(
        update(User).where(which).values(unread_notifications=User.unread_notifications + 1),
        execution_options=UNSYNCHRONISED,
    )


# --- The fan-out --------------------------------------------------------------------------


class _Listed(NamedTuple):
    """What the fan-out needs of a post readers can see."""

    id: int
    thread_id: int
    article_id: int
    author_id: int | None
    parent_id: int | None
    reply_to_id: int | None
    created_at: datetime
    article_author_id: int


@functools.cache
def _listed_statement(sqlite: bool):
    """The post, if it is listed under a published article. On SQLite the statement is a
    no-op UPDATE: it takes the database's write lock first, so that the writes after it
    wait for others' rather than fail (locks.py)."""

    def of_article(column):
        return select(column).where(Article.id == Post.article_id).correlate(Post)

    published = of_article(Article.id).where(Article.status == ArticleStatus.PUBLISHED)
    conditions = (Post.id == bindparam("post_id"), Post.listed(), published.exists())
    columns = (
        Post.id,
        Post.thread_id,
        Post.article_id,
        Post.author_id,
        Post.parent_id,
        Post.reply_to_id,
        Post.created_at,
        of_article(Article.author_id).scalar_subquery(),
    )
    if sqlite:
        return (
            update(Post)
            .where(*conditions)
            .values(reply_count=Post.reply_count)
            .returning(*columns)
        )
    return select(*columns).where(*conditions)


def _listed_post(post_id: int) -> _Listed | None:
    row = db.session.execute(
        _listed_statement(on_sqlite()), {"post_id": post_id}, execution_options=UNSYNCHRONISED
    ).first()
    return None if row is None else _Listed(*row)


@jobs.task(retries=3, retry_delay=10)
def fan_out(post_id: int) -> None:
    """Tell the readers a post just listed concerns: the author of what it answers, or the
    followers of its thread and article; and its author follows the thread (their setting).
    One transaction, of a few statements per FAN_OUT_BATCH followers."""
    post = _listed_post(post_id)
    if post is None:  # hidden, held or deleted since, or under a draft: nobody is told
        return
    now = utcnow()
    _follow_posted_in(post, now)
    if post.parent_id is None:
        _tell_followers(post, now)
    else:
        _tell_answered(post, now)
    db.session.commit()


# The columns the fan-out's INSERT ... SELECT statements write, in their SELECTs' order.
_FANNED_OUT = ["user_id", "kind", "thread_id", "post_id", "note", "created_at", "updated_at"]


def _not_muted(user_id, thread_id: int) -> ColumnElement[bool]:
    muted = aliased(Follow)
    return ~exists().where(
        muted.thread_id == thread_id, muted.user_id == user_id, muted.muted.is_(True)
    )


def _follow_posted_in(post: _Listed, now: datetime) -> None:
    """The author follows the thread they posted in, unless they said not to, or already
    follow or have muted it."""
    if post.author_id is None:
        return
    wanted = select(
        User.id, literal(post.thread_id), false(), literal(now, Follow.created_at.type)
    ).where(
        User.id == post.author_id,
        User.follow_threads_posted_in.is_(True),
        ~exists().where(Follow.thread_id == post.thread_id, Follow.user_id == User.id),
    )
    columns = ["user_id", "thread_id", "muted", "created_at"]
    if db.session.execute(insert(Follow).from_select(columns, wanted)).rowcount:
        db.session.execute(
            update(User)
            .where(User.id == post.author_id)
            .values(follow_version=User.follow_version + 1),
            execution_options=UNSYNCHRONISED,
        )


def _followers(post: _Listed) -> Select:
    """The readers who follow the post's thread, or its article without having muted the
    thread; never its author."""
    following = union(
        select(Follow.user_id).where(Follow.thread_id == post.thread_id, Follow.muted.is_(False)),
        select(Follow.user_id).where(Follow.article_id == post.article_id),
    ).subquery()
    reader = following.c.user_id
    conditions = [_not_muted(reader, post.thread_id)]
    if post.author_id is not None:
        conditions.append(reader != post.author_id)
    return select(reader).where(*conditions)


def _entry_of(post: _Listed, user_id) -> ColumnElement[bool]:
    """The reader's accumulating entry for the post's thread (one index lookup)."""
    return and_(
        Notification.thread_id == post.thread_id,
        Notification.user_id == user_id,
        Notification.kind == _NEW,
    )


def _tell_followers(post: _Listed, now: datetime) -> None:
    """A new contribution: each follower's entry for the thread counts it, started again if
    they had read it; a follower without one gets one; the count of those whose entry was
    not unread already goes up by one.

    The followers are read once, then told FAN_OUT_BATCH at a time, by statements that each
    look the readers they name up by index, whatever the database's statistics say (with a
    correlated NOT EXISTS instead, PostgreSQL joined every entry against every follower of a
    table it had not analysed yet: seconds for 10,000)."""
    readers = list(db.session.scalars(_followers(post)))
    for start in range(0, len(readers), FAN_OUT_BATCH):
        _tell_batch(post, readers[start : start + FAN_OUT_BATCH], now)


def _tell_batch(post: _Listed, readers: list[int], now: datetime) -> None:
    unread = dict(
        db.session.execute(
            select(Notification.user_id, Notification.read_at.is_(None)).where(
                Notification.kind == _NEW,
                Notification.thread_id == post.thread_id,
                Notification.user_id.in_(readers),
            )
        ).all()
    )
    counted_up = [reader for reader in readers if not unread.get(reader)]
    if counted_up:
        _count_up(User.id.in_(counted_up))
    if unread:
        was_read = Notification.read_at.is_not(None)
        db.session.execute(
            update(Notification)
            .where(
                Notification.kind == _NEW,
                Notification.thread_id == post.thread_id,
                Notification.user_id.in_(list(unread)),
            )
            .values(
                # All of SET reads the row as it was: a read entry starts again at this post.
                post_id=case((was_read, post.id), else_=Notification.post_id),
                created_at=case((was_read, post.created_at), else_=Notification.created_at),
                read_at=None,
                updated_at=now,
                # News again: the next e-mail (as it happens or daily) tells of it.
                emailed_at=None,
            ),
            execution_options=UNSYNCHRONISED,
        )
    fresh = [reader for reader in readers if reader not in unread]
    if fresh:
        entries = select(
            User.id,
            literal(NotificationKind.NEW_POSTS, Notification.kind.type),
            literal(post.thread_id),
            literal(post.id),
            literal(""),
            literal(post.created_at, Notification.created_at.type),
            literal(now, Notification.updated_at.type),
        ).where(User.id.in_(fresh))
        db.session.execute(insert(Notification).from_select(_FANNED_OUT, entries))


def _tell_answered(post: _Listed, now: datetime) -> None:
    """A reply: the author of the contribution or reply it answers is told, in a kind of its
    own when the answer is the article's author's; not if they wrote it, or muted the
    thread, or were told of it before (a post restored after it was hidden)."""
    kind = (
        NotificationKind.AUTHOR_REPLY
        if post.author_id == post.article_author_id
        else NotificationKind.REPLY
    )
    answered = aliased(Post)
    reader = answered.author_id
    conditions = [
        answered.id == (post.reply_to_id or post.parent_id),
        reader.is_not(None),
        _not_muted(reader, post.thread_id),
        ~exists().where(
            Notification.user_id == reader,
            Notification.post_id == post.id,
            Notification.kind == kind,
        ),
    ]
    if post.author_id is not None:
        conditions.append(reader != post.author_id)
    _count_up(User.id.in_(select(reader).where(*conditions)))
    told = select(
        reader,
        literal(kind, Notification.kind.type),
        literal(post.thread_id),
        literal(post.id),
        literal(""),
        literal(now, Notification.created_at.type),
        literal(now, Notification.updated_at.type),
    ).where(*conditions)
    db.session.execute(insert(Notification).from_select(_FANNED_OUT, told))


# --- Reading them -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    notification: Notification
    target: int  # the post opening it leads to
    new_count: int = 0  # NEW_POSTS: how many new contributions it counts

    @property
    def kind(self) -> NotificationKind:
        return self.notification.kind


@dataclass(frozen=True)
class ThreadGroup:
    thread: Thread
    entries: list[Entry]


@dataclass(frozen=True)
class NotificationPage:
    groups: list[ThreadGroup]
    page: Pagination
    unread: int  # counted from the rows, as the reader may see them


def notification_page(user: User) -> NotificationPage:
    """The page of the reader's notifications the URL asks for, newest first, grouped by
    thread: threads where the article's author answered them (unread) first, and in each
    thread the author's answers first. A count found wrong is put right by a job (a GET
    writes nothing itself), and shown right on this page at once."""
    visible = post_visible_to(user)
    query = (
        joined(select(Notification))
        .where(Notification.user_id == user.id, shown(visible))
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .options(
            contains_eager(Notification.thread).contains_eager(Thread.article),
            contains_eager(Notification.post).joinedload(Post.author),
        )
    )
    page = paginate(query, PER_PAGE)
    listed = entries(page.items)
    unread = db.session.scalar(_unread(visible, user.id)) or 0
    if unread != user.unread_notifications:
        _repair(user, unread)
    return NotificationPage(_grouped(listed), page, unread)


def entries(rows: list[Notification]) -> list[Entry]:
    """The notifications as the reader is told of them: each with the post it leads to, and a
    thread's new contributions with how many there are (left out if none still shows)."""
    figures = _new_figures([n.id for n in rows if n.kind == NotificationKind.NEW_POSTS])
    told = []
    for notification in rows:
        if notification.kind == NotificationKind.NEW_POSTS:
            count, first = figures.get(notification.id, (0, None))
            if first is not None:
                told.append(Entry(notification, first, count))
        elif notification.post_id is not None:
            told.append(Entry(notification, notification.post_id))
    return told


def _new_figures(notification_ids: list[int]) -> dict[int, tuple[int, int | None]]:
    """For NEW_POSTS entries: how many contributions each counts, and the first of them."""
    if not notification_ids:
        return {}
    count = select(func.count(_counted.id)).where(_COUNTED).scalar_subquery()
    first = select(func.min(_counted.id)).where(_COUNTED).scalar_subquery()
    rows = db.session.execute(
        select(Notification.id, count, first).where(Notification.id.in_(notification_ids))
    )
    return {row_id: (number, first_id) for row_id, number, first_id in rows}


def _grouped(entries: list[Entry]) -> list[ThreadGroup]:
    groups: dict[int, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.notification.thread_id, []).append(entry)

    def answered_unread(items: list[Entry]) -> bool:
        return any(
            item.kind == NotificationKind.AUTHOR_REPLY and not item.notification.is_read
            for item in items
        )

    ordered = sorted(groups.values(), key=lambda items: not answered_unread(items))
    return [
        ThreadGroup(
            items[0].notification.thread,
            sorted(items, key=lambda item: item.kind != NotificationKind.AUTHOR_REPLY),
        )
        for items in ordered
    ]


def _repair(user: User, unread: int) -> None:
    try:
        recount([user.id])
    except Exception:
        # The page is right either way; the count is put right at the next read or mark.
        logger.exception("could not queue the recount of user %s", user.id)
    set_committed_value(user, "unread_notifications", unread)


def open_notification(user: User, notification_id: int) -> int:
    """Mark one of the reader's notifications read; the post it leads to. NotFound if it is
    not theirs, or no longer shows (its post hidden or deleted since)."""
    first = select(func.min(_counted.id)).where(_COUNTED).scalar_subquery()
    found = db.session.execute(
        joined(select(Notification, first)).where(
            Notification.id == notification_id,
            Notification.user_id == user.id,
            shown(post_visible_to(user)),
        )
    ).first()
    if found is None:
        raise NotFound()
    notification, first_new = found
    target = first_new if notification.kind == NotificationKind.NEW_POSTS else notification.post_id
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    recount_unread([user])
    db.session.commit()
    return target


def mark_all_read(user: User) -> int:
    """Mark every notification of the reader read; how many were unread."""
    marked = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()),
        execution_options=UNSYNCHRONISED,
    ).rowcount
    user.unread_notifications = 0
    db.session.commit()
    return marked


def forget_reader(user: User) -> None:
    """Remove the reader's notifications and follows (a deleted account); the caller commits."""
    for model in (Notification, Follow):
        db.session.execute(
            delete(model).where(model.user_id == user.id), execution_options=UNSYNCHRONISED
        )
    user.unread_notifications = 0
    user.follow_version = User.follow_version + 1
    user.follow_threads_posted_in = True
