"""The audit log's stored reasons in the words the moderators' forms use."""

import re
from datetime import UTC, datetime

from flask_babel import gettext as _

from ..admin.forms import ROLE_CHOICES
from ..models import Action, AuditEntry
from ..moments import moment
from .forms import HOLD_FIRST_LABEL, REASON_CHOICES

REASON_LABELS = {choice.value: choice.label for choice in REASON_CHOICES}
ROLE_LABELS = {choice.value: choice.label for choice in ROLE_CHOICES}
# As forum/services/moderation.py and settings.py write them.
SUSPENDED = re.compile(r"until (\d{4}-\d\d-\d\d \d\d:\d\d): (.*)", re.DOTALL)
HOLD_FIRST = re.compile(r"hold first (\d+)")


def entry_reason(entry: AuditEntry) -> str:
    """An entry's reason as a moderator reads it: the codes it stores become their labels.

    Entries are never rewritten, so the codes are read where they are shown; a reason in
    another shape is shown as it was written.
    """
    reason = entry.reason
    if entry.action in (Action.HIDE, Action.REJECT, Action.DISMISS_FLAG):
        code, colon, note = reason.partition(": ")
        if code in REASON_LABELS:
            return f"{REASON_LABELS[code]}{colon}{note}"
    elif entry.action == Action.CHANGE_ROLE:
        old, arrow, new = reason.partition(" → ")
        if old in ROLE_LABELS and new in ROLE_LABELS:
            return f"{ROLE_LABELS[old]}{arrow}{ROLE_LABELS[new]}"
    elif entry.action == Action.SUSPEND and (found := SUSPENDED.fullmatch(reason)):
        until = datetime.strptime(found[1], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        return _("Until %(until)s: %(reason)s", until=moment(until), reason=found[2])
    elif entry.action == Action.CHANGE_SETTINGS and (found := HOLD_FIRST.fullmatch(reason)):
        return f"{HOLD_FIRST_LABEL}: {found[1]}"
    return reason
