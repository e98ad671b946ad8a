"""Whom the current request's page is for: the logged-in user, or None.

None for a visitor, and also while a page is rendered for everyone to share (pagecache): that
rendering is for no one, and the parts of it that are a reader's are declared in its
templates (`reader_part`, `own`).
"""

from flask import g, has_request_context
from flask_login import current_user

from .models import User


def viewer() -> User | None:
    # Outside a request (a job in the worker rendering an e-mail) the page is for no one.
    if not has_request_context() or g.get("rendering_for_all"):
        return None
    return current_user._get_current_object() if current_user.is_authenticated else None


def signed_in() -> User:
    """The logged-in user; for views behind login_required."""
    user = viewer()
    if user is None:
        raise RuntimeError("a view using signed_in() is missing @login_required")
    return user
