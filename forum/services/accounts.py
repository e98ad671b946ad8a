"""Registering, authenticating and creating users."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..errors import InvalidInput
from ..extensions import db
from ..models import Role, User
from ..passwords import hash_password, needs_rehash, verify_password

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_name(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == username.lower()))


def register(
    username: str,
    email: str,
    password: str,
    *,
    role: Role = Role.READER,
    locale: str | None = None,
) -> User:
    """Create an account; a taken name or address is an error on that field."""
    username = username.strip()
    email = normalise_email(email)
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(_l("3 to 30 characters: letters, digits, _ and -."), field="username")
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise InvalidInput(_l("Use between 10 and 256 characters."), field="password")
    _check_free(username, email)
    user = User(
        username=username,
        email=email,
        password_hash=hash_password(password),
        role=role,
        locale=locale,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request took the name or address between our check and our insert.
        db.session.rollback()
        _check_free(username, email)
        raise
    return user


def _check_free(username: str, email: str) -> None:
    if find_user_by_name(username) is not None:
        raise InvalidInput(_l("That username is taken."), field="username")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput(_l("An account with that e-mail address exists."), field="email")


def authenticate(login: str, password: str) -> User | None:
    """The user with this username or e-mail address and password, or None."""
    login = login.strip().lower()
    user = db.session.scalar(
        select(User).where(or_(User.username_key == login, User.email == login))
    )
    if user is None:
        # Spend the time a real check takes, so the answer's speed reveals no usernames.
        hash_password(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user
