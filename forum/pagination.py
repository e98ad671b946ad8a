"""The page of a listing that `?page=` asks for: read in one place for every paginated view."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from .errors import ForumError
from .extensions import db

# Far past the last page of any listing, and small enough that no page's offset (at up to a
# few hundred items a page) overflows a 64-bit integer in the database.
MAX_PAGE = 10**9

BAD_PAGE = _l("The page number must be a whole number from 1 up.")


def page_number() -> int:
    """?page= as a page number: 1 when absent or empty; 400 when it is not a whole number from
    1 up; 404 past MAX_PAGE (no listing has such a page)."""
    raw = request.args.get("page", "")
    if not raw:
        return 1
    digits = raw.lstrip("0")
    if not (raw.isascii() and raw.isdigit()) or not digits:
        raise ForumError(BAD_PAGE)
    # The length first: int() refuses strings of thousands of digits.
    if len(digits) > len(str(MAX_PAGE)) or int(digits) > MAX_PAGE:
        abort(404)
    return int(digits)


def paginate(query: Select, per_page: int) -> Pagination:
    """The page of `query` the URL asks for; a page past the last is an empty page."""
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False)
