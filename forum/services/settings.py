"""Site settings that moderators change while the site runs: holding and word lists."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import InvalidInput, NotAllowed
from ..extensions import db
from ..models import Action, Setting, User
from ..permissions import can_moderate
from .audit import record

HOLD_FIRST = "hold_first_posts"
WATCHED = "watched_words"
BLOCKED = "blocked_words"


@dataclass(frozen=True)
class ModerationSettings:
    hold_first: int = 0
    watched: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def parse_words(text: str) -> list[str]:
    """One word or phrase per line (or comma), trimmed, lower-cased, without repeats."""
    words = (" ".join(part.split()).lower() for part in text.replace(",", "\n").splitlines())
    return list(dict.fromkeys(word for word in words if word))


def load_settings() -> ModerationSettings:
    stored = {key: value for key, value in db.session.execute(select(Setting.key, Setting.value))}
    return ModerationSettings(
        hold_first=int(stored.get(HOLD_FIRST) or 0),
        watched=parse_words(stored.get(WATCHED, "")),
        blocked=parse_words(stored.get(BLOCKED, "")),
    )


def save_settings(actor: User, hold_first: int, watched: str, blocked: str) -> ModerationSettings:
    if not can_moderate(actor):
        raise NotAllowed()
    if not 0 <= hold_first <= 1000:
        raise InvalidInput(_l("A number from 0 to 1,000."), field="hold_first")
    values = {
        HOLD_FIRST: str(hold_first),
        WATCHED: "\n".join(parse_words(watched)),
        BLOCKED: "\n".join(parse_words(blocked)),
    }
    for key, value in values.items():
        db.session.merge(Setting(key=key, value=value))
    record(actor, Action.CHANGE_SETTINGS, reason=f"hold first {hold_first}")
    db.session.commit()
    return load_settings()
