"""Work done beside the requests: e-mail, notifications and digests, in a Huey queue.

A request never waits for SMTP or for a thousand followers: it queues a job and answers.
The queue's consumer (`forum worker`, which `make run` starts beside the web server) runs the
jobs, each in an app context of its own, with retries and backoff where a job says so.

Where the queue lives is one setting, `QUEUE_URL`:

- empty: a SQLite file in the instance folder (`make run`, a small site on one machine);
- ``sqlite:////path/to/queue.sqlite``: that file;
- ``redis://…``: Redis, for production and several servers;
- ``immediate``: no queue at all; a job runs at once, in the process that queued it (the
  default under TESTING, and for a site run without a consumer).

A job that depends on rows a request writes is queued once that request's transaction has
committed (`after_commit`): the consumer must find what the job is about, and a transaction
that rolls back queues nothing.
"""

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from sqlalchemy import event

from .extensions import ForumSession, db

logger = logging.getLogger("forum.jobs")

IMMEDIATE = "immediate"

# One queue for the process, made before any task is declared on it; `init_app` points it at
# the storage the settings name (until then, it runs jobs at once). Results are not kept:
# nothing waits for a job's answer.
huey = Huey("forum", results=False, utc=True, immediate=True)

_app: Flask | None = None


def task(**options: Any) -> Callable[[Callable], TaskWrapper]:
    """Declare a job, like Huey's ``@huey.task(...)``; it runs in an app context of its own,
    with a database session of its own."""
    return lambda function: huey.task(**options)(_in_app(function))


def periodic(schedule: Callable, **options: Any) -> Callable[[Callable], TaskWrapper]:
    """Declare a job the consumer runs on `schedule` (``huey.crontab(...)``)."""
    return lambda function: huey.periodic_task(schedule, **options)(_in_app(function))


def _in_app(function: Callable) -> Callable:
    @functools.wraps(function)
    def in_app(*args, **kwargs):
        if _app is None:
            raise RuntimeError("forum.jobs.init_app() has not been called")
        with _app.app_context():
            return function(*args, **kwargs)

    return in_app


def after_commit(job: TaskWrapper, *args: Any) -> None:
    """Queue `job(*args)` once the current transaction commits; never, if it rolls back."""
    db.session.info.setdefault("jobs", []).append((job, args))


@event.listens_for(ForumSession, "after_commit")
def _committed(session: ForumSession) -> None:
    if session.in_nested_transaction():  # a savepoint: queued when the transaction commits
        return
    # Queued once the transaction has ended and given its connection back (below): a job run
    # at once (immediate) then takes a connection of its own, not a second one beside it.
    session.info.setdefault("committed_jobs", []).extend(session.info.pop("jobs", ()))


@event.listens_for(ForumSession, "after_transaction_end")
def _ended(session: ForumSession, transaction) -> None:
    if transaction.parent is not None or "committed_jobs" not in session.info:
        return
    for job, args in session.info.pop("committed_jobs"):
        try:
            job(*args)
        except Exception:
            # The change is committed; a queue that does not answer must not turn it into an
            # error page. The job is lost, and the log says which.
            logger.exception("could not queue %s%r", job.name, args)


@event.listens_for(ForumSession, "after_rollback")
def _rolled_back(session: ForumSession) -> None:
    if not session.in_nested_transaction():
        session.info.pop("jobs", None)


def immediate(app: Flask) -> bool:
    return _queue_url(app) == IMMEDIATE


def _queue_url(app: Flask) -> str:
    url = app.config["QUEUE_URL"]
    if not url and app.testing:
        return IMMEDIATE
    return url or f"sqlite:///{Path(app.instance_path) / 'queue.sqlite'}"


def init_app(app: Flask) -> None:
    global _app
    _app = app
    url = _queue_url(app)
    if url == IMMEDIATE:
        huey.immediate = True
        return
    if url.startswith(("redis://", "rediss://", "unix://")):
        from redis import ConnectionPool

        huey.storage_class = RedisHuey.storage_class
        # Queuing from a request gives up connecting as soon as the page cache would; the
        # consumer's blocking reads wait as long as they like.
        pool = ConnectionPool.from_url(
            url, socket_connect_timeout=app.config["REDIS_SOCKET_TIMEOUT"]
        )
        huey.storage_kwargs = {"connection_pool": pool}
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class = SqliteHuey.storage_class
        huey.storage_kwargs = {"filename": str(path)}
    else:
        raise ValueError(
            f"FLASK_QUEUE_URL={url!r}: use redis://…, sqlite:///path or {IMMEDIATE!r}"
        )
    huey.name = app.config["QUEUE_NAME"]
    huey.immediate = False
    huey.storage = huey.create_storage()
