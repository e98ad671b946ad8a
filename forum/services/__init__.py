"""Use cases as plain functions: each checks its rules and ends in one commit."""

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db


def commit_keeping(*objects) -> None:
    """Commit, keeping these objects' loaded column values instead of expiring them.

    A write's answer (the redirect to a new post, its message) is made from what the write
    just wrote and read; reading that back after the commit would cost a query an object.
    Their relationships, and every other object, expire as after any commit.
    """
    kept = []
    for instance in objects:
        loaded = instance.__dict__
        columns = inspect(instance).mapper.column_attrs.keys()
        kept.append((instance, {key: loaded[key] for key in columns if key in loaded}))
    db.session.commit()
    for instance, values in kept:
        for key, value in values.items():
            set_committed_value(instance, key, value)
