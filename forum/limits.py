"""Rate limits on writes, per account (stricter for new accounts) and per address."""

from datetime import timedelta

from flask import current_app, request
from flask_limiter.util import get_remote_address

from .extensions import limiter
from .models import utcnow
from .viewer import viewer

NEW_ACCOUNT_AGE = timedelta(days=1)


def account_key() -> str:
    """The logged-in account, or the address for visitors."""
    user = viewer()
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def login_name_key() -> str:
    """The account a login attempt names, so guessing one password is slow from any address."""
    name = request.form.get("username", "").strip().lower()[:254]
    return f"login:{name}"


def _limit(setting: str):
    """A limit read from the config at request time; new accounts get the *_NEW_ACCOUNT one."""

    def value() -> str:
        config = current_app.config
        user = viewer()
        if user is not None and utcnow() - user.created_at < NEW_ACCOUNT_AGE:
            return config.get(f"{setting}_NEW_ACCOUNT", config[setting])
        return config[setting]

    return value


posting = limiter.shared_limit(
    _limit("RATELIMIT_POSTING"), scope="posting", key_func=account_key, methods=["POST"]
)
editing = limiter.limit(_limit("RATELIMIT_EDITING"), key_func=account_key, methods=["POST"])
voting = limiter.limit(_limit("RATELIMIT_VOTING"), key_func=account_key, methods=["POST"])
flagging = limiter.limit(_limit("RATELIMIT_FLAGGING"), key_func=account_key, methods=["POST"])
registering = limiter.limit(
    _limit("RATELIMIT_REGISTERING"), key_func=get_remote_address, methods=["POST"]
)
login_by_address = limiter.limit(
    _limit("RATELIMIT_LOGIN"), key_func=get_remote_address, methods=["POST"]
)
password_check = limiter.limit(_limit("RATELIMIT_LOGIN"), key_func=account_key, methods=["POST"])
login_by_account = limiter.limit(
    _limit("RATELIMIT_LOGIN"), key_func=login_name_key, methods=["POST"]
)
password_reset = limiter.limit(
    _limit("RATELIMIT_PASSWORD_RESET"), key_func=get_remote_address, methods=["POST"]
)
