"""Dates and times as readers read them, in their language and time zone (Flask-Babel's)."""

from datetime import datetime

from babel import dates
from flask_babel import format_date, format_datetime, get_locale, get_timezone

# Babel's short style reads "12/8/26, 6:00 PM" (which is the day?) and its medium one carries
# seconds: the month as a word and a 24-hour clock read the same to everyone.
DAY_SKELETON = "yMMMd"  # Dec 8, 2026 · 8. dec. 2026
CLOCK_SKELETON = "Hm"  # 18:00 · 18.00


def moment(value: datetime | None, style: str = "medium") -> str:
    """A moment in the reader's language and time zone: "Dec 8, 2026, 18:00" for the short and
    medium styles, "8. dec. 2026 18.00" in Danish; long and full as Babel writes them."""
    if not value:
        return ""
    if style in ("long", "full"):
        return format_datetime(value, style)
    locale, zone = get_locale(), get_timezone()
    date_part = dates.format_skeleton(DAY_SKELETON, value, tzinfo=zone, locale=locale)
    clock_part = dates.format_skeleton(CLOCK_SKELETON, value, tzinfo=zone, locale=locale)
    pattern = locale.datetime_formats["medium"]  # how the language joins the two: "{1}, {0}"
    return pattern.replace("{1}", date_part).replace("{0}", clock_part)


def day(value: datetime | None, style: str = "medium") -> str:
    """A day in the reader's language and time zone, the month as a word: Dec 8, 2026 (long
    and full as Babel writes them)."""
    if not value:
        return ""
    if style in ("long", "full"):
        return format_date(value, style)
    return dates.format_skeleton(DAY_SKELETON, value, tzinfo=get_timezone(), locale=get_locale())
