"""Argon2id password hashing with the cost taken from the app's settings, and at most
ARGON2_MAX_CONCURRENT hashes at a time in each process, so that a burst of logins leaves
the other threads the processor to serve pages (see "Passwords and logins under load" in the
README)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import ForumError


class HashingBusy(ForumError):
    """Every hashing slot stayed taken for ARGON2_MAX_WAIT seconds."""

    status_code = 503
    retry_after = 5
    default_message = _l("The forum is busy just now. Please try again in a moment.")


_making_slots = threading.Lock()


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hashing_slots() -> threading.BoundedSemaphore:
    """This process's hashing slots for the current app, made on first use."""
    extensions = current_app.extensions
    slots = extensions.get("argon2_slots")
    if slots is None:
        with _making_slots:
            size = current_app.config["ARGON2_MAX_CONCURRENT"]
            slots = extensions.setdefault("argon2_slots", threading.BoundedSemaphore(size))
    return slots


@contextmanager
def _slot() -> Iterator[None]:
    """Hold one hashing slot, waiting for one at most ARGON2_MAX_WAIT seconds."""
    slots = hashing_slots()
    if not slots.acquire(timeout=current_app.config["ARGON2_MAX_WAIT"]):
        raise HashingBusy()
    try:
        yield
    finally:
        slots.release()


def hash_password(password: str) -> str:
    hasher = _hasher()
    with _slot():
        return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    hasher = _hasher()
    with _slot():
        try:
            return hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
