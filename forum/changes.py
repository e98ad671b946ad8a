"""What a committed change touched, so that the pages showing it are read afresh.

A service names what it changes as it changes it: one article's debate (the article, its
threads and their posts and votes), the lists of articles (the front page), or everything
(an import, an account's deletion: names and posts on every page). When the transaction
commits, each listener hears the names once; a transaction that rolls back is heard by no
one. The page cache is the listener (`forum/pagecache/`): services know nothing of it.

Naming is explicit, not guessed from the rows a flush wrote: many writes change nothing a
page shows (a login, a password, a flag), and bulk UPDATEs name no objects.
"""

from collections.abc import Callable

from sqlalchemy import event

from .extensions import ForumSession, db

EVERYTHING = "all"
LISTS = "lists"

Listener = Callable[[frozenset[str]], None]
_listeners: list[Listener] = []


def article(article_id: int) -> None:
    """The article's page and its threads' pages show something new."""
    _touched().add(article_scope(article_id))


def lists() -> None:
    """The front page (which articles, in which order, with which figures) changed."""
    _touched().add(LISTS)


def everything() -> None:
    """Every page may show something new: names, posts under many articles, a new database."""
    _touched().add(EVERYTHING)


def article_scope(article_id: int) -> str:
    return f"a{article_id}"


def listen(listener: Listener) -> Listener:
    """Call `listener` with the names a transaction touched, after it commits."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _touched() -> set[str]:
    return db.session.info.setdefault("touched", set())


@event.listens_for(ForumSession, "after_commit")
def _committed(session: ForumSession) -> None:
    if session.in_nested_transaction():  # a savepoint: heard when the transaction commits
        return
    touched = session.info.pop("touched", None)
    if touched:
        for listener in _listeners:
            listener(frozenset(touched))


@event.listens_for(ForumSession, "after_rollback")
def _rolled_back(session: ForumSession) -> None:
    if not session.in_nested_transaction():
        session.info.pop("touched", None)
