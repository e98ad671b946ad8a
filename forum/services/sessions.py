"""Login sessions: started at login, found on every request, ended by logout or from /account.

Flask-Login's id in the session cookie and in the remember cookie is "<user id>:<key>", where
the key is random and the server keeps only its SHA-256: ending the row ends both cookies.

Rows change no page anyone else sees, so starting, touching and ending one on its own runs in
a database session of its own, which the page cache does not count as a change to content
(forum/pagecache.py); ending them with a password change rides in that change's transaction.
"""

import hashlib
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import LoginSession, User, utcnow
from ..models.login_session import USER_AGENT_LENGTH

# Last seen is brought up to date by a write at most this often (GETs never write).
TOUCH_EVERY = timedelta(minutes=5)
# An account keeps at most this many sessions; logging in once more ends the least recent.
MAX_SESSIONS = 30


@dataclass(frozen=True)
class Started:
    """A new login session, and the id Flask-Login keeps in the cookies for it."""

    row: LoginSession
    login_id: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime() -> timedelta:
    """How long a session lives unseen: REMEMBER_COOKIE_DURATION (seconds, or a timedelta)."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


@contextmanager
def _outside_content() -> Iterator[Session]:
    """A transaction of its own, committed at the end, that the page cache does not count."""
    with Session(db.engine, expire_on_commit=False) as side, side.begin():
        yield side


def start(user: User, user_agent: str, remember: bool) -> Started:
    """A new session for the user; their sessions past their lifetime or the cap end."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    row = LoginSession(
        user_id=user.id,
        key_hash=hash_key(key),
        created_at=now,
        last_seen_at=now,
        user_agent=user_agent[:USER_AGENT_LENGTH],
        remember=remember,
    )
    with _outside_content() as side:
        side.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id, LoginSession.last_seen_at <= now - lifetime()
            )
        )
        newest_first = (
            select(LoginSession.id)
            .where(LoginSession.user_id == user.id)
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
        surplus = list(side.scalars(newest_first.offset(MAX_SESSIONS - 1)))
        if surplus:
            side.execute(delete(LoginSession).where(LoginSession.id.in_(surplus)))
        side.add(row)
    return Started(row, f"{user.id}:{key}")


def find(login_id: str) -> tuple[User, LoginSession] | None:
    """The user and session a login id names, in one statement; None unless both are live."""
    number, _, key = login_id.partition(":")
    if not (number.isascii() and number.isdigit() and len(number) < 19 and key):
        return None
    params = {"key_hash": hash_key(key), "user_id": int(number), "since": utcnow() - lifetime()}
    found = db.session.execute(FIND, params).first()
    return None if found is None else (found[0], found[1])


# Built once: it runs on every request of a logged-in reader.
FIND = (
    select(User, LoginSession)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(
        LoginSession.key_hash == bindparam("key_hash"),
        LoginSession.user_id == bindparam("user_id"),
        LoginSession.last_seen_at > bindparam("since"),
        User.banned.is_(False),
        User.deleted_at.is_(None),
    )
)


def due_for_touch(row: LoginSession) -> bool:
    return utcnow() - row.last_seen_at >= TOUCH_EVERY


def touch(session_id: int) -> None:
    """Mark the session seen now (called after a write, never on a read)."""
    with _outside_content() as side:
        side.execute(
            update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=utcnow())
        )


def end(session_id: int) -> None:
    """End one session (logout)."""
    with _outside_content() as side:
        side.execute(delete(LoginSession).where(LoginSession.id == session_id))


def end_one(user: User, session_id: int) -> bool:
    """End one of the user's own sessions; False if they have none by that id."""
    with _outside_content() as side:
        ended = side.execute(
            delete(LoginSession).where(
                LoginSession.id == session_id, LoginSession.user_id == user.id
            )
        )
    return ended.rowcount > 0


def end_others(user: User, keep: int) -> int:
    """End every session of the user but one; how many ended."""
    with _outside_content() as side:
        ended = side.execute(
            delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.id != keep)
        )
    return ended.rowcount


def end_all_in_transaction(user: User) -> None:
    """End every session of the user as part of the caller's transaction (it commits)."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def active(user: User) -> list[LoginSession]:
    """The user's live sessions, the most recently seen first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.last_seen_at > utcnow() - lifetime(),
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(Chrome|CriOS)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/")),
)
SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
)


def describe_browser(user_agent: str) -> str:
    """The browser and system a User-Agent names, in plain words ("Firefox on Windows")."""
    browser = next((name for name, pattern in BROWSERS if pattern.search(user_agent)), None)
    system = next((name for name, pattern in SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return str(_l("%(browser)s on %(system)s", browser=browser, system=system))
    if browser or system:
        return browser or system or ""
    # Scripts and rare browsers: the product's name ("curl/8.5.0" is curl).
    product = re.match(r"[A-Za-z][\w.-]{0,30}", user_agent)
    if product is None or product.group(0) == "Mozilla":
        return str(_l("Unknown browser"))
    return product.group(0)
