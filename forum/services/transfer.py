"""Export the whole forum to JSON and import it into an empty database (any dialect)."""

import json
from datetime import datetime
from enum import Enum
from typing import IO, Any

from markupsafe import Markup
from sqlalchemy import Table, func, insert, select

from .. import changes
from ..extensions import db
from ..models import Base
from ..models.base import SafeHTML, UTCDateTime

FORMAT = 1


class NotEmpty(Exception):
    """Import refuses to mix a file into a database that already has content."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Markup):
        return str(value)
    return value


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    typed = dict(row)
    for column in table.columns:
        value = typed.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, UTCDateTime):
            typed[column.name] = datetime.fromisoformat(value)
        elif isinstance(column.type, SafeHTML):
            # The HTML was sanitised when it was first saved; the export is our own.
            typed[column.name] = Markup(value)  # nosec B704
    return typed


def export_data(out: IO[str]) -> dict[str, int]:
    """Write every table, rows in primary-key order, so two exports of one state are equal."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        tables[table.name] = [{key: _plain(value) for key, value in row.items()} for row in rows]
    json.dump({"format": FORMAT, "tables": tables}, out, sort_keys=True, indent=1)
    out.write("\n")
    return {name: len(rows) for name, rows in tables.items()}


def import_data(source: IO[str]) -> dict[str, int]:
    """Load an export into an empty database, parents before children, in one transaction."""
    data = json.load(source)
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown export format {data.get('format')!r}")
    for table in Base.metadata.sorted_tables:
        if db.session.scalar(select(func.count()).select_from(table)):
            raise NotEmpty(f"table {table.name} already has rows")
    counts = {}
    for table in Base.metadata.sorted_tables:
        rows = [_typed(table, row) for row in data["tables"].get(table.name, [])]
        if rows:
            db.session.execute(insert(table), rows)
        counts[table.name] = len(rows)
    advance_sequences()
    changes.everything()
    db.session.commit()
    return counts


def advance_sequences() -> None:
    """PostgreSQL's id sequences must start after ids written by hand; SQLite needs nothing."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.columns and table.columns["id"].autoincrement:
            highest = select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()
            sequence = func.pg_get_serial_sequence(table.name, "id")
            db.session.execute(select(func.setval(sequence, highest + 1, False)))
