"""Accounts: registering, logging in, e-mail and password links, and the user's own settings."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from .. import changes, names
from ..errors import ForumError, InvalidInput
from ..extensions import db
from ..models import Role, User, utcnow
from ..models.user import fold_display_name
from ..passwords import hash_password, needs_rehash, verify_password
from . import sessions
from .password_rules import check_new_password, password_inputs

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
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
NAME_TAKEN = _l("That username is taken.")
NAME_RESERVED = _l("That name is reserved.")
SOMEONES_DISPLAY_NAME = _l("That is another user's display name.")


class InvalidLink(ForumError):
    status_code = 400
    default_message = _l(
        "This link is not valid. Check that you copied all of it, or ask for a new one."
    )


class ExpiredLink(InvalidLink):
    default_message = _l("This link has expired. Please ask for a new one.")


class ChangeNotWaiting(InvalidLink):
    default_message = _l(
        "This link is for an address that is no longer waiting to be confirmed: the change was "
        "cancelled, or asked for again with another address. Your address is unchanged."
    )


class AddressTakenMeanwhile(ForumError):
    status_code = 409
    default_message = _l(
        "Another account uses that address now, so your address was not changed. Cancel the "
        "change on your account page, or choose another address."
    )


@dataclass(frozen=True)
class SignUp:
    """A registration's outcome: the new account, or the owner of the address it named."""

    user: User | None = None
    owner: User | None = None


@dataclass(frozen=True)
class AddressLink:
    """What a confirmation link names: the user's address, or the one they asked to move to."""

    user: User
    email: str
    change: bool

    @property
    def done(self) -> bool:
        """Whether following it again would change nothing: the address is confirmed."""
        return self.email == self.user.email and self.user.email_confirmed


@dataclass(frozen=True)
class Confirmed:
    """A followed confirmation link: `moved_from` is the address left, if it was a change."""

    user: User
    already: bool = False
    moved_from: str | None = None


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


def find_user_like(name: str) -> User | None:
    """The user whose username reads like this name (case, separators and look-alikes aside)."""
    folded = names.fold(name)
    if not folded:
        return None
    return db.session.scalar(
        select(User).where(User.username_fold == folded).order_by(User.id).limit(1)
    )


def find_display_name_like(name: str, other_than: User | None = None) -> User | None:
    """The oldest user (not `other_than`) whose display name reads like this name."""
    folded = fold_display_name(name)
    if not folded:
        return None
    query = select(User).where(User.display_name_fold == folded)
    if other_than is not None:
        query = query.where(User.id != other_than.id)
    return db.session.scalar(query.order_by(User.id).limit(1))


def is_reserved_name(name: str) -> bool:
    """Whether the name reads as the site's, its staff's or a role's."""
    extra = (current_app.config["SITE_NAME"], *(role.value for role in Role))
    return names.is_reserved(name, extra)


def register(
    username: str,
    email: str,
    password: str,
    *,
    role: Role = Role.READER,
    locale: str | None = None,
) -> User:
    """Create an account (its address unconfirmed); a taken name or address is a field error."""
    username, email = _check_registration(username, email, password)
    _check_email_free(email)
    return _create(username, email, password, role, locale)


def sign_up(username: str, email: str, password: str, *, locale: str | None = None) -> SignUp:
    """Register a reader; a taken address creates nothing and names its owner instead.

    Both cases hash the password, so neither answers faster than the other.
    """
    username, email = _check_registration(username, email, password)
    owner = _owner_of(email)
    if owner is not None:
        hash_password(password)
        return SignUp(owner=owner)
    try:
        return SignUp(user=_create(username, email, password, Role.READER, locale))
    except InvalidInput:
        # A request for the same address won the race: its owner is the one to tell.
        if (owner := _owner_of(email)) is not None:
            return SignUp(owner=owner)
        raise


def _check_registration(username: str, email: str, password: str) -> tuple[str, str]:
    """The username and address, cleaned, if the name is free and the password strong enough."""
    username = username.strip()
    email = normalise_email(email)
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(_l("3 to 30 characters: letters, digits, _ and -."), field="username")
    if is_reserved_name(username):
        raise InvalidInput(NAME_RESERVED, field="username")
    check_new_password(password, user_inputs=(username, email))
    _check_name_free(username)
    return username, email


def _create(username: str, email: str, password: str, role: Role, locale: str | None) -> User:
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
        _check_name_free(username)
        _check_email_free(email)
        raise InvalidInput(NAME_TAKEN, field="username") from None
    return user


def _check_name_free(username: str) -> None:
    # Deleted accounts keep their names, so nobody can take over a departed user's name; a
    # name that only reads like a taken one (mod-jonas, m0d_jonas) would let one pose as them.
    if find_user_like(username) is not None:
        raise InvalidInput(NAME_TAKEN, field="username")
    # Nor may a new account be named as another is known on its posts.
    if find_display_name_like(username) is not None:
        raise InvalidInput(SOMEONES_DISPLAY_NAME, field="username")


def _owner_of(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _check_email_free(email: str) -> None:
    if _owner_of(email) is not None:
        raise InvalidInput(EMAIL_TAKEN, field="email")


def find_login_user(login: str) -> User | None:
    """The account a login names by its username or e-mail address."""
    login = login.strip().lower()
    return db.session.scalar(
        select(User).where(or_(User.username_key == login, User.email == login))
    )


def authenticate(login: str, password: str) -> User | None:
    """The user with this username or e-mail address and password, or None."""
    user = find_login_user(login)
    stored = None if user is None or user.is_deleted else user.password_hash
    # A hash may wait for a free slot (passwords.py): give the database connection back to
    # the pool first, so waiting logins hold none.
    db.session.rollback()
    if stored is None:
        # Spend the time a real check takes, so the answer's speed reveals no usernames.
        hash_password(password)
        return None
    if not verify_password(stored, password):
        return None
    if needs_rehash(stored):
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


def email_change_token(user: User) -> str:
    """A signed token confirming the address the user asked to move to (`pending_email`)."""
    payload = {"user": user.id, "email": user.pending_email, "change": True}
    return _serializer(CONFIRM_SALT).dumps(payload)


def link_to_confirm(token: str) -> AddressLink:
    """What a confirmation token names, if it is genuine, fresh and still stands."""
    data = _load(token, CONFIRM_SALT, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = _live_user(data["user"])
    email = data.get("email")
    if not isinstance(email, str):
        raise InvalidLink()
    if not data.get("change"):
        if email != user.email:
            # The address changed after the link was sent: it confirms nothing any more.
            raise InvalidLink()
        return AddressLink(user, email, change=False)
    if email != user.email:
        if email != user.pending_email:
            raise ChangeNotWaiting()
        if _owner_of(email) is not None:
            raise AddressTakenMeanwhile()
    return AddressLink(user, email, change=True)


def confirm_email(token: str) -> Confirmed:
    """Confirm the token's address: the user's own, or the one they asked to move to."""
    link = link_to_confirm(token)
    user = link.user
    if link.done:
        return Confirmed(user, already=True)
    moved_from = None
    if link.email != user.email:
        moved_from = user.email
        user.email = link.email
        user.pending_email = None
    user.email_confirmed_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        # Another account took the address between our check and our update.
        db.session.rollback()
        raise AddressTakenMeanwhile() from None
    return Confirmed(user, moved_from=moved_from)


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
    check_new_password(password, user_inputs=password_inputs(user))
    _set_password(user, password)
    # The link arrived by e-mail, which proves the address works.
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def _set_password(user: User, password: str) -> None:
    """The new password, and every login session of the account ended in the same commit."""
    user.password_hash = hash_password(password)
    sessions.end_all_in_transaction(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace the password (the current one is required), ending every session of the user:
    the caller starts a new one for the device that changed it."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput(WRONG_PASSWORD, field="current_password")
    check_new_password(new_password, user_inputs=password_inputs(user))
    _set_password(user, new_password)
    db.session.commit()


def request_email_change(user: User, current_password: str, email: str) -> None:
    """Keep a new address as pending (the current one stays) until its link is followed."""
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput(WRONG_PASSWORD, field="current_password")
    email = normalise_email(email)
    if len(email) > 254 or "@" not in email.strip("@"):
        raise InvalidInput(_l("That does not look like an e-mail address."), field="email")
    if email == user.email:
        raise InvalidInput(_l("That is already your address."), field="email")
    _check_email_free(email)
    user.pending_email = email
    db.session.commit()


def cancel_email_change(user: User) -> bool:
    """Forget the address the user asked to move to; False if there was none."""
    if user.pending_email is None:
        return False
    user.pending_email = None
    db.session.commit()
    return True


def update_profile(user: User, profile: Profile) -> None:
    """Save the display name, bio, links (http and https only) and language."""
    display_name = " ".join(profile.display_name.split())
    bio = profile.bio.strip()
    for field, text in (("display_name", display_name), ("bio", bio), ("links", profile.links)):
        if CONTROL.search(text):
            raise InvalidInput(_l("Remove the control characters."), field=field)
    if len(display_name) > MAX_DISPLAY_NAME:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_DISPLAY_NAME), "display_name")
    _check_display_name(user, display_name)
    if len(bio) > MAX_BIO:
        raise InvalidInput(_l("At most %(n)d characters.", n=MAX_BIO), field="bio")
    if profile.locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_l("Choose a language."), field="locale")
    if user.display_name != display_name:
        changes.everything()  # the name is on every page with the user's posts
    user.display_name = display_name
    user.bio = bio
    user.links = "\n".join(_clean_links(profile.links))
    user.locale = profile.locale
    db.session.commit()


def _check_display_name(user: User, display_name: str) -> None:
    """A display name may read as one's own username, never as another's username or display
    name, or as a reserved name."""
    if not display_name or names.fold(display_name) == names.fold(user.username):
        return
    # A display name that reads as someone else's name would let one sign as them. Where two
    # accounts' names read alike from before this rule, the older account keeps its name.
    kept = fold_display_name(display_name) == user.display_name_fold
    for other, message in (
        (find_user_like(display_name), _l("That is another user's username.")),
        (find_display_name_like(display_name, other_than=user), SOMEONES_DISPLAY_NAME),
    ):
        if other is not None and other.id != user.id and not (kept and other.id > user.id):
            raise InvalidInput(message, field="display_name")
    if is_reserved_name(display_name):
        raise InvalidInput(NAME_RESERVED, field="display_name")


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
