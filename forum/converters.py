"""URL converters: a number in a URL is one the database can hold, or the URL matches nothing."""

from werkzeug.routing import IntegerConverter, Map

# The largest id the id columns hold: INTEGER is 32 bits in PostgreSQL (64 in SQLite).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to ids, 1 to MAX_ID, in ASCII digits; anything else is a 404.

    Registered in place of Werkzeug's `int`, so every route, and every route added later,
    gets the bound without naming it; a route that wants other bounds still can, with
    `<int(min=0, max=...):n>`.
    """

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
