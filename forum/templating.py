"""What templates may use besides their context: filters for dates, the permission predicates."""

from datetime import datetime

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_timedelta, get_locale

from . import permissions
from .models import utcnow
from .viewer import viewer


def _datetime(value: datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def _date(value: datetime | None, style: str = "long") -> str:
    return format_date(value, style) if value else ""


def _ago(value: datetime | None) -> str:
    return format_timedelta(value - utcnow(), add_direction=True) if value else ""


def _template_globals() -> dict:
    return {
        "viewer": viewer(),
        "now": utcnow(),
        "current_locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        "site_name": current_app.config["SITE_NAME"],
    }


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["ago"] = _ago
    app.jinja_env.globals["can"] = permissions
    # Macros are imported without the render context; give them the request as Flask's
    # context processor gives it to templates.
    app.jinja_env.globals["request"] = request
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_template_globals)
