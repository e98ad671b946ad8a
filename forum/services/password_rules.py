"""What a new password must be: long enough, and hard to guess by zxcvbn's estimate."""

from collections.abc import Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from ..errors import InvalidInput
from ..models import User

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
# zxcvbn's score from 0 (guessed at once) to 4; 3 resists an offline attack for a good while.
PASSWORD_MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows fast); so many characters are strength enough.
PASSWORD_ESTIMATE_LENGTH = 72

# What makes a password guessable, by the kind of zxcvbn's longest match in it (zxcvbn's own
# feedback is English only).
GUESSABLE = {
    "passwords": _l("That is one of the most common passwords."),
    "user_inputs": _l("That password is built from your name, your address or the site's name."),
    "dictionary": _l("A single word or name, even with digits added, is easy to guess."),
    "spatial": _l("Rows and patterns of keys on the keyboard are easy to guess."),
    "repeat": _l("Repeated characters or words are easy to guess."),
    "sequence": _l('Sequences like "abc" or "6543" are easy to guess.'),
    "date": _l("Dates and years are easy to guess."),
}
TOO_GUESSABLE = _l("That password is too easy to guess.")
PASSWORD_ADVICE = _l("Add another word or two: uncommon words work best.")


def password_inputs(user: User) -> tuple[str, ...]:
    """What a guesser knows about the account, for check_new_password's user_inputs."""
    return (user.username, user.email, user.display_name)


def check_new_password(password: str, *, user_inputs: Sequence[str] = ()) -> None:
    """A new password has 10 to 256 characters and is hard to guess (zxcvbn's score >= 3).

    user_inputs are what a guesser knows (the username, the address); the address's local part
    and the site's name are added.
    """
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise InvalidInput(_l("Use between 10 and 256 characters."), field="password")
    known = [text for text in user_inputs if text]
    known += [text.split("@")[0] for text in known if "@" in text]
    known.append(current_app.config["SITE_NAME"])
    estimate = zxcvbn(password[:PASSWORD_ESTIMATE_LENGTH], user_inputs=known)
    if estimate["score"] < PASSWORD_MIN_SCORE:
        problem = _guessable_because(estimate["sequence"])
        raise InvalidInput(
            _l("%(problem)s %(advice)s", problem=problem, advice=PASSWORD_ADVICE),
            field="password",
        )


def _guessable_because(matches: list[dict]):
    """Our message for zxcvbn's longest match, the one its own feedback speaks of."""
    if not matches:
        return TOO_GUESSABLE
    longest = max(matches, key=lambda match: len(match["token"]))
    kind = longest["pattern"]
    if kind == "dictionary":
        name = longest.get("dictionary_name")
        return GUESSABLE.get(name, GUESSABLE["dictionary"])
    if kind == "regex" and longest.get("regex_name") == "recent_year":
        kind = "date"
    return GUESSABLE.get(kind, TOO_GUESSABLE)
