"""Rate limits on writes, per account (stricter for new accounts) and per address."""

from datetime import timedelta

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerDay, parse_many

from .extensions import limiter
from .services.accounts import find_login_user
from .services.rules import is_new_account
from .viewer import viewer

# The longest an account's failed logins make anyone wait: longer, and guessing its password
# from many addresses would lock its owner out.
LOGIN_ACCOUNT_MAX_WAIT = timedelta(minutes=15)
# How long an address that sent a wrong password stays subject to the per-account limit.
FAILED_ADDRESS = RateLimitItemPerDay(1)


def account_key() -> str:
    """The logged-in account, or the address for visitors."""
    user = viewer()
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def login_name_key() -> str:
    """The account a login attempt names (by name or address alike), or the name typed."""
    name = request.form.get("username", "").strip().lower()[:254]
    user = find_login_user(name) if name else None
    return f"login:{user.username_key if user is not None else name}"


def login_failed() -> None:
    """Count this failed login against its account and remember that its address failed."""
    g.login_failed = True
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    try:
        limiter.limiter.hit(FAILED_ADDRESS, *_failed_address_key())
    except Exception as error:  # the storage (Redis) went away since the request's check
        # An uncounted failure costs less than a 500; the next request falls back to memory.
        current_app.logger.warning("failed login not counted: %s", error)


def accepted() -> None:
    """The write this request made was accepted: it counts against the limits (below) that
    count only what is accepted. A refused form, which stored nothing, costs nothing."""
    g.write_accepted = True


def _deduct_accepted(_response) -> bool:
    return g.get("write_accepted", False)


def _deduct_failed_login(_response) -> bool:
    return g.get("login_failed", False)


def _address_never_failed() -> bool:
    """An address with no failed login lately passes the per-account limit (its owner, say)."""
    if request.method != "POST":
        return True
    return limiter.limiter.test(FAILED_ADDRESS, *_failed_address_key())


def _failed_address_key() -> tuple[str, ...]:
    return (current_app.config["RATELIMIT_KEY_PREFIX"], "login-failed", get_remote_address())


def _login_account_limit() -> str:
    """RATELIMIT_LOGIN_ACCOUNT with every window cut to LOGIN_ACCOUNT_MAX_WAIT at most."""
    cap = int(LOGIN_ACCOUNT_MAX_WAIT.total_seconds())
    items = parse_many(current_app.config["RATELIMIT_LOGIN_ACCOUNT"])
    return ";".join(
        f"{item.amount}/{cap // 60} minutes" if item.get_expiry() > cap else str(item)
        for item in items
    )


def _limit(setting: str):
    """A limit read from the config at request time; new accounts get the *_NEW_ACCOUNT one."""

    def value() -> str:
        config = current_app.config
        user = viewer()
        if user is not None and is_new_account(user):
            return config.get(f"{setting}_NEW_ACCOUNT", config[setting])
        return config[setting]

    return value


def _accepted_writes(setting: str, key_func):
    return limiter.limit(
        _limit(setting), key_func=key_func, methods=["POST"], deduct_when=_deduct_accepted
    )


# Writes count once accepted (the view calls accepted()), so that a reader whose form was
# refused (no stance, a blocked word) or an office whose colleagues mistyped a password is
# not locked out; a request over the limit is still refused before it does anything.
posting = limiter.shared_limit(
    _limit("RATELIMIT_POSTING"),
    scope="posting",
    key_func=account_key,
    methods=["POST"],
    deduct_when=_deduct_accepted,
)


editing = _accepted_writes("RATELIMIT_EDITING", account_key)
voting = limiter.limit(_limit("RATELIMIT_VOTING"), key_func=account_key, methods=["POST"])
flagging = _accepted_writes("RATELIMIT_FLAGGING", account_key)
registering = _accepted_writes("RATELIMIT_REGISTERING", get_remote_address)
subscribing = _accepted_writes("RATELIMIT_NEWSLETTER", get_remote_address)
login_by_address = limiter.limit(
    _limit("RATELIMIT_LOGIN"), key_func=get_remote_address, methods=["POST"]
)
password_check = limiter.limit(_limit("RATELIMIT_LOGIN"), key_func=account_key, methods=["POST"])
# Only failures count, and an address that has not failed passes: the owner is never locked
# out by someone else's guesses, who wait at most LOGIN_ACCOUNT_MAX_WAIT.
login_by_account = limiter.limit(
    _login_account_limit,
    key_func=login_name_key,
    methods=["POST"],
    deduct_when=_deduct_failed_login,
    exempt_when=_address_never_failed,
)
password_reset = limiter.limit(
    _limit("RATELIMIT_PASSWORD_RESET"), key_func=get_remote_address, methods=["POST"]
)
exporting = limiter.limit(_limit("RATELIMIT_EXPORT"), key_func=account_key)
