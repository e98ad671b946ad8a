"""The administrators' user list and role changes."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from ..errors import InvalidInput
from ..models import User
from ..pagination import paginate
from ..permissions import can_manage_users
from ..redirects import local_next
from ..services import moderation
from ..services.accounts import find_user_by_name
from ..viewer import signed_in, viewer
from .forms import CHOOSE_ROLE, RoleForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50
MAX_QUERY = 254


def admin_required(view: Callable) -> Callable:
    """Visitors are sent to log in; logged-in users who are not administrators get 403."""

    @wraps(view)
    @login_required
    def checked(*args, **kwargs):
        user = viewer()
        if not can_manage_users(user):
            abort(403)
        return view(*args, **kwargs)

    return checked


@bp.get("/users")
@admin_required
def users():
    """Every account, by username, narrowed by `q` on username or e-mail."""
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        abort(400)
    query = select(User)
    if q:
        needle = q.lower()
        query = query.where(
            or_(
                User.username_key.contains(needle, autoescape=True),
                User.email.contains(needle, autoescape=True),
            )
        )
    page = paginate(query.order_by(User.username_key), per_page=USERS_PER_PAGE)
    forms = {user.id: RoleForm(formdata=None, role=user.role.value) for user in page.items}
    return render_template("admin/users.html", page=page, q=q, forms=forms)


@bp.post("/users/<username>/role")
@admin_required
def change_role(username: str):
    user = find_user_by_name(username)
    if user is None:
        abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        raise InvalidInput(CHOOSE_ROLE, field="role")
    moderation.change_role(user, signed_in(), form.role.data)
    flash(_("%(name)s's role is changed.", name=user.username), "success")
    return redirect(local_next(url_for("admin.users", q=user.username)))
