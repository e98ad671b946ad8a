"""What caches and other sites may keep of an answer: Cache-Control and Referrer-Policy.

A shared cache (a proxy, a CDN) must never keep a page made for one reader: every answer to a
logged-in reader, and every answer that starts or changes a session or sets a cookie, is
`private`; the pages of a reader's own data (their account, the export, the moderation, admin
and author's desk pages) and pages whose address holds a signed token are `private, no-store`
and, for the token, sent with no Referer. Visitors' public pages keep their own headers.
"""

from flask import Flask, g, request, session
from flask.wrappers import Response

from .extensions import holds_login_cookies
from .requestlog import redacted_path

PERSONAL_BLUEPRINTS = frozenset({"account", "admin", "desk", "moderation"})
NEVER_STORED = "private, no-store"


def _logged_in() -> bool:
    """Whether the request comes with a login (a session or a remember cookie), valid or not."""
    user = g.get("_login_user")
    return holds_login_cookies() or bool(getattr(user, "is_authenticated", False))


def _sets_state(response: Response) -> bool:
    """Whether the answer sets a cookie (the session's is added after this hook runs)."""
    return session.modified or "Set-Cookie" in response.headers


def set_cache_headers(response: Response) -> Response:
    if request.endpoint == "static":
        return response
    holds_token = redacted_path(request.path) != request.path
    if holds_token:
        response.headers["Referrer-Policy"] = "no-referrer"
    if holds_token or request.blueprint in PERSONAL_BLUEPRINTS:
        response.headers["Cache-Control"] = NEVER_STORED
    elif _logged_in() or _sets_state(response):
        control = response.cache_control
        control.public = False
        control.s_maxage = None
        control.private = True
    return response


def init_app(app: Flask) -> None:
    # Flask runs after-request hooks last registered first: put this one first so it runs
    # last, after Flask-Login's remember cookie and Talisman's Referrer-Policy.
    app.after_request_funcs.setdefault(None, []).insert(0, set_cache_headers)
