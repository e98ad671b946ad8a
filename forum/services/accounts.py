"""Accounts: registering, logging in, e-mail and password links, and the user's own settings."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..errors import ForumError, InvalidInput
from ..extensions import db
from ..models import Role, User, utcnow
from ..passwords import hash_password, needs_rehash, verify_password

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
COMMON_PASSWORDS = 1000
MAX_DISPLAY_NAME = 80
MAX_BIO = 2000
MAX_LINKS = 5
MAX_LINK_LENGTH = 200
# Control characters other than tab, newline and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONFIRM_SALT = "forum.email-confirm"
RESET_SALT = "forum.password-reset"

WRONG_PASSWORD = _l("That is not your current password.")
EMAIL_TAKEN = _l("An account with that e-mail address exists.")


class InvalidLink(ForumError):
    status_code = 400
    default_message = _l(
        "This link is not valid. Check that you copied all of it, or ask for a new one."
    )


class ExpiredLink(InvalidLink):
    default_message = _l("This link has expired. Please ask for a new one.")


@dataclass(frozen=True)
class Profile:
    """What a user may say about themselves; links one per line."""

    display_name: str
    bio: str
    links: str
    locale: str


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
    """Create an account (its address unconfirmed); a taken name or address is a field error."""
    username = username.strip()
    email = normalise_email(email)
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(_l("3 to 30 characters: letters, digits, _ and -."), field="username")
    check_new_password(password)
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
        raise InvalidInput(_l("That username is taken."), field="username") from None
    return user


def _check_free(username: str, email: str) -> None:
    # Deleted accounts keep their names, so nobody can take over a departed user's name.
    if find_user_by_name(username) is not None:
        raise InvalidInput(_l("That username is taken."), field="username")
    _check_email_free(email)


def _check_email_free(email: str) -> None:
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput(EMAIL_TAKEN, field="email")


def check_new_password(password: str) -> None:
    """A new password has 10 to 256 characters and is not one of the most common ones."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise InvalidInput(_l("Use between 10 and 256 characters."), field="password")
    if password.lower() in _common_passwords():
        raise InvalidInput(
            _l("That password is one of the most common ones. Choose another."), field="password"
        )


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn (MIT) ships the most used passwords, most frequent first and lower-cased.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS])


def authenticate(login: str, password: str) -> User | None:
    """The user with this username or e-mail address and password, or None."""
    login = login.strip().lower()
    user = db.session.scalar(
        select(User).where(or_(User.username_key == login, User.email == login))
    )
    if user is None or user.is_deleted:
        # Spend the time a real check takes, so the answer's speed reveals no usernames.
        hash_password(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(token: str, salt: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ExpiredLink() from None
    except BadSignature:
        raise InvalidLink() from None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise InvalidLink()
    return data


def _live_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        raise InvalidLink()
    return user


def email_token(user: User) -> str:
    """A signed token confirming that the user receives mail at their current address."""
    return _serializer(CONFIRM_SALT).dumps({"user": user.id, "email": user.email})


def user_to_confirm(token: str) -> User:
    """The user an e-mail confirmation token names, if it is genuine, fresh and still theirs."""
    data = _load(token, CONFIRM_SALT, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = _live_user(data["user"])
    if data.get("email") != user.email:
        # The address changed after the link was sent: it confirms nothing any more.
        raise InvalidLink()
    return user


def confirm_email(token: str) -> bool:
    """Mark the token's address as confirmed; False if it already was."""
    user = user_to_confirm(token)
    if user.email_confirmed:
        return False
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return True


def _password_fingerprint(password_hash: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def find_user_for_reset(email: str) -> User | None:
    """The live account with this address, if any."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    return None if user is None or user.is_deleted else user


def reset_token(user: User) -> str:
    """A signed token for a new password; it dies once the password changes."""
    payload = {"user": user.id, "pw": _password_fingerprint(user.password_hash)}
    return _serializer(RESET_SALT).dumps(payload)


def user_to_reset(token: str) -> User:
    """The user a reset token names, if it is genuine, fresh and not yet used."""
    data = _load(token, RESET_SALT, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = _live_user(data["user"])
    fingerprint = str(data.get("pw", "")).encode()
    if not hmac.compare_digest(fingerprint, _password_fingerprint(user.password_hash).encode()):
        raise InvalidLink(_l("This link has been used already. Please ask for a new one."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, ending every session of the account."""
    user = user_to_reset(token)
    check_new_password(password)
    _set_password(user, password)
    # The link arrived by e-mail, which proves the address works.
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_urlsafe(24)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password (the current one is required), ending the user's other sessions."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput(WRONG_PASSWORD, field="current_password")
    check_new_password(new_password)
    _set_password(user, new_password)
    db.session.commit()


def change_email(user: User, current_password: str, email: str) -> str:
    """Move the account to a new, unconfirmed address; gives back the old address."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput(WRONG_PASSWORD, field="current_password")
    email = normalise_email(email)
    if len(email) > 254 or "@" not in email.strip("@"):
        raise InvalidInput(_l("That does not look like an e-mail address."), field="email")
    if email == user.email:
        raise InvalidInput(_l("That is already your address."), field="email")
    _check_email_free(email)
    old = user.email
    user.email = email
    user.email_confirmed_at = None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(EMAIL_TAKEN, field="email") from None
    return old


def update_profile(user: User, profile: Profile) -> None:
    """Save the display name, bio, links (http and https only) and language."""
    display_name = " ".join(profile.display_name.split())
    bio = profile.bio.strip()
    for field, text in (("display_name", display_name), ("bio", bio), ("links", profile.links)):
        if CONTROL.search(text):
            raise InvalidInput(_l("Remove the control characters."), field=field)
    if len(display_name) > MAX_DISPLAY_NAME:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_DISPLAY_NAME), "display_name")
    if display_name.lower() != user.username_key and find_user_by_name(display_name):
        # A display name that is someone else's username would let one pose as them.
        raise InvalidInput(_l("That is another user's username."), field="display_name")
    if len(bio) > MAX_BIO:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_BIO), field="bio")
    if profile.locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_l("Choose a language."), field="locale")
    user.display_name = display_name
    user.bio = bio
    user.links = "\n".join(_clean_links(profile.links))
    user.locale = profile.locale
    db.session.commit()


def _clean_links(text: str) -> list[str]:
    links = [line.strip() for line in text.splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise InvalidInput(_l("At most %(n)d links.", n=MAX_LINKS), field="links")
    for number, link in enumerate(links, 1):
        if not _is_web_link(link):
            # Only the number goes into the message: lazy strings are not escaped in templates.
            raise InvalidInput(
                _l(
                    "Link %(n)d is not a web address: each link must start with http:// or "
                    "https://.",
                    n=number,
                ),
                field="links",
            )
    return links


def _is_web_link(link: str) -> bool:
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and len(link) <= MAX_LINK_LENGTH
        and not any(c.isspace() for c in link)
    )
