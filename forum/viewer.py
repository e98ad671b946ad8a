"""The user behind the current request, as a model object (or None for a visitor)."""

from flask import g
from flask_login import current_user

from .models import User


def viewer() -> User | None:
    # While a page is rendered to be shared between readers (pagecache), it is rendered for
    # a stand-in reader.
    stand_in = g.get("stand_in")
    if stand_in is not None:
        return stand_in
    return current_user._get_current_object() if current_user.is_authenticated else None


def signed_in() -> User:
    """The logged-in user; for views behind login_required."""
    user = viewer()
    if user is None:
        raise RuntimeError("a view using signed_in() is missing @login_required")
    return user
