"""GET /healthz: each dependency "ok" or "down"; 503 only when the database is down.

Only what lives outside the process is reported: the database always, the page cache and the
rate limits' storage when they are in Redis (not SimpleCache, NullCache or memory://).
"""

from flask import Blueprint, current_app
from limits.storage import MemoryStorage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, limiter
from .pagecache import cache_status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    report = {"database": _database()}
    for name, status in (("cache", cache_status()), ("rate_limits", _rate_limits())):
        if status is not None:
            report[name] = status
    if report["database"] != "ok":
        return {"status": "unavailable", **report}, 503, {"Retry-After": "30"}
    degraded = any(status != "ok" for status in report.values())
    return {"status": "degraded" if degraded else "ok", **report}


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.error("health check: database unreachable: %s", error)
        db.session.rollback()
        return "down"
    return "ok"


def _rate_limits() -> str | None:
    """The limiter's storage, unless limits are off or counted in this process anyway."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    if isinstance(limiter.storage, MemoryStorage):
        return None
    return "ok" if limiter.storage.check() else "down"
